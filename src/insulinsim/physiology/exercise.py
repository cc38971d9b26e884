"""Acute exercise: heart-rate-driven effects on glucose uptake ("model C").

Breton 2008 and Dalla Man, Breton & Cobelli 2009 (J Diabetes Sci Technol 3:56), eqs. 7-12:

    dY/dt = -(Y - dHR) / t_HR                         Y: heart rate above basal (bpm)
    f(Y)  = (Y/(a HR_b))^n / (1 + (Y/(a HR_b))^n)
    dZ/dt = -(f(Y)/t_in + 1/t_ex) Z + f(Y)             Z: slow exercise memory (0..1)
    dW/dt = dHR                                       W: accumulated exercise (bpm min)

Two separate effects, as the sources insist:

- insulin-independent uptake rises at once with Y: V_m0 -> V_m0 (1 + beta Y);
- insulin action rises and lasts hours after exercise (Z W): V_mx X_abs -> V_mx (1 + alpha Z W)
  X_abs and K_m0 -> K_m0 (1 - gamma Z W X_abs), with X_abs = X + I_b (pmol/L).

The published model resets W once Z has returned to zero (about two days after a bout); that
reset is outside the span of the fast model and is not included.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Exercise

__all__ = ["derivatives", "uptake_modifiers"]


def derivatives(Y, Z, dHR_bpm, p: Exercise):
    """dY/dt (bpm/min), dZ/dt (1/min) and dW/dt (bpm) for a heart rate dHR_bpm above basal."""
    r = jnp.maximum(Y, 0.0) / (p.a * p.HR_b)
    f = r**p.n_ex / (1.0 + r**p.n_ex)
    dY = -(Y - dHR_bpm) / p.t_HR
    dZ = -(f / p.t_in + 1.0 / p.t_ex) * Z + f
    return dY, dZ, dHR_bpm


def uptake_modifiers(Y, Z, W, X_abs, p: Exercise):
    """Factors applied to insulin-dependent uptake by exercise.

    Returns ``(independent_gain, extra_insulin_action, km_factor)``: V_m0 is multiplied by
    ``1 + independent_gain`` (dimensionless), ``extra_insulin_action`` (pmol/L, = alpha Z W
    X_abs) adds to the insulin action X, and K_m0 is multiplied by ``km_factor`` (>= 0).
    """
    ZW = Z * W
    km_factor = jnp.maximum(1.0 - p.gamma_ex * ZW * X_abs, 0.0)
    return p.beta_ex * jnp.maximum(Y, 0.0), p.alpha_ex * ZW * X_abs, km_factor
