"""Sex-hormone read-outs of insulin action (physiology/gonads.py, data/params/gonads.toml)."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from importlib import resources

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.optimize import brentq

import insulinsim  # noqa: F401  (enables float64)
from insulinsim.parameters import Gonads
from insulinsim.physiology import gonads

TOML = tomllib.loads(
    (resources.files("insulinsim") / "data" / "params" / "gonads.toml").read_text("utf-8")
)


def _params(**over) -> Gonads:
    values = {k: v["value"] for k, v in TOML.items()}
    values.update(over)
    return Gonads(**{k: jnp.asarray(v) for k, v in values.items()})


WOMAN = _params(male=0.0)
MAN = _params(male=1.0)
I_REF = float(WOMAN.insulin_ref)
V_REF = float(WOMAN.visceral_fat_ref_kg)


def test_toml_matches_parameter_class():
    assert set(TOML) == {f.name for f in dataclasses.fields(Gonads)}
    for name, entry in TOML.items():
        for key in ("value", "unit", "source", "locator", "obtained"):
            assert key in entry, f"{name} lacks {key}"


# ---------------------------------------------------------------- Vermeulen free testosterone


def test_free_testosterone_matches_published_worked_example():
    # ISSAM calculator page (issam_ftcalc), worked example of Vermeulen et al. 1999:
    # SHBG 40 nmol/L, T 10 nmol/L, albumin 4.3 g/dL -> [S] = 1.7388e-10 mol/L (1.74 % free).
    ft = float(gonads.free_testosterone(10.0, 40.0, WOMAN))
    assert ft == pytest.approx(0.17388, rel=1e-3)
    assert 100 * ft / 10.0 == pytest.approx(1.74, abs=0.005)


def _free_t_by_mass_balance(tt, shbg, albumin_g_l, p):
    """Independent solution: saturable one-site SHBG binding plus linear albumin binding,
    TT = FT (1 + Ka [alb]) + SHBG Ks FT / (1 + Ks FT), solved by bracketing (all in mol/L)."""
    ka, ks = float(p.k_albumin), float(p.k_shbg)
    alb = albumin_g_l / float(p.albumin_molar_mass)
    tt_m, s_m = tt * 1e-9, shbg * 1e-9

    def balance(ft):
        return ft * (1 + ka * alb) + s_m * ks * ft / (1 + ks * ft) - tt_m

    return brentq(balance, 0.0, tt_m, xtol=1e-22, rtol=1e-14) * 1e9


@pytest.mark.parametrize("tt", [0.3, 1.0, 2.5, 12.0, 25.0, 60.0])
@pytest.mark.parametrize("shbg", [5.0, 20.0, 46.0, 120.0])
@pytest.mark.parametrize("albumin", [35.0, 43.0, 50.0])
def test_free_testosterone_against_independent_root(tt, shbg, albumin):
    p = dataclasses.replace(WOMAN, albumin=jnp.asarray(albumin))
    expected = _free_t_by_mass_balance(tt, shbg, albumin, p)
    assert float(gonads.free_testosterone(tt, shbg, p)) == pytest.approx(expected, rel=1e-9)


def test_free_testosterone_without_shbg_is_albumin_partition():
    n = 1 + float(WOMAN.k_albumin) * float(WOMAN.albumin) / float(WOMAN.albumin_molar_mass)
    assert float(gonads.free_testosterone(2.0, 0.0, WOMAN)) == pytest.approx(2.0 / n, rel=1e-12)


def test_free_androgen_index_definition():
    assert float(gonads.free_androgen_index(2.0, 40.0)) == pytest.approx(5.0)


# ---------------------------------------------------------------- reference levels


def test_healthy_woman_within_published_ranges():
    r = gonads.steady_state(I_REF, I_REF, V_REF, WOMAN)
    tt, sh, ft = float(r.total_testosterone), float(r.shbg), float(r.free_testosterone)
    # haring2012 (SHIP, LC-MS/MS, women 20-80 y): TT 0.35-1.97 nmol/L
    assert 0.35 <= tt <= 1.97
    # braunstein2011 (30-year-old woman, 5th-95th pct): TT 520-1595 pmol/L, SHBG 18-86 nmol/L,
    # calculated free T 4.5-19.4 pmol/L
    assert 0.520 <= tt <= 1.595
    assert 18.0 <= sh <= 86.0
    assert 4.5e-3 <= ft <= 19.4e-3
    assert float(r.ovarian_androgen_production) == pytest.approx(1.0)
    assert math.isnan(float(r.estradiol))  # female estradiol is not modelled


def test_healthy_man_within_published_ranges():
    r = gonads.steady_state(I_REF, I_REF, V_REF, MAN)
    # nielsen2007 (non-obese Danish men 20-29 y): TT 12.5-37.6 nmol/L, free T 0.29-0.78 nmol/L,
    # total estradiol 36.5-166 pmol/L
    assert 12.5 <= float(r.total_testosterone) <= 37.6
    assert 0.29 <= float(r.free_testosterone) <= 0.78
    assert 36.5 <= float(r.estradiol) <= 166.0
    assert float(r.ovarian_androgen_production) == 0.0


def test_pcos_insulin_reproduces_pcos_testosterone():
    # nestler1989: obese PCOS women at fasting insulin 177 pmol/L had total T 2.5 +/- 0.4 (SE)
    # nmol/L. The elasticity comes from that study, but the healthy reference (braunstein2011)
    # is independent, so the predicted level is a check of the combination.
    tt = float(gonads.total_testosterone_female(177.0, WOMAN))
    assert 2.5 - 2 * 0.4 <= tt <= 2.5 + 2 * 0.4
    # SHBG at that drive stays in the low range reported in PCOS (13.2 nestler1989,
    # 18.3 sepilian2005 nmol/L) rather than the healthy one.
    assert float(gonads.shbg(177.0, WOMAN)) < 25.0


# ---------------------------------------------------------------- monotonicity


ACTIONS = jnp.linspace(5.0, 600.0, 60)


def test_more_ovary_insulin_action_means_more_androgen():
    prod = np.asarray(gonads.ovarian_androgen_production(ACTIONS, WOMAN))
    tt = np.asarray(gonads.total_testosterone(ACTIONS, V_REF, WOMAN))
    assert np.all(np.diff(prod) > 0) and np.all(np.diff(tt) > 0)


def test_more_hepatic_lipogenic_action_lowers_shbg_and_raises_fai_and_free_t():
    tt = float(gonads.total_testosterone_female(I_REF, WOMAN))
    sh = np.asarray(gonads.shbg(ACTIONS, WOMAN))
    fai = np.asarray(gonads.free_androgen_index(tt, sh))
    ft = np.asarray(gonads.free_testosterone(tt, sh, WOMAN))
    assert np.all(np.diff(sh) < 0)
    assert np.all(np.diff(fai) > 0)
    assert np.all(np.diff(ft) > 0)


def test_visceral_fat_in_men_raises_estradiol_and_lowers_testosterone():
    v = jnp.linspace(0.0, 3.0, 31)
    tt = np.asarray(gonads.total_testosterone_male(v, MAN))
    e2 = np.asarray(gonads.estradiol_male(v, MAN))
    ratio = np.asarray(gonads.aromatase_ratio_male(v, MAN))
    assert np.all(np.diff(tt) < 0) and np.all(tt > 0)
    assert np.all(np.diff(e2) > 0)
    assert np.all(np.diff(ratio) > 0)


def test_male_testosterone_slope_at_reference_is_the_published_slope():
    h = 1e-4
    slope = (
        float(gonads.total_testosterone_male(V_REF + h, MAN))
        - float(gonads.total_testosterone_male(V_REF - h, MAN))
    ) / (2 * h)
    # gu2024 beta -0.59 ng/dL per cm2 VAT area; 207.4 cm2 per kg (NHANES codebook); 28.84 ng/dL
    # per nmol/L
    assert slope == pytest.approx(-0.59 * 1000 / 4.8212 / 28.84, rel=2e-3)


def test_sex_flag_selects_pathway():
    # ovary action does not move a man's testosterone; visceral fat does not move a woman's
    tt_m = np.asarray(gonads.total_testosterone(ACTIONS, V_REF, MAN))
    assert np.allclose(tt_m, tt_m[0])
    v = jnp.linspace(0.0, 3.0, 7)
    tt_f = np.asarray(gonads.total_testosterone(I_REF, v, WOMAN))
    assert np.allclose(tt_f, tt_f[0])
    assert float(gonads.shbg(I_REF, MAN)) == pytest.approx(float(MAN.shbg_male_ref))
    assert float(gonads.shbg(I_REF, WOMAN)) == pytest.approx(float(WOMAN.shbg_female_ref))


# ---------------------------------------------------------------- JAX behaviour


def test_jit_vmap_and_float64():
    women = jnp.array([25.0, 80.0, 177.0])
    r = jax.jit(gonads.steady_state)(women, women, V_REF, WOMAN)
    assert r.total_testosterone.dtype == jnp.float64
    # a population of parameters: one woman, one man
    pop = jax.tree_util.tree_map(lambda x: jnp.stack([x, x]), WOMAN)
    pop = dataclasses.replace(pop, male=jnp.array([0.0, 1.0]))
    out = jax.vmap(gonads.steady_state, in_axes=(None, None, None, 0))(I_REF, I_REF, V_REF, pop)
    single_w = gonads.steady_state(I_REF, I_REF, V_REF, WOMAN)
    single_m = gonads.steady_state(I_REF, I_REF, V_REF, MAN)
    assert float(out.total_testosterone[0]) == pytest.approx(float(single_w.total_testosterone))
    assert float(out.total_testosterone[1]) == pytest.approx(float(single_m.total_testosterone))
    assert float(out.estradiol[1]) == pytest.approx(float(single_m.estradiol))


def test_gradients_are_finite():
    def ft_of_action(a):
        r = gonads.steady_state(a, a, V_REF, WOMAN)
        return r.free_testosterone

    g = jax.grad(ft_of_action)(60.0)
    assert np.isfinite(float(g)) and float(g) > 0
    g0 = jax.grad(ft_of_action)(0.0)  # floor keeps the power laws finite
    assert np.isfinite(float(g0))
