"""Glycation: HbA1c from glycaemia over the red-cell life span.

At steady state HbA1c follows the ADAG relation (Nathan et al. 2008),
mean glucose = adag_slope A1c - adag_intercept; after a change of glycaemia it approaches
that value first-order with the half-time measured by Tahara & Shima 1995.
HbA1c in % (NGSP), glucose in mg/dL, time in days.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Glycation

__all__ = ["hba1c_steady", "hba1c_update"]


def hba1c_steady(mean_glucose, p: Glycation):
    """HbA1c (%) that a constant mean glucose (mg/dL) settles to."""
    return (mean_glucose + p.adag_intercept) / p.adag_slope


def hba1c_update(a1c, mean_glucose, dt_days, p: Glycation):
    """HbA1c (%) after ``dt_days`` at a constant mean glucose (exact first-order step)."""
    target = hba1c_steady(mean_glucose, p)
    return target + (a1c - target) * jnp.exp(-jnp.log(2.0) * dt_days / p.half_time)
