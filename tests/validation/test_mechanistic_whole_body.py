"""The mechanistic insulin-action option against the phenomenological one and the OGTT data.

Acceptance (issue 3): with default parameters the mechanistic option reproduces the published
phenomenological model for a healthy person's OGTT and meal within 10 % at every sample.
The tissue gains were calibrated on these two runs (scripts/calibrate_tissue_gains.py), so
this checks the calibration reached the criterion. The OGTT comparison with the Ohashi group
means (records ``ogtt75_ohashi_ngt_glucose``, tolerance 15 %) is the same check the
phenomenological option passes in ``test_meal_ogtt_clamp.py``.
"""

from __future__ import annotations

import _sims
import numpy as np
import pytest

SAMPLES = (0.0, 10.0, 20.0, 30.0, 45.0, 60.0, 75.0, 90.0, 120.0, 150.0, 180.0)
MEAL_SAMPLES = (*SAMPLES, 210.0, 240.0, 300.0, 360.0, 420.0)


def _pair(kind):
    phen = _sims.ogtt() if kind == "ogtt" else _sims.meal(78.0)
    return phen.sel(person="healthy"), _sims.mechanistic(kind).sel(person="healthy")


@pytest.mark.parametrize("kind", ["ogtt", "meal"])
def test_glucose_matches_phenomenological_within_10_percent(kind):
    phen, mech = _pair(kind)
    ts = list(SAMPLES if kind == "ogtt" else MEAL_SAMPLES)
    a, b = phen.glucose.sel(time=ts).values, mech.glucose.sel(time=ts).values
    rel = np.abs(b - a) / a
    assert rel.max() <= 0.10, dict(zip(ts, rel.round(3), strict=True))


@pytest.mark.parametrize("kind", ["ogtt", "meal"])
@pytest.mark.xfail(
    strict=True,
    reason="finding: insulin is up to 15 % (OGTT) and 17 % (meal) higher at 90-180 min, and "
    "after the meal dips 37-50 % below the published model at 240-300 min: the GLUT4 route "
    "adds minutes of lag and saturates, so glucose runs higher after the peak, then lower",
)
def test_insulin_matches_phenomenological_within_10_percent(kind):
    phen, mech = _pair(kind)
    ts = list(SAMPLES if kind == "ogtt" else MEAL_SAMPLES)
    a, b = phen.insulin.sel(time=ts).values, mech.insulin.sel(time=ts).values
    assert (np.abs(b - a) / a).max() <= 0.10


@pytest.mark.xfail(
    strict=True,
    reason="finding: 28 % low at 90 min and 23 % at 120 min (Ohashi NGT glucose stays at "
    "120-138 mg/dL; the model returns faster), like the phenomenological option's miss",
)
def test_ogtt_glucose_vs_ohashi_ngt():
    """ogtt75_ohashi_ngt_glucose within 15 % at 0/30/60/90/120 min (mechanistic option)."""
    rec = _sims.reference()["ogtt75_ohashi_ngt_glucose"]
    mech = _sims.mechanistic("ogtt").sel(person="healthy")
    sim = mech.glucose.sel(time=[float(t) for t in rec["x"]]).values
    rel = np.abs(sim - np.asarray(rec["value"])) / np.asarray(rec["value"])
    assert rel.max() <= 0.15, rel


def test_selective_resistance_ovary_stays_sensitive():
    """With muscle inhibitors on, the ovary's action follows insulin while muscle's falls."""
    from insulinsim import person, protocols, simulate
    from insulinsim.model import Mechanistic

    on = {"inhibitors.lipid_exposure": 1.0, "inhibitors.cytokine_exposure": 1.0}
    ds = simulate(
        [person("healthy"), person("healthy", on)],
        protocols.ogtt(),
        action=Mechanistic(),
        names=["healthy", "inhibited"],
    )
    num = [v for v in ds.data_vars if ds[v].dtype.kind == "f"]
    rise = ds[num].sel(time=90.0) - ds[num].sel(time=0.0)
    muscle = rise.action_muscle.values
    ovary_per_insulin = rise.action_ovary.values / rise.insulin.values
    assert muscle[1] < 0.8 * muscle[0]
    assert abs(ovary_per_insulin[1] / ovary_per_insulin[0] - 1.0) < 0.25
    # hepatic lipogenesis stays sensitive while the liver's glucose-output branch does not
    liver = rise.action_liver.values
    lipo = rise.action_lipogenic.values
    assert liver[1] < 0.8 * liver[0]
    assert lipo[1] >= lipo[0]  # the lipogenic branch follows the higher insulin
