"""Organ modules: pure functions from (state, parameters, inputs) to fluxes (layer 2).

Each module holds the equations of one organ or mechanism and imports no other organ; the
fast model in :mod:`insulinsim.model` wires their inputs and outputs together. Symbols follow
the source papers (Dalla Man, Rizza & Cobelli 2007 for the meal model); units are those of the
model: glucose mg/kg and mg/dL, insulin pmol/kg and pmol/L, time in minutes.
"""

from insulinsim.physiology import (
    adipose,
    brain,
    exercise,
    glucose,
    glycation,
    gut,
    insulin,
    kidney,
    liver,
    muscle,
    pancreas,
    receptor,
    signalling,
    subcutaneous,
)

__all__ = [
    "adipose",
    "brain",
    "exercise",
    "glucose",
    "glycation",
    "gut",
    "insulin",
    "kidney",
    "liver",
    "muscle",
    "pancreas",
    "receptor",
    "signalling",
    "subcutaneous",
]
