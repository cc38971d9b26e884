"""``insulinsim validate``: the report (HTML, CSV, figures), exit 0 with failing rows, exit 2
with one line on bad input, nothing half-written."""

from __future__ import annotations

import csv

import _sims
import pytest
from typer.testing import CliRunner

from insulinsim.cli import app
from insulinsim.cli._validate import CSV_COLUMNS

runner = CliRunner()
REF = str(_sims.REFERENCE_JSON)
# cheap cases on the shared OGTT; ohashi_t2dm has a failing row (a documented finding)
CASES = ("basal_glucose_use", "basal_values", "ohashi_t2dm")


def _args(out, *cases):
    args = ["validate", "--out", str(out), "--reference", REF]
    for c in cases:
        args += ["--case", c]
    return args


def _one_error_line(result) -> str:
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.xdist_group("ogtt")
def test_validate_writes_the_report_and_exits_0_with_failing_rows(tmp_path):
    out = tmp_path / "report"
    res = runner.invoke(app, _args(out, *CASES))
    assert res.exit_code == 0, res.output
    assert "FAIL" in res.stdout and "pass" in res.stdout

    with (out / "validation.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {r["case"] for r in rows} == set(CASES)
    assert {r["result"] for r in rows} == {"pass", "FAIL"}
    basal = [r for r in rows if r["case"] == "basal_glucose_use"]
    assert basal[0]["record_id"] == "phys_basal_glucose_use"
    assert basal[0]["source"].startswith("DeFronzo RA")

    figures = sorted(p.name for p in (out / "figures").iterdir())
    assert figures == sorted(f"{c}.png" for c in CASES)
    assert all((out / "figures" / f).read_bytes().startswith(b"\x89PNG") for f in figures)

    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == len(CASES)  # self-contained
    for head in ("quantity", "published", "model", "tolerance", "result", "record", "source"):
        assert f"<th>{head}</th>" in page
    assert 'href="#rec-phys_basal_glucose_use"' in page
    assert 'id="rec-phys_basal_glucose_use"' in page
    assert "ogtt75_ohashi_t2dm_glucose" in page and "FAIL" in page
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left

    # a second run into the same folder replaces the report
    res = runner.invoke(app, _args(out, "basal_glucose_use"))
    assert res.exit_code == 0, res.output
    assert [p.name for p in (out / "figures").iterdir()] == ["basal_glucose_use.png"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--reference", "no/such/reference.json"], "--reference"),
        (["--case", "no_such_case"], "--case"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, args, field):
    out = tmp_path / "report"
    res = runner.invoke(app, ["validate", "--out", str(out), "--reference", REF, *args])
    assert res.exit_code == 2
    line = _one_error_line(res)
    assert line.startswith(f"error: {field}")
    if field == "--reference":
        assert "no/such/reference.json" in line
    assert list(tmp_path.iterdir()) == []


def test_out_must_be_a_folder(tmp_path):
    f = tmp_path / "report.html"
    f.write_text("x", encoding="utf-8")
    res = runner.invoke(app, _args(f, "basal_glucose_use"))
    assert res.exit_code == 2
    assert _one_error_line(res).startswith("error: --out")
    assert f.read_text(encoding="utf-8") == "x"


@pytest.mark.xdist_group("ogtt")
def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    import insulinsim.plotting._validation as figs

    def boom(case, dpi=100):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(figs, "validation_png", boom)
    res = runner.invoke(app, _args(tmp_path / "report", "basal_glucose_use"))
    assert res.exit_code != 0
    assert isinstance(res.exception, RuntimeError)
    assert list(tmp_path.iterdir()) == []


def test_list_names_the_cases():
    res = runner.invoke(app, ["validate", "--list"])
    assert res.exit_code == 0
    assert "ohashi_ngt:" in res.stdout and "receptor_downregulation:" in res.stdout
