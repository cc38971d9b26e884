"""Renal glucose excretion (Dalla Man et al. 2007, eq. 27)."""

from __future__ import annotations

import pytest

from insulinsim import person
from insulinsim.physiology import kidney

P = person("healthy").kidney


@pytest.mark.parametrize("G_p", [0.0, 100.0, 338.9, 339.0])
def test_zero_below_threshold(G_p):
    assert float(kidney.excretion(G_p, P)) == 0.0


@pytest.mark.parametrize("excess", [1.0, 50.0, 300.0])
def test_linear_above_threshold(excess):
    E = float(kidney.excretion(float(P.k_e2) + excess, P))
    assert E == pytest.approx(float(P.k_e1) * excess, rel=1e-12)


def test_threshold_is_about_180_mg_dl():
    V_G = float(person("healthy").glucose.V_G)
    assert float(P.k_e2) / V_G == pytest.approx(180.0, abs=1.0)
