"""Exercise model C (Breton 2008; Dalla Man, Breton & Cobelli 2009)."""

from __future__ import annotations

import pytest

from insulinsim import person
from insulinsim.physiology import exercise

P = person("healthy").exercise


def _f(Y):
    # f(Y) is the source of dZ/dt at Z = 0
    _, dZ, _ = exercise.derivatives(Y, 0.0, 0.0, P)
    return float(dZ)


def test_half_activation_at_a_HR_b():
    assert _f(float(P.a) * float(P.HR_b)) == pytest.approx(0.5, rel=1e-12)


def test_activation_is_a_hill_function():
    assert _f(0.0) == 0.0
    assert _f(-5.0) == 0.0
    assert _f(10 * float(P.a) * float(P.HR_b)) > 0.99


def test_heart_rate_follows_input():
    dY, _, dW = exercise.derivatives(0.0, 0.0, 60.0, P)
    assert float(dY) == pytest.approx(60.0 / float(P.t_HR))
    assert float(dW) == 60.0
    dY, _, _ = exercise.derivatives(60.0, 0.0, 60.0, P)
    assert float(dY) == 0.0


def test_modifiers_at_rest_are_neutral():
    gain, extra, km = exercise.uptake_modifiers(0.0, 0.0, 0.0, 25.0, P)
    assert float(gain) == 0.0 and float(extra) == 0.0 and float(km) == 1.0


def test_modifiers_during_exercise():
    Y, Z, W, X_abs = 30.0, 0.5, 1000.0, 25.0
    gain, extra, km = exercise.uptake_modifiers(Y, Z, W, X_abs, P)
    assert float(gain) == pytest.approx(float(P.beta_ex) * Y)
    assert float(extra) == pytest.approx(float(P.alpha_ex) * Z * W * X_abs)
    assert float(km) == pytest.approx(1.0 - float(P.gamma_ex) * Z * W * X_abs)
