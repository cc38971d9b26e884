"""Endogenous glucose production (Dalla Man et al. 2007, eqs. 14-16; glucagon term 2014)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from insulinsim import person
from insulinsim.physiology import liver

PP = person("healthy")
P, GG = PP.liver, PP.glucagon


def test_egp_formula():
    G_p, I_d, I_po, X_H = 150.0, 30.0, 3.0, 5.0
    expected = (
        float(P.k_p1)
        - float(P.k_p2) * G_p
        - float(P.k_p3) * I_d
        - float(P.k_p4) * I_po
        + float(GG.xi) * X_H
    )
    assert float(liver.glucose_production(G_p, I_d, I_po, X_H, P, GG)) == pytest.approx(expected)


def test_egp_non_negative():
    rng = np.random.default_rng(0)
    G_p = jnp.asarray(rng.uniform(0, 1000, 200))
    I_d = jnp.asarray(rng.uniform(0, 5000, 200))
    I_po = jnp.asarray(rng.uniform(0, 100, 200))
    egp = liver.glucose_production(G_p, I_d, I_po, 0.0, P, GG)
    assert bool(jnp.all(egp >= 0.0))
    assert float(liver.glucose_production(200.0, 1e4, 50.0, 0.0, P, GG)) == 0.0


def test_delayed_insulin_steady_state():
    d1, dd = liver.delayed_insulin_derivatives(40.0, 40.0, 40.0, P)
    assert float(d1) == 0.0 and float(dd) == 0.0
    d1, dd = liver.delayed_insulin_derivatives(25.0, 25.0, 40.0, P)
    assert float(d1) == pytest.approx(float(P.k_i) * 15.0) and float(dd) == 0.0


def test_glucagon_action_only_above_basal():
    H_b = float(GG.H_b)
    assert float(liver.glucagon_action_derivative(0.0, H_b - 10.0, GG)) == 0.0
    assert float(liver.glucagon_action_derivative(0.0, H_b + 10.0, GG)) == pytest.approx(
        float(GG.k_H) * 10.0
    )
