"""Scenario files and the effects table: validation, levels over time, bundled examples."""

from __future__ import annotations

import numpy as np
import pytest

from insulinsim.errors import InputError
from insulinsim.model import ADDITIVE_TARGETS, TARGETS
from insulinsim.parameters import bibliography
from insulinsim.parameters._load import EVIDENCE
from insulinsim.protocols import effects_table, example_scenarios, load_scenario
from insulinsim.protocols._scenario import factor_deviations, scenario_from_dict, therapy_on


def _sc(**extra):
    head = {"name": "t", "person": "healthy", "sex": "male", "age": 40, "years": 10}
    return scenario_from_dict({"scenario": head, **extra})


def test_effects_table_is_complete_and_cited():
    bib = bibliography()
    table = effects_table()
    assert {"age", "energy_intake_excess", "metformin", "autoimmunity"} <= set(table)
    for f in table.values():
        assert f.min <= f.reference <= f.max
        for e in f.effects:
            assert e.target in TARGETS
            assert e.evidence in EVIDENCE
            assert e.source in bib, (f.name, e.source)
            assert e.form == "per_unit" or e.target not in ADDITIVE_TARGETS


@pytest.mark.parametrize("name", sorted(example_scenarios()))
def test_bundled_scenarios_load(name):
    sc = load_scenario(example_scenarios()[name])
    assert sc.years > 0 and sc.description


def test_constant_and_piecewise_levels():
    sc = _sc(
        risk=[
            {"factor": "sleep_duration", "value": 5.5, "start": 2, "stop": 4},
            {"factor": "energy_intake_excess", "times": [0, 10], "values": [0, 100]},
        ]
    )
    names, dev = factor_deviations(sc, np.array([0.0, 3.0, 5.0]))
    sleep = dev[:, names.index("sleep_duration")]
    ref = effects_table()["sleep_duration"].reference
    np.testing.assert_allclose(sleep, [0.0, ref - 5.5, 0.0])
    np.testing.assert_allclose(dev[:, names.index("energy_intake_excess")], [0.0, 30.0, 50.0])


def test_intervention_adherence_scales_level():
    sc = _sc(intervention=[{"name": "metformin", "start": 1, "adherence": 0.5}])
    names, dev = factor_deviations(sc, np.array([0.5, 1.5]))
    np.testing.assert_allclose(dev[:, names.index("metformin")], [0.0, 0.5])
    assert therapy_on(sc, [0.5]).tolist() == [0.0]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"risk": [{"factor": "unicorns", "value": 1}]}, "unknown risk factor"),
        ({"risk": [{"factor": "sleep_duration", "value": 30}]}, "outside"),
        ({"intervention": [{"name": "metformin", "start": 1, "adherence": 2}]}, "adherence"),
        ({"intervention": [{"name": "sleep_duration", "start": 1}]}, "unknown intervention"),
        ({"risk": [{"factor": "sleep_duration"}]}, "either value"),
    ],
)
def test_bad_scenarios_name_the_field(extra, needle):
    with pytest.raises(InputError, match=needle):
        _sc(**extra)


def test_sex_specific_factor_refused_for_the_other_sex():
    with pytest.raises(InputError, match="applies to sex=male"):
        scenario_from_dict(
            {
                "scenario": {"name": "t", "sex": "female", "years": 5},
                "intervention": [{"name": "testosterone_therapy", "start": 0}],
            }
        )


def test_missing_file_lists_examples(tmp_path):
    with pytest.raises(InputError, match="Bundled examples"):
        load_scenario(tmp_path / "nope.toml")
