"""Plasma and tissue glucose, and insulin-dependent glucose utilization.

Dalla Man, Rizza & Cobelli 2007, eqs. 1 and 21-25:

    dG_p/dt = EGP + Ra - U_ii - E - k_1 G_p + k_2 G_t
    dG_t/dt = -U_id + k_1 G_p - k_2 G_t
    G       = G_p / V_G
    U_id    = V_m(X) G_t / (K_m0 + G_t),   V_m(X) = V_m0 + V_mx X
    dX/dt   = -p_2U X + p_2U (I - I_b)

G_p, G_t in mg/kg, G in mg/dL, fluxes in mg/kg/min, X and I in pmol/L. The insulin-dependent
uptake ``U_id`` is whole-body; the model splits it between muscle and adipose tissue.
Exercise modifies V_m0, the insulin action and K_m (see ``exercise``).
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Glucose

__all__ = [
    "derivatives",
    "insulin_dependent_utilization",
    "plasma_concentration",
    "remote_insulin_derivative",
]


def plasma_concentration(G_p, p: Glucose):
    """Plasma glucose concentration G (mg/dL) from plasma glucose mass G_p (mg/kg)."""
    return G_p / p.V_G


def insulin_dependent_utilization(
    G_t, X, p: Glucose, independent_gain=0.0, extra_insulin_action=0.0, km_factor=1.0
):
    """Insulin-dependent glucose utilization U_id (mg/kg/min).

    The three optional modifiers carry the effects of exercise (see ``exercise``):
    V_m = V_m0 (1 + independent_gain) + V_mx (X + extra_insulin_action), K_m = K_m0 km_factor.
    """
    V_m = p.V_m0 * (1.0 + independent_gain) + p.V_mx * (X + extra_insulin_action)
    K_m = p.K_m0 * km_factor
    # an empty tissue pool takes up nothing, also when exercise has driven K_m to zero
    return V_m * jnp.where(G_t > 0.0, G_t / jnp.where(G_t > 0.0, K_m + G_t, 1.0), 0.0)


def remote_insulin_derivative(X, I, I_b, p: Glucose):
    """dX/dt (pmol/L/min): insulin in the interstitial fluid acting on utilization."""
    return -p.p_2U * X + p.p_2U * (I - I_b)


def derivatives(G_p, G_t, into_plasma, out_of_plasma, U_id, p: Glucose):
    """dG_p/dt and dG_t/dt (mg/kg/min).

    ``into_plasma`` sums EGP, meal and intravenous glucose; ``out_of_plasma`` sums the
    insulin-independent uptake and renal excretion.
    """
    dG_p = into_plasma - out_of_plasma - p.k_1 * G_p + p.k_2 * G_t
    dG_t = -U_id + p.k_1 * G_p - p.k_2 * G_t
    return dG_p, dG_t
