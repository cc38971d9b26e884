"""Skeletal muscle: its share of insulin-dependent glucose uptake.

Muscle takes 80-85 % of insulin-stimulated peripheral glucose uptake after glucose ingestion
(DeFronzo 2004; record phys_postprandial_peripheral_partition). The whole-body
insulin-dependent uptake U_id of the meal model is split by a fixed share; the exercise route
(insulin-independent uptake during contraction) is added in ``exercise``.
"""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim.parameters import Muscle

__all__ = ["glucose_uptake"]


def glucose_uptake(U_id, p: Muscle):
    """Muscle glucose uptake (mg/kg/min) from whole-body insulin-dependent uptake U_id."""
    return p.share_muscle * U_id


# ------------------------------------------------------------ intramyocellular lipid (days) ----
# IMCL relative to the healthy reference; parameters in data/params/ectopic.toml (group
# ``ectopic``). The exposure uses IMCL per oxidative capacity, not IMCL alone (athletes'
# paradox: trained athletes have high IMCL and are insulin sensitive, Goodpaster et al. 2001).

__all__ += ["imcl_rate", "imcl_target", "muscle_lipid_exposure"]


def imcl_target(*, ffa_rel, fitness_rel, p):
    """Steady-state intramyocellular lipid relative to healthy (dimensionless, healthy 1).

    ``IMCL_target = max(1 + k (ffa_rel - 1), 0) fitness_rel^b``: IMCL rises linearly with
    plasma FFA (lipid infusions, Boden et al. 2001; ``k = imcl_ffa_slope``) and trained
    muscle stores more in proportion to its oxidative capacity (``b =
    imcl_fitness_exponent``, from athletes vs lean sedentary people, Goodpaster et al. 2001).

    Parameters
    ----------
    ffa_rel : array_like
        Day-mean plasma FFA relative to healthy (dimensionless, healthy 1).
    fitness_rel : array_like
        Muscle oxidative capacity relative to the reference (dimensionless, healthy 1);
        must be positive.
    p : Ectopic
        Parameter group ``ectopic``.

    Returns
    -------
    jax.Array
        Target IMCL relative to the healthy reference (dimensionless).

    References
    ----------
    boden2001imcl, goodpaster2001.
    """
    supply = jnp.maximum(1.0 + p.imcl_ffa_slope * (ffa_rel - 1.0), 0.0)
    return supply * fitness_rel**p.imcl_fitness_exponent


def imcl_rate(imcl_rel, target_rel, p):
    """dIMCL/dt (1/day, relative units): first-order approach to the target.

    ``dIMCL/dt = (IMCL_target - IMCL) / tau_imcl`` with ``tau_imcl`` = 0.5 day (bounded by
    IMCL still rising after 6 h of lipid infusion and refilled within a day after exercise).
    With slow steps of a day or more use the exact update
    ``IMCL + (target - IMCL) (1 - exp(-dt / tau_imcl))``; explicit Euler is unstable there.

    Parameters
    ----------
    imcl_rel : array_like
        Current IMCL relative to healthy (dimensionless).
    target_rel : array_like
        Target from :func:`imcl_target` (dimensionless).
    p : Ectopic
        Parameter group ``ectopic`` (``tau_imcl`` in days).

    Returns
    -------
    jax.Array
        Rate of change of relative IMCL (1/day).

    References
    ----------
    kiens1998, bachmann2001, brechtel2001.
    """
    return (target_rel - imcl_rel) / p.tau_imcl


def muscle_lipid_exposure(imcl_rel, fitness_rel, p):
    """Muscle lipid exposure (dimensionless, 0-1) on the ``lipid_exposure`` scale.

    The lipid load per oxidative capacity ``r = IMCL / fitness_rel^b`` (``b`` as in
    :func:`imcl_target`, so trained athletes at their steady state have ``r = 1``) maps to::

        e = clip(((r - 1)_+ / imcl_span)^imcl_exposure_power, 0, 1)

    fitted so that the human FFA dose-response of insulin-stimulated glucose disposal
    (Belfort et al. 2005: -22, -30, -34 % at FFA 0.70, 1.25, 1.69 vs 0.44 mmol/L) is
    reproduced through the 45 % IRS-1 effect at exposure 1, and checked against the IRS-1/PI3K
    defect of people with high IMCL (Virkamaki et al. 2001).

    Parameters
    ----------
    imcl_rel : array_like
        IMCL relative to healthy (dimensionless).
    fitness_rel : array_like
        Muscle oxidative capacity relative to the reference (dimensionless); must be positive.
    p : Ectopic
        Parameter group ``ectopic``.

    Returns
    -------
    jax.Array
        Exposure in [0, 1], for ``inhibitors.lipid_exposure`` of skeletal muscle.

    References
    ----------
    belfort2005, boden2001imcl, virkamaki2001, goodpaster2001, kim2004pkctheta.
    """
    r = imcl_rel / fitness_rel**p.imcl_fitness_exponent
    x = jnp.maximum(r - 1.0, 0.0) / p.imcl_span
    pos = x > 0.0
    # x**power written so that it (and its gradient) stays finite at x = 0
    e = jnp.where(pos, jnp.exp(p.imcl_exposure_power * jnp.log(jnp.where(pos, x, 1.0))), 0.0)
    return jnp.clip(e, 0.0, 1.0)
