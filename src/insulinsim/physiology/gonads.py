"""Sex hormones as quasi-steady-state read-outs of insulin action (ovary, liver SHBG, aromatase).

Inputs are insulin-equivalent concentrations (pmol/L, plasma-insulin equivalent) that a tissue's
insulin-signalling branch currently reports; in a healthy fasting person both equal fasting plasma
insulin (``insulin_ref`` = 25.49 pmol/L). Parameters: :class:`insulinsim.parameters.Gonads`
(``data/params/gonads.toml`` holds every number with its source and derivation).

Women (``male`` < 0.5): theca cells stay insulin-sensitive when muscle is resistant, so a raised
ovarian insulin action raises androgen output (the insulin arm of PCOS hyperandrogenism)::

    R_ov = (I_ov / insulin_ref) ** ovary_insulin_elasticity          relative to a healthy woman
    TT_f = testosterone_female_ref * R_ov                              nmol/L

The elasticity 0.479 is the log-log slope of serum total testosterone on fasting insulin when
diazoxide lowered insulin in obese PCOS women (Nestler et al. 1989); rosiglitazone gives 0.54
(Sepilian & Nagamani 2005). It is a chronic effect: hours of insulin infusion do not raise T.

Liver, both sexes: SHBG falls as the hepatic lipogenic branch is driven. Selva et al. 2007 (J Clin
Invest 117:3979) showed that glucose/fructose-driven hepatic lipogenesis lowers HNF-4alpha and so
SHBG transcription; the input is therefore the insulin-equivalent drive of lipogenesis, not insulin
per se::

    SHBG = shbg_ref(sex) * (I_hep / insulin_ref) ** (-shbg_insulin_elasticity)        nmol/L

Free testosterone, Vermeulen, Verdonck & Kaufman 1999 (J Clin Endocrinol Metab 84:3666): mass action
of T with SHBG (one site, K_s = k_shbg) and albumin (K_a = k_albumin, in excess), with
N = 1 + K_a [albumin] (albumin in mol/L = g/L / albumin_molar_mass). Total T = FT N + SHBG-bound T,
bound = K_s FT (SHBG - bound) gives, in nmol/L with k = K_s * 1e-9 L/nmol::

    N k FT**2 + (N + k (SHBG - TT)) FT - TT = 0,   FT = 2 TT / (b + sqrt(b**2 + 4 N k TT))

(the cancellation-free root of the quadratic). Free-androgen index FAI = 100 TT / SHBG.

Men (``male`` >= 0.5): visceral fat V (kg) lowers total testosterone (NHANES slope, Gu et al. 2024)
and shifts testosterone to estradiol by adipose aromatase (Kley et al. 1980)::

    TT_m = testosterone_male_ref * exp(-a (V - visceral_fat_ref_kg)),
           a = testosterone_loss_per_visceral_kg / testosterone_male_ref                nmol/L
    E2_m = estradiol_male_ref * (testosterone_male_ref / TT_m) ** aromatase_coupling     pmol/L

so E2/TT (the aromatisation ratio) rises with visceral fat. The exponential keeps TT positive and
has the published linear slope at the reference man. A man has no ovarian output (reported as 0);
female estradiol (cycle-dependent) is not modelled and is reported as NaN.

Power laws are fitted through two published points each; outside the insulin range of their source
data (roughly 100-320 pmol/L) they are extrapolations. Inputs are clipped at 1e-6 x insulin_ref
only to keep the power laws finite (a numerical guard, not physiology).
"""

from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp

from insulinsim.parameters import Gonads

__all__ = [
    "GonadReadout",
    "aromatase_ratio_male",
    "estradiol_male",
    "free_androgen_index",
    "free_testosterone",
    "is_male",
    "ovarian_androgen_production",
    "shbg",
    "steady_state",
    "total_testosterone",
    "total_testosterone_female",
    "total_testosterone_male",
]

_FLOOR = 1e-6  # smallest insulin action, as a fraction of insulin_ref (numerical guard)
_PER_NMOL = 1e-9  # mol per nmol: converts an association constant in L/mol to L/nmol


class GonadReadout(NamedTuple):
    """Steady-state sex-hormone read-outs of one person (or elementwise over arrays)."""

    ovarian_androgen_production: object  # dimensionless, relative to a healthy woman; 0 for men
    total_testosterone: object  # nmol/L
    shbg: object  # nmol/L
    free_testosterone: object  # nmol/L (Vermeulen 1999)
    free_androgen_index: object  # percent, 100 TT/SHBG
    estradiol: object  # pmol/L for men; NaN for women (not modelled)


def is_male(p: Gonads):
    """Boolean array: True where the person follows the male pathway (``male`` >= 0.5)."""
    return jnp.asarray(p.male) >= 0.5


def _relative_action(action, p: Gonads):
    ref = jnp.asarray(p.insulin_ref)
    return jnp.maximum(jnp.asarray(action), _FLOOR * ref) / ref


def ovarian_androgen_production(ovary_action, p: Gonads):
    """Theca androgen output relative to a healthy woman at ``insulin_ref`` (dimensionless).

    ``ovary_action`` (pmol/L) is the insulin-equivalent concentration that the ovary's signalling
    reports.
    Returns ``(ovary_action / insulin_ref) ** ovary_insulin_elasticity``; 1 for a healthy woman.
    """
    return _relative_action(ovary_action, p) ** p.ovary_insulin_elasticity


def total_testosterone_female(ovary_action, p: Gonads):
    """Serum total testosterone of a woman (nmol/L) for the ovary's insulin action (pmol/L)."""
    return p.testosterone_female_ref * ovarian_androgen_production(ovary_action, p)


def total_testosterone_male(visceral_fat_kg, p: Gonads):
    """Serum total testosterone of a man (nmol/L) for visceral fat ``visceral_fat_kg`` (kg)."""
    rate = p.testosterone_loss_per_visceral_kg / p.testosterone_male_ref  # 1/kg
    excess = jnp.asarray(visceral_fat_kg) - p.visceral_fat_ref_kg
    return p.testosterone_male_ref * jnp.exp(-rate * excess)


def total_testosterone(ovary_action, visceral_fat_kg, p: Gonads):
    """Serum total testosterone (nmol/L) of the person's sex: ovarian pathway for women,
    visceral-fat pathway for men."""
    return jnp.where(
        is_male(p),
        total_testosterone_male(visceral_fat_kg, p),
        total_testosterone_female(ovary_action, p),
    )


def shbg(hepatic_lipogenic_action, p: Gonads):
    """Serum SHBG (nmol/L) for the insulin-equivalent drive of hepatic lipogenesis (pmol/L).

    The sex-specific healthy reference (``shbg_female_ref`` or ``shbg_male_ref``) scaled by
    ``(action / insulin_ref) ** (-shbg_insulin_elasticity)``.
    """
    ref = jnp.where(is_male(p), p.shbg_male_ref, p.shbg_female_ref)
    return ref * _relative_action(hepatic_lipogenic_action, p) ** (-p.shbg_insulin_elasticity)


def free_testosterone(total_testosterone_nmol, shbg_nmol, p: Gonads):
    """Free testosterone (nmol/L) by the Vermeulen 1999 mass-action equation.

    ``total_testosterone_nmol`` and ``shbg_nmol`` in nmol/L; albumin and the association constants
    come from ``p`` (``albumin`` g/L, ``albumin_molar_mass`` g/mol, ``k_albumin`` and ``k_shbg``
    L/mol). Returns the positive root of N k FT^2 + (N + k (SHBG - TT)) FT - TT = 0.
    """
    tt = jnp.asarray(total_testosterone_nmol)
    s = jnp.asarray(shbg_nmol)
    n = 1.0 + p.k_albumin * p.albumin / p.albumin_molar_mass  # 1 + K_a [albumin]
    k = p.k_shbg * _PER_NMOL  # L/nmol
    a = n * k
    b = n + k * (s - tt)
    return 2.0 * tt / (b + jnp.sqrt(b * b + 4.0 * a * tt))


def free_androgen_index(total_testosterone_nmol, shbg_nmol):
    """Free-androgen index, 100 x total testosterone / SHBG (both nmol/L; dimensionless, %)."""
    return 100.0 * jnp.asarray(total_testosterone_nmol) / jnp.asarray(shbg_nmol)


def estradiol_male(visceral_fat_kg, p: Gonads):
    """Serum estradiol of a man (pmol/L) for visceral fat ``visceral_fat_kg`` (kg).

    ``estradiol_male_ref * (testosterone_male_ref / TT_m) ** aromatase_coupling``: as visceral fat
    lowers testosterone, more of it appears as estradiol (adipose aromatase).
    """
    tt = total_testosterone_male(visceral_fat_kg, p)
    return p.estradiol_male_ref * (p.testosterone_male_ref / tt) ** p.aromatase_coupling


def aromatase_ratio_male(visceral_fat_kg, p: Gonads):
    """Estradiol / total testosterone of a man (pmol/L per nmol/L) at ``visceral_fat_kg`` (kg)."""
    return estradiol_male(visceral_fat_kg, p) / total_testosterone_male(visceral_fat_kg, p)


def steady_state(
    ovary_action, hepatic_lipogenic_action, visceral_fat_kg, p: Gonads
) -> GonadReadout:
    """All sex-hormone read-outs of the person's sex (``p.male``), elementwise.

    Parameters
    ----------
    ovary_action : pmol/L, insulin-equivalent action reported by the ovary (ignored for men).
    hepatic_lipogenic_action : pmol/L, insulin-equivalent drive of hepatic lipogenesis.
    visceral_fat_kg : kg, visceral adipose tissue (ignored for women).
    p : Gonads parameters.

    Returns
    -------
    GonadReadout with ovarian_androgen_production (relative; 0 for men), total_testosterone,
    shbg and free_testosterone (nmol/L), free_androgen_index (%) and estradiol (pmol/L for men,
    NaN for women).
    """
    male = is_male(p)
    tt = total_testosterone(ovary_action, visceral_fat_kg, p)
    sh = shbg(hepatic_lipogenic_action, p)
    ovarian = jnp.where(male, 0.0, ovarian_androgen_production(ovary_action, p))
    e2 = jnp.where(male, estradiol_male(visceral_fat_kg, p), jnp.nan)
    return GonadReadout(
        ovarian_androgen_production=ovarian,
        total_testosterone=tt,
        shbg=sh,
        free_testosterone=free_testosterone(tt, sh, p),
        free_androgen_index=free_androgen_index(tt, sh),
        estradiol=e2,
    )
