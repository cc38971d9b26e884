"""Gut: gastric emptying and absorption (Dalla Man, Rizza & Cobelli 2007, eqs. 10-13)."""

from __future__ import annotations

import math

import jax.numpy as jnp
import pytest

from insulinsim import person
from insulinsim.physiology import gut

P = person("healthy").gut
D = 78_000.0  # mg: the 78-g reference meal


def k(Q, D=D):
    return float(gut.gastric_emptying_rate(jnp.asarray(Q), jnp.asarray(D), P))


def test_empty_stomach_empties_at_k_max():
    # Q_sto = 0: tanh(-5b/(2(1-b))) ~ -1 and tanh(-5/2) = -0.9866 -> k_max - 0.0067 (k_max-k_min)
    expected = float(P.k_min) + 0.5 * (float(P.k_max) - float(P.k_min)) * (
        math.tanh(-2.5 * float(P.b) / (1 - float(P.b))) - math.tanh(-2.5) + 2.0
    )
    assert k(0.0) == pytest.approx(expected, rel=1e-12)
    assert k(0.0) == pytest.approx(float(P.k_max), abs=0.01 * (float(P.k_max) - float(P.k_min)))


def test_full_stomach_empties_at_k_max():
    # Q_sto = D: tanh(5/2) - tanh(5(1-d)/(2d)) + 2 = 1.9866 -> within 1 % of k_max
    assert k(D) == pytest.approx(float(P.k_max), abs=0.01 * (float(P.k_max) - float(P.k_min)))


def test_half_full_stomach_empties_at_k_min():
    # between dD and bD both tanh terms saturate (tanh(-5.6) = -0.99997): k -> k_min
    span = float(P.k_max) - float(P.k_min)
    assert k(0.5 * (float(P.b) + float(P.d)) * D) == pytest.approx(float(P.k_min), abs=1e-4 * span)


def test_half_way_points():
    # at Q = bD the first tanh is 0 and the second ~1: k = (k_max + k_min)/2 (definition of b)
    mid = 0.5 * (float(P.k_max) + float(P.k_min))
    assert k(float(P.b) * D) == pytest.approx(mid, rel=1e-4)
    assert k(float(P.d) * D) == pytest.approx(mid, rel=1e-4)


def test_no_meal_empties_at_k_max():
    assert k(0.0, D=0.0) == float(P.k_max)


def test_dose_in_grams_would_be_wrong():
    """A dose in g (78) instead of mg makes the curve 1000x too narrow: for Q = D/2 in mg the
    rate is then k_max instead of k_min. Guards the unit of D."""
    assert k(D / 2, D=78.0) == pytest.approx(float(P.k_max), rel=1e-6)
    assert k(D / 2) < 0.2 * float(P.k_max)


def test_derivatives_conserve_mass_and_absorption():
    Q1, Q2, Qg, ing = 1000.0, 2000.0, 3000.0, 50.0
    d1, d2, dg = gut.derivatives(Q1, Q2, Qg, ing, D, P)
    # what leaves the gut is absorbed: total change = ingestion - k_abs Q_gut
    assert float(d1 + d2 + dg) == pytest.approx(ing - float(P.k_abs) * Qg, rel=1e-12)
    assert float(d1) == pytest.approx(-float(P.k_gri) * Q1 + ing)


def test_rate_of_appearance():
    BW = 78.0
    assert float(gut.rate_of_appearance(1000.0, BW, P)) == pytest.approx(
        float(P.f) * float(P.k_abs) * 1000.0 / BW
    )
