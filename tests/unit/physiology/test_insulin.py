"""Insulin kinetics and hepatic extraction (Dalla Man et al. 2007, eqs. 3-9)."""

from __future__ import annotations

import numpy as np
import pytest

from insulinsim import person
from insulinsim.physiology import insulin

P = person("healthy").insulin
S_B = float(person("healthy").pancreas.S_b)


def test_hepatic_extraction_formula():
    for S in (0.0, 1.0, S_B, 5.0):
        expected = min(max(float(P.m_6) - float(P.m_5) * S, 0.0), 0.95)
        assert float(insulin.hepatic_extraction(S, P)) == pytest.approx(expected, rel=1e-12)


def test_basal_extraction_is_HE_b():
    # S_b is defined by HE(S_b) = HE_b (Sec. III.B)
    assert float(insulin.hepatic_extraction(S_B, P)) == pytest.approx(float(P.HE_b), rel=1e-9)


def test_extraction_stays_in_unit_interval():
    assert float(insulin.hepatic_extraction(1e6, P)) == 0.0
    assert float(insulin.hepatic_extraction(-1e6, P)) == 0.95


def test_steady_state_of_kinetics():
    """Solve the linear steady state by hand and check both derivatives vanish."""
    S, Ra = S_B, 0.7
    HE = float(P.m_6) - float(P.m_5) * S
    m_1, m_2, m_4 = float(P.m_1), float(P.m_2), float(P.m_4)
    m_3 = HE * m_1 / (1.0 - HE)
    A = np.array([[-(m_1 + m_3), m_2], [m_1, -(m_2 + m_4)]])
    I_l, I_p = np.linalg.solve(A, [-S, -Ra])
    dI_l, dI_p = insulin.derivatives(I_l, I_p, S, Ra, P)
    assert float(dI_l) == pytest.approx(0.0, abs=1e-12)
    assert float(dI_p) == pytest.approx(0.0, abs=1e-12)
    # basal plasma insulin of the meal model (record dallaman2007_basal_values_normal: 25.49)
    _I_l0, I_p0 = np.linalg.solve(A, [-S, 0.0])
    assert float(insulin.plasma_concentration(I_p0, P)) == pytest.approx(25.49, abs=0.5)
