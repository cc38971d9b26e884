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
    "Body",
    "Brain",
    "Exercise",
    "Glucagon",
    "Glucose",
    "Gonads",
    "Gut",
    "Inhibitors",
    "Insulin",
    "Kidney",
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


def group_fields() -> dict[str, tuple[type[eqx.Module], tuple[str, ...]]]:
    """Map each group name to its class and field names, in declaration order."""
    out = {}
    for fld in dataclasses.fields(Parameters):
        cls = fld.type if isinstance(fld.type, type) else globals()[fld.type]
        out[fld.name] = (cls, tuple(f.name for f in dataclasses.fields(cls)))
    return out
