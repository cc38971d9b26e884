"""Liver: endogenous glucose production (EGP) with delayed insulin action and glucagon.

Dalla Man, Rizza & Cobelli 2007, eqs. 14-16, with the glucagon term of the UVA/Padova S2013
update (Dalla Man et al. 2014, eq. A19):

    EGP     = max(0, k_p1 - k_p2 G_p - k_p3 I_d - k_p4 I_po + xi X_H)
    dI_1/dt = -k_i (I_1 - I)
    dI_d/dt = -k_i (I_d - I_1)
    dX_H/dt = -k_H X_H + k_H max(H - H_b, 0)

EGP in mg/kg/min, G_p in mg/kg, I, I_1, I_d in pmol/L, I_po (portal insulin) in pmol/kg,
H and X_H (glucagon and its action) in pg/mL. Only glucagon above basal raises EGP, so the
published meal-model fits are untouched by the glucagon term.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Glucagon, Liver

__all__ = ["delayed_insulin_derivatives", "glucagon_action_derivative", "glucose_production"]


def glucose_production(G_p, I_d, I_po, X_H, p: Liver, g: Glucagon):
    """Endogenous glucose production EGP (mg/kg/min), non-negative by construction."""
    return jnp.maximum(p.k_p1 - p.k_p2 * G_p - p.k_p3 * I_d - p.k_p4 * I_po + g.xi * X_H, 0.0)


def delayed_insulin_derivatives(I_1, I_d, I, p: Liver):
    """dI_1/dt and dI_d/dt (pmol/L/min): two-compartment delay of insulin action on the liver."""
    return -p.k_i * (I_1 - I), -p.k_i * (I_d - I_1)


def glucagon_action_derivative(X_H, H, g: Glucagon):
    """dX_H/dt (pg/mL/min): delayed action of glucagon above basal on EGP."""
    return -g.k_H * X_H + g.k_H * jnp.maximum(H - g.H_b, 0.0)


# ---------------------------------------------------------------- liver fat (slow clock, days) ----
# Intrahepatic triglyceride (NAFLD) as a first-order mass balance; parameters in
# data/params/ectopic.toml (group ``ectopic``). Organ-independent: inputs arrive as daily
# summaries from the model layer.

__all__ += ["liver_fat_rate", "liver_fat_target", "liver_lipid_exposure"]


def liver_fat_target(*, ffa_rel, dnl_rel, fat_intake_rel, input_multiplier=1.0, p):
    """Steady-state liver fat (% of liver volume, as by 1H-MRS) for the given daily inputs.

    Fatty acids enter liver triglyceride from plasma NEFA, de novo lipogenesis (DNL) and the
    diet; output (oxidation plus VLDL export) is first order in the liver-fat pool, so the
    steady state is proportional to the input::

        input_rel = m (w_ffa ffa_rel + w_dnl dnl_rel + w_diet fat_intake_rel)
                    / (w_ffa + w_dnl + w_diet)
        LF_target = LF_ref input_rel

    Parameters
    ----------
    ffa_rel : array_like
        Day-mean plasma FFA relative to the healthy day-mean (dimensionless, healthy 1).
    dnl_rel : array_like
        Lipogenic drive relative to healthy (dimensionless, healthy 1): hepatic lipogenic
        insulin action times carbohydrate intake, both relative.
    fat_intake_rel : array_like
        Dietary fat intake relative to healthy (dimensionless, healthy 1).
    input_multiplier : array_like, optional
        Multiplier ``m`` on the whole hepatic fat input (dimensionless; e.g. sugar/fructose),
        1 by default.
    p : Ectopic
        Parameter group ``ectopic``: ``LF_ref`` (%), ``w_ffa``, ``w_dnl``, ``w_diet``
        (healthy shares of the input; Smith et al. 2020 and Donnelly et al. 2005).

    Returns
    -------
    jax.Array
        Target liver fat (% of liver volume); ``LF_ref`` for a healthy person.

    Notes
    -----
    Negative inputs are treated as zero. Saturation of VLDL export above about 10 % liver
    fat (Fabbrini et al. 2008) is not modelled (see the ``LF_span`` note in ectopic.toml).

    References
    ----------
    donnelly2005, smith2020dnl, amaro2010 (keys of references.bib).
    """
    w_sum = p.w_ffa + p.w_dnl + p.w_diet
    flux = (
        p.w_ffa * jnp.maximum(ffa_rel, 0.0)
        + p.w_dnl * jnp.maximum(dnl_rel, 0.0)
        + p.w_diet * jnp.maximum(fat_intake_rel, 0.0)
    )
    return p.LF_ref * jnp.maximum(input_multiplier, 0.0) * flux / w_sum


def liver_fat_rate(liver_fat_pct, target_pct, p):
    """dLF/dt (% of liver volume per day): first-order approach to the target.

    ``dLF/dt = (LF_target - LF) / tau_liver_fat`` with ``tau_liver_fat`` about 9 days,
    derived from the 48-h and 11-week falls of liver fat on an energy-deficit diet (Kirk et
    al. 2009; derivation in ectopic.toml).

    Parameters
    ----------
    liver_fat_pct : array_like
        Current liver fat (% of liver volume).
    target_pct : array_like
        Target from :func:`liver_fat_target` (% of liver volume).
    p : Ectopic
        Parameter group ``ectopic`` (``tau_liver_fat`` in days).

    Returns
    -------
    jax.Array
        Rate of change of liver fat (% per day).

    References
    ----------
    kirk2009, lim2011, browning2011, sevastianova2012.
    """
    return (target_pct - liver_fat_pct) / p.tau_liver_fat


def liver_lipid_exposure(liver_fat_pct, p):
    """Liver lipid exposure (dimensionless, 0-1) on the ``lipid_exposure`` scale.

    ``e = clip((LF - LF_ref) / LF_span, 0, 1)``: 0 at the healthy reference; 1 (a 45 % loss
    of IRS-1 signalling, the 5-h lipid infusion of Kim et al. 2004) at about 15 % liver fat,
    derived from hepatic insulin sensitivity of BMI-matched obese people with 21.4 % vs 3.3 %
    liver fat (Amaro et al. 2010).

    Parameters
    ----------
    liver_fat_pct : array_like
        Liver fat (% of liver volume).
    p : Ectopic
        Parameter group ``ectopic`` (``LF_ref``, ``LF_span`` in %).

    Returns
    -------
    jax.Array
        Exposure in [0, 1], for ``inhibitors.lipid_exposure`` of the liver.

    References
    ----------
    amaro2010, lim2011, kim2004pkctheta.
    """
    return jnp.clip((liver_fat_pct - p.LF_ref) / p.LF_span, 0.0, 1.0)
