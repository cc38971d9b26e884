"""The command line: exit codes, one-line errors naming the field, the --json schema."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from insulinsim.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["simulate", "meal", "--carbs-g", "-5"], "meal.carbs_g"),
        (["simulate", "meal", "--carbs-g", "5000"], "meal.carbs_g"),
        (["simulate", "ogtt", "--person", "nobody"], "preset"),
        (["simulate", "ogtt", "--set", "glucose.Vmx=0.03"], "--set"),
        (["simulate", "ogtt", "--set", "glucose.V_mx=47"], "--set glucose.V_mx"),
        (["simulate", "ogtt", "--set", "glucose.V_mx"], "--set"),
        (["simulate", "clamp", "--target", "30"], "--target"),
        (["simulate", "day", "--days", "0"], "--days"),
        (["simulate", "ogtt", "--out", "result.txt"], "--out"),
        (["simulate", "day", "--bolus", "4"], "--bolus"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(args, field, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, [*args, "--out", str(tmp_path / "r.csv")] if "--out" not in args else args
    )
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {field}")
    assert "allowed" in lines[0]
    # nothing is written when a run fails
    assert list(tmp_path.iterdir()) == []


def test_json_output_has_the_documented_schema(tmp_path):
    out = tmp_path / "ogtt.csv"
    result = runner.invoke(
        app, ["simulate", "ogtt", "--person", "healthy", "--json", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {
        "person",
        "protocol",
        "time_min",
        "glucose_mg_dl",
        "insulin_pmol_l",
        "indices",
        "uptake_mg_kg_min",
        "units",
    }
    n = len(payload["time_min"])
    assert payload["time_min"][0] == 0.0 and payload["time_min"][-1] == 180.0
    assert len(payload["glucose_mg_dl"]) == n == len(payload["insulin_pmol_l"])
    assert set(payload["uptake_mg_kg_min"]) == {
        "muscle",
        "adipose",
        "other",
        "brain",
        "kidney",
        "liver",
    }
    assert all(len(v) == n for v in payload["uptake_mg_kg_min"].values())
    assert payload["indices"]["ada_category"] in {"normal", "prediabetes", "diabetes"}
    assert payload["units"]["glucose_mg_dl"] == "mg/dL"
    assert out.exists() and out.stat().st_size > 0
