"""Pancreas: beta-cell insulin secretion (static and dynamic phases) and alpha-cell glucagon.

Insulin (Dalla Man, Rizza & Cobelli 2007, eqs. 17-19):

    S       = gamma I_po
    dI_po/dt = -gamma I_po + S_po
    S_po    = max(Y + K max(dG/dt, 0) + S_b, 0)
    dY/dt   = -alpha (Y - max(beta (G - h), -S_b)),   h = G_b

K (pmol/kg per mg/dL) is the dynamic, first-phase responsivity to the rate of rise of glucose;
beta (pmol/kg/min per mg/dL) the static, second-phase responsivity, delayed by 1/alpha.

Glucagon (UVA/Padova S2013, Dalla Man et al. 2014, eqs. A18-A21, as implemented openly; the
parameter values are placeholders, see ``data/params/glucagon.toml``):

    dH/dt     = -n H + SR_H^s + SR_H^d
    dSR_H^s/dt = -rho (SR_H^s - max(sigma (G_b - G) / (1 + max(I - I_b, 0)) + n H_b, 0))
    SR_H^d    = delta max(-dG/dt, 0)

H in pg/mL, secretion in pg/mL/min, glucose in mg/dL, insulin in pmol/L.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Glucagon, Pancreas

__all__ = [
    "glucagon_derivatives",
    "insulin_secretion_derivatives",
    "portal_secretion",
]


def portal_secretion(I_po, p: Pancreas):
    """Insulin secretion into the portal vein reaching the liver, S (pmol/kg/min)."""
    return p.gamma * I_po


def insulin_secretion_derivatives(Y, I_po, G, dG_dt, G_b, p: Pancreas):
    """dY/dt (pmol/kg/min^2) and dI_po/dt (pmol/kg/min) of beta-cell secretion.

    ``G`` and ``G_b`` in mg/dL, ``dG_dt`` in mg/dL/min.
    """
    dY = -p.alpha * (Y - jnp.maximum(p.beta * (G - G_b), -p.S_b))
    S_po = jnp.maximum(Y + p.K * jnp.maximum(dG_dt, 0.0) + p.S_b, 0.0)
    dI_po = -p.gamma * I_po + S_po
    return dY, dI_po


def glucagon_derivatives(H, SR_Hs, G, dG_dt, I, G_b, I_b, g: Glucagon):
    """dH/dt (pg/mL/min) and dSR_H^s/dt (pg/mL/min^2) of glucagon secretion and kinetics."""
    SR_Hb = g.n * g.H_b
    target = jnp.maximum(g.sigma * (G_b - G) / (1.0 + jnp.maximum(I - I_b, 0.0)) + SR_Hb, 0.0)
    dSR_Hs = -g.rho * (SR_Hs - target)
    SR_Hd = g.delta * jnp.maximum(-dG_dt, 0.0)
    dH = -g.n * H + SR_Hs + SR_Hd
    return dH, dSR_Hs
