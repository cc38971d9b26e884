"""Typed, immutable parameter sets: one frozen module per organ group.

A :class:`Parameters` holds numbers only (JAX arrays or floats), so it can be passed through
``jit`` and ``vmap``; a population is the same type with a leading ``person`` axis on every leaf.
The unit, source and derivation of every field live in ``insulinsim/data/params/<group>.toml``
and are exposed by :func:`insulinsim.parameters.parameter_info`.
"""

from __future__ import annotations

import dataclasses

import equinox as eqx
from jaxtyping import ArrayLike

__all__ = [
    "Adipose",
    "BetaCell",
    "Body",
    "Brain",
    "Composition",
    "Ectopic",
    "Exercise",
    "Glucagon",
    "Glucose",
    "Glycation",
    "Gonads",
    "Gut",
    "Inhibitors",
    "Insulin",
    "Kidney",
    "Lipids",
    "Liver",
    "Muscle",
    "Pancreas",
    "Parameters",
    "Receptor",
    "Signalling",
    "Subcutaneous",
    "Tissues",
    "group_fields",
]

F = ArrayLike  # a scalar, or an array with a leading person axis in a population


class Body(eqx.Module):
    BW: F
    height: F


class Gut(eqx.Module):
    k_gri: F
    k_max: F
    k_min: F
    k_abs: F
    f: F
    b: F
    d: F


class Glucose(eqx.Module):
    V_G: F
    k_1: F
    k_2: F
    V_m0: F
    V_mx: F
    K_m0: F
    p_2U: F


class Insulin(eqx.Module):
    V_I: F
    m_1: F
    m_2: F
    m_4: F
    m_5: F
    m_6: F
    HE_b: F


class Liver(eqx.Module):
    k_p1: F
    k_p2: F
    k_p3: F
    k_p4: F
    k_i: F


class Pancreas(eqx.Module):
    K: F
    alpha: F
    beta: F
    gamma: F
    S_b: F


class Brain(eqx.Module):
    F_cns: F
    G_sat: F


class Kidney(eqx.Module):
    k_e1: F
    k_e2: F


class Muscle(eqx.Module):
    share_muscle: F


class Adipose(eqx.Module):
    share_adipose: F
    ffa_clearance: F
    antilipolytic_rate: F
    lipolysis_max: F
    lipolysis_floor: F
    lipolysis_ic50: F
    lipolysis_hill: F


class Glucagon(eqx.Module):
    n: F
    rho: F
    sigma: F
    delta: F
    k_H: F
    xi: F
    H_b: F


class Exercise(eqx.Module):
    t_HR: F
    t_in: F
    t_ex: F
    a: F
    n_ex: F
    beta_ex: F
    alpha_ex: F
    gamma_ex: F
    HR_b: F


class Subcutaneous(eqx.Module):
    k_d: F
    k_a1: F
    k_a2: F
    basal_rate: F


class Gonads(eqx.Module):
    """Sex-hormone read-outs of insulin action: ovary, SHBG, free T, aromatase (gonads.toml)."""

    male: F
    visceral_fat_kg: F
    visceral_fat_ref_kg: F
    insulin_ref: F
    ovary_insulin_elasticity: F
    testosterone_female_ref: F
    shbg_female_ref: F
    shbg_insulin_elasticity: F
    testosterone_male_ref: F
    shbg_male_ref: F
    estradiol_male_ref: F
    testosterone_loss_per_visceral_kg: F
    aromatase_coupling: F
    k_shbg: F
    k_albumin: F
    albumin: F
    albumin_molar_mass: F


class Receptor(eqx.Module):
    """Insulin receptor binding and trafficking (Sedaghat, Sherman & Quon 2002) with
    occupancy-driven lysosomal down-regulation (this project; see receptor.toml)."""

    k1: F
    k_minus1: F
    k2: F
    k_minus2: F
    k3: F
    k_minus3: F
    k4: F
    k_minus4: F
    k4prime: F
    k_minus4prime: F
    k6: F
    PTP: F
    R_total: F
    half_life_h: F
    lysosomal_share_max: F
    K_lys: F
    n_lys: F
    receptors_per_cell: F


class Signalling(eqx.Module):
    """IRS-1 -> PI3K -> PIP3 -> Akt / PKC-zeta -> GLUT4 (Sedaghat, Sherman & Quon 2002)."""

    k7: F
    k_minus7: F
    k8: F
    k_minus8: F
    k9_basal: F
    k9_stimulated: F
    k_minus9: F
    k10: F
    k_minus10: F
    k_minus11: F
    k_minus12: F
    k13: F
    k_minus13: F
    k14: F
    k_minus14: F
    PTEN: F
    SHIP: F
    IRS1_total: F
    PI3K_total: F
    PI_total: F
    Akt_total: F
    PKC_total: F
    IRp_ref: F
    PI3K_ref: F
    PIP3_basal: F
    PIP3_max: F
    activation_max: F
    akt_weight: F
    pkc_weight: F
    AP_equil: F
    glut4_surface_max: F
    glut4_intracellular_max: F


class Tissues(eqx.Module):
    """Per-tissue receptor number, inhibitor exposure and coupling to whole-body fluxes."""

    receptors_muscle: F
    receptors_adipose: F
    receptors_liver: F
    receptors_ovary: F
    inhibition_muscle: F
    inhibition_adipose: F
    inhibition_liver: F
    inhibition_ovary: F
    lipid_share_muscle: F
    lipid_share_liver: F
    dnl_inhibition: F
    gain_muscle: F
    gain_adipose: F
    gain_liver: F
    gain_ovary: F
    gain_lipolysis: F


class Inhibitors(eqx.Module):
    """Inhibitory inputs to receptor and signalling, with their cited effect sizes.

    ``*_exposure`` fields are dimensionless levels: 0 is a healthy person, 1 the exposure of the
    experiment that measured the effect (see inhibitors.toml). ``*_effect`` fields are the
    fractional reduction of the targeted step at exposure 1.
    """

    cytokine_exposure: F
    lipid_exposure: F
    ceramide_exposure: F
    gm3_exposure: F
    cholesterol_exposure: F
    cytokine_effect_irs1: F
    lipid_effect_irs1: F
    ceramide_effect_akt: F
    gm3_effect_binding: F
    cholesterol_effect_glut4: F


class BetaCell(eqx.Module):
    """Slow beta-cell mass and function and glucose sensing of secretion (Ha & Sherman 2020)
    (beta_cell.toml)."""

    alpha_M: F
    k_M: F
    P_max: F
    k_P: F
    alpha_P: F
    A_max: F
    alpha_A: F
    k_A: F
    A_b: F
    tau_b: F
    sigma_Gsh: F
    ISRI_bar: F
    ISRI_s: F
    ISRI_n: F
    sigma_b: F
    MI_k: F
    MI_s: F
    MI_n: F
    tau_sigma: F
    G_ref: F
    glucose_scale: F
    isr_proliferation_ref: F
    isr_function_ref: F
    ca_bar: F
    k_ca: F
    alpha_ca: F
    ca_b: F
    cmd_factor: F
    cmd_b: F
    k_cmd: F
    alpha_cmd: F
    exo_k1: F
    exo_km1: F
    exo_r1: F
    exo_rm1: F
    exo_r20: F
    exo_rm2: F
    exo_r30: F
    exo_rm3: F
    exo_u1: F
    exo_Kp2: F
    exo_ts: F
    GF_bar: F
    k_GF: F
    alpha_GF: F
    shift_GF: F
    GF_b: F
    gamma_bar: F
    gamma_Gs: F
    gamma_Gn: F
    gamma_shift: F
    tau_gamma: F


class Glycation(eqx.Module):
    """HbA1c from mean glucose: ADAG steady state, red-cell kinetics (glycation.toml)."""

    adag_slope: F
    adag_intercept: F
    half_time: F


class Composition(eqx.Module):
    """Body composition by energy balance (Hall 2011) and anthropometry (composition.toml)."""

    rho_F: F
    rho_L: F
    gamma_F: F
    gamma_L: F
    eta_F: F
    eta_L: F
    beta_TEF: F
    beta_AT: F
    forbes_C: F
    rmr_per_kg: F
    rmr_weight: F
    rmr_height: F
    rmr_age: F
    rmr_male: F
    rmr_intercept: F
    bf_bmi: F
    bf_age: F
    bf_male: F
    bf_intercept: F
    vat_allometric_k: F
    vat_ref_male: F
    fat_ref_male: F
    vat_ref_female: F
    fat_ref_female: F
    rfm_intercept: F
    rfm_height_waist: F
    rfm_female: F


class Lipids(eqx.Module):
    """Fasting triglycerides, HDL and blood pressure (lipids.toml)."""

    tg_ref_male: F
    tg_ref_female: F
    hdl_ref_male: F
    hdl_ref_female: F
    sbp_ref_male: F
    sbp_ref_female: F
    dbp_ref_male: F
    dbp_ref_female: F
    bmi_ref_male: F
    bmi_ref_female: F
    height_ref_male: F
    height_ref_female: F
    age_ref_male: F
    age_ref_female: F
    tg_per_kg: F
    hdl_per_kg: F
    sbp_per_kg: F
    dbp_per_kg: F
    sbp_per_year: F
    sbp_age_onset: F
    dbp_per_year: F


class Ectopic(eqx.Module):
    """Liver fat, intramyocellular lipid and inflammatory exposure (ectopic.toml)."""

    LF_ref: F
    w_ffa: F
    w_dnl: F
    w_diet: F
    tau_liver_fat: F
    LF_span: F
    imcl_ffa_slope: F
    imcl_fitness_exponent: F
    tau_imcl: F
    imcl_span: F
    imcl_exposure_power: F
    VAT_ref: F
    cytokine_per_kg: F


class Parameters(eqx.Module):
    """All parameters of one person (or, with a leading axis, of a population)."""

    body: Body
    gut: Gut
    glucose: Glucose
    insulin: Insulin
    liver: Liver
    pancreas: Pancreas
    brain: Brain
    kidney: Kidney
    muscle: Muscle
    adipose: Adipose
    glucagon: Glucagon
    exercise: Exercise
    subcutaneous: Subcutaneous
    receptor: Receptor
    signalling: Signalling
    tissues: Tissues
    inhibitors: Inhibitors
    gonads: Gonads
    beta_cell: BetaCell
    glycation: Glycation
    ectopic: Ectopic
    lipids: Lipids
    composition: Composition


def group_fields() -> dict[str, tuple[type[eqx.Module], tuple[str, ...]]]:
    """Map each group name to its class and field names, in declaration order."""
    out = {}
    for fld in dataclasses.fields(Parameters):
        cls = fld.type if isinstance(fld.type, type) else globals()[fld.type]
        out[fld.name] = (cls, tuple(f.name for f in dataclasses.fields(cls)))
    return out
