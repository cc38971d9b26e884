"""Brain and red cells: insulin-independent glucose uptake.

Dalla Man, Rizza & Cobelli 2007, eq. 20: U_ii = F_cns, a constant 1 mg/kg/min, about half of
basal glucose use (DeFronzo 2004; record phys_basal_disposal_partition).
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Brain

__all__ = ["uptake"]


def uptake(G_p, p: Brain):
    """Insulin-independent uptake U_ii (mg/kg/min); constant in this formulation."""
    return jnp.full_like(G_p, p.F_cns)
