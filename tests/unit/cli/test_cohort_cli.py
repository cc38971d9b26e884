"""``insulinsim cohort`` and ``cohort-summary``: one-line errors (exit 2), a run, its summary,
figures and JSON, and resuming by repeating the command."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from insulinsim.cli import app
from insulinsim.cohort import _dask as cohort_dask

runner = CliRunner()

# the compiled program of tests/unit/cohort/test_run.py
RUN = ["--n", "70", "--years", "0.5", "--step-days", "90", "--chunk-size", "64", "--workers", "0"]


def _one_error_line(result, field: str) -> str:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {field}"), lines[0]
    assert "allowed" in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--n", "0", "--years", "1"], "--n"),
        (["--n", "10", "--years", "0"], "--years"),
        (["--n", "10", "--years", "50"], "--years"),
        (["--n", "10", "--years", "1", "--chunk-size", "5000"], "--chunk-size"),
        (["--n", "10", "--years", "1", "--seed", "-4"], "--seed"),
        (["--n", "10", "--years", "1", "--workers", "-1"], "--workers"),
        (["--n", "10", "--years", "1", "--scheduler", "localhost"], "--scheduler"),
        (["--n", "10", "--years", "1", "--scenario", "no_such_scenario"], "--scenario"),
        (["--n", "10", "--years", "1", "--physiology-scale", "3"], "--physiology-scale"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(args, field, tmp_path):
    out = tmp_path / "c"
    result = runner.invoke(app, ["cohort", *args, "--out", str(out)])
    _one_error_line(result, field)
    assert not out.exists()


def test_scenario_with_an_unknown_factor_is_refused(tmp_path):
    sc = tmp_path / "s.toml"
    sc.write_text(
        '[scenario]\nname = "bad"\n\n[[risk]]\nfactor = "moon_phase"\nvalue = 1\n',
        encoding="utf-8",
    )
    out = tmp_path / "c"
    result = runner.invoke(
        app, ["cohort", "--n", "5", "--years", "1", "--scenario", str(sc), "--out", str(out)]
    )
    line = _one_error_line(result, str(sc))
    assert "moon_phase" in line
    assert not out.exists()


def test_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(cohort_dask, "CONNECT_TIMEOUT_S", 2)
    out = tmp_path / "c"
    result = runner.invoke(
        app,
        [
            "cohort",
            "--n",
            "5",
            "--years",
            "1",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--out",
            str(out),
        ],
    )
    _one_error_line(result, "--scheduler")


@pytest.fixture(scope="module")
def cohort_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "cohort"
    result = runner.invoke(app, ["cohort", *RUN, "--seed", "3", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "70 people x 0.5 years in 2 chunks (2 computed)" in result.stdout
    return out


def test_repeating_the_command_resumes_and_computes_nothing(cohort_dir):
    result = runner.invoke(app, ["cohort", *RUN, "--seed", "3", "--out", str(cohort_dir)])
    assert result.exit_code == 0, result.output
    assert "(0 computed, 2 resumed)" in result.stdout
    other = runner.invoke(app, ["cohort", *RUN, "--seed", "4", "--out", str(cohort_dir)])
    assert "different cohort" in _one_error_line(other, "--out")


def test_summary_tables_and_figures(cohort_dir, tmp_path):
    figs = tmp_path / "figs"
    result = runner.invoke(app, ["cohort-summary", str(cohort_dir), "--figures", str(figs)])
    assert result.exit_code == 0, result.output
    for title in (
        "Stage of insulin resistance",
        "HOMA1-IR cut-off",
        "Glycaemia",
        "Metabolically healthy",
        "Published survey figures",
    ):
        assert title in result.stdout
    assert sorted(p.name for p in figs.iterdir()) == ["glycaemia.png", "homa_ir.png", "stages.png"]


def test_summary_json_schema_and_bad_input(cohort_dir, tmp_path):
    result = runner.invoke(app, ["cohort-summary", str(cohort_dir), "--json", "--at", "start"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {
        "time_years",
        "n",
        "excluded",
        "stages",
        "homa_ir",
        "glycaemia",
        "metabolic_health",
        "age_trend",
        "survey_comparison",
    }
    assert payload["time_years"] == 0.0 and payload["n"] + payload["excluded"] == 70
    groups = [r["group"] for r in payload["glycaemia"]]
    assert {"all", "18-44", "45-64", ">=65", "male", "female", "45-64 female"} <= set(groups)
    _one_error_line(runner.invoke(app, ["cohort-summary", str(tmp_path / "none")]), "DIR")
    _one_error_line(runner.invoke(app, ["cohort-summary", str(cohort_dir), "--at", "99"]), "--at")
