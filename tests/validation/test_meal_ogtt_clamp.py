"""The fast model against published meal, OGTT and clamp numbers.

Every check names its record in ``shared/validation/reference.json`` and uses the record's
tolerance (a different one is justified where it is used). The checks live in the package
(``insulinsim.analysis._validation``, the cases of ``insulinsim validate``): each builds rows
``(quantity, published, model, tolerance, passed, record, ...)``; the tests here run them on
the suite's shared simulations (``tests/_sims.py``), print the rows and assert that all pass.
A miss is a finding about the model, documented with a strict ``xfail`` whose reason gives the
numbers; neither the reference nor the model is changed to pass.
``tests/validation/_table.py`` prints every row of every case as one table.

Shared simulations come from ``tests/_sims.py`` (all presets in one batch):

- OGTT: ``protocols.ogtt()`` (75 g at t = 0).
- Mixed meal: ``meal_test(78)`` (1 g/kg for the 78-kg healthy person, record
  dallaman2007_meal_dose) and ``meal_test(91)`` (1 g/kg for the 91-kg t2d person).
- Standard day: ``standard_day()`` (45/70/70 g at 08:00/12:00/20:00).
- Clamps: one 180-min euglycemic clamp per person (batch of one).
"""

from __future__ import annotations

import _sims
import pytest

from insulinsim.analysis._validation import ValidationRow, run_case


def report(rows: list[ValidationRow]) -> None:
    for r in rows:
        mark = "ok  " if r.passed else "MISS"
        print(
            f"{mark} {r.record}: {r.quantity}: published {r.published}, model {r.model} "
            f"(tolerance {r.tolerance})"
        )


def assert_rows(rows: list[ValidationRow]) -> None:
    report(rows)
    misses = [r for r in rows if not r.passed]
    assert not misses, "; ".join(
        f"{r.quantity}: model {r.model} vs published {r.published} ({r.tolerance})" for r in misses
    )


def _check(key: str):
    """The rows of package case ``key`` on the suite's shared simulations."""
    return lambda: list(run_case(key, _sims, _sims.reference()).rows)


# ------------------------------------------------------------------------------ the tests
# The cases of insulinsim.analysis._validation.CASES that these tests assert.

CHECKS = {
    key: _check(key)
    for key in (
        "ohashi_ngt",
        "ohashi_igt",
        "ohashi_t2dm",
        "fig1_glucose",
        "fig1_insulin",
        "fig1_egp",
        "fig1_ra_meal",
        "fig1_utilization",
        "normal_peaks",
        "normal_model_peaks",
        "egp_suppression",
        "t2d_model_glucose",
        "swedish_clamp",
        "ohashi_clamp",
        "muscle_fraction",
        "basal_glucose_use",
        "basal_disposal_partition",
        "renal_threshold",
        "igt_delay",
    )
}

_ogtt = pytest.mark.xdist_group("ogtt")
_meal = pytest.mark.xdist_group("meal")
_day = pytest.mark.xdist_group("day")
_clamp = pytest.mark.xdist_group("clamp")
_fasting = pytest.mark.xdist_group("fasting")


@_ogtt
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: healthy OGTT glucose 150.0/132.6 mg/dL at 90/120 min vs published 120.0/111.9 (±15 %) (ogtt75_ohashi_ngt_glucose)",
)
def test_ohashi_ogtt_ngt():
    """ogtt75_ohashi_ngt_glucose vs healthy."""
    assert_rows(CHECKS["ohashi_ngt"]())


@_ogtt
def test_ohashi_ogtt_igt():
    """ogtt75_ohashi_igt_glucose vs igt."""
    assert_rows(CHECKS["ohashi_igt"]())


@_ogtt
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: t2d fasting glucose 159.2 vs published 104.7 mg/dL (±15 %); 30-120 min within (ogtt75_ohashi_t2dm_glucose)",
)
def test_ohashi_ogtt_t2dm():
    """ogtt75_ohashi_t2dm_glucose vs t2d."""
    assert_rows(CHECKS["ohashi_t2dm"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: healthy 78-g meal glucose 137.6/151.8/156.9 at 30/45/60 min vs published 167.9/178.8/176.3 (±10 %) (dallaman2007_fig1_glucose)",
)
def test_fig1_glucose():
    """dallaman2007_fig1_glucose (±10 % per point)."""
    assert_rows(CHECKS["fig1_glucose"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: insulin 191.5 vs 332.0 pmol/L at 30 min, 26.6 vs 79.7 at 240 min; 9 of 13 points outside ±25 % (dallaman2007_fig1_insulin)",
)
def test_fig1_insulin():
    """dallaman2007_fig1_insulin (±25 % per point)."""
    assert_rows(CHECKS["fig1_insulin"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: EGP 0.967 vs 0.46 mg/kg/min at 45 min, 1.56 vs 1.11 at 420 min; 7 of 13 points outside ±0.3 (dallaman2007_fig1_egp)",
)
def test_fig1_egp():
    """dallaman2007_fig1_egp (±0.3 mg/kg/min per point)."""
    assert_rows(CHECKS["fig1_egp"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: Ra 6.48 vs 9.2 mg/kg/min at 15 min, 4.53 vs 6.7 at 60 min (±1.5) (dallaman2007_fig1_ra_meal)",
)
def test_fig1_ra_meal():
    """dallaman2007_fig1_ra_meal (±1.5 mg/kg/min per point)."""
    assert_rows(CHECKS["fig1_ra_meal"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: utilization 4.94 vs 7.18 mg/kg/min at 60 min (±1.5) (dallaman2007_fig1_utilization)",
)
def test_fig1_utilization():
    """dallaman2007_fig1_utilization (±1.5 mg/kg/min per point)."""
    assert_rows(CHECKS["fig1_utilization"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: glucose peak 157.3 mg/dL at 66 min vs 180 at 50; insulin peak 253.7 pmol/L at 98 min vs 360 at 60 (dallaman2007_normal_peaks)",
)
def test_normal_peaks():
    """dallaman2007_normal_peaks."""
    assert_rows(CHECKS["normal_peaks"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: glucose peak 157.3 vs 175±10 mg/dL; insulin peak 253.7 vs 360±40 pmol/L (dallaman2007_normal_model_peaks)",
)
def test_normal_model_peaks():
    """dallaman2007_normal_model_peaks."""
    assert_rows(CHECKS["normal_model_peaks"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: EGP suppression 65.5 % vs 76±10 % (nadir 0.66 vs 0.46±0.25 passes) (dallaman2007_egp_suppression)",
)
def test_egp_suppression():
    """dallaman2007_egp_suppression."""
    assert_rows(CHECKS["egp_suppression"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: t2d 91-g meal glucose peak 296.0 vs 337 mg/dL at 120 min; 60-180 min below -10 % (dallaman2007_t2d_model_glucose)",
)
def test_t2d_model_glucose():
    """dallaman2007_t2d_model_glucose (±10 % per point)."""
    assert_rows(CHECKS["t2d_model_glucose"]())


@_clamp
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: M at 1 mU/kg/min 3.90/2.32/1.63 vs 8.3/5.4/4.7 mg/kg/min (±1.0) (clamp_swedish2001_M_high)",
)
def test_swedish_clamp_M():
    """clamp_swedish2001_M_high (±1.0 mg/kg/min)."""
    assert_rows(CHECKS["swedish_clamp"]())


@_clamp
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: GIR at matched clamp insulin 7.13/6.10/4.03 vs 10.37/7.65/6.79 mg/kg/min (±1.0) (clamp_ohashi_GIR)",
)
def test_ohashi_clamp_GIR():
    """clamp_ohashi_GIR (±1.0 mg/kg/min) at matched clamp insulin."""
    assert_rows(CHECKS["ohashi_clamp"]())


@_clamp
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: muscle uptake increase / GIR 65.6 % vs 80-90 % (range 75-92) (clamp_muscle_fraction)",
)
def test_clamp_muscle_fraction():
    """clamp_muscle_fraction (75-92 %)."""
    assert_rows(CHECKS["muscle_fraction"]())


@_ogtt
def test_basal_glucose_use():
    """phys_basal_glucose_use (2.0 ± 0.2 mg/kg/min)."""
    assert_rows(CHECKS["basal_glucose_use"]())


@_fasting
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: basal partition brain/splanchnic/insulin-dependent 52.2/6.2/41.6 % vs 50/25/25 % (±5) (phys_basal_disposal_partition)",
)
def test_basal_disposal_partition():
    """phys_basal_disposal_partition (±5 percentage points)."""
    assert_rows(CHECKS["basal_disposal_partition"]())


@_day
def test_renal_threshold():
    """phys_renal_threshold."""
    assert_rows(CHECKS["renal_threshold"]())


@_day
def test_igt_scenario_delay():
    """dallaman2007_igt_scenario_delay (120 ± 45 min)."""
    assert_rows(CHECKS["igt_delay"]())
