"""Glucose kinetics and insulin-dependent utilization (Dalla Man et al. 2007, eqs. 1, 21-25)."""

from __future__ import annotations

import pytest

from insulinsim import person
from insulinsim.physiology import glucose

P = person("healthy").glucose


def test_plasma_concentration():
    assert float(glucose.plasma_concentration(188.0, P)) == pytest.approx(188.0 / float(P.V_G))


def test_michaelis_menten_utilization():
    G_t, X = 150.0, 20.0
    V_m = float(P.V_m0) + float(P.V_mx) * X
    expected = V_m * G_t / (float(P.K_m0) + G_t)
    assert float(glucose.insulin_dependent_utilization(G_t, X, P)) == pytest.approx(expected)
    # half-maximal at G_t = K_m0
    half = float(glucose.insulin_dependent_utilization(float(P.K_m0), 0.0, P))
    assert half == pytest.approx(0.5 * float(P.V_m0))


def test_exercise_modifiers_enter_as_documented():
    G_t, X = 150.0, 10.0
    u = float(glucose.insulin_dependent_utilization(G_t, X, P, 0.5, 3.0, 0.8))
    V_m = float(P.V_m0) * 1.5 + float(P.V_mx) * (X + 3.0)
    assert u == pytest.approx(V_m * G_t / (0.8 * float(P.K_m0) + G_t))


def test_remote_insulin_steady_state_is_insulin_above_basal():
    assert float(glucose.remote_insulin_derivative(15.0, 40.0, 25.0, P)) == pytest.approx(0.0)
    assert float(glucose.remote_insulin_derivative(0.0, 40.0, 25.0, P)) > 0.0


def test_exchange_between_plasma_and_tissue_conserves_mass():
    dG_p, dG_t = glucose.derivatives(170.0, 130.0, 0.0, 0.0, 0.0, P)
    assert float(dG_p + dG_t) == pytest.approx(0.0, abs=1e-12)
    dG_p, dG_t = glucose.derivatives(170.0, 130.0, 2.0, 1.0, 0.5, P)
    assert float(dG_p + dG_t) == pytest.approx(2.0 - 1.0 - 0.5)
