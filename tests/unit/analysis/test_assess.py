"""Personal assessment: indices with reference ranges, stage call, model-based %S/%B."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.stats import spearmanr

from insulinsim import person
from insulinsim.analysis import (
    assess,
    fasting_model_assessment,
    insulinogenic_index,
    oral_disposition_index,
    reference_ranges,
)
from insulinsim.errors import InputError
from insulinsim.io import LabResults, read_labs_csv
from insulinsim.model import basal_state
from insulinsim.physiology import pancreas

EXAMPLES = resources.files("insulinsim") / "data" / "examples"


def _labs(**kw) -> LabResults:
    return LabResults(subject_id="t", **kw)


# --- reference ranges -----------------------------------------------------------------------


def test_every_range_cites_a_bibliography_entry_and_has_a_unit():
    bib = (resources.files("insulinsim") / "data" / "references.bib").read_text("utf-8")
    keys = set(re.findall(r"^@\w+\{([^,]+),", bib, flags=re.M))
    table = tomllib.loads(
        (resources.files("insulinsim") / "data" / "assessment.toml").read_text("utf-8")
    )
    entries = list(table["ranges"].values()) + list(table["cpeptide"].values())
    entries += list(table["fasting_model"].values())
    for e in entries:
        assert e["source"] in keys, e
        assert e["unit"] and e["locator"], e


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("insulinogenic_index", insulinogenic_index),
        ("oral_disposition_index", oral_disposition_index),
    ],
)
def test_group_references_follow_from_the_published_curves(reference, name, fn):
    """The group values of the data file are the indices of the published mean OGTT curves
    (records ogtt75_ohashi_{ngt,igt,t2dm}_glucose / _insulin): a transcription check."""
    t = [0.0, 30.0, 60.0, 90.0, 120.0]
    expected = []
    for g in ("ngt", "igt", "t2dm"):
        G = np.array(reference[f"ogtt75_ohashi_{g}_glucose"]["value"])
        ins = np.array(reference[f"ogtt75_ohashi_{g}_insulin"]["value"]) * 6.0  # uU/mL -> pmol/L
        expected.append(float(fn(G, ins, t)))
    np.testing.assert_allclose(reference_ranges()[name]["values"], expected, rtol=2e-3)


# --- the stage call ---------------------------------------------------------------------------


def test_example_person_is_prediabetic_insulin_resistant_with_metabolic_syndrome():
    lab = read_labs_csv(EXAMPLES / "labs_tidy.csv")["example-01"]
    a = assess(lab, model=False)
    assert a.ada_category == "prediabetes"
    assert a.stage.stage == 2
    assert a.metabolic_syndrome["met"] is True
    homa = a.index("homa1_ir")
    # 5.6 mmol/L x 14 uU/mL / 22.5 (record homa1_ir_formula)
    assert homa.value == pytest.approx(5.6 * 14.0 / 22.5, rel=1e-9)
    assert homa.flag == "above"
    assert a.index("matsuda").flag == "below"
    assert a.index("insulinogenic_index").flag == "compare"
    assert "not medical advice" in a.notice


@pytest.mark.parametrize(
    ("glucose", "insulin", "stage"),
    [
        (85.0, 30.0, 0),  # HOMA1-IR 85 x 5 / 405 = 1.05
        (92.0, 90.0, 1),  # 92 x 15 / 405 = 3.41: resistant, glucose normal
        (110.0, 60.0, 2),  # impaired fasting glucose
        (140.0, 60.0, 3),  # fasting glucose in the diabetes range
    ],
)
def test_stage_follows_glucose_category_and_homa(glucose, insulin, stage):
    a = assess(
        _labs(times_min=(0.0,), glucose_mg_dl=(glucose,), insulin_pmol_l=(insulin,)), model=False
    )
    assert a.stage.stage == stage
    assert a.stage.evidence and a.stage.neighbours
    # without a 2-h value the call could still move: it says so
    assert any("2-h" in m for m in a.stage.missing)


def test_without_glucose_there_is_no_stage_and_it_says_what_is_needed():
    a = assess(_labs(tg_mg_dl=200.0, hdl_mg_dl=35.0), model=False)
    assert a.stage.stage is None
    assert a.index("tg_hdl_ratio").value == pytest.approx(200.0 / 35.0)
    assert a.fasting_model is None


def test_metabolic_syndrome_is_undecided_when_criteria_are_missing():
    a = assess(
        _labs(sex="male", waist_cm=110.0, tg_mg_dl=200.0, times_min=(0.0,), glucose_mg_dl=(95.0,)),
        model=False,
    )
    ms = a.metabolic_syndrome
    assert ms["criteria_met"] == ["waist", "triglycerides"]
    assert ms["met"] is None  # HDL and blood pressure could make it 3 of 5
    assert set(ms["criteria_missing"]) == {"hdl", "blood_pressure"}


# --- model-based fasting assessment -------------------------------------------------------------


def test_healthy_preset_is_100_percent():
    b = basal_state(person("healthy"))
    fm = fasting_model_assessment(float(b.G_b), float(b.I_b))
    assert fm.percent_s == pytest.approx(100.0, abs=1e-6)
    assert fm.percent_b == pytest.approx(100.0, abs=1e-6)
    assert fm.structure_preset == "healthy"


def test_recovers_the_hepatic_resistance_of_the_insulin_resistant_preset():
    """The insulin_resistant preset halves k_p3 and keeps glucose production otherwise; its own
    fasting values must map back to its hepatic suppression at the healthy basal insulin
    (k_p3 I_b + k_p4 I_pob) relative to the healthy liver's, within 3 % (the assessment scales
    k_p3 and k_p4 together, the preset only k_p3)."""
    h, ir = person("healthy"), person("insulin_resistant")
    bh, bi = basal_state(h), basal_state(ir)
    truth = (ir.liver.k_p3 * bh.I_b + ir.liver.k_p4 * bh.I_pob) / (
        h.liver.k_p3 * bh.I_b + h.liver.k_p4 * bh.I_pob
    )
    fm = fasting_model_assessment(float(bi.G_b), float(bi.I_b))
    assert fm.percent_s == pytest.approx(100.0 * float(truth), rel=0.03)
    assert fm.percent_b > 100.0  # compensating beta cells at the same glucose


def test_percent_s_falls_and_percent_b_rises_with_insulin_and_tracks_homa():
    grid = [(g, i) for g in (85.0, 95.0, 105.0) for i in (20.0, 40.0, 80.0)]
    res = [fasting_model_assessment(g, i) for g, i in grid]
    for k in range(0, 9, 3):
        s = [r.percent_s for r in res[k : k + 3]]
        b = [r.percent_b for r in res[k : k + 3]]
        assert s[0] > s[1] > s[2]
        assert b[0] < b[1] < b[2]
    homa = [g * i / 6.0 / 405.0 for g, i in grid]
    rho = spearmanr(homa, [r.percent_s for r in res]).statistic
    assert rho < -0.8


def test_diabetic_fasting_glucose_falls_back_to_the_type2_structure():
    fm = fasting_model_assessment(180.0, 60.0)
    assert fm.structure_preset == "t2d"
    assert 0.0 < fm.percent_b < 100.0


def test_cpeptide_steady_state_matches_the_two_compartment_kinetics():
    """At constant secretion R the two-compartment C-peptide model (Van Cauter 1992) settles at
    a plasma concentration C with R = cpeptide_secretion_rate(C): integrated independently."""
    V, t_s, t_l, F, R = 4.8, 4.95, 36.4, 0.76, 250.0  # L, min, min, 1, pmol/min
    a, b = np.log(2) / t_s, np.log(2) / t_l
    k21 = F * b + (1 - F) * a
    k10 = a * b / k21
    k12 = a + b - k10 - k21

    def rhs(_, y):
        c1, c2 = y  # plasma concentration (pmol/L) and tissue amount per plasma volume
        return [-(k10 + k12) * c1 + k21 * c2 + R / V, k12 * c1 - k21 * c2]

    sol = solve_ivp(rhs, (0, 3000), [0.0, 0.0], method="LSODA", rtol=1e-10, atol=1e-10)
    C = sol.y[0, -1]
    assert float(pancreas.cpeptide_secretion_rate(C, V, t_s, t_l, F)) == pytest.approx(R, rel=1e-6)


def test_cpeptide_needs_the_body_description():
    with pytest.raises(InputError, match="age_years"):
        fasting_model_assessment(95.0, None, 600.0, sex="male", height_cm=180, weight_kg=80)


def test_no_insulin_nor_cpeptide_and_unreachable_values_are_refused():
    with pytest.raises(InputError, match="insulin"):
        fasting_model_assessment(95.0)
    with pytest.raises(InputError, match="fasting state the whole-body model reaches"):
        fasting_model_assessment(600.0, 5.0)
