"""Ectopic fat and inflammation on the slow clock: liver fat, IMCL, visceral-fat cytokines.

Parameters come straight from ``data/params/ectopic.toml`` (the group is not yet wired into
:class:`insulinsim.parameters.Parameters`). Published anchors, all read from abstracts:

- liver fat of lean people 2.2 +- 0.6 % (amaro2010); upper limit of normal 5.56 %
  (szczepaniak2005);
- energy deficit: liver fat -8.9 % at 48 h and -44.5 % after ~11 weeks on a conventional
  (high-carbohydrate) diet (kirk2009); -28 +- 23 % after 2 weeks of calorie restriction
  (browning2011); 12.8 % -> 2.9 % by week 8 of a 600-kcal diet in T2D (lim2011);
- hepatic insulin sensitivity 0.7 vs 0.3 at 3.3 vs 21.4 % liver fat (amaro2010); insulin
  suppression of hepatic glucose output 43 % (T2D, 12.8 % liver fat) vs 68 % (controls)
  (lim2011);
- FFA 0.44 -> 0.695 / 1.251 / 1.688 mmol/L for 4 h: insulin-stimulated Rd -22 / -30 / -34 %
  (belfort2005); IMCL +9 % / +33 % after 4 h at FFA 1207 / 1857 umol/L (boden2001imcl);
- high vs low IMCL (9.5 vs 3.0 IMCL/CrT, VO2max 33 vs 36): IRS-1-PI3K activation 49 vs 84 %
  above basal (virkamaki2001); trained athletes: IMCL 2.36 vs 1.40 % area, SDH 50.0 vs 36.1,
  M 10.26 vs 9.45 (goodpaster2001);
- inhibitor effects at exposure 1: lipid 0.45, cytokine 0.40 (inhibitors.toml).
"""

from __future__ import annotations

import math
import tomllib
import types
from importlib import resources

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from insulinsim.physiology import adipose, liver, muscle

ECTOPIC_FIELDS = (
    "LF_ref",
    "w_ffa",
    "w_dnl",
    "w_diet",
    "tau_liver_fat",
    "LF_span",
    "imcl_ffa_slope",
    "imcl_fitness_exponent",
    "tau_imcl",
    "imcl_span",
    "imcl_exposure_power",
    "VAT_ref",
    "cytokine_per_kg",
)


def _load(name: str) -> dict:
    path = resources.files("insulinsim") / "data" / "params" / f"{name}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


TABLE = _load("ectopic")
P = types.SimpleNamespace(**{k: v["value"] for k, v in TABLE.items()})
INH = _load("inhibitors")
LIPID_EFFECT = INH["lipid_effect_irs1"]["value"]  # 0.45
CYTOKINE_EFFECT = INH["cytokine_effect_irs1"]["value"]  # 0.40


def _f(x) -> float:
    return float(np.asarray(x))


def _liver_fat_after(days, lf0, target):
    """Exact solution of the first-order liver-fat equation (constant target)."""
    return target + (lf0 - target) * math.exp(-days / P.tau_liver_fat)


# ---------------------------------------------------------------- the data file ----


def test_fields_are_in_the_documented_order():
    assert tuple(TABLE) == ECTOPIC_FIELDS


def test_every_entry_has_provenance_in_the_bibliography():
    bib = (resources.files("insulinsim") / "data" / "references.bib").read_text("utf-8")
    for name, entry in TABLE.items():
        for key in ("value", "unit", "description", "source", "locator", "obtained", "note"):
            assert key in entry, f"{name} lacks {key}"
        assert entry["obtained"] in {"measured", "fitted", "derived", "assumed", "calibrated"}
        assert entry.get("evidence") in {
            None,
            "trial",
            "observational",
            "experimental",
            "mechanistic",
            "claim",
        }
        assert "{" + entry["source"] + "," in bib, f"{name}: {entry['source']} not in bib"


def test_the_only_unsourced_number_says_so():
    assumed = {k for k, v in TABLE.items() if v["obtained"] == "assumed"}
    assert assumed == {"cytokine_per_kg"}
    assert TABLE["cytokine_per_kg"]["evidence"] == "claim"


# ---------------------------------------------------------------- liver fat ----


def test_healthy_inputs_give_the_reference_liver_fat():
    lf = liver.liver_fat_target(
        ffa_rel=1.0, dnl_rel=1.0, fat_intake_rel=1.0, input_multiplier=1.0, p=P
    )
    assert _f(lf) == pytest.approx(P.LF_ref)
    assert _f(liver.liver_fat_rate(lf, lf, P)) == 0.0
    # the healthy reference lies below the upper limit of normal (szczepaniak2005)
    assert P.LF_ref < 5.56


def test_healthy_shares_keep_donnelly_nefa_to_diet_ratio_and_smith_dnl_share():
    assert P.w_ffa + P.w_dnl + P.w_diet == pytest.approx(1.0, abs=1e-4)
    assert P.w_ffa / P.w_diet == pytest.approx(59.0 / 14.9, rel=1e-3)
    assert P.w_dnl == pytest.approx(0.11)


def test_target_is_linear_in_each_source_with_its_share():
    base = dict(ffa_rel=1.0, dnl_rel=1.0, fat_intake_rel=1.0, input_multiplier=1.0, p=P)
    for key, w in (("ffa_rel", P.w_ffa), ("dnl_rel", P.w_dnl), ("fat_intake_rel", P.w_diet)):
        lf = liver.liver_fat_target(**{**base, key: 2.0})
        assert _f(lf) == pytest.approx(P.LF_ref * (1.0 + w))
    sugar = liver.liver_fat_target(**{**base, "input_multiplier": 1.5})
    assert _f(sugar) == pytest.approx(1.5 * P.LF_ref)


def test_dnl_share_rises_towards_nafld_values_when_lipogenesis_rises():
    # smith2020dnl: 11 % lean -> 38 % obese-NAFLD. The share in the model's input for a
    # fourfold lipogenic drive must lie in that published range.
    dnl = 4.0
    share = P.w_dnl * dnl / (P.w_ffa + P.w_dnl * dnl + P.w_diet)
    assert 0.26 < share < 0.38


def test_time_constant_reproduces_kirk_48h_fall():
    # kirk2009 conventional diet: -44.5 % at ~11 weeks (new steady state), -8.9 % at 48 h
    lf = _liver_fat_after(2.0, 1.0, 1.0 - 0.445)
    assert 1.0 - lf == pytest.approx(0.089, abs=0.005)


def test_two_weeks_of_calorie_restriction_within_browning_2011():
    # browning2011: -28 +- 23 % after 2 weeks (independent of the fit)
    fall = 1.0 - _liver_fat_after(14.0, 1.0, 1.0 - 0.445)
    assert 0.28 - 0.23 < fall < 0.28 + 0.23


def test_lim_2011_liver_fat_normalises_within_8_weeks():
    # lim2011: 12.8 % -> 2.9 % by week 8 of a 600-kcal diet
    lf = _liver_fat_after(56.0, 12.8, 2.9)
    assert lf == pytest.approx(2.9, abs=0.1)


def test_rate_integrates_to_the_exact_solution():
    target = jnp.asarray(2.9)

    def rhs(lf, _):
        lf = lf + 0.01 * liver.liver_fat_rate(lf, target, P)
        return lf, None

    lf, _ = jax.lax.scan(rhs, jnp.asarray(12.8), None, length=700)  # 7 days, dt = 0.01 d
    assert _f(lf) == pytest.approx(_liver_fat_after(7.0, 12.8, 2.9), rel=2e-3)


def test_liver_exposure_reproduces_amaro_and_predicts_lim():
    # amaro2010 (fitted): 0.3/0.7 hepatic sensitivity from 3.3 % to 21.4 % liver fat
    de = _f(liver.liver_lipid_exposure(21.4, P)) - _f(liver.liver_lipid_exposure(3.3, P))
    # clipped at 1 for 21.4 %, so compare the unclipped slope instead
    slope = 1.0 / P.LF_span
    assert (1.0 - LIPID_EFFECT) ** (slope * (21.4 - 3.3)) == pytest.approx(0.3 / 0.7, rel=0.01)
    assert de > 0.9
    # lim2011 (independent): suppression of hepatic glucose output 43 % vs 68 %
    factor = (1.0 - LIPID_EFFECT) ** _f(liver.liver_lipid_exposure(12.8, P))
    assert factor == pytest.approx(43.0 / 68.0, abs=0.05)


def test_liver_exposure_range_and_reference():
    lf = jnp.array([0.0, P.LF_ref, 5.56, 15.0, 40.0])
    e = np.asarray(liver.liver_lipid_exposure(lf, P))
    assert e[0] == 0.0 and e[1] == 0.0
    assert 0.0 < e[2] < 0.5  # at the upper limit of normal: a modest exposure
    assert e[3] == pytest.approx(1.0, abs=0.02)  # exposure 1 near 15 % liver fat
    assert e[4] == 1.0
    assert np.all(np.diff(e) >= 0.0)


# ---------------------------------------------------------------- IMCL ----


def _rd_reduction(ffa_mmol):
    """Belfort protocol through the model: sustained FFA -> IMCL -> exposure -> 1 - factor."""
    ffa_rel = jnp.asarray(ffa_mmol) / 0.440
    imcl = muscle.imcl_target(ffa_rel=ffa_rel, fitness_rel=1.0, p=P)
    e = muscle.muscle_lipid_exposure(imcl, 1.0, P)
    return 1.0 - (1.0 - LIPID_EFFECT) ** np.asarray(e)


def test_belfort_ffa_dose_response_is_reproduced():
    red = _rd_reduction([0.695, 1.251, 1.688])
    np.testing.assert_allclose(red, [0.22, 0.30, 0.34], atol=0.02)


def test_virkamaki_high_imcl_signalling_defect_is_predicted():
    # not fitted: IMCL 9.5 vs 3.0, VO2max 33 vs 36 -> IRS-1-PI3K 49 vs 84 % above basal
    e = muscle.muscle_lipid_exposure(9.5 / 3.0, 33.0 / 36.0, P)
    factor = (1.0 - LIPID_EFFECT) ** _f(e)
    assert factor == pytest.approx(49.0 / 84.0, abs=0.05)


def test_athletes_paradox():
    # goodpaster2001: trained athletes IMCL 2.36 vs 1.40, SDH 50.0 vs 36.1, M not lower
    fitness = 50.0 / 36.1
    imcl = 2.36 / 1.40
    assert _f(muscle.imcl_target(ffa_rel=1.0, fitness_rel=fitness, p=P)) == pytest.approx(
        imcl, rel=0.01
    )
    assert _f(muscle.muscle_lipid_exposure(imcl, fitness, P)) < 0.05
    # the same IMCL in a sedentary muscle is a real exposure
    assert _f(muscle.muscle_lipid_exposure(imcl, 1.0, P)) > 0.4


def test_boden_4h_imcl_rise():
    # boden2001imcl: FFA 464 -> 1857 umol/L raised IMCL to 133 +- 11 % after 4 h
    target = muscle.imcl_target(ffa_rel=1857.0 / 464.0, fitness_rel=1.0, p=P)
    after_4h = _f(target) + (1.0 - _f(target)) * math.exp(-(4.0 / 24.0) / P.tau_imcl)
    assert after_4h == pytest.approx(1.33, abs=0.11)


def test_imcl_healthy_steady_state_and_rate():
    t = muscle.imcl_target(ffa_rel=1.0, fitness_rel=1.0, p=P)
    assert _f(t) == pytest.approx(1.0)
    assert _f(muscle.imcl_rate(1.0, t, P)) == 0.0
    assert _f(muscle.imcl_rate(1.0, 2.0, P)) == pytest.approx(1.0 / P.tau_imcl)
    assert _f(muscle.muscle_lipid_exposure(1.0, 1.0, P)) == 0.0
    # very low FFA never gives a negative IMCL target
    assert _f(muscle.imcl_target(ffa_rel=-5.0, fitness_rel=1.0, p=P)) == 0.0


def test_muscle_exposure_gradient_is_finite_at_healthy():
    g = jax.grad(lambda x: muscle.muscle_lipid_exposure(x, 1.0, P))(jnp.asarray(1.0))
    assert np.isfinite(_f(g))
    g2 = jax.grad(lambda x: muscle.muscle_lipid_exposure(x, 1.0, P))(jnp.asarray(2.0))
    assert np.isfinite(_f(g2)) and _f(g2) > 0.0


# ---------------------------------------------------------------- inflammation ----


def test_cytokine_exposure_is_zero_at_reference_and_small_in_visceral_obesity():
    vat = jnp.array([0.2, P.VAT_ref, 1.5, 2.5, 4.0])
    e = np.asarray(adipose.cytokine_exposure(vat, P))
    assert e[0] == 0.0 and e[1] == 0.0
    assert np.all(np.diff(e) >= 0.0)
    # ceiling from kern2001 (7.5-fold adipose TNF) and liu1998tnf (threshold 1/500 of dose 1)
    ceiling = math.log(7.5) / math.log(500.0)
    assert e[3] < ceiling
    # visceral obesity costs less IRS-1 signalling than the ceiling (-15 %)
    assert 1.0 - (1.0 - CYTOKINE_EFFECT) ** e[3] < 1.0 - (1.0 - CYTOKINE_EFFECT) ** ceiling
    assert 1.0 - (1.0 - CYTOKINE_EFFECT) ** e[3] > 0.0


# ---------------------------------------------------------------- batching ----


def test_functions_vectorise_over_people_and_jit():
    n = 5
    ffa = jnp.linspace(0.8, 2.0, n)
    fit = jnp.linspace(0.7, 1.5, n)

    @jax.jit
    def day(ffa, fit, lf, imcl, vat):
        lft = liver.liver_fat_target(
            ffa_rel=ffa, dnl_rel=1.2, fat_intake_rel=1.0, input_multiplier=1.0, p=P
        )
        it = muscle.imcl_target(ffa_rel=ffa, fitness_rel=fit, p=P)
        return (
            liver.liver_fat_rate(lf, lft, P),
            liver.liver_lipid_exposure(lf, P),
            muscle.imcl_rate(imcl, it, P),
            muscle.muscle_lipid_exposure(imcl, fit, P),
            adipose.cytokine_exposure(vat, P),
        )

    out = day(ffa, fit, jnp.full(n, 6.0), jnp.full(n, 1.3), jnp.full(n, 2.0))
    for arr in out:
        assert arr.shape == (n,) and arr.dtype == jnp.float64
    batched = jax.vmap(lambda f: muscle.muscle_lipid_exposure(f, 1.0, P))(jnp.linspace(1, 3, n))
    assert batched.shape == (n,)
