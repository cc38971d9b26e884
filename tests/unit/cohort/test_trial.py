"""Virtual trials: the trial file is checked, a small trial runs end to end from the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from insulinsim.cli import app
from insulinsim.cohort import load_trial
from insulinsim.errors import InputError

runner = CliRunner()

SMALL = """
[trial]
name = "small"
seed = 7
screen = 24
preset = "igt"
years = 1.0
step_days = 90.0
chunk_size = 32
control = "placebo"

[eligibility]
bmi = [18, 80]
fasting_glucose_mg_dl = [95, 125]

[[arm]]
name = "placebo"

[[arm]]
name = "lifestyle"
[[arm.intervention]]
name = "caloric_restriction"
start = 0.0
level = 500
"""


def test_bundled_dpp_design_reads():
    spec = load_trial(_bundled("dpp"))
    assert [a.name for a in spec.arms] == ["placebo", "metformin", "lifestyle"]
    assert spec.eligibility.fasting_glucose_mg_dl == (95.0, 125.0)
    assert spec.published["incidence_per_100py"]["lifestyle"] == 4.8  # knowler2002 abstract


def _bundled(name):
    from importlib import resources

    return resources.files("insulinsim") / "data" / "trials" / f"{name}.toml"


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (('name = "caloric_restriction"', 'name = "astrology"'), "astrology"),
        (('control = "placebo"', 'control = "nobody"'), "control"),
        (("screen = 24", "screen = 3"), "screen"),
    ],
)
def test_bad_trial_files_name_the_field(tmp_path, edit, field):
    p = tmp_path / "t.toml"
    p.write_text(SMALL.replace(*edit))
    with pytest.raises(InputError, match=field):
        load_trial(p)


def test_small_trial_runs_from_the_cli(tmp_path):
    p = tmp_path / "small.toml"
    p.write_text(SMALL)
    out = tmp_path / "out"
    res = runner.invoke(app, ["trial", str(p), "--json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["screened"] == 24 and 2 <= d["eligible"] <= 24
    assert sum(r["n"] for r in d["rates"]) == d["randomised"] == d["eligible"]
    assert {r["arm"] for r in d["rates"]} == {"placebo", "lifestyle"}
    for r in d["rates"]:  # person-time is at most the follow-up of each participant
        assert 0 < r["person_years"] <= r["n"] * 1.0 + 1e-9
    assert (out / "kaplan_meier.png").stat().st_size > 0
    assert (out / "participants.parquet").exists()


def test_unknown_bundled_trial_exits_2():
    res = runner.invoke(app, ["trial", "nosuchtrial"])
    assert res.exit_code == 2
    assert "dpp" in res.output
