"""progress(..., return_day_parameters=True): the person as they are at every step.

The check is independent of the records: an OGTT simulated afresh (adaptive solver, default
phenomenological action) from the returned parameters of a step must read the same fasting,
30-min and 2-h glucose as the years model recorded for that step.
"""

from __future__ import annotations

import numpy as np
import pytest

from insulinsim import protocols as P
from insulinsim import simulate
from insulinsim.solve import ProgressSettings, day_parameters_at, progress

SCENARIO = {
    "scenario": {"name": "weight gain", "sex": "male", "age": 45, "years": 6.0},
    "risk": [
        {"factor": "energy_intake_excess", "value": 600.0},
        {"factor": "daily_steps", "value": 3000.0},
    ],
}


@pytest.fixture(scope="module")
def run():
    sc = P.scenario_from_dict(SCENARIO)
    p = P.scenario_person(sc)
    settings = ProgressSettings(step_days=90.0)
    plain = progress(p, sc, settings=settings)
    ds, days = progress(p, sc, settings=settings, return_day_parameters=True)
    return plain, ds, days


def test_keeping_the_parameters_changes_no_record(run):
    plain, ds, _ = run
    for v in ("fasting_glucose", "glucose_2h", "hba1c", "weight", "beta_mass"):
        np.testing.assert_array_equal(plain[v].values, ds[v].values, err_msg=v)


def test_parameters_have_person_and_time_axes(run):
    _, ds, days = run
    assert np.shape(days.body.BW) == (1, ds.time.size)
    # body weight of the day's parameters is the recorded weight
    np.testing.assert_allclose(np.asarray(days.body.BW)[0], ds.weight.values[0], rtol=1e-12)


@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_an_ogtt_from_the_parameters_reads_the_recorded_glucose(run, which):
    _, ds, days = run
    k = {"first": 0, "middle": ds.time.size // 2, "last": ds.time.size - 1}[which]
    o = simulate(day_parameters_at(days, 0, k), P.ogtt())
    assert str(o.status.values[0]) == "ok"
    g = o.glucose.sel(time=[0.0, 30.0, 120.0]).values[0]
    rec = [ds[v].values[0, k] for v in ("fasting_glucose", "glucose_30", "glucose_2h")]
    # fixed-grid Bosh3 (years model) vs adaptive Tsit5: 0.1 mg/dL
    np.testing.assert_allclose(g, rec, atol=0.1)


def test_the_person_changed_over_the_run(run):
    """Not vacuous: six years of weight gain moved the parameters and the 2-h glucose."""
    _, ds, days = run
    bw = np.asarray(days.body.BW)[0]
    assert bw[-1] - bw[0] > 5.0
    assert abs(ds.glucose_2h.values[0, -1] - ds.glucose_2h.values[0, 0]) > 1.0


def test_an_index_outside_the_run_is_refused(run):
    _, ds, days = run
    with pytest.raises(IndexError, match="1 people and"):
        day_parameters_at(days, 1, 0)
    with pytest.raises(IndexError, match="steps"):
        day_parameters_at(days, 0, ds.time.size)
