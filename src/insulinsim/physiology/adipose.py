"""Adipose tissue: its share of insulin-dependent glucose uptake.

Adipose tissue takes 4-5 % of insulin-stimulated peripheral glucose uptake (DeFronzo 2004;
record phys_postprandial_peripheral_partition). Plasma FFA and lipolysis are not yet modelled
(no published parameter set was available offline; see notes/submodels.md).
"""

from __future__ import annotations

from insulinsim.parameters import Adipose

__all__ = ["glucose_uptake"]


def glucose_uptake(U_id, p: Adipose):
    """Adipose glucose uptake (mg/kg/min) from whole-body insulin-dependent uptake U_id."""
    return p.share_adipose * U_id
