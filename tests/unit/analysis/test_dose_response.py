"""The muscle's GLUT4 dose-response of a person against the healthy reference."""

from __future__ import annotations

import numpy as np
import pytest

from insulinsim.analysis import muscle_dose_response
from insulinsim.parameters import person


def test_the_healthy_reference_against_itself_needs_the_same_insulin():
    d = muscle_dose_response(person("healthy"), 100.0, 0.0, 0.0)
    np.testing.assert_allclose(d.glut4_person, d.glut4_healthy, rtol=1e-12)
    np.testing.assert_allclose(d.insulin_needed, d.insulin, rtol=1e-6)


def test_the_response_rises_with_insulin():
    d = muscle_dose_response(person("healthy"), 100.0, 0.0, 0.0)
    assert np.all(np.diff(d.glut4_healthy.values) > 0)


def test_fewer_receptors_and_inhibitors_mean_less_glut4_and_more_insulin():
    d = muscle_dose_response(person("insulin_resistant"), 70.0, 0.4, 0.5)
    assert np.all(d.glut4_person.values < d.glut4_healthy.values)
    need = d.insulin_needed.values
    ok = np.isfinite(need)
    assert ok[:10].all()
    assert np.all(need[ok] > d.insulin.values[ok])


def test_more_resistance_needs_more_insulin():
    mild = muscle_dose_response(person("healthy"), 90.0, 0.1, 0.1, np.array([300.0]))
    severe = muscle_dose_response(person("healthy"), 60.0, 0.5, 0.6, np.array([300.0]))
    assert float(severe.insulin_needed[0]) > float(mild.insulin_needed[0]) > 300.0


def test_a_response_out_of_reach_is_nan_not_an_error():
    d = muscle_dose_response(person("healthy"), 30.0, 0.9, 0.9, np.array([50.0, 10_000.0]))
    assert np.isfinite(d.insulin_needed.values[0])
    assert np.isnan(d.insulin_needed.values[1])


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((-1.0, 0.0, 0.0), "surface_receptors_percent"),
        ((100.0, 1.5, 0.0), "cytokine_exposure"),
        ((100.0, 0.0, float("nan")), "lipid_exposure_muscle"),
    ],
)
def test_bad_input_names_the_field(args, field):
    with pytest.raises(ValueError, match=field):
        muscle_dose_response(person("healthy"), *args)
