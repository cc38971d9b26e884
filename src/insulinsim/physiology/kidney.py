"""Kidney: glucose excretion above the renal threshold.

Dalla Man, Rizza & Cobelli 2007, eq. 27:  E = k_e1 (G_p - k_e2) if G_p > k_e2, else 0
(mg/kg/min). k_e2 = 339 mg/kg is about 180 mg/dL of plasma glucose for V_G = 1.88 dL/kg.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Kidney

__all__ = ["excretion"]


def excretion(G_p, p: Kidney):
    """Renal glucose excretion E (mg/kg/min) for plasma glucose mass G_p (mg/kg)."""
    return p.k_e1 * jnp.maximum(G_p - p.k_e2, 0.0)
