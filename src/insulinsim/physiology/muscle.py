"""Skeletal muscle: its share of insulin-dependent glucose uptake.

Muscle takes 80-85 % of insulin-stimulated peripheral glucose uptake after glucose ingestion
(DeFronzo 2004; record phys_postprandial_peripheral_partition). The whole-body
insulin-dependent uptake U_id of the meal model is split by a fixed share; the exercise route
(insulin-independent uptake during contraction) is added in ``exercise``.
"""

from __future__ import annotations

from insulinsim.parameters import Muscle

__all__ = ["glucose_uptake"]


def glucose_uptake(U_id, p: Muscle):
    """Muscle glucose uptake (mg/kg/min) from whole-body insulin-dependent uptake U_id."""
    return p.share_muscle * U_id
