"""``insulinsim export-sbml``: a valid SBML file with the meal as an event; bad input exits 2."""

from __future__ import annotations

import libsbml
from typer.testing import CliRunner

from insulinsim.cli import app

runner = CliRunner()


def test_export_writes_consistent_sbml_with_the_meal_as_an_event(tmp_path):
    out = tmp_path / "t2d.xml"
    res = runner.invoke(
        app, ["export-sbml", "--person", "t2d", "--protocol", "meal", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    doc = libsbml.readSBMLFromFile(str(out))
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    assert doc.checkConsistency() == 0
    model = doc.getModel()
    assert model.getNumEvents() >= 1  # the meal's start (and end) switch the ingestion input
    assert model.getNumRules() > 10


def test_unknown_preset_and_mechanistic_action_exit_2_without_a_file(tmp_path):
    out = tmp_path / "x.xml"
    for args, field in (
        (["--person", "nobody"], "preset"),
        (["--insulin-action", "mechanistic"], "insulin_action"),
    ):
        res = runner.invoke(app, ["export-sbml", *args, "--out", str(out)])
        assert res.exit_code == 2
        assert field in res.output
        assert not out.exists()
