"""Receptor and signalling against published cell data and the published model.

Records (../shared/validation/reference.json):
- ``sedaghat2002_sim_glut4``: surface GLUT4 after a 15-min step of 100 nM insulin in the
  curated model, tolerance 2 percentage points per sample.
- ``sedaghat2002_basal_distribution``: 90 % of receptors and 4 % of GLUT4 at the surface
  without insulin.
- ``receptor_downregulation_time_course`` (Heaton & Gelehrter 1981, rat hepatoma cells):
  maximal down-regulation at 4-6 h, binding remaining 40-50 %, half-maximal at 10-20 ng/mL,
  recovery nearly complete by 24 h. The plateau, half-maximal dose and recovery were used to
  calibrate ``receptor.toml`` (scripts/calibrate_receptor.py), so they test the fit; the time
  to the maximum is a prediction.
- ``receptor_number_lymphocytes`` (Olefsky & Reaven 1974): 2,200 vs 1,200 receptors per
  lymphocyte in normal vs type 2 diabetic people.
"""

from __future__ import annotations

import functools

import _sims
import numpy as np
import pytest

from insulinsim import person
from insulinsim.model import receptor_steady_state
from insulinsim.solve import simulate_cells
from insulinsim.units import PMOL_L_PER_NG_ML_INSULIN

DAY = 1440.0


@functools.cache
def _glut4_course():
    rec = _sims.reference()["sedaghat2002_sim_glut4"]
    ds = simulate_cells(person("healthy"), [(0.0, 1.0e5), (15.0, 0.0)], rec["x"])
    return rec, ds.glut4.sel(tissue="adipose").values


@pytest.mark.parametrize("k", range(11))
def test_glut4_time_course_sedaghat2002(k):
    """sedaghat2002_sim_glut4: 100 nM insulin for 15 min (model units 1e8 = 100 nM)."""
    rec, sim = _glut4_course()
    if 1 <= k <= 3:
        pytest.xfail(
            "finding: the whole-body cascade is at quasi-steady state, so GLUT4 starts moving "
            "about half a minute earlier than in the full published model (1-3 min samples)"
        )
    assert abs(sim[k] - rec["value"][k]) <= rec["tolerance"]["value"], (rec["x"][k], sim[k])


def test_basal_distribution_sedaghat2002():
    """sedaghat2002_basal_distribution: 90 % of receptors, 4 % of GLUT4 at the surface."""
    rec = _sims.reference()["sedaghat2002_basal_distribution"]
    p = person("healthy")
    c = receptor_steady_state(0.0, p)  # the steady state without insulin, solved
    pool = c.free + c.phos + c.x6 + c.x7 + c.x8
    # k4 is printed as 0.000333 (for 1/3000), so the share is 90.009 %: printed precision
    assert np.allclose(100.0 * (c.free + c.phos) / pool, rec["value"][0], atol=0.05)
    ds = simulate_cells(p, [(0.0, 0.0)], [0.0, 600.0])
    assert np.allclose(ds.glut4.values[:, -1], rec["value"][1], atol=0.005)  # printed precision


@functools.cache
def _downregulation():
    p = person("healthy")
    doses = (1.0, 3.0, 10.0, 15.0, 30.0, 100.0, 300.0)
    remaining = [
        simulate_cells(p, [(0.0, d * PMOL_L_PER_NG_ML_INSULIN)], [0.0, DAY])
        .surface_receptors.sel(tissue="liver")
        .values[-1]
        for d in doses
    ]
    t = np.linspace(0.0, DAY, 145)
    course = simulate_cells(
        p,
        [(0.0, 100.0 * PMOL_L_PER_NG_ML_INSULIN), (DAY, 0.0)],
        np.concatenate([t, t[1:] + DAY]),
    ).surface_receptors.sel(tissue="liver")
    return np.asarray(doses), np.asarray(remaining), t, course.values


def test_downregulation_plateau_heaton1981():
    rec = _sims.reference()["receptor_downregulation_time_course"]
    _, remaining, _, _ = _downregulation()
    assert abs(remaining.min() - rec["value"][2]) <= rec["tolerance"]["value"][2]


def test_downregulation_half_maximal_dose_heaton1981():
    rec = _sims.reference()["receptor_downregulation_time_course"]
    doses, remaining, _, _ = _downregulation()
    drop = 100.0 - remaining
    k = int(np.argmax(drop))
    ec50 = np.exp(np.interp(drop[k] / 2.0, drop[: k + 1], np.log(doses[: k + 1])))
    assert abs(ec50 - rec["value"][3]) <= rec["tolerance"]["value"][3], ec50


def test_downregulation_time_to_maximum_heaton1981():
    """Maximal at 4-6 h: the time to 90 % of the 24-h drop must lie in [4 - 1, 6 + 1] h."""
    rec = _sims.reference()["receptor_downregulation_time_course"]
    _, _, t, course = _downregulation()
    day = course[: len(t)]
    t90 = t[np.argmax(day <= day[-1] + 0.1 * (100.0 - day[-1]))] / 60.0
    lo = rec["value"][0] - rec["tolerance"]["value"][0]
    hi = rec["value"][1] + rec["tolerance"]["value"][1]
    if not lo <= t90 <= hi:
        pytest.xfail(
            f"finding: down-regulation reaches 90 % of its extent at {t90:.1f} h, not 4-6 h: "
            "the published internalisation of occupied receptors (k4prime, t1/2 5.5 h) is "
            "slower than the <= 10-min internalisation measured in 3T3 cells (Knutson 1983)"
        )
    assert lo <= t90 <= hi


def test_recovery_within_a_day_heaton1981():
    rec = _sims.reference()["receptor_downregulation_time_course"]
    _, _, t, course = _downregulation()
    after = course[len(t) - 1 :]
    done = after >= 100.0 - 0.1 * (100.0 - after[0])
    t_rec = t[np.argmax(done)] / 60.0
    assert done.any() and abs(t_rec - rec["value"][4]) <= rec["tolerance"]["value"][4], t_rec


def test_healthy_receptors_per_lymphocyte_olefsky1974():
    """receptor_number_lymphocytes: the healthy count (the scale of the receptor units)."""
    rec = _sims.reference()["receptor_number_lymphocytes"]
    ds = simulate_cells(person("healthy"), [(0.0, 25.6)], [0.0, 10.0], start="first_level")
    count = float(ds.receptors_per_cell.sel(tissue="muscle").values[-1])
    assert abs(count - rec["value"][0]) <= rec["tolerance"]["value"] * rec["value"][0]


@pytest.mark.xfail(
    strict=True,
    reason="finding: the t2d preset's daily insulin exposure down-regulates receptors by a few "
    "per cent, not the 45 % fewer receptors per lymphocyte of untreated type 2 diabetes; "
    "receptor loss in vivo needs more than hyperinsulinemia in this model",
)
def test_diabetic_receptors_per_lymphocyte_olefsky1974():
    rec = _sims.reference()["receptor_number_lymphocytes"]
    ds = _sims.mechanistic_day("t2d")
    ratio = float(ds.receptors_muscle.values[0, -1] / ds.receptors_muscle.values[0, 0])
    healthy = _sims.mechanistic_day("healthy")
    ratio /= float(healthy.receptors_muscle.values[0, -1] / healthy.receptors_muscle.values[0, 0])
    expected = rec["value"][1] / rec["value"][0]
    assert abs(ratio - expected) <= rec["tolerance"]["value"] * expected, ratio
