"""``insulinsim assess``, ``fit`` and ``progress --from-fit`` from a FHIR bundle, a CSV and
flags; bad input exits 2 naming the field and writes nothing."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from typer.testing import CliRunner

from insulinsim.cli import app

runner = CliRunner()
EXAMPLES = resources.files("insulinsim") / "data" / "examples"


@pytest.mark.parametrize("name", ["labs_fhir_bundle.json", "labs_tidy.csv", "labs_wide.csv"])
def test_assess_a_file_gives_the_same_call(name):
    res = runner.invoke(app, ["assess", "--labs", str(EXAMPLES / name), "--json", "--no-model"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["stage"]["stage"] == 2
    assert d["ada_category"] == "prediabetes"
    assert {r["name"] for r in d["indices"]} >= {"homa1_ir", "matsuda", "tyg", "tg_hdl_ratio"}
    assert "not medical advice" in d["notice"]


def test_assess_flags_with_units_and_model(tmp_path):
    report = tmp_path / "me.html"
    res = runner.invoke(
        app,
        [
            "assess",
            "--glucose", "5.2 mmol/L",
            "--insulin", "15 uU/mL",
            "--hba1c", "5.4 %",
            "--report", str(report),
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "stage 1" in res.stdout  # HOMA1-IR 5.2 x 15 / 22.5 = 3.5, glucose normal
    assert "%S" in res.stdout and "not medical advice" in res.stdout
    page = report.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= 2  # stage road and indices
    assert "not medical advice" in page


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--weight", "96"], "--weight"),  # a bare number where kg and lb are both plausible
        (["--glucose", "-5 mmol/L"], "--glucose"),
        (["--insulin", "9000 pmol/L", "--glucose", "90 mg/dL"], "--insulin"),
        (["--hba1c", "6 furlongs"], "--hba1c"),
        ([], "lab results"),
        (["--labs", "nothing.csv"], "nothing.csv"),
    ],
)
def test_bad_lab_input_exits_2_naming_the_field(args, field, tmp_path):
    report = tmp_path / "r.html"
    res = runner.invoke(app, ["assess", *args, "--report", str(report)])
    assert res.exit_code == 2, res.output
    assert field in res.output
    assert not report.exists()


def test_file_and_flags_together_are_refused():
    res = runner.invoke(
        app, ["assess", "--labs", str(EXAMPLES / "labs_tidy.csv"), "--glucose", "90 mg/dL"]
    )
    assert res.exit_code == 2
    assert "either a file or value flags" in res.output


def test_fit_then_forecast_with_uncertainty(tmp_path):
    fit_file = tmp_path / "fit.json"
    res = runner.invoke(
        app, ["fit", "--labs", str(EXAMPLES / "labs_wide.csv"), "--out", str(fit_file), "--json"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(fit_file.read_text())
    assert d["kind"] == "insulinsim.ModelFit" and d["subject_id"] == "example-01"
    lo, hi = d["ci95"]["V_mx"]
    assert lo < d["estimates"]["V_mx"] < hi
    res = runner.invoke(
        app,
        ["progress", "--from-fit", str(fit_file), "--samples", "4", "--years", "1",
         "--step-days", "60", "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    f = json.loads(res.stdout)
    band = f["bands"]["fasting_glucose"]
    assert len(band["p50"]) == len(band["time_years"])
    # the fitted person starts at the fitted fasting glucose (the basal state of the fit)
    assert band["fitted"][0] == pytest.approx(d["estimates"]["G_b"], rel=0.02)
    assert all(a <= b + 1e-9 for a, b in zip(band["p5"], band["p95"], strict=True))
    # the same fitted person in a self-contained HTML report
    page = tmp_path / "fitted.html"
    res = runner.invoke(
        app,
        ["report", "--from-fit", str(fit_file), "--years", "1", "--step-days", "60",
         "--out", str(page)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    html = page.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "not medical advice" in html


def test_bad_fit_file_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "something else"}')
    for path in (bad, tmp_path / "missing.json"):
        res = runner.invoke(app, ["progress", "--from-fit", str(path), "--years", "1"])
        assert res.exit_code == 2, res.output
        assert "--from-fit" in res.output or "fit file" in res.output


def test_fit_needs_a_curve(tmp_path):
    out = tmp_path / "f.json"
    res = runner.invoke(
        app,
        ["fit", "--glucose", "90 mg/dL", "--insulin", "40 pmol/L", "--times-min", "0",
         "--out", str(out)],
    )  # fmt: skip
    assert res.exit_code == 2
    assert "3 or more" in res.output
    assert not out.exists()
