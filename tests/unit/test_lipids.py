"""Triglycerides, HDL and blood pressure (physiology/lipids.py) against published slopes."""

from __future__ import annotations

import tomllib
import types
from importlib import resources

import jax.numpy as jnp
import pytest

from insulinsim.physiology import lipids


def _params(group: str) -> types.SimpleNamespace:
    path = resources.files("insulinsim") / "data" / "params" / f"{group}.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    return types.SimpleNamespace(**{k: v["value"] for k, v in table.items()})


P = _params("lipids")


def _args(bmi, male, age=42.0):
    return dict(
        bmi=bmi,
        waist_cm=90.0,
        fasting_insulin_pmol_l=40.0,
        liver_fat_pct=3.0,
        age_y=age,
        male=male,
        p=P,
    )


@pytest.mark.parametrize("male", [1.0, 0.0])
def test_reference_person_is_healthy(male):
    """At BMI 23 neither TG, HDL nor BP crosses an ATP III threshold (Oxford Biobank medians)."""
    tg = float(lipids.triglycerides(**_args(23.0, male)))
    h = float(lipids.hdl(**_args(23.0, male)))
    sbp, dbp = lipids.blood_pressure(**_args(23.0, male))
    assert tg < 150.0
    assert h >= (40.0 if male else 50.0)
    assert float(sbp) < 130.0 and float(dbp) < 85.0


def test_reference_values_in_mg_dl():
    # Vasan 2018 Table 1: men TG 1.2 mmol/L, HDL 1.2 mmol/L; women 0.8 and 1.5 mmol/L
    assert float(lipids.triglycerides(**_args(26.1, 1.0))) == pytest.approx(1.2 * 88.57, rel=1e-3)
    assert float(lipids.hdl(**_args(24.2, 0.0))) == pytest.approx(1.5 * 38.67, rel=1e-3)


def test_weight_slopes_match_meta_analyses():
    """10 kg more body weight (BMI + 10/1.79^2 for the reference man): TG +13.3 mg/dL and HDL
    -3.5 mg/dL (Dattilo & Kris-Etherton 1992), SBP +10.5 and DBP +9.2 mmHg (Neter et al. 2003)."""
    b0 = 26.1
    b1 = b0 + 10.0 / 1.79**2
    assert float(
        lipids.triglycerides(**_args(b1, 1.0)) - lipids.triglycerides(**_args(b0, 1.0))
    ) == pytest.approx(13.3, rel=1e-6)
    assert float(lipids.hdl(**_args(b1, 1.0)) - lipids.hdl(**_args(b0, 1.0))) == pytest.approx(
        -3.5, rel=1e-6
    )
    s0, d0 = lipids.blood_pressure(**_args(b0, 1.0))
    s1, d1 = lipids.blood_pressure(**_args(b1, 1.0))
    assert float(s1 - s0) == pytest.approx(10.5, rel=1e-6)
    assert float(d1 - d0) == pytest.approx(9.2, rel=1e-6)


@pytest.mark.parametrize("male", [1.0, 0.0])
def test_obesity_direction(male):
    """Obesity raises TG and BP and lowers HDL; at BMI 35 BP crosses 130/85 in men."""
    lean, obese = _args(22.0, male), _args(35.0, male)
    assert float(lipids.triglycerides(**obese)) > float(lipids.triglycerides(**lean))
    assert float(lipids.hdl(**obese)) < float(lipids.hdl(**lean))
    s_l, d_l = lipids.blood_pressure(**lean)
    s_o, d_o = lipids.blood_pressure(**obese)
    assert float(s_o) > float(s_l) and float(d_o) > float(d_l)
    if male:
        assert float(s_o) >= 130.0 or float(d_o) >= 85.0


def test_age_raises_systolic_after_45():
    """Pearson 1997 (BLSA): SBP stable until ~45 y, then 5-8 mmHg per decade."""
    s40, _ = lipids.blood_pressure(**_args(24.0, 0.0, age=40.0))
    s44, _ = lipids.blood_pressure(**_args(24.0, 0.0, age=44.0))
    s65, _ = lipids.blood_pressure(**_args(24.0, 0.0, age=65.0))
    assert float(s44) == pytest.approx(float(s40))
    assert 10.0 <= float(s65 - s44) <= 16.0


def test_vectorised():
    bmi = jnp.array([20.0, 27.0, 40.0])
    male = jnp.array([0.0, 1.0, 1.0])
    tg = lipids.triglycerides(
        bmi=bmi,
        waist_cm=0.0,
        fasting_insulin_pmol_l=0.0,
        liver_fat_pct=0.0,
        age_y=50.0,
        male=male,
        p=P,
    )
    assert tg.shape == (3,)
