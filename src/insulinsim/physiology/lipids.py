"""Fasting triglycerides, HDL cholesterol and blood pressure for the metabolic-syndrome check.

Quasi-steady-state read-outs (no dynamics) of the person's state. Every number is in
``data/params/lipids.toml`` (parameter object ``p``, group ``lipids``). Reference values are the
sex-specific medians of the Oxford Biobank (Vasan et al. 2018; white British adults aged 29-55 y,
median age 42-43 y, BMI 26.1 men / 24.2 women); weight effects are per-kg slopes of weight-loss
meta-analyses, converted to BMI with the cohort's median height::

    dBW   = h_ref(sex)^2 (bmi - bmi_ref(sex))                    kg above the reference weight
    TG    = tg_ref(sex)  + tg_per_kg  dBW                        mg/dL  (Dattilo 1992)
    HDL   = hdl_ref(sex) - hdl_per_kg dBW                        mg/dL  (idem, stabilised weight)
    SBP   = sbp_ref(sex) + sbp_per_kg dBW + sbp_per_year max(age - sbp_age_onset, 0)   mmHg
    DBP   = dbp_ref(sex) + dbp_per_kg dBW + dbp_per_year (age - age_ref(sex))          mmHg
            (Neter et al. 2003 per-kg effects; Pearson et al. 1997 age effects, BLSA)

Inputs used: ``bmi`` and ``male`` (all three), ``age_y`` (blood pressure). ``waist_cm``,
``fasting_insulin_pmol_l`` and ``liver_fat_pct`` are accepted but not used: no cohort slope of TG,
HDL or BP on fasting insulin or liver fat (independent of BMI) was found in the sources read, so
these effects are absent rather than invented. Cross-sectional use of longitudinal weight-loss
slopes assumes the same dose-response for being heavier as for losing weight.

ATP III thresholds for the metabolic-syndrome check: TG >= 150 mg/dL; HDL < 40 (men) / < 50
(women) mg/dL; BP >= 130/85 mmHg.

References
----------
Vasan SK et al. Int J Obes 2018;42:850-857. Dattilo AM, Kris-Etherton PM. Am J Clin Nutr
1992;56:320-328. Neter JE et al. Hypertension 2003;42:878-884. Pearson JD et al. J Gerontol A
Biol Sci Med Sci 1997;52:M177-M183.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
from jaxtyping import ArrayLike

__all__ = ["blood_pressure", "hdl", "triglycerides"]


def _by_sex(male: ArrayLike, value_male, value_female):
    return jnp.where(jnp.asarray(male) >= 0.5, value_male, value_female)


def _excess_weight_kg(bmi: ArrayLike, male: ArrayLike, p: Any):
    """Weight above the sex-specific reference (kg) at the reference height for this BMI."""
    h = _by_sex(male, p.height_ref_male, p.height_ref_female)
    bmi_ref = _by_sex(male, p.bmi_ref_male, p.bmi_ref_female)
    return h**2 * (bmi - bmi_ref)


def triglycerides(
    *,
    bmi: ArrayLike,
    waist_cm: ArrayLike,
    fasting_insulin_pmol_l: ArrayLike,
    liver_fat_pct: ArrayLike,
    age_y: ArrayLike,
    male: ArrayLike,
    p: Any,
):
    """Fasting plasma triglycerides (mg/dL).

    Uses ``bmi`` (kg/m^2) and ``male`` (1.0 / 0.0); the other arguments (waist cm, fasting
    insulin pmol/L, liver fat %, age y) are accepted and not used (see module docstring).
    ``TG = tg_ref(sex) + tg_per_kg * h_ref^2 (bmi - bmi_ref)``; floored at 0.
    """
    del waist_cm, fasting_insulin_pmol_l, liver_fat_pct, age_y
    tg = _by_sex(male, p.tg_ref_male, p.tg_ref_female) + p.tg_per_kg * _excess_weight_kg(
        bmi, male, p
    )
    return jnp.maximum(tg, 0.0)


def hdl(
    *,
    bmi: ArrayLike,
    waist_cm: ArrayLike,
    fasting_insulin_pmol_l: ArrayLike,
    liver_fat_pct: ArrayLike,
    age_y: ArrayLike,
    male: ArrayLike,
    p: Any,
):
    """Fasting HDL cholesterol (mg/dL).

    Uses ``bmi`` and ``male``; other arguments accepted and not used.
    ``HDL = hdl_ref(sex) - hdl_per_kg * h_ref^2 (bmi - bmi_ref)``; floored at 0.
    """
    del waist_cm, fasting_insulin_pmol_l, liver_fat_pct, age_y
    value = _by_sex(male, p.hdl_ref_male, p.hdl_ref_female) - p.hdl_per_kg * _excess_weight_kg(
        bmi, male, p
    )
    return jnp.maximum(value, 0.0)


def blood_pressure(
    *,
    bmi: ArrayLike,
    waist_cm: ArrayLike,
    fasting_insulin_pmol_l: ArrayLike,
    liver_fat_pct: ArrayLike,
    age_y: ArrayLike,
    male: ArrayLike,
    p: Any,
):
    """Systolic and diastolic blood pressure (mmHg), untreated.

    Uses ``bmi``, ``age_y`` and ``male``; waist, insulin and liver fat are accepted and not used.

    Returns
    -------
    sbp, dbp : mmHg.
    """
    del waist_cm, fasting_insulin_pmol_l, liver_fat_pct
    dw = _excess_weight_kg(bmi, male, p)
    age_ref = _by_sex(male, p.age_ref_male, p.age_ref_female)
    sbp = (
        _by_sex(male, p.sbp_ref_male, p.sbp_ref_female)
        + p.sbp_per_kg * dw
        + p.sbp_per_year * jnp.maximum(age_y - p.sbp_age_onset, 0.0)
    )
    dbp = (
        _by_sex(male, p.dbp_ref_male, p.dbp_ref_female)
        + p.dbp_per_kg * dw
        + p.dbp_per_year * (age_y - age_ref)
    )
    return sbp, dbp
