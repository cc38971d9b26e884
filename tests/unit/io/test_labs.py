"""Lab results read from tidy CSV, wide CSV, FHIR and command-line flags (io/_labs.py).

The expected numbers are worked by hand from the factors in data/labs.toml, not by the code
under test: glucose mg/dL = mmol/L x 18.016, insulin pmol/L = uU/mL x 6, C-peptide pmol/L =
ng/mL x 331.09, TG mg/dL = mmol/L x 88.57, HDL mg/dL = mmol/L x 38.67, testosterone nmol/L =
ng/dL x 0.03467, HbA1c % = mmol/mol / 10.929 + 2.15.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insulinsim.errors import InputError
from insulinsim.io._labs import (
    LAB_ANALYTES,
    LabDataError,
    LabResults,
    labs_from_flags,
    read_fhir,
    read_labs_csv,
    write_labs_csv,
)

EXAMPLES = resources.files("insulinsim") / "data" / "examples"

# The invented example person of data/examples, by hand:
#   glucose 5.6, 9.1, 10.2, 9.0, 8.3 mmol/L x 18.016
#   insulin 14, 85, 110, 95, 80 uU/mL x 6
#   C-peptide 2.6 ng/mL x 331.09 = 860.834 pmol/L (fasting only)
#   TG 1.9 mmol/L x 88.57 = 168.283 mg/dL; HDL 1.0 mmol/L x 38.67 = 38.67 mg/dL
#   testosterone 420 ng/dL x 0.03467 = 14.5614 nmol/L; height 1.78 m = 178 cm in the wide file
EXPECTED = {
    "times_min": (0.0, 30.0, 60.0, 90.0, 120.0),
    "glucose_mg_dl": (100.8896, 163.9456, 183.7632, 162.144, 149.5328),
    "insulin_pmol_l": (84.0, 510.0, 660.0, 570.0, 480.0),
    "cpeptide_pmol_l": (860.834, None, None, None, None),
    "hba1c_percent": 5.9,
    "tg_mg_dl": 168.283,
    "hdl_mg_dl": 38.67,
    "waist_cm": 104.0,
    "sbp_mmhg": 138.0,
    "dbp_mmhg": 88.0,
    "weight_kg": 96.0,
    "height_cm": 178.0,
    "age_years": 52.0,
    "sex": "male",
    "shbg_nmol_l": 28.0,
    "testosterone_nmol_l": 14.5614,
}


def _same(lab: LabResults, expected: dict) -> None:
    for field, want in expected.items():
        got = getattr(lab, field)
        if isinstance(want, tuple):
            assert len(got) == len(want), field
            for g, w in zip(got, want, strict=True):
                assert (g is None) == (w is None), field
                if w is not None:
                    assert g == pytest.approx(w, rel=1e-12), field
        elif isinstance(want, str):
            assert got == want, field
        else:
            assert got == pytest.approx(want, rel=1e-12), field


def _write(tmp_path: Path, text: str, name: str = "labs.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _bundle() -> dict:
    return json.loads((EXAMPLES / "labs_fhir_bundle.json").read_text("utf-8"))


def _observation(bundle: dict, oid: str) -> dict:
    return next(e["resource"] for e in bundle["entry"] if e["resource"].get("id") == oid)


# --- the three readers agree --------------------------------------------------------------------


@pytest.mark.parametrize(
    "read",
    [
        lambda: read_labs_csv(EXAMPLES / "labs_tidy.csv"),
        lambda: read_labs_csv(EXAMPLES / "labs_wide.csv"),
        lambda: read_fhir(EXAMPLES / "labs_fhir_bundle.json"),
        lambda: read_fhir(_bundle()),
    ],
    ids=["tidy", "wide", "fhir-file", "fhir-dict"],
)
def test_every_reader_gives_the_example_person(read):
    labs = read()
    assert list(labs) == ["example-01"]
    lab = labs["example-01"]
    _same(lab, EXPECTED)
    assert lab.fasting_glucose_mg_dl == pytest.approx(100.8896, rel=1e-12)
    assert lab.fasting_insulin_pmol_l == pytest.approx(84.0, rel=1e-12)
    assert lab.fasting_cpeptide_pmol_l == pytest.approx(860.834, rel=1e-12)
    t, c = lab.series("cpeptide")
    assert t.tolist() == [0.0] and c.tolist() == pytest.approx([860.834], rel=1e-12)


def test_flags_give_the_example_person():
    lab = labs_from_flags(
        subject_id="example-01",
        times_min="0,30,60,90,120",
        glucose="5.6, 9.1, 10.2, 9.0, 8.3 mmol/L",
        insulin="14,85,110,95,80 uU/mL",
        hba1c="5.9 %",
        tg="1.9 mmol/L",
        hdl="1.0 mmol/L",
        waist="104 cm",
        sbp="138 mmHg",
        dbp="88 mm[Hg]",
        weight="96 kg",
        height="1.78 m",
        age="52",  # bare: plausible only in years
        sex="male",
        shbg="28 nmol/L",
        testosterone="420 ng/dL",
        cpeptide=None,  # unset flags are skipped
    )
    expected = {k: v for k, v in EXPECTED.items() if k != "cpeptide_pmol_l"}
    _same(lab, expected)
    assert lab.cpeptide_pmol_l is None


def test_a_fasting_flag_is_the_zero_minute_sample():
    lab = labs_from_flags(glucose="90", insulin="9 uU/mL")  # 90 is plausible only in mg/dL
    assert lab.times_min == (0.0,)
    assert lab.fasting_glucose_mg_dl == 90.0
    assert lab.fasting_insulin_pmol_l == 54.0  # 9 x 6


# --- unit conversions against independent arithmetic ----------------------------------------------

_FIELD = {
    "hba1c": "hba1c_percent",
    "tg": "tg_mg_dl",
    "hdl": "hdl_mg_dl",
    "waist": "waist_cm",
    "weight": "weight_kg",
    "height": "height_cm",
    "age": "age_years",
    "testosterone": "testosterone_nmol_l",
}


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "internal"),
    [
        ("glucose", "90", "mg/dL", 90.0),
        ("glucose", "5", "mmol/L", 90.08),  # 5 x 18.016
        ("glucose", "5", "MMOL/l", 90.08),  # case and spelling do not matter
        ("insulin", "60", "pmol/L", 60.0),
        ("insulin", "10", "mU/L", 60.0),
        ("insulin", "10", "µIU/mL", 60.0),
        ("insulin", "10", "u[IU]/mL", 60.0),
        ("cpeptide", "1", "nmol/L", 1000.0),
        ("cpeptide", "1", "ng/mL", 331.09),
        ("cpeptide", "1", "ug/L", 331.09),
        ("hba1c", "48", "mmol/mol", 48 / 10.929 + 2.15),
        ("tg", "1", "mmol/L", 88.57),
        ("hdl", "1", "mmol/L", 38.67),
        ("waist", "40", "[in_i]", 101.6),  # 40 x 2.54
        ("waist", "1040", "mm", 104.0),
        ("weight", "200", "lb", 90.718474),  # 200 x 0.45359237
        ("weight", "96000", "g", 96.0),
        ("height", "70", "in", 177.8),
        ("age", "52", "years", 52.0),
        ("testosterone", "1", "ng/mL", 0.3467),
        ("testosterone", "100", "ng/dL", 3.467),
    ],
)
def test_units_convert_to_the_internal_unit(tmp_path, analyte, value, unit, internal):
    timed = analyte in ("glucose", "insulin", "cpeptide")
    p = _write(
        tmp_path,
        "subject_id,time_min,analyte,value,unit\n"
        f"s,{0 if timed else ''},{analyte},{value},{unit}\n",
    )
    lab = read_labs_csv(p)["s"]
    got = lab.series(analyte)[1][0] if timed else getattr(lab, _FIELD[analyte])
    assert got == pytest.approx(internal, rel=1e-12)


def test_conversion_factors_follow_from_molar_masses():
    """The factors of labs.toml against atomic weights (C 12.011, H 1.008, N 14.007, O 15.999)."""
    table = tomllib.loads((resources.files("insulinsim") / "data" / "labs.toml").read_text("utf-8"))
    units = {name: a.get("units", {}) for name, a in table["analytes"].items()}
    glucose = 6 * 12.011 + 12 * 1.008 + 6 * 15.999  # 180.156 g/mol
    cpeptide = 129 * 12.011 + 211 * 1.008 + 35 * 14.007 + 48 * 15.999  # 3020.30 g/mol
    testosterone = 19 * 12.011 + 28 * 1.008 + 2 * 15.999  # 288.43 g/mol
    cholesterol = 27 * 12.011 + 46 * 1.008 + 15.999  # 386.66 g/mol
    # mmol/L -> mg/dL is M / 10; ng/mL -> pmol/L is 1e6 / M; ng/dL -> nmol/L is 10 / M
    assert units["glucose"]["mmol/L"]["value"] == pytest.approx(glucose / 10, rel=5e-5)
    assert units["cpeptide"]["ng/mL"]["value"] == pytest.approx(1e6 / cpeptide, rel=5e-5)
    assert units["testosterone"]["ng/dL"]["value"] == pytest.approx(10 / testosterone, rel=5e-5)
    assert units["hdl"]["mmol/L"]["value"] == pytest.approx(cholesterol / 10, rel=5e-4)
    # TG: the clinical convention 1 / 0.01129 (triolein taken as 885.7 g/mol)
    assert units["tg"]["mmol/L"]["value"] == pytest.approx(1 / 0.01129, rel=5e-4)
    assert units["insulin"]["u[IU]/mL"]["value"] == 6.0


def test_hba1c_ifcc_48_is_the_diabetes_threshold_6_5_percent():
    # ADA: 6.5 % NGSP corresponds to 48 mmol/mol IFCC
    lab = labs_from_flags(hba1c="48 mmol/mol")
    assert lab.hba1c_percent == pytest.approx(6.5, abs=0.05)


# --- errors ---------------------------------------------------------------------------------------

TIDY_HEAD = "subject_id,time_min,analyte,value,unit\n"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        # malformed
        ("", r"labs\.csv: got 'empty file'"),
        (TIDY_HEAD + "s,0,glucose,5.4\n", r"labs\.csv line 2: got '4 fields'"),
        (TIDY_HEAD + "s,0,glucose,5,4,mmol/L\n", r"line 2: got '6 fields'"),
        (TIDY_HEAD + "s,0,glucose,five,mmol/L\n", r"line 2, glucose value: got 'five'"),
        (TIDY_HEAD + "s,0,glucose,nan,mmol/L\n", r"line 2, glucose value: got 'nan'"),
        (TIDY_HEAD + ",0,glucose,5,mmol/L\n", r"line 2, subject_id"),
        ("subject,time,glucose\ns,0,5\n", r"line 1: got 'subject,time,glucose'.*subject_id"),
        ("subject_id,analyte,value,units\ns,hba1c,5,%\n", r"line 1: .*tidy header"),
        # unknown analyte
        (TIDY_HEAD + "s,,cholesterol,200,mg/dL\n", r"line 2, analyte: got 'cholesterol'"),
        ("subject_id,time_min,ldl [mg/dL]\ns,0,100\n", r"line 1, column 'ldl \[mg/dL\]'"),
        # missing or unaccepted unit
        (TIDY_HEAD + "s,0,glucose,5.4,\n", r"line 2, unit: got ''.*mg/dL, mmol/L"),
        (TIDY_HEAD + "s,0,insulin,9,mg/dL\n", r"line 2, unit: got 'mg/dL'.*pmol/L, u\[IU\]/mL"),
        ("subject_id,time_min,glucose\ns,0,5.4\n", r"column 'glucose'.*mg/dL, mmol/L"),
        ("subject_id,time_min,glucose [mg]\ns,0,5.4\n", r"column 'glucose \[mg\]', unit: got 'mg'"),
        # implausible values: row, field, value, allowed range and unit
        (
            TIDY_HEAD + "s,0,glucose,-5,mg/dL\n",
            r"line 2, glucose: got '-5 mg/dL'.*\[10, 1500\] mg/dL",
        ),
        (
            TIDY_HEAD + "s,0,insulin,2000,uU/mL\n",
            r"line 2, insulin: got '2000 uU/mL \(= 12000 pmol/L\)'; allowed: \[0, 3000\] pmol/L",
        ),
        (TIDY_HEAD + "s,0,glucose,5.4,mg/dL\n", r"line 2, glucose: got '5.4 mg/dL'"),
        (TIDY_HEAD + "s,,hdl,1.1,mg/dL\n", r"line 2, hdl: got '1.1 mg/dL'.*\[5, 200\] mg/dL"),
        (TIDY_HEAD + "s,,hba1c,48,%\n", r"line 2, hba1c: got '48 %'.*\[3, 20\] %"),
        (TIDY_HEAD + "s,-10,glucose,5,mmol/L\n", r"line 2, time_min: got '-10'"),
        (TIDY_HEAD + "s,,sex,x,\n", r"line 2, sex: got 'x'"),
        # missing fasting sample
        (
            TIDY_HEAD + "s,30,glucose,9,mmol/L\ns,60,glucose,8,mmol/L\n",
            r"subject 's', times_min: got \(30\.0, 60\.0\).*fasting",
        ),
        (
            TIDY_HEAD + "s,0,glucose,5,mmol/L\ns,30,glucose,9,mmol/L\ns,30,insulin,60,uU/mL\n",
            r"subject 's', insulin_pmol_l: got 'no value at 0 min'",
        ),
        # duplicates
        (
            TIDY_HEAD + "s,0,glucose,5,mmol/L\ns,0,glucose,5.1,mmol/L\n",
            r"line 3, glucose: .*Remove the duplicate of labs\.csv line 2",
        ),
        (TIDY_HEAD + "s,,hba1c,5.5,%\ns,,hba1c,5.5,%\n", r"line 3, hba1c: .*line 2"),
        # time where there is none, and none where there must be one
        (TIDY_HEAD + "s,0,hba1c,5.5,%\n", r"line 2, time_min: got '0'.*Leave time_min empty"),
        (TIDY_HEAD + "s,,glucose,5.5,mmol/L\n", r"line 2, time_min: .*0 for the fasting"),
        # non-monotonic and repeated wide times
        (
            "subject_id,time_min,glucose [mmol/L]\ns,0,5\ns,60,9\ns,30,8\n",
            r"line 4, time_min: got '30'; allowed: a time after 60 min \(labs\.csv line 3\)",
        ),
        ("subject_id,time_min,glucose [mmol/L]\ns,0,5\ns,0,5\n", r"line 3, time_min: got '0'"),
        # conflicting per-person values in a wide file
        (
            "subject_id,time_min,glucose [mmol/L],hba1c [%]\ns,0,5,5.5\ns,30,8,5.6\n",
            r"line 3, hba1c: .*line 2",
        ),
        # swapped blood pressures
        (TIDY_HEAD + "s,,sbp,80,mmHg\ns,,dbp,120,mmHg\n", r"dbp_mmhg: got 120\.0"),
    ],
)
def test_csv_errors_name_the_line_and_field(tmp_path, text, match):
    with pytest.raises(LabDataError, match=match) as e:
        read_labs_csv(_write(tmp_path, text))
    assert isinstance(e.value, InputError)


def test_nothing_is_half_read(tmp_path):
    text = TIDY_HEAD + "good,0,glucose,5,mmol/L\nbad,0,glucose,5,mmol/L\nbad,0,insulin,9,g\n"
    with pytest.raises(LabDataError, match="line 4, unit"):
        read_labs_csv(_write(tmp_path, text))


def test_comments_blank_lines_and_any_row_order_in_tidy_files(tmp_path):
    text = (
        "# a comment, with a comma\n\n"
        + TIDY_HEAD
        + "s,120,glucose,8,mmol/L\n# another\ns,0,glucose,5,mmol/L\n\ns,,sex,F,\n"
    )
    lab = read_labs_csv(_write(tmp_path, text))["s"]
    assert lab.times_min == (0.0, 120.0)
    assert lab.glucose_mg_dl == pytest.approx((5 * 18.016, 8 * 18.016), rel=1e-12)
    assert lab.sex == "female"


def test_missing_file(tmp_path):
    with pytest.raises(LabDataError, match="an existing CSV file"):
        read_labs_csv(tmp_path / "nope.csv")


# --- FHIR -----------------------------------------------------------------------------------------


def test_fhir_single_two_hour_observation_lacks_the_fasting_sample():
    obs = copy.deepcopy(_observation(_bundle(), "glu-120"))
    del obs["effectiveDateTime"]  # the 2-h code names the time, 120 min
    with pytest.raises(LabDataError, match=r"'example-01', times_min: got \(120\.0,\).*fasting"):
        read_fhir(obs)


def test_fhir_fasting_observation_alone():
    obs = copy.deepcopy(_observation(_bundle(), "glu-0"))
    del obs["effectiveDateTime"]  # the fasting code names the time
    lab = read_fhir(obs)["example-01"]
    assert lab.times_min == (0.0,)
    assert lab.fasting_glucose_mg_dl == pytest.approx(100.8896, rel=1e-12)


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (
            lambda b: _observation(b, "ins-30").pop("valueQuantity"),
            r"Observation/ins-30, valueQuantity",
        ),
        (
            lambda b: _observation(b, "ins-30")["valueQuantity"].update(code="ng/mL", unit="ng/mL"),
            r"entry\[\d+\] Observation/ins-30, unit: got 'ng/mL'.*u\[IU\]/mL",
        ),
        (
            lambda b: _observation(b, "ins-30")["valueQuantity"].update(value=2000),
            r"Observation/ins-30, insulin: got '2000 u\[IU\]/mL \(= 12000 pmol/L\)'",
        ),
        (
            lambda b: _observation(b, "ins-30")["valueQuantity"].update(comparator="<"),
            r"Observation/ins-30, valueQuantity.comparator",
        ),
        (
            lambda b: _observation(b, "glu-120").update(
                effectiveDateTime="2024-03-12T09:00:00+01:00"
            ),
            r"Observation/glu-120, effectiveDateTime: got '60 min after the first glucose draw'",
        ),
        (
            lambda b: _observation(b, "glu-60").update(
                effectiveDateTime="2024-03-13T09:00:00+01:00"
            ),
            r"Observation/glu-60, effectiveDateTime.*one test",
        ),
        (
            lambda b: _observation(b, "glu-60").pop("effectiveDateTime"),
            r"glu-60, effectiveDateTime",
        ),
        (
            lambda b: (
                _observation(b, "hba1c").update(id="hba1c-2")
                or b["entry"].append(
                    {
                        "resource": {
                            **_observation(b, "hba1c-2"),
                            "id": "hba1c-3",
                            "valueQuantity": {"value": 6.1, "code": "%"},
                        }
                    }
                )
            ),
            r"Observation/hba1c-3, hba1c: .*Remove the duplicate of .*Observation/hba1c-2",
        ),
        (lambda b: _observation(b, "glu-0").pop("subject"), r"glu-0, subject.reference"),
        (
            lambda b: _observation(b, "glu-0").update(effectiveDateTime="12/03/2024 08:00"),
            r"glu-0, effectiveDateTime: got '12/03/2024 08:00'",
        ),
        (lambda b: b.update(resourceType="Patient"), r"resourceType: got 'Patient'"),
        (lambda b: b.update(entry=[]), r"got 'no values'"),
        (
            lambda b: b["entry"][0]["resource"].update(birthDate="1971"),
            r"Patient/example-01, birthDate: got '1971'",
        ),
    ],
)
def test_fhir_errors_name_the_entry_and_field(edit, match):
    bundle = _bundle()
    edit(bundle)
    with pytest.raises(LabDataError, match=match):
        read_fhir(bundle)


def test_fhir_skips_unknown_codes_unless_strict():
    bundle = _bundle()
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "Observation",
                "id": "creatinine",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}]},
                "subject": {"reference": "Patient/example-01"},
                "valueQuantity": {"value": 0.9, "code": "mg/dL"},
            }
        }
    )
    _same(read_fhir(bundle)["example-01"], EXPECTED)
    with pytest.raises(LabDataError, match=r"Observation/creatinine, code: got \['2160-0'\]"):
        read_fhir(bundle, strict=True)


def test_fhir_age_on_the_test_day_and_sex_from_patient():
    bundle = _bundle()
    patient = bundle["entry"][0]["resource"]
    patient.update(birthDate="1971-03-12", gender="unknown")  # 53rd birthday on the test day
    lab = read_fhir(bundle)["example-01"]
    assert lab.age_years == 53.0
    assert lab.sex is None


def test_fhir_skips_entered_in_error_and_resolves_urn_subjects():
    bundle = _bundle()
    _observation(bundle, "ins-90")["status"] = "entered-in-error"
    for e in bundle["entry"]:
        if e["resource"]["resourceType"] == "Patient":
            e["fullUrl"] = "urn:uuid:5e1f"
        else:
            e["resource"]["subject"] = {"reference": "urn:uuid:5e1f"}
    lab = read_fhir(bundle)["example-01"]
    assert lab.insulin_pmol_l == (84.0, 510.0, 660.0, None, 480.0)


def test_fhir_age_observation_must_agree_with_birth_date():
    bundle = _bundle()
    age = {
        "resourceType": "Observation",
        "id": "age",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "30525-0"}]},
        "subject": {"reference": "Patient/example-01"},
        "valueQuantity": {"value": 60, "code": "a"},
    }
    bundle["entry"].append({"resource": age})
    with pytest.raises(LabDataError, match=r"Observation/age, age: got 60\.0"):
        read_fhir(bundle)


# --- flags ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "match"),
    [
        ({"weight": "96"}, r"--weight: got '96'.*plausible in kg and \[lb_av\]"),
        ({"glucose": "30"}, r"--glucose: got '30'.*plausible in mg/dL and mmol/L"),
        ({"glucose": "5000"}, r"--glucose: got '5000'; allowed: \[10, 1500\] mg/dL"),
        ({"insulin": "9 furlongs"}, r"--insulin, unit: got 'furlongs'"),
        ({"insulin": "lots"}, r"--insulin: got 'lots'"),
        ({"cholesterol": "5 mmol/L"}, r"--cholesterol: got 'cholesterol'"),
        ({"glucose": "5, 8 mmol/L"}, r"--glucose: .*one value per sample time"),
        ({"hba1c": "5.5, 5.6 %"}, r"--hba1c: .*one value per person"),
        ({"times_min": "0,30", "glucose": "5, 8, 9 mmol/L"}, r"2 times in --times-min"),
        ({"times_min": "30,60", "glucose": "8, 9 mmol/L"}, r"times_min: got \(30\.0, 60\.0\)"),
    ],
)
def test_flag_errors_name_the_flag(flags, match):
    with pytest.raises(LabDataError, match=match):
        labs_from_flags(**flags)


# --- the table ------------------------------------------------------------------------------------


def test_labs_toml_numbers_have_unit_source_and_provenance():
    data = resources.files("insulinsim") / "data"
    table = tomllib.loads((data / "labs.toml").read_text("utf-8"))
    keys = set(re.findall(r"@\w+\{([^,\s]+),", (data / "references.bib").read_text("utf-8")))
    numbers = [("time.range", table["time"]["range"])]
    for name, a in table["analytes"].items():
        assert a["field"] in LabResults.model_fields, name
        if "range" in a:
            numbers.append((f"{name}.range", a["range"]))
        for code, u in a.get("units", {}).items():
            numbers.append((f"{name}.units.{code}", u))
        for code, c in a.get("loinc", {}).items():
            assert re.fullmatch(r"\d{3,6}-\d", code), code
            assert c["display"] and c["checked"], code
            assert set(c["checked"]) <= set(table["loinc_checks"]), code
        if not a.get("category"):
            internal = a["unit"].replace(" ", "").lower()
            spellings = {
                s.replace(" ", "").lower()
                for code, u in a["units"].items()
                for s in (code, *u["aliases"])
            }
            assert internal in spellings, f"{name}: internal unit not accepted"
    for where, n in numbers:
        for field in ("unit", "source", "locator", "obtained", "note"):
            assert n.get(field), f"{where} lacks {field}"
        assert "value" in n or "convert" in n, where
        assert n["source"] in keys, f"{where}: bib key {n['source']} not in references.bib"
        assert n["obtained"] in {"measured", "derived", "assumed"}, where
    assert set(LAB_ANALYTES) == set(table["analytes"])


def test_direct_construction_is_validated():
    with pytest.raises(ValueError, match="glucose_mg_dl at 30 min"):
        LabResults(subject_id="s", times_min=(0.0, 30.0), glucose_mg_dl=(90.0, 5000.0))
    with pytest.raises(ValueError, match="strictly increasing"):
        LabResults(subject_id="s", times_min=(0.0, 60.0, 30.0), glucose_mg_dl=(90.0, 1.0e2, 1.0e2))
    with pytest.raises(ValueError, match="Extra inputs"):
        LabResults(subject_id="s", ldl_mg_dl=100.0)


# --- round trip -----------------------------------------------------------------------------------

_ID = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789_-", min_size=1, max_size=8)


def _within(low: float, high: float):
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


@st.composite
def _person(draw, sid: str) -> LabResults:
    fields: dict = {"subject_id": sid}
    for name, field, low, high in [
        ("age", "age_years", 0.0, 120.0),
        ("height", "height_cm", 100.0, 250.0),
        ("weight", "weight_kg", 20.0, 400.0),
        ("waist", "waist_cm", 40.0, 250.0),
        ("hba1c", "hba1c_percent", 3.0, 20.0),
        ("tg", "tg_mg_dl", 5.0, 10000.0),
        ("hdl", "hdl_mg_dl", 5.0, 200.0),
        ("shbg", "shbg_nmol_l", 1.0, 500.0),
        ("testosterone", "testosterone_nmol_l", 0.0, 150.0),
    ]:
        assert name in LAB_ANALYTES
        fields[field] = draw(st.none() | _within(low, high))
    fields["sex"] = draw(st.sampled_from([None, "male", "female"]))
    if draw(st.booleans()):
        sbp = draw(_within(50.0, 300.0))
        fields["sbp_mmhg"] = sbp
        fields["dbp_mmhg"] = draw(_within(20.0, min(200.0, sbp)).filter(lambda d: d < sbp))
    later = draw(st.lists(_within(0.001, 720.0), max_size=5, unique=True))
    times = (0.0, *sorted(later)) if draw(st.booleans()) else ()
    if times:
        fields["times_min"] = times
        n = len(times)
        fields["glucose_mg_dl"] = tuple(
            draw(st.lists(_within(10.0, 1500.0), min_size=n, max_size=n))
        )
        for field, high in (("insulin_pmol_l", 3000.0), ("cpeptide_pmol_l", 15000.0)):
            if draw(st.booleans()):
                rest = draw(
                    st.lists(st.none() | _within(0.0, high), min_size=n - 1, max_size=n - 1)
                )
                fields[field] = (draw(_within(0.0, high)), *rest)
    return LabResults(**fields)


@st.composite
def _people(draw) -> dict[str, LabResults]:
    ids = draw(st.lists(_ID, min_size=1, max_size=3, unique=True))
    people = {sid: draw(_person(sid)) for sid in ids}
    # a subject needs at least one value to appear in a file
    return {
        sid: lab
        for sid, lab in people.items()
        if lab.model_dump(exclude={"subject_id"}, exclude_defaults=True)
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_people())
def test_tidy_to_wide_round_trip(people):
    if not people:
        return
    with tempfile.TemporaryDirectory() as d:
        tidy = write_labs_csv(people, Path(d) / "tidy.csv")
        from_tidy = read_labs_csv(tidy)
        assert from_tidy == people
        wide = write_labs_csv(from_tidy, Path(d) / "wide.csv", wide=True)
        assert read_labs_csv(wide) == people
