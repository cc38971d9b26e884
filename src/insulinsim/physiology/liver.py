"""Liver: endogenous glucose production (EGP) with delayed insulin action and glucagon.

Dalla Man, Rizza & Cobelli 2007, eqs. 14-16, with the glucagon term of the UVA/Padova S2013
update (Dalla Man et al. 2014, eq. A19):

    EGP     = max(0, k_p1 - k_p2 G_p - k_p3 I_d - k_p4 I_po + xi X_H)
    dI_1/dt = -k_i (I_1 - I)
    dI_d/dt = -k_i (I_d - I_1)
    dX_H/dt = -k_H X_H + k_H max(H - H_b, 0)

EGP in mg/kg/min, G_p in mg/kg, I, I_1, I_d in pmol/L, I_po (portal insulin) in pmol/kg,
H and X_H (glucagon and its action) in pg/mL. Only glucagon above basal raises EGP, so the
published meal-model fits are untouched by the glucagon term.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Glucagon, Liver

__all__ = ["delayed_insulin_derivatives", "glucagon_action_derivative", "glucose_production"]


def glucose_production(G_p, I_d, I_po, X_H, p: Liver, g: Glucagon):
    """Endogenous glucose production EGP (mg/kg/min), non-negative by construction."""
    return jnp.maximum(p.k_p1 - p.k_p2 * G_p - p.k_p3 * I_d - p.k_p4 * I_po + g.xi * X_H, 0.0)


def delayed_insulin_derivatives(I_1, I_d, I, p: Liver):
    """dI_1/dt and dI_d/dt (pmol/L/min): two-compartment delay of insulin action on the liver."""
    return -p.k_i * (I_1 - I), -p.k_i * (I_d - I_1)


def glucagon_action_derivative(X_H, H, g: Glucagon):
    """dX_H/dt (pg/mL/min): delayed action of glucagon above basal on EGP."""
    return -g.k_H * X_H + g.k_H * jnp.maximum(H - g.H_b, 0.0)
