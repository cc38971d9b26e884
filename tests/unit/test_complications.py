"""Unit tests of insulinsim.analysis._complications: shapes, monotonicity, cumulative-risk
mathematics, input errors and the provenance of every number in data/complications.toml."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import numpy as np
import pytest

from insulinsim.analysis._complications import (
    COMPLICATIONS,
    complication_hazards,
    cumulative_risk,
)
from insulinsim.errors import InputError

# a person with type 2 diabetes; mg/dL inputs
PERSON = dict(
    hba1c_pct=8.0,
    sbp_mmhg=145.0,
    tg_mg_dl=180.0,
    hdl_mg_dl=42.0,
    age_years=60.0,
    male=True,
    diabetes=True,
)


def hz(**changes):
    return complication_hazards(**{**PERSON, **changes})


# --- shapes ----------------------------------------------------------------------------------


def test_keys_dtype_and_scalar_shape():
    h = hz()
    assert tuple(h) == COMPLICATIONS
    for v in h.values():
        assert v.dtype == np.float64
        assert v.shape == ()
        assert np.isfinite(v) and v > 0


def test_broadcasts_person_by_time():
    a1c = np.linspace(6.5, 9.5, 5)[None, :]  # (1, time)
    age = np.array([45.0, 55.0, 65.0])[:, None]  # (person, 1)
    male = np.array([True, False, True])[:, None]
    h = hz(hba1c_pct=a1c, age_years=age, male=male)
    for v in h.values():
        assert v.shape == (3, 5)
    # elementwise: one entry equals the scalar call
    one = hz(hba1c_pct=a1c[0, 2], age_years=45.0, male=True)
    for name in COMPLICATIONS:
        assert h[name][0, 2] == pytest.approx(float(one[name]), rel=1e-12)


def test_accepts_integer_flags():
    a = hz(male=1, diabetes=1)
    b = hz(male=True, diabetes=True)
    for name in COMPLICATIONS:
        assert a[name] == b[name]


# --- monotonicity ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMPLICATIONS)
def test_hazard_rises_with_hba1c_above_6(name):
    h = hz(hba1c_pct=np.linspace(6.0, 14.0, 17))[name]
    assert np.all(np.diff(h) > 0)


@pytest.mark.parametrize("name", COMPLICATIONS)
def test_hazard_flat_below_6_percent(name):
    """UKPDS 35: lowest risk at HbA1c < 6 %, no further fall below it."""
    h = hz(hba1c_pct=np.array([4.0, 5.0, 5.9, 6.0]))[name]
    assert np.allclose(h, h[-1], rtol=1e-12)


@pytest.mark.parametrize("name", COMPLICATIONS)
def test_hazard_rises_with_sbp_above_120_and_flat_below(name):
    h = hz(sbp_mmhg=np.array([100.0, 120.0, 140.0, 160.0, 180.0]))[name]
    assert h[0] == pytest.approx(h[1], rel=1e-12)
    assert np.all(np.diff(h[1:]) > 0)


def test_cardiovascular_rises_with_age_and_is_lower_in_women():
    h = hz(age_years=np.array([40.0, 50.0, 60.0, 70.0]))["cardiovascular"]
    assert np.all(np.diff(h) > 0)
    assert hz(male=False)["cardiovascular"] < hz(male=True)["cardiovascular"]


def test_microvascular_hazards_do_not_depend_on_age_or_sex():
    for name in ("retinopathy", "nephropathy", "neuropathy"):
        assert hz(age_years=30.0)[name] == hz(age_years=80.0)[name]
        assert hz(male=False)[name] == hz(male=True)[name]


def test_hdl_protects_heart_and_nerves_only():
    h = hz(hdl_mg_dl=np.array([30.0, 45.0, 60.0, 80.0]))
    assert np.all(np.diff(h["cardiovascular"]) < 0)
    assert np.all(np.diff(h["neuropathy"]) < 0)
    for name in ("retinopathy", "nephropathy"):
        assert np.ptp(h[name]) == 0.0


def test_triglycerides_change_no_hazard():
    h = hz(tg_mg_dl=np.array([50.0, 150.0, 600.0]))
    for v in h.values():
        assert np.ptp(v) == 0.0


def test_before_diagnosis_microvascular_zero_and_cardiovascular_lower():
    """Documented choice: no microvascular hazard before diagnosis; CHD baseline divided by the
    Emerging Risk Factors Collaboration 2010 hazard ratio for diabetes, 2.00 (1.83-2.19)."""
    pre = hz(diabetes=False, hba1c_pct=6.2)
    post = hz(diabetes=True, hba1c_pct=6.2)
    for name in ("retinopathy", "nephropathy", "neuropathy"):
        assert pre[name] == 0.0
        assert post[name] > 0.0
    ratio = post["cardiovascular"] / pre["cardiovascular"]
    assert 1.83 <= ratio <= 2.19


def test_orders_of_magnitude_at_reference():
    """Sanity: at HbA1c 6.72 %, SBP 135.7 mmHg, man aged 55 the hazards are those of the
    sourced incidences: a few per 100 person-years at most (not per person-day or fractions)."""
    h = hz(hba1c_pct=6.72, sbp_mmhg=135.7, age_years=55.0, hdl_mg_dl=1.1 * 38.666)
    assert 0.03 < h["retinopathy"] < 0.06  # UKPDS 50: 22 % over 6 years
    assert 0.015 < h["nephropathy"] < 0.025  # UKPDS 64: 2.0 % per year
    assert 0.005 < h["neuropathy"] < 0.012  # ADDITION-DK: 10 % over 13 years
    assert 0.008 < h["cardiovascular"] < 0.015  # UKPDS 56: q0 = 0.0112 per year


# --- cumulative risk -------------------------------------------------------------------------


def test_cumulative_risk_constant_hazard_is_exponential():
    t = np.linspace(0.0, 20.0, 41)
    r = cumulative_risk(t, {"x": np.full(41, 0.05)})["x"]
    assert r[0] == 0.0
    np.testing.assert_allclose(r, 1.0 - np.exp(-0.05 * t), rtol=1e-12, atol=1e-15)


def test_cumulative_risk_linear_hazard_is_exact_under_trapezoid():
    t = np.array([0.0, 0.5, 2.0, 3.0, 7.5])  # uneven steps
    a, b = 0.01, 0.004
    r = cumulative_risk(t, {"x": a + b * t})["x"]
    np.testing.assert_allclose(r, 1.0 - np.exp(-(a * t + 0.5 * b * t**2)), rtol=1e-12)


def test_cumulative_risk_properties_over_a_population():
    rng = np.random.default_rng(0)
    t = np.cumsum(rng.uniform(0.0, 1.0, 30)) - 0.3  # need not start at 0
    h = rng.uniform(0.0, 0.3, (4, 30))
    r = cumulative_risk(t, {"a": h, "zero": np.zeros((4, 30))})
    assert r["a"].shape == (4, 30)
    assert np.all(r["a"][:, 0] == 0.0)
    assert np.all(np.diff(r["a"], axis=-1) >= 0.0)
    assert np.all((r["a"] >= 0.0) & (r["a"] < 1.0))
    assert np.all(r["zero"] == 0.0)


def test_cumulative_risk_from_hazards_of_a_trajectory():
    t = np.linspace(0.0, 30.0, 31)
    h = hz(hba1c_pct=np.linspace(7.0, 10.0, 31), age_years=50.0 + t)
    r = cumulative_risk(t, h)
    assert tuple(r) == COMPLICATIONS
    for name in COMPLICATIONS:
        assert r[name].shape == (31,)
        assert 0.0 < r[name][-1] < 1.0


def test_repeated_times_add_nothing():
    r = cumulative_risk([0.0, 1.0, 1.0, 2.0], {"x": [0.1, 0.1, 0.5, 0.1]})["x"]
    assert r[1] == r[2]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "pattern"),
    [
        ("hba1c_pct", 53.0, r"hba1c_pct: got 53\.0; allowed: \[3, 20\] % \(NGSP\)"),
        ("hba1c_pct", 0.07, r"hba1c_pct: got 0\.07"),
        ("hba1c_pct", float("nan"), r"hba1c_pct: got nan"),
        ("sbp_mmhg", np.array([140.0, np.inf]), r"sbp_mmhg: got inf; allowed: \[50, 300\] mmHg"),
        ("tg_mg_dl", -1.0, r"tg_mg_dl: got -1\.0; allowed: \[5, 10000\] mg/dL"),
        ("hdl_mg_dl", 0.0, r"hdl_mg_dl: got 0\.0; allowed: \[5, 200\] mg/dL"),
        ("age_years", 130.0, r"age_years: got 130\.0; allowed: \[0, 120\] year"),
        ("hba1c_pct", "high", r"hba1c_pct: got 'high'"),
        ("male", 2, r"male: got 2\.0; allowed: booleans"),
        ("diabetes", "yes", r"diabetes: got 'yes'; allowed: booleans"),
    ],
)
def test_bad_inputs_name_field_value_and_range(field, value, pattern):
    with pytest.raises(InputError, match=pattern) as info:
        hz(**{field: value})
    assert isinstance(info.value, ValueError)
    assert info.value.field == field


def test_cumulative_risk_rejects_bad_times_and_hazards():
    with pytest.raises(ValueError, match=r"times_years.*non-decreasing"):
        cumulative_risk([0.0, 2.0, 1.0], {"x": [0.1, 0.1, 0.1]})
    with pytest.raises(ValueError, match="times_years: got nan"):
        cumulative_risk([0.0, np.nan], {"x": [0.1, 0.1]})
    with pytest.raises(ValueError, match=r"hazards\['x'\]: got -0\.1"):
        cumulative_risk([0.0, 1.0], {"x": [0.1, -0.1]})
    with pytest.raises(ValueError, match=r"hazards\['x'\].*last axis of length 3"):
        cumulative_risk([0.0, 1.0, 2.0], {"x": [0.1, 0.1]})


# --- provenance of the data file -------------------------------------------------------------

_OBTAINED = {"measured", "fitted", "derived", "assumed", "calibrated"}
_EVIDENCE = {"trial", "observational", "experimental", "mechanistic", "claim"}


def test_every_number_has_unit_source_and_provenance():
    text = (resources.files("insulinsim") / "data" / "complications.toml").read_text("utf-8")
    table = tomllib.loads(text)
    bib = (resources.files("insulinsim") / "data" / "references.bib").read_text("utf-8")
    keys = set(re.findall(r"@\w+\{([^,\s]+),", bib))
    for name, entry in table.items():
        for field in ("value", "unit", "description", "source", "locator", "obtained", "evidence"):
            assert field in entry, f"{name} lacks {field}"
        assert entry["obtained"] in _OBTAINED, name
        assert entry["evidence"] in _EVIDENCE, name
        assert entry["source"] in keys, f"{name}: bib key {entry['source']} not in references.bib"
        if entry["obtained"] in ("derived", "assumed"):
            assert entry.get("note"), f"{name}: a derived or assumed number needs its note"
