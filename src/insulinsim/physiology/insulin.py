"""Insulin kinetics: liver and plasma compartments with hepatic extraction.

Dalla Man, Rizza & Cobelli 2007, eqs. 3-9:

    dI_l/dt = -(m_1 + m_3) I_l + m_2 I_p + S
    dI_p/dt = -(m_2 + m_4) I_p + m_1 I_l + Ra_I
    I       = I_p / V_I
    HE      = -m_5 S + m_6,    m_3 = HE m_1 / (1 - HE)

I_l, I_p in pmol/kg; S (secretion into the portal vein) and Ra_I (exogenous insulin reaching
plasma: subcutaneous absorption or intravenous infusion) in pmol/kg/min; I in pmol/L.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Insulin

__all__ = ["derivatives", "hepatic_extraction", "plasma_concentration"]


def hepatic_extraction(S, p: Insulin):
    """Hepatic insulin extraction HE (fraction, kept inside [0, 0.95]).

    The bounds are numerical guards, not physiology: HE <= m_6 (0.81 at most in the presets),
    so the upper one only stops an override m_6 -> 1 from making m_3 = HE m_1/(1 - HE)
    infinite; the lower one stops very high secretion from giving a negative extraction.
    """
    return jnp.clip(p.m_6 - p.m_5 * S, 0.0, 0.95)


def plasma_concentration(I_p, p: Insulin):
    """Plasma insulin I (pmol/L) from plasma insulin mass I_p (pmol/kg)."""
    return I_p / p.V_I


def derivatives(I_l, I_p, S, Ra_I, p: Insulin):
    """dI_l/dt and dI_p/dt (pmol/kg/min)."""
    HE = hepatic_extraction(S, p)
    m_3 = HE * p.m_1 / (1.0 - HE)
    dI_l = -(p.m_1 + m_3) * I_l + p.m_2 * I_p + S
    dI_p = -(p.m_2 + p.m_4) * I_p + p.m_1 * I_l + Ra_I
    return dI_l, dI_p
