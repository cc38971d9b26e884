"""Natural history of the bundled sedentary-weight-gain scenario against cohort descriptions.

Cohorts (Whitehall II, Tabak et al. 2009 Lancet 373:2215) describe insulin resistance and
compensatory hyperinsulinemia for years before diagnosis, then a steep rise of fasting glucose
in the last 2-3 years; at diagnosis beta-cell volume is 63 % (obese) below BMI-matched
non-diabetic people (Butler 2003, record butler2003_beta_deficit, +/- 8 points).
"""

from __future__ import annotations

import numpy as np
import pytest

from insulinsim.protocols import example_scenarios, load_scenario, scenario_person
from insulinsim.solve import progress


@pytest.fixture(scope="module")
def trajectory():
    sc = load_scenario(example_scenarios()["sedentary_weight_gain"])
    return progress(scenario_person(sc), sc)


def test_weight_gain_makes_the_person_insulin_resistant(trajectory):
    ds = trajectory
    assert ds.status.values[0] == "ok"
    assert ds.weight.values[0, -1] - ds.weight.values[0, 0] > 10.0
    assert ds.sensitivity_muscle.values[0, -1] < 0.85
    assert ds.fasting_glucose.values[0, -1] > ds.fasting_glucose.values[0, 0]


@pytest.mark.xfail(
    strict=True,
    reason="finding: compensation is too weak: fasting insulin rises only 25.6 -> 27.6 pmol/L "
    "(+8 %) over 30 years while muscle sensitivity falls to 0.83 and fasting glucose stays "
    "near 92 mg/dL; beta-cell mass grows 26 % (demand-driven proliferation) but the age effect "
    "on the ceiling of beta-cell function (-0.7 %/year, Szoke 2008) takes function down 17 %",
)
def test_insulin_rises_years_before_glucose(trajectory):
    ds = trajectory
    ins = ds.fasting_insulin.values[0]
    fpg = ds.fasting_glucose.values[0]
    t = ds.time.values
    # insulin must rise by 30 % (cohorts: hyperinsulinemia precedes hyperglycaemia) ...
    assert np.any(ins >= 1.3 * ins[0])
    t_ins = t[np.argmax(ins >= 1.3 * ins[0])]
    # ... at least 3 years before fasting glucose reaches 100 mg/dL (if it ever does)
    t_fpg = t[np.argmax(fpg >= 100.0)] if np.any(fpg >= 100.0) else np.inf
    assert t_ins + 3.0 <= t_fpg


@pytest.mark.xfail(
    strict=True,
    reason="finding: the scenario does not reach diabetes in 30 years (fasting glucose "
    "94 mg/dL, 2-h 139 mg/dL at 60), so neither the steep pre-diagnostic rise nor the "
    "Butler 2003 beta-cell deficit at diagnosis can be checked",
)
def test_diabetes_with_steep_fasting_rise_and_beta_deficit(trajectory):
    ds = trajectory
    fpg = ds.fasting_glucose.values[0]
    assert np.any(fpg >= 126.0)
    j = int(np.argmax(fpg >= 126.0))
    t = ds.time.values
    last3 = fpg[j] - fpg[np.argmin(np.abs(t - (t[j] - 3.0)))]
    before = fpg[np.argmin(np.abs(t - (t[j] - 3.0)))] - fpg[0]
    assert last3 > before
    assert 100.0 - ds.beta_mass.values[0, j] == pytest.approx(63.0, abs=8.0)
