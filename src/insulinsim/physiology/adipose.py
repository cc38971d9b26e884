"""Adipose tissue: its share of insulin-dependent glucose uptake, lipolysis and plasma FFA.

Glucose uptake
    Adipose tissue takes 4-5 % of insulin-stimulated peripheral glucose uptake (DeFronzo 2004;
    record phys_postprandial_peripheral_partition).

Lipolysis and plasma free fatty acids (FFA, NEFA)
    The adipose-triglyceride-lipolysis (ATL) term of the Mixed Meal Model (M3AL; O'Donovan et
    al. 2022, its MATLAB code) with a constant, insulin-insensitive floor, which gives the
    lipolysis form of the FFA minimal models (Periwal et al. 2008: l0 + l2/(1 + (X/X2)^A)):

        dY/dt = k_Y (I - Y)                                   remote (anti-lipolytic) insulin
        Ra_FFA(Y) = l0 + l2 / (1 + (Y / Y2)^A)                FFA appearance, umol/L/min
        dF/dt = Ra_FFA(Y) - k_F F (+ any other appearance)    plasma FFA, umol/L

    with I plasma insulin (pmol/L) and Y the insulin-equivalent concentration that the adipose
    tissue's insulin signalling reports (pmol/L). In the phenomenological model Y is plasma
    insulin delayed through the first-order compartment above (M3AL's I_d2, rate 3/tau_LPL); a
    mechanistic receptor/signalling cascade may supply Y instead. At the basal state Y = I_b
    (about 25.6 pmol/L in the healthy meal model) and F_b = Ra_FFA(I_b) / k_F.

    Rates are plasma-concentration rates (umol per litre of plasma per minute), as in M3AL and
    the NEFA minimal model; multiply by the FFA distribution volume (not modelled) for a flux.
    Where each number comes from, and which two were calibrated, is in
    ``data/params/adipose.toml``. Not included: the LPL spill-over of meal/VLDL triglyceride
    (no triglyceride model yet; represented only by the constant floor l0), insulin's effect on
    FFA clearance, counter-regulatory (catecholamine, GH) lipolysis and the late post-absorptive
    FFA overshoot, and FFA's feedback on glucose uptake and production.

All functions are elementwise jax.numpy expressions (jit/vmap-safe).
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Adipose

__all__ = [
    "antilipolytic_insulin_derivative",
    "basal_ffa",
    "ffa_derivative",
    "glucose_uptake",
    "lipolysis",
]


def glucose_uptake(U_id, p: Adipose):
    """Adipose glucose uptake (mg/kg/min) from whole-body insulin-dependent uptake U_id."""
    return p.share_adipose * U_id


def antilipolytic_insulin_derivative(Y, I, p: Adipose):
    """dY/dt (pmol/L/min) of the remote insulin that suppresses lipolysis.

    Y: remote insulin (pmol/L); I: plasma insulin (pmol/L). First-order lag with rate
    ``p.antilipolytic_rate`` (1/min); Y = I at steady state.
    """
    return p.antilipolytic_rate * (I - Y)


def lipolysis(action, p: Adipose):
    """Rate of FFA appearance from adipose lipolysis (umol/L/min).

    action: insulin-equivalent concentration reported by adipose insulin signalling (pmol/L,
    plasma-insulin equivalent; remote insulin Y in the phenomenological model). Negative values
    are treated as zero. The rate falls monotonically from ``lipolysis_floor + lipolysis_max``
    at no insulin to ``lipolysis_floor`` at saturating insulin.
    """
    x = jnp.maximum(action, 0.0) / p.lipolysis_ic50
    # x**A written so that it (and its gradient in A) stays finite at x = 0
    pos = x > 0.0
    x_a = jnp.where(pos, jnp.exp(p.lipolysis_hill * jnp.log(jnp.where(pos, x, 1.0))), 0.0)
    return p.lipolysis_floor + p.lipolysis_max / (1.0 + x_a)


def ffa_derivative(F, lipolysis_rate, p: Adipose, other_appearance=0.0):
    """dF/dt of plasma FFA (umol/L/min).

    F: plasma FFA (umol/L); lipolysis_rate: from :func:`lipolysis` (umol/L/min);
    other_appearance: any further FFA appearance (umol/L/min), e.g. a lipid infusion or a
    future triglyceride spill-over term (0 by default). Clearance is first order,
    ``p.ffa_clearance`` (1/min).
    """
    return lipolysis_rate + other_appearance - p.ffa_clearance * F


def basal_ffa(action_b, p: Adipose):
    """Basal steady-state plasma FFA (umol/L) at basal insulin action ``action_b`` (pmol/L).

    The value at which :func:`ffa_derivative` is zero with ``lipolysis(action_b, p)`` and no
    other appearance.
    """
    return lipolysis(action_b, p) / p.ffa_clearance


# ------------------------------------------------------------ visceral fat and inflammation ----
# Slow clock (days); parameters in data/params/ectopic.toml (group ``ectopic``).

__all__ += ["cytokine_exposure"]


def cytokine_exposure(visceral_fat_kg, p):
    """Cytokine exposure (dimensionless, 0-1) on the ``cytokine_exposure`` scale.

    ``e = clip(cytokine_per_kg (VAT - VAT_ref)_+, 0, 1)``. Exposure 1 is TNF-alpha 5 nmol/L on
    human adipocytes (-40 % IRS-1 signalling, Liu et al. 1998), far above anything in vivo, so
    a person with visceral obesity sits at a small fraction: 1 kg above the reference gives
    0.1, an IRS-1 factor 0.6^0.1 = 0.95. The slope is an ASSUMED value bounded by the
    adipose TNF rise in obesity (Kern et al. 2001) and by anti-inflammatory trials that found
    no insulin-adjusted change in insulin action (salsalate, Koska et al. 2009); arithmetic in
    ectopic.toml.

    Parameters
    ----------
    visceral_fat_kg : array_like
        Visceral adipose tissue mass (kg, on the DXA scale of ``VAT_ref``).
    p : Ectopic
        Parameter group ``ectopic`` (``VAT_ref`` in kg, ``cytokine_per_kg`` in 1/kg).

    Returns
    -------
    jax.Array
        Exposure in [0, 1], for ``inhibitors.cytokine_exposure``.

    References
    ----------
    miazgowski2017, kern2001, hotamisligil1995, fontana2007, koska2009, liu1998tnf.
    """
    excess = jnp.maximum(visceral_fat_kg - p.VAT_ref, 0.0)
    return jnp.clip(p.cytokine_per_kg * excess, 0.0, 1.0)
