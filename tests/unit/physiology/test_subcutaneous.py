"""Subcutaneous insulin absorption (Dalla Man et al. 2007, GIM)."""

from __future__ import annotations

import pytest

from insulinsim import person
from insulinsim.physiology import subcutaneous

P = person("healthy").subcutaneous


@pytest.mark.parametrize("rate", [0.0, 0.7746924359165902, 10.0])
def test_steady_state_appearance_equals_infusion(rate):
    k_d, k_a1, k_a2 = float(P.k_d), float(P.k_a1), float(P.k_a2)
    I_sc1 = rate / (k_d + k_a1)
    I_sc2 = k_d * I_sc1 / k_a2
    d1, d2 = subcutaneous.derivatives(I_sc1, I_sc2, rate, P)
    assert float(d1) == pytest.approx(0.0, abs=1e-12)
    assert float(d2) == pytest.approx(0.0, abs=1e-12)
    assert float(subcutaneous.appearance(I_sc1, I_sc2, P)) == pytest.approx(rate, abs=1e-12)


def test_mass_balance():
    d1, d2 = subcutaneous.derivatives(3.0, 2.0, 1.0, P)
    ra = subcutaneous.appearance(3.0, 2.0, P)
    assert float(d1 + d2) == pytest.approx(1.0 - float(ra))
