"""Insulin secretion and glucagon (Dalla Man et al. 2007, eqs. 17-19; 2014 glucagon)."""

from __future__ import annotations

import pytest

from insulinsim import person
from insulinsim.physiology import pancreas

PP = person("healthy")
P, GG = PP.pancreas, PP.glucagon
G_B = 91.8


def test_basal_secretion_is_steady():
    I_po = float(P.S_b) / float(P.gamma)
    dY, dI_po = pancreas.insulin_secretion_derivatives(0.0, I_po, G_B, 0.0, G_B, P)
    assert float(dY) == 0.0
    assert float(dI_po) == pytest.approx(0.0, abs=1e-12)
    assert float(pancreas.portal_secretion(I_po, P)) == pytest.approx(float(P.S_b))


def test_static_secretion_target():
    # dY = -alpha (Y - beta (G - h)); steady at Y = beta (G - h)
    G = G_B + 50.0
    Y = float(P.beta) * 50.0
    dY, _ = pancreas.insulin_secretion_derivatives(Y, 0.0, G, 0.0, G_B, P)
    assert float(dY) == pytest.approx(0.0, abs=1e-12)
    # below basal the target is bounded by -S_b (secretion cannot go negative)
    dY, _ = pancreas.insulin_secretion_derivatives(-float(P.S_b), 0.0, 10.0, 0.0, G_B, P)
    assert float(dY) == pytest.approx(0.0, abs=1e-12)


def test_dynamic_secretion_only_on_rising_glucose():
    I_po = float(P.S_b) / float(P.gamma)
    _, up = pancreas.insulin_secretion_derivatives(0.0, I_po, G_B, 2.0, G_B, P)
    _, down = pancreas.insulin_secretion_derivatives(0.0, I_po, G_B, -2.0, G_B, P)
    assert float(up) == pytest.approx(float(P.K) * 2.0)
    assert float(down) == pytest.approx(0.0, abs=1e-12)


def test_glucagon_basal_steady_state():
    H_b = float(GG.H_b)
    dH, dS = pancreas.glucagon_derivatives(H_b, float(GG.n) * H_b, G_B, 0.0, 25.0, G_B, 25.0, GG)
    assert float(dH) == pytest.approx(0.0, abs=1e-12)
    assert float(dS) == pytest.approx(0.0, abs=1e-12)


def test_glucagon_rises_when_glucose_falls():
    H_b = float(GG.H_b)
    _, dS = pancreas.glucagon_derivatives(H_b, float(GG.n) * H_b, 60.0, 0.0, 25.0, G_B, 25.0, GG)
    assert float(dS) > 0.0
    dH, _ = pancreas.glucagon_derivatives(H_b, float(GG.n) * H_b, G_B, -1.0, 25.0, G_B, 25.0, GG)
    assert float(dH) == pytest.approx(float(GG.delta) * 1.0)
