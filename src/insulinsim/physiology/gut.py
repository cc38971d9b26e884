"""Gut: gastric emptying and intestinal absorption of ingested glucose.

Three-compartment model of Dalla Man, Camilleri & Cobelli (2006) as used in the meal model
(Dalla Man, Rizza & Cobelli 2007, eqs. 10-13):

    dQ_sto1/dt = -k_gri Q_sto1 + ingestion(t)
    dQ_sto2/dt = -k_empt(Q_sto) Q_sto2 + k_gri Q_sto1
    dQ_gut/dt  = -k_abs Q_gut + k_empt(Q_sto) Q_sto2
    Ra         = f k_abs Q_gut / BW

    k_empt = k_min + (k_max - k_min)/2 [tanh(a (Q_sto - b D)) - tanh(c (Q_sto - d D)) + 2]
    a = 5 / (2 D (1 - b)),  c = 5 / (2 D d)

with Q in mg, D the dose of the current meal in **mg** (a dose in grams is the classic bug that
makes emptying 1000 times too fast), Ra in mg/kg/min.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Gut

__all__ = ["derivatives", "gastric_emptying_rate", "rate_of_appearance"]


def gastric_emptying_rate(Q_sto, D, p: Gut):
    """Rate constant of gastric emptying k_empt (1/min) for stomach content Q_sto (mg).

    ``D`` is the dose of the current meal (mg). Without a meal (D = 0) the stomach is empty and
    the rate is k_max, its value for a nearly empty stomach.
    """
    D_safe = jnp.maximum(D, 1.0)
    a = 5.0 / (2.0 * D_safe * (1.0 - p.b))
    c = 5.0 / (2.0 * D_safe * p.d)
    k = p.k_min + 0.5 * (p.k_max - p.k_min) * (
        jnp.tanh(a * (Q_sto - p.b * D_safe)) - jnp.tanh(c * (Q_sto - p.d * D_safe)) + 2.0
    )
    return jnp.where(D > 0.0, k, p.k_max)


def derivatives(Q_sto1, Q_sto2, Q_gut, ingestion_mg_min, D, p: Gut):
    """Time derivatives (mg/min) of the solid and liquid stomach and the gut compartments."""
    k_empt = gastric_emptying_rate(Q_sto1 + Q_sto2, D, p)
    dQ_sto1 = -p.k_gri * Q_sto1 + ingestion_mg_min
    dQ_sto2 = -k_empt * Q_sto2 + p.k_gri * Q_sto1
    dQ_gut = -p.k_abs * Q_gut + k_empt * Q_sto2
    return dQ_sto1, dQ_sto2, dQ_gut


def rate_of_appearance(Q_gut, BW, p: Gut):
    """Rate of appearance of ingested glucose in plasma, Ra (mg/kg/min)."""
    return p.f * p.k_abs * Q_gut / BW
