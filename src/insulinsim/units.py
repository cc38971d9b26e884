"""Unit conversions used at the edges of insulinsim, each a named, cited constant.

Internally the model uses the units of the whole-body meal model (Dalla Man et al. 2007):
glucose in mg/dL (concentration) and mg/kg (mass), insulin in pmol/L and pmol/kg, time in
minutes. Everything else is converted here, at the boundary, and nowhere else.

References
----------
- Glucose molar mass 180.156 g/mol: 1 mmol/L = 18.0156 mg/dL, rounded to 18.016 as in
  DESIGN.md (bib key ``iupac_glucose``).
- Insulin 1 µU/mL = 6.0 pmol/L: Knopp et al. 2019 (bib key ``knopp2019``), the conversion
  used by the HOMA calculator and the ADA.
- 1 U of insulin = 6 nmol (same factor), so 1 mU = 6 pmol.
- Insulin mass concentration (cell-culture papers give ng/mL): human insulin
  C257H383N65O77S6 has a molar mass of 5807.6 g/mol, so 1 ng/mL = 1e-6 g/L / 5807.6 g/mol
  = 172.19 pmol/L.
- HbA1c: IFCC (mmol/mol) = 10.929 * (NGSP % - 2.15) (Hoelzel et al. 2004; bib key
  ``hoelzel2004``).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "KCAL_PER_G_GLUCOSE",
    "MG_DL_PER_MMOL_L_GLUCOSE",
    "PMOL_L_PER_NG_ML_INSULIN",
    "PMOL_L_PER_UU_ML_INSULIN",
    "PMOL_PER_MU_INSULIN",
    "body_surface_area_m2",
    "glucose_mg_dl_to_mmol_l",
    "glucose_mmol_l_to_mg_dl",
    "hba1c_ifcc_to_ngsp",
    "hba1c_ngsp_to_ifcc",
    "insulin_pmol_l_to_uu_ml",
    "insulin_uu_ml_to_pmol_l",
    "parse_glucose_mg_dl",
]

MG_DL_PER_MMOL_L_GLUCOSE: float = 18.016
"""Glucose: mg/dL per mmol/L (molar mass 180.16 g/mol)."""

PMOL_L_PER_NG_ML_INSULIN: float = 1.0e-6 / 5807.6 * 1.0e12
"""Insulin: pmol/L per ng/mL (molar mass of human insulin 5807.6 g/mol)."""

PMOL_L_PER_UU_ML_INSULIN: float = 6.0
"""Insulin: pmol/L per µU/mL (Knopp et al. 2019)."""

PMOL_PER_MU_INSULIN: float = 6.0
"""Insulin: pmol per mU (1 U = 6 nmol; same factor as above)."""

KCAL_PER_G_GLUCOSE: float = 3.75
"""Available energy of glucose (monosaccharides): kcal per g (FAO 2003; bib key ``fao2003``)."""


def glucose_mmol_l_to_mg_dl(x):
    return x * MG_DL_PER_MMOL_L_GLUCOSE


def glucose_mg_dl_to_mmol_l(x):
    return x / MG_DL_PER_MMOL_L_GLUCOSE


def insulin_uu_ml_to_pmol_l(x):
    return x * PMOL_L_PER_UU_ML_INSULIN


def insulin_pmol_l_to_uu_ml(x):
    return x / PMOL_L_PER_UU_ML_INSULIN


def hba1c_ngsp_to_ifcc(percent):
    """HbA1c NGSP (%) to IFCC (mmol/mol): 10.929 * (NGSP - 2.15) (Hoelzel et al. 2004)."""
    return 10.929 * (percent - 2.15)


def hba1c_ifcc_to_ngsp(mmol_mol):
    """HbA1c IFCC (mmol/mol) to NGSP (%): the inverse of :func:`hba1c_ngsp_to_ifcc`."""
    return mmol_mol / 10.929 + 2.15


def body_surface_area_m2(weight_kg, height_cm):
    """Body-surface area (m^2) by Mosteller 1987: sqrt(height_cm * weight_kg / 3600).

    Works elementwise on arrays (one value per person).
    """
    return np.sqrt(np.multiply(height_cm, weight_kg) / 3600.0)


_GLUCOSE_UNITS = {"mg/dl": 1.0, "mmol/l": MG_DL_PER_MMOL_L_GLUCOSE}
# plausible plasma glucose in each unit (survivable range), for bare numbers
_PLAUSIBLE_MG_DL = (20.0, 700.0)
_PLAUSIBLE_MMOL_L = (1.0, 40.0)


def parse_glucose_mg_dl(text: str, field: str = "glucose") -> float:
    """Parse a glucose value such as ``"90 mg/dL"`` or ``"5.0mmol/L"`` into mg/dL.

    A bare number is accepted only where one unit is plausible (e.g. ``"90"`` can only be
    mg/dL); a number plausible in both units (20-40) is refused, naming the field.
    """
    from insulinsim.errors import InputError

    raw = str(text).strip()
    low = raw.lower().replace(" ", "")
    for unit, factor in _GLUCOSE_UNITS.items():
        if low.endswith(unit):
            try:
                return float(low[: -len(unit)]) * factor
            except ValueError:
                break
    else:
        try:
            v = float(low)
        except ValueError:
            v = math.nan
        if math.isfinite(v):
            as_mg = _PLAUSIBLE_MG_DL[0] <= v <= _PLAUSIBLE_MG_DL[1]
            as_mmol = _PLAUSIBLE_MMOL_L[0] <= v <= _PLAUSIBLE_MMOL_L[1]
            if as_mg and not as_mmol:
                return v
            if as_mmol and not as_mg:
                return v * MG_DL_PER_MMOL_L_GLUCOSE
            if as_mg and as_mmol:
                raise InputError(
                    field,
                    raw,
                    "a value with its unit, e.g. '90 mg/dL' or '5 mmol/L'",
                    "this number is plausible in both mg/dL and mmol/L",
                )
    raise InputError(field, raw, "glucose in mg/dL (20-700) or mmol/L (1-40), e.g. '90 mg/dL'")
