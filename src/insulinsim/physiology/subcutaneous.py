"""Subcutaneous insulin absorption (exogenous insulin), UVA/Padova simulator.

Dalla Man et al. 2007 (GIM, J Diabetes Sci Technol 1:323):

    dI_sc1/dt = -(k_d + k_a1) I_sc1 + IIR / BW
    dI_sc2/dt = k_d I_sc1 - k_a2 I_sc2
    Ra_I      = k_a1 I_sc1 + k_a2 I_sc2

I_sc1 (non-monomeric) and I_sc2 (monomeric) in pmol/kg, IIR in pmol/min, Ra_I in pmol/kg/min.
"""

from __future__ import annotations

from insulinsim.parameters import Subcutaneous

__all__ = ["appearance", "derivatives"]


def derivatives(I_sc1, I_sc2, infusion_pmol_kg_min, p: Subcutaneous):
    """dI_sc1/dt and dI_sc2/dt (pmol/kg/min)."""
    dI_sc1 = -(p.k_d + p.k_a1) * I_sc1 + infusion_pmol_kg_min
    dI_sc2 = p.k_d * I_sc1 - p.k_a2 * I_sc2
    return dI_sc1, dI_sc2


def appearance(I_sc1, I_sc2, p: Subcutaneous):
    """Rate of appearance of subcutaneous insulin in plasma, Ra_I (pmol/kg/min)."""
    return p.k_a1 * I_sc1 + p.k_a2 * I_sc2
