"""Organ responses and the receptor side of the vicious cycle, from simulation results.

Everything here is computed from simulated time courses (mechanistic insulin action), not
written by hand: daily means of the organ fluxes, the quasi-steady sex-hormone read-outs of
``physiology.gonads`` from the day's mean ovarian and hepatic-lipogenic insulin action, and
the insulin-dose probe of the muscle's GLUT4 response for the surface receptors left after
days of hyperinsulinemia.
"""

from __future__ import annotations

import jax
import numpy as np
import pandas as pd
import xarray as xr

from insulinsim.model import glut4_response, insulin_for_glut4
from insulinsim.parameters import Parameters
from insulinsim.physiology import gonads

__all__ = ["ORGAN_ROWS", "organ_table", "receptor_course"]

# (row label, unit, how it is computed from a day's result)
ORGAN_ROWS: tuple[tuple[str, str, str], ...] = (
    ("muscle glucose uptake", "mg/kg/min", "uptake_muscle"),
    ("hepatic glucose output", "mg/kg/min", "egp"),
    ("hepatic lipogenic insulin action", "pmol/L", "action_lipogenic"),
    ("adipose lipolysis", "umol/L/min", "lipolysis"),
    ("plasma FFA", "umol/L", "ffa"),
    ("pancreatic insulin secretion", "pmol/kg/min", "secretion"),
    ("plasma insulin", "pmol/L", "insulin"),
    ("plasma glucose", "mg/dL", "glucose"),
    ("ovarian androgen production (relative)", "1", "gonads:ovary"),
    ("total testosterone", "nmol/L", "gonads:tt"),
    ("SHBG", "nmol/L", "gonads:shbg"),
    ("free androgen index", "%", "gonads:fai"),
)


def organ_table(ds: xr.Dataset, people: list[Parameters]) -> pd.DataFrame:
    """Daily means of each organ's response, one column per person of ``ds``.

    ``ds`` is a day (or several) simulated with the mechanistic option; ``people`` are the
    parameter sets in the order of ``ds.person``.
    """
    mean = ds.mean("time")
    cols = {}
    for k, name in enumerate(ds.person.values):
        p = people[k]
        m = mean.isel(person=k)
        g = gonads.steady_state(
            float(m.action_ovary), float(m.action_lipogenic), p.gonads.visceral_fat_kg, p.gonads
        )
        hormones = {
            "gonads:ovary": float(g.ovarian_androgen_production),
            "gonads:tt": float(g.total_testosterone),
            "gonads:shbg": float(g.shbg),
            "gonads:fai": float(g.free_androgen_index),
        }
        cols[str(name)] = [
            hormones[src] if src.startswith("gonads:") else float(m[src])
            for _, _, src in ORGAN_ROWS
        ]
    index = pd.MultiIndex.from_tuples([(r, u) for r, u, _ in ORGAN_ROWS], names=["organ", "unit"])
    return pd.DataFrame(cols, index=index)


def receptor_course(ds: xr.Dataset, p: Parameters, probe_pmol_l: float = 600.0) -> xr.Dataset:
    """Surface receptors, GLUT4 response and insulin needed over a hyperinsulinemia run.

    For each time of ``ds`` (one person, mechanistic option): the muscle's surface receptors
    (% of the starting value), its GLUT4 response to a minutes-long probe at
    ``probe_pmol_l`` (surface GLUT4 rise over the no-insulin value, % of the starting
    response) and the probe insulin needed to reach the starting response with the receptors
    left (pmol/L).
    """
    one = ds.isel(person=0) if "person" in ds.dims else ds
    surface = one.receptors_muscle.values / 100.0 * float(p.receptor.R_total)
    resp = jax.vmap(lambda s: glut4_response(probe_pmol_l, s, p) - glut4_response(0.0, s, p))
    response = np.asarray(resp(surface))
    target = float(glut4_response(probe_pmol_l, surface[0], p))
    need = np.asarray(jax.vmap(lambda s: insulin_for_glut4(target, s, p))(surface))
    t = one.time.values
    return xr.Dataset(
        {
            "surface_receptors": (
                "time",
                100.0 * surface / surface[0],
                {"units": "% of start", "long_name": "muscle surface insulin receptors"},
            ),
            "glut4_response": (
                "time",
                100.0 * response / response[0],
                {"units": "% of start", "long_name": f"GLUT4 response to {probe_pmol_l:g} pmol/L"},
            ),
            "insulin_needed": (
                "time",
                need,
                {"units": "pmol/L", "long_name": "insulin needed for the starting GLUT4 response"},
            ),
            "gir": (
                "time",
                one.gir.values,
                {"units": "mg/kg/min", "long_name": "glucose infusion"},
            ),
            "insulin": ("time", one.insulin.values, {"units": "pmol/L"}),
        },
        coords={"time": ("time", t, {"units": "min"})},
    )
