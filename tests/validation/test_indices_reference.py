"""Clinical indices against published formulas, checkpoints, thresholds and cohort values.

Records come from ``shared/validation/reference.json``; each test names the record ids it uses.
Formula records (``homa1_ir_formula``, ``homa1_b_formula``, ``quicki_formula``,
``matsuda_formula``) carry the published formula as text in the source's units; the tests
evaluate that text independently of the implementation and compare.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from insulinsim.analysis import ada_category, homa1_beta, homa1_ir, matsuda, quicki
from insulinsim.units import MG_DL_PER_MMOL_L_GLUCOSE, PMOL_L_PER_UU_ML_INSULIN

REFERENCE = Path(__file__).parents[2] / ".." / "shared" / "validation" / "reference.json"
OGTT_T = [0.0, 30.0, 60.0, 90.0, 120.0]


@cache
def _records() -> dict:
    return {r["id"]: r for r in json.loads(REFERENCE.read_text(encoding="utf-8"))}


def record(rid: str) -> dict:
    return _records()[rid]


@cache
def _indices_toml() -> dict:
    path = resources.files("insulinsim") / "data" / "indices.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def formula(rid: str):
    """The record's formula text as a function of its named variables (source units)."""
    text = record(rid)["value"]
    names = sorted(set(re.findall(r"[A-Za-z_]\w*", text)) - {"log10", "sqrt"})
    env = {"__builtins__": {}, "log10": math.log10, "sqrt": math.sqrt}

    def f(**kw):
        assert set(kw) == set(names), (rid, names)
        return eval(text, env, kw)

    return f


def mg_dl(g_mmol_l):
    return np.asarray(g_mmol_l) * MG_DL_PER_MMOL_L_GLUCOSE


def pmol_l(i_uu_ml):
    return np.asarray(i_uu_ml) * PMOL_L_PER_UU_ML_INSULIN


# --- formulas and checkpoints ----------------------------------------------------------------


def test_homa1_checkpoints():
    """Record homa1_checkpoints (derived_analytic): (G mmol/L, I µU/mL) -> (IR, %B), ±0.01."""
    rec = record("homa1_checkpoints")
    pairs = [tuple(map(float, p)) for p in re.findall(r"\(([\d.]+),\s*([\d.]+)\)", rec["protocol"])]
    assert len(pairs) == len(rec["value"]) == 4
    G = mg_dl([p[0] for p in pairs])
    I = pmol_l([p[1] for p in pairs])
    expected = np.asarray(rec["value"])
    tol = rec["tolerance"]["value"]
    np.testing.assert_allclose(homa1_ir(G, I), expected[:, 0], rtol=0, atol=tol)
    np.testing.assert_allclose(homa1_beta(G, I), expected[:, 1], rtol=0, atol=tol)


def test_homa1_formula_record_examples():
    """Records homa1_ir_formula and homa1_b_formula: the worked checks in their notes."""
    # homa1_ir_formula: G=4.5 mmol/L, I=5 uU/mL -> 1.00; G=100 mg/dL, I=10 uU/mL -> 2.47
    assert homa1_ir(mg_dl(4.5), pmol_l(5.0)) == pytest.approx(1.00, abs=0.005)
    # The record's mg/dL form divides by 405 (= 22.5 * 18); with 18.016 the result is 2.467,
    # which still prints as 2.47.
    assert round(float(homa1_ir(100.0, pmol_l(10.0))), 2) == 2.47
    # homa1_b_formula: G=4.5, I=5 -> 100 %; G=7.0, I=10 -> 57.1 %
    assert homa1_beta(mg_dl(4.5), pmol_l(5.0)) == pytest.approx(100.0, abs=0.05)
    assert homa1_beta(mg_dl(7.0), pmol_l(10.0)) == pytest.approx(57.1, abs=0.05)


def test_quicki_formula_record_examples():
    """Record quicki_formula: I0=10, G0=100 -> 0.3333; I0=5, G0=90 -> 0.3769."""
    assert quicki(100.0, pmol_l(10.0)) == pytest.approx(0.3333, abs=5e-5)
    assert quicki(90.0, pmol_l(5.0)) == pytest.approx(0.3769, abs=5e-5)


fasting_g = st.floats(3.6, 30.0)  # mmol/L, above the HOMA1-%B offset
fasting_i = st.floats(1.0, 300.0)  # µU/mL


@given(g=fasting_g, i=fasting_i)
def test_fasting_indices_equal_the_record_formulas(g, i):
    """Records homa1_ir_formula, homa1_b_formula, quicki_formula, evaluated from their text."""
    assert homa1_ir(mg_dl(g), pmol_l(i)) == pytest.approx(
        formula("homa1_ir_formula")(G=g, I=i), rel=1e-12
    )
    assert homa1_beta(mg_dl(g), pmol_l(i)) == pytest.approx(
        formula("homa1_b_formula")(G=g, I=i), rel=1e-12
    )
    # QUICKI's source units are mg/dL and µU/mL
    assert quicki(mg_dl(g), pmol_l(i)) == pytest.approx(
        formula("quicki_formula")(I0=i, G0=float(mg_dl(g))), rel=1e-12
    )


@pytest.mark.parametrize("group", ["ngt", "igt", "t2dm"])
def test_matsuda_formula_on_ohashi_mean_curves(group):
    """Record matsuda_formula evaluated on the Ohashi mean OGTT curves
    (ogtt75_ohashi_<group>_glucose / _insulin, samples 0-120 min)."""
    g_rec = record(f"ogtt75_ohashi_{group}_glucose")
    i_rec = record(f"ogtt75_ohashi_{group}_insulin")
    assert g_rec["unit"] == "mg/dL" and i_rec["unit"] == "uU/mL"
    G, I = np.asarray(g_rec["value"]), np.asarray(i_rec["value"])
    expected = formula("matsuda_formula")(
        G0=G[0], I0=I[0], Gmean=sum(G) / len(G), Imean=sum(I) / len(I)
    )
    assert matsuda(G, pmol_l(I), OGTT_T) == pytest.approx(expected, rel=1e-12)


# --- cohort values: plausibility, not pass/fail of the formula --------------------------------
#
# The ogtt75_ohashi_indices_* records are means over individuals of each person's index. We
# only have the group-mean curves, and the index of the mean curve is not the mean of the
# indices. So these are plausibility checks. For Matsuda and QUICKI Jensen's inequality gives a
# one-sided bound that must hold whatever the individual data were:
# - Matsuda = 1e4 * (G0 I0 Gmean Imean)^(-1/2) is a product of negative powers of linear
#   functions of the samples, hence jointly convex: index(mean curve) <= mean(index).
# - QUICKI: log10 of the arithmetic mean >= mean of log10 (concavity of log), and 1/s is convex
#   and decreasing, so index(mean fasting values) <= mean(index).
# HOMA1-IR = G*I/22.5 is bilinear (mean of products = product of means + covariance), so there
# we use the record's own relative tolerance (0.25) as a plausibility range.

GROUPS = ["ngt", "igt", "t2dm"]


def _fasting(group: str) -> tuple[float, float]:
    return (
        record(f"ogtt75_ohashi_{group}_glucose")["value"][0],
        record(f"ogtt75_ohashi_{group}_insulin")["value"][0],
    )


def test_ohashi_matsuda_jensen_bound_and_plausibility():
    """Record ogtt75_ohashi_indices_matsuda (group means of individual indices)."""
    rec = record("ogtt75_ohashi_indices_matsuda")
    assert [s.lower() for s in rec["labels"]] == GROUPS
    for group, mean_of_indices in zip(GROUPS, rec["value"], strict=True):
        G = np.asarray(record(f"ogtt75_ohashi_{group}_glucose")["value"])
        I = pmol_l(record(f"ogtt75_ohashi_{group}_insulin")["value"])
        of_mean = float(matsuda(G, I, OGTT_T))
        assert of_mean <= mean_of_indices  # Jensen, see above
        # plausibility: right-skewed individual indices pull the mean up, but not 2-fold here
        assert of_mean >= 0.5 * mean_of_indices


def test_ohashi_quicki_jensen_bound_and_plausibility():
    """Record ogtt75_ohashi_indices_quicki (group means of individual indices)."""
    rec = record("ogtt75_ohashi_indices_quicki")
    for group, mean_of_indices in zip(GROUPS, rec["value"], strict=True):
        g0, i0 = _fasting(group)
        of_mean = float(quicki(g0, pmol_l(i0)))
        assert of_mean <= mean_of_indices  # Jensen, see above
        # The record's absolute tolerance 0.02 is for a model; widened to 0.03 here because the
        # IGT group mean of indices (0.362) lies 0.022 above the index of the mean values.
        assert of_mean >= mean_of_indices - 0.03


def test_ohashi_homa_ir_plausibility():
    """Record ogtt75_ohashi_indices_homa_ir, relative tolerance of the record (0.25)."""
    rec = record("ogtt75_ohashi_indices_homa_ir")
    tol = rec["tolerance"]["value"]
    for group, mean_of_indices in zip(GROUPS, rec["value"], strict=True):
        g0, i0 = _fasting(group)
        assert float(homa1_ir(g0, pmol_l(i0))) == pytest.approx(mean_of_indices, rel=tol)


# --- ADA thresholds --------------------------------------------------------------------------

_CRITERIA = {  # record label order -> (ada_category keyword, indices.toml stem, resolution)
    0: ("fasting_glucose_mg_dl", "fasting_glucose", 1.0),
    1: ("two_hour_glucose_mg_dl", "two_hour_glucose", 1.0),
    2: ("hba1c_percent", "hba1c", 0.1),
}


def test_indices_toml_transcribes_ada_records():
    """Records ada_diabetes_thresholds and ada_prediabetes_ranges vs data/indices.toml."""
    table = _indices_toml()
    diab = record("ada_diabetes_thresholds")["value"]
    pre = record("ada_prediabetes_ranges")["value"]
    for k, (_, stem, _) in _CRITERIA.items():
        assert table[f"ada_{stem}_diabetes"]["value"] == diab[k]
        assert table[f"ada_{stem}_diabetes"]["record"] == "ada_diabetes_thresholds"
        assert table[f"ada_{stem}_prediabetes"]["value"] == pre[k]
        assert table[f"ada_{stem}_prediabetes"]["record"] == "ada_prediabetes_ranges"


@pytest.mark.parametrize("k", sorted(_CRITERIA))
def test_ada_boundaries(k):
    """Records ada_diabetes_thresholds, ada_prediabetes_ranges: e.g. fasting 126 = diabetes,
    125 = prediabetes, 100 = prediabetes, 99 = normal (one printed resolution step below)."""
    kw, _, step = _CRITERIA[k]
    threshold = record("ada_diabetes_thresholds")["value"][k]
    low, high = record("ada_prediabetes_ranges")["value"][k]
    assert high == pytest.approx(threshold - step)  # the printed ranges abut
    cases = {
        threshold: "diabetes",
        high: "prediabetes",
        low: "prediabetes",
        round(low - step, 1): "normal",
        round(threshold + 5 * step, 1): "diabetes",
    }
    for value, expected in cases.items():
        assert ada_category(**{kw: value}).category == expected, (kw, value)
    # between the printed upper end of prediabetes and the diabetes threshold
    assert ada_category(**{kw: (high + threshold) / 2}).category == "prediabetes"


def test_ada_mmol_l_thresholds_agree_with_mg_dl():
    """Record notes of ada_diabetes_thresholds / ada_prediabetes_ranges: 7.0 and 11.1 mmol/L,
    5.6-6.9 and 7.8-11.0 mmol/L are the SI forms of the mg/dL cut-offs, to printed precision.

    They are rounded conversions of each other (11.1 mmol/L is 199.98 mg/dL), so the code
    classifies in mg/dL, the units of its thresholds, and the SI forms agree only when rounded.
    """
    si = {126: 7.0, 200: 11.1, 100: 5.6, 125: 6.9, 140: 7.8, 199: 11.0}
    for mg, mmol in si.items():
        assert round(mg / MG_DL_PER_MMOL_L_GLUCOSE, 1) == mmol
    assert ada_category(fasting_glucose_mg_dl=float(mg_dl(7.0))).category == "diabetes"
