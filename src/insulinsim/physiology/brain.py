"""Brain and red cells: insulin-independent glucose uptake.

Dalla Man, Rizza & Cobelli 2007, eq. 20: U_ii = F_cns, a constant 1 mg/kg/min, about half of
basal glucose use (DeFronzo 2004; record phys_basal_disposal_partition). Brain uptake is
saturated only above about 40 mg/dL (DeFronzo 2004); below that it falls with glucose:

    U_ii = F_cns min(G / G_sat, 1),   G = G_p / V_G

so plasma glucose can never be driven below zero.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Brain

__all__ = ["uptake"]


def uptake(G_p, V_G, p: Brain):
    """Insulin-independent uptake U_ii (mg/kg/min) for plasma glucose mass G_p (mg/kg).

    ``V_G`` (dL/kg) converts G_p to concentration.
    """
    return p.F_cns * jnp.clip(G_p / (V_G * p.G_sat), 0.0, 1.0)
