"""Body composition over years: fat and lean mass by energy balance (Hall's adult model).

Time unit: days. Energy: kcal. Mass: kg. Every number is in ``data/params/composition.toml``
(a parameter object ``p`` with attribute access; the group is ``composition``).

Two compartments, fat mass F and lean (fat-free) mass L, BW = F + L. This is the
Chow & Hall (2008) / Hall et al. (2011) energy partition model without the glycogen and
extracellular-fluid compartments of the full 2011 model (those only matter over days)::

    EE   = K + gamma_F F + gamma_L L + delta BW + beta_TEF dEI + beta_AT dEI
           + eta_F dF/dt + eta_L dL/dt                                  kcal/day
    dEI  = intake - intake0                                            kcal/day
    delta = ((1 - beta_TEF) pal - 1) rmr_per_kg                        kcal/kg/day
    rho_F dF/dt = (1 - p) (intake - EE)
    rho_L dL/dt =      p  (intake - EE),      p = C / (C + F),  C = forbes_C (rho_L / rho_F)

Solving the linear relation for the deposition costs gives::

    R     = intake - (K + gamma_F F + gamma_L L + delta BW + (beta_TEF + beta_AT) dEI)
    dL/dt = (C / rho_L) R / (C (1 + eta_L / rho_L) + F (1 + eta_F / rho_F))
    dF/dt = (F / rho_F) R / (C (1 + eta_L / rho_L) + F (1 + eta_F / rho_F))

Adaptive thermogenesis is taken **instantaneous** (beta_AT dEI); Hall et al. (2011) give it a
first-order lag with tau_AT = 14 days, which matters only within the first weeks of a change.

Physical activity. Hall (2011) fixes delta = ((1 - beta_TEF) PAL - 1) RMR0 / BW0 per person.
The signature of :func:`composition_rates` carries no RMR0/BW0, so the per-kg resting rate is
the parameter ``rmr_per_kg`` (population value; give it a person axis for per-person values).
:func:`baseline` uses the same delta, so the energy balance closes exactly at baseline.

Baseline (:func:`baseline`): TEE0 = pal0 RMR0 with RMR0 from Mifflin-St Jeor (1990) evaluated at
BW0 = F0 + L0; intake0 = TEE0 holds weight; K = intake0 - gamma_F F0 - gamma_L L0 - delta0 BW0.

Initial fat (:func:`fat_mass_initial`): Deurenberg et al. (1991) adult formula
BF% = 1.20 BMI + 0.23 age - 10.8 male - 5.4 (densitometry, 1229 Dutch subjects aged 7-83 y).

Visceral fat (:func:`visceral_fat`): Hallgreen & Hall (2008) allometry dVAT/dFM = k VAT/FM
(k = 1.3, 37 weight-loss studies, MRI/CT), integrated as VAT = VAT_ref (F / F_ref)^k, anchored at
the sex-specific DXA medians of the Oxford Biobank (Vasan et al. 2018; men and women 29-55 y).

Waist (:func:`waist_circumference`): relative fat mass (Woolcott & Bergman 2018, NHANES):
RFM = 64 - 20 height/waist + 12 female, inverted for waist with body-fat % from Deurenberg.

All functions are elementwise jax.numpy expressions (jit/vmap-safe, broadcasting over persons).

References
----------
Hall KD et al. Lancet 2011;378:826-837. Chow CC, Hall KD. PLoS Comput Biol 2008;4:e1000045.
Hall KD. Int J Obes 2008;32:573-576. Hall KD. Br J Nutr 2007;97:1059-1063.
Mifflin MD et al. Am J Clin Nutr 1990;51:241-247. Deurenberg P et al. Br J Nutr 1991;65:105-114.
Hallgreen CE, Hall KD. Int J Obes 2008;32:845-852. Vasan SK et al. Int J Obes 2018;42:850-857.
Woolcott OO, Bergman RN. Sci Rep 2018;8:10980.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
from jaxtyping import ArrayLike

__all__ = [
    "baseline",
    "body_fat_percent",
    "composition_rates",
    "fat_mass_initial",
    "forbes_partition",
    "resting_metabolic_rate",
    "visceral_fat",
    "waist_circumference",
]


def body_fat_percent(
    BW: ArrayLike, height_cm: ArrayLike, age_y: ArrayLike, male: ArrayLike, p: Any
):
    """Body fat percentage (%) from BMI, age and sex (Deurenberg et al. 1991, adults).

    Parameters
    ----------
    BW : body weight, kg.
    height_cm : height, cm.
    age_y : age, years.
    male : 1.0 for men, 0.0 for women.
    p : composition parameters.

    Returns
    -------
    Body fat, % of body weight: ``bf_bmi BMI + bf_age age - bf_male male - bf_intercept``.
    """
    bmi = BW / (height_cm / 100.0) ** 2
    return p.bf_bmi * bmi + p.bf_age * age_y - p.bf_male * male - p.bf_intercept


def fat_mass_initial(
    BW: ArrayLike, height_cm: ArrayLike, age_y: ArrayLike, male: ArrayLike, p: Any
):
    """Initial fat mass F (kg) from weight, height, age and sex (Deurenberg et al. 1991).

    ``F = BW * BF% / 100`` with :func:`body_fat_percent`. Lean mass is then ``L = BW - F``.
    The formula was derived by densitometry in 1229 Dutch subjects (BMI 13.9-40.9 kg/m^2); its
    authors note a slight overestimate of BF% in obese subjects.

    Parameters
    ----------
    BW : kg. height_cm : cm. age_y : years. male : 1.0 or 0.0. p : composition parameters.

    Returns
    -------
    Fat mass, kg.
    """
    return BW * body_fat_percent(BW, height_cm, age_y, male, p) / 100.0


def resting_metabolic_rate(
    BW: ArrayLike, height_cm: ArrayLike, age_y: ArrayLike, male: ArrayLike, p: Any
):
    """Resting metabolic rate (kcal/day), Mifflin-St Jeor (1990), sexes combined form.

    ``RMR = rmr_weight BW + rmr_height height - rmr_age age + rmr_male male - rmr_intercept``.
    """
    return (
        p.rmr_weight * BW
        + p.rmr_height * height_cm
        - p.rmr_age * age_y
        + p.rmr_male * male
        - p.rmr_intercept
    )


def _delta(pal: ArrayLike, p: Any):
    """Physical-activity expenditure per kg of body weight (kcal/kg/day), Hall (2011)."""
    return ((1.0 - p.beta_TEF) * pal - 1.0) * p.rmr_per_kg


def baseline(
    F0: ArrayLike,
    L0: ArrayLike,
    age_y: ArrayLike,
    male: ArrayLike,
    height_cm: ArrayLike,
    pal0: ArrayLike,
    p: Any,
):
    """Weight-maintaining energy intake and Hall's closing constant K.

    Parameters
    ----------
    F0, L0 : fat and lean mass at baseline, kg.
    age_y : years. male : 1.0 or 0.0. height_cm : cm.
    pal0 : physical activity level at baseline (TEE / RMR), dimensionless.
    p : composition parameters.

    Returns
    -------
    intake0 : energy intake that holds the person at weight, kcal/day (= pal0 * RMR0, RMR0 from
        Mifflin-St Jeor at BW0 = F0 + L0).
    K : kcal/day, such that ``K + gamma_F F0 + gamma_L L0 + delta(pal0) BW0 = intake0``, i.e.
        :func:`composition_rates` is zero at (F0, L0, intake0, pal0).
    """
    BW0 = F0 + L0
    rmr0 = resting_metabolic_rate(BW0, height_cm, age_y, male, p)
    intake0 = pal0 * rmr0
    K = intake0 - p.gamma_F * F0 - p.gamma_L * L0 - _delta(pal0, p) * BW0
    return intake0, K


def forbes_partition(F: ArrayLike, p: Any):
    """Share of an energy imbalance stored or drawn as lean tissue, p = C / (C + F).

    ``C = forbes_C * rho_L / rho_F`` (kg), the Forbes constant expressed in energy terms
    (Chow & Hall 2008; Hall 2007).
    """
    C = p.forbes_C * p.rho_L / p.rho_F
    return C / (C + F)


def composition_rates(
    F: ArrayLike,
    L: ArrayLike,
    intake: ArrayLike,
    intake0: ArrayLike,
    pal: ArrayLike,
    K: ArrayLike,
    p: Any,
):
    """Rates of change of fat and lean mass (kg/day) by Hall's energy balance.

    Parameters
    ----------
    F, L : current fat and lean mass, kg.
    intake : current energy intake, kcal/day.
    intake0 : baseline (weight-maintaining) intake from :func:`baseline`, kcal/day.
    pal : current physical activity level, dimensionless (activity expenditure
        ``((1 - beta_TEF) pal - 1) rmr_per_kg BW``).
    K : closing constant from :func:`baseline`, kcal/day.
    p : composition parameters.

    Returns
    -------
    dF_dt, dL_dt : kg/day.

    Notes
    -----
    Thermic effect and adaptive thermogenesis act on the intake change ``intake - intake0``;
    adaptive thermogenesis is instantaneous here (Hall 2011 lags it with tau = 14 days). Fat mass
    must stay positive (the Forbes partition and the state are undefined at F <= 0).
    """
    BW = F + L
    d_intake = intake - intake0
    expenditure = (
        K
        + p.gamma_F * F
        + p.gamma_L * L
        + _delta(pal, p) * BW
        + (p.beta_TEF + p.beta_AT) * d_intake
    )
    R = intake - expenditure
    C = p.forbes_C * p.rho_L / p.rho_F
    denom = C * (1.0 + p.eta_L / p.rho_L) + F * (1.0 + p.eta_F / p.rho_F)
    dL_dt = (C / p.rho_L) * R / denom
    dF_dt = (F / p.rho_F) * R / denom
    return dF_dt, dL_dt


def visceral_fat(F: ArrayLike, age_y: ArrayLike, male: ArrayLike, p: Any):
    """Visceral adipose tissue mass (kg, DXA) from total fat mass and sex.

    ``VAT = VAT_ref(sex) * (F / F_ref(sex)) ** vat_allometric_k`` (Hallgreen & Hall 2008,
    k = 1.3), anchored at the Oxford Biobank medians (Vasan et al. 2018; white British adults
    aged 29-55 y, GE Lunar DXA): men VAT 0.9 kg at total fat 22.0 kg, women 0.3 kg at 22.7 kg.

    ``age_y`` is accepted but not used: no sourced age effect at fixed fat mass was found; the
    anchor holds at the cohort's median age (42-43 y). ``male`` >= 0.5 selects the male anchor.
    """
    del age_y
    is_male = jnp.asarray(male) >= 0.5
    vat_ref = jnp.where(is_male, p.vat_ref_male, p.vat_ref_female)
    fat_ref = jnp.where(is_male, p.fat_ref_male, p.fat_ref_female)
    ratio = jnp.maximum(F, 0.0) / fat_ref
    return vat_ref * ratio**p.vat_allometric_k


def waist_circumference(
    BW: ArrayLike, height_cm: ArrayLike, age_y: ArrayLike, male: ArrayLike, p: Any
):
    """Waist circumference (cm) from weight, height, age and sex.

    Inverts the relative fat mass of Woolcott & Bergman (2018, NHANES 1999-2006)::

        BF% = rfm_intercept - rfm_height_waist * height / waist + rfm_female * (1 - male)
        waist = rfm_height_waist * height / (rfm_intercept + rfm_female (1 - male) - BF%)

    with BF% from :func:`body_fat_percent` (Deurenberg 1991). RFM was fitted to DXA body fat,
    Deurenberg to densitometry; the chain inherits both errors (RFM validation SEE ~ 4-5 % fat).
    """
    bf = body_fat_percent(BW, height_cm, age_y, male, p)
    female = 1.0 - male
    return p.rfm_height_waist * height_cm / (p.rfm_intercept + p.rfm_female * female - bf)
