"""Fits to published group data: OGTT means (Ohashi 2018) and FSIGT minimal-model indices.

1. The fast model is fitted (:func:`fit_ogtt`, base = healthy preset) to the mean 75-g OGTT
   curves of Japanese NGT, IGT and T2DM subjects (records ``ogtt75_ohashi_{ngt,igt,t2dm}_
   {glucose,insulin}``); the estimated peripheral insulin sensitivity must order
   NGT > IGT > T2DM.
2. An insulin-modified FSIGT (``insulinsim.protocols.fsigt()``) is simulated for the healthy,
   igt and t2d presets, sampled on the standard schedule and analysed with the Bergman
   minimal model (:func:`fit_minimal_model`); S_I, S_G, AIRg and DI are compared with the
   Normal / IGT / T2D values of records ``minmod_SI_groups``, ``minmod_SG_groups``,
   ``minmod_AIRg_groups``, ``minmod_DI_groups`` within each record's tolerance. A miss is a
   finding about the model (or the record), marked ``xfail(strict=True)`` with the measured
   and published values; nothing is tuned to pass.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from insulinsim import person, protocols, simulate
from insulinsim.analysis._fit import fit_minimal_model, fit_ogtt
from insulinsim.units import PMOL_L_PER_UU_ML_INSULIN

# fits of one person at the five OGTT times share one compiled program (about 40 s): keep the
# two test files that use it on one pytest-xdist worker
pytestmark = pytest.mark.xdist_group("fit_ogtt_5_samples")
REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "validation" / "reference.json"
GROUPS = ("ngt", "igt", "t2dm")
PRESETS = ("healthy", "igt", "t2d")  # the records' Normal / IGT / T2D columns
# standard FSIGT schedule (Bergman et al. 1981; MINMOD): the t = 0 sample is pre-bolus
FSIGT_T = np.array(
    [0, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 19, 22, 23, 24, 25, 27, 30, 40, 50, 60, 70, 80, 90,
     100, 120, 140, 160, 180],
    dtype=float,
)  # fmt: skip


@cache
def _records() -> dict:
    return {r["id"]: r for r in json.loads(REFERENCE.read_text(encoding="utf-8"))}


# --- 1. OGTT group means -----------------------------------------------------------------------


@cache
def _ohashi_fits() -> dict:
    rec = _records()
    out = {}
    for grp in GROUPS:
        g = rec[f"ogtt75_ohashi_{grp}_glucose"]
        i = rec[f"ogtt75_ohashi_{grp}_insulin"]
        assert g["x"] == i["x"] == [0, 30, 60, 90, 120]
        assert g["unit"] == "mg/dL" and i["unit"] == "uU/mL"
        out[grp] = fit_ogtt(
            np.asarray(g["x"], float),
            np.asarray(g["value"], float),
            np.asarray(i["value"], float) * PMOL_L_PER_UU_ML_INSULIN,
        )
    return out


def test_peripheral_sensitivity_orders_ngt_igt_t2dm():
    """Records ogtt75_ohashi_{ngt,igt,t2dm}_{glucose,insulin}: V_mx multiplier NGT > IGT > T2DM.

    Measured (healthy base, prior N(0, 1)): 1.23 > 0.25 > 0.034. Five samples per curve
    leave most multipliers weakly identified (see each fit's warnings); the order of V_mx is
    what the data carry.
    """
    fits = _ohashi_fits()
    v = {grp: fits[grp].estimates["V_mx"] for grp in GROUPS}
    assert v["ngt"] > v["igt"] > v["t2dm"], v


def _curve_case(grp, qty):
    marks = []
    if (grp, qty) == ("t2dm", "glucose"):
        marks = [
            pytest.mark.xfail(
                strict=True,
                reason=(
                    "T2DM mean glucose (ogtt75_ohashi_t2dm_glucose) fitted from the healthy "
                    "base: the model cannot climb from a 104.7 mg/dL basal to 268.9 mg/dL at "
                    "120 min; it raises basal glucose to 123.5 mg/dL (+18%, tolerance 15%) "
                    "and reaches 246.6 at 120 min (a-posteriori variance 49x the assay error)"
                ),
            )
        ]
    return pytest.param(grp, qty, marks=marks, id=f"{grp}-{qty}")


@pytest.mark.parametrize(
    ("grp", "qty"), [_curve_case(g, q) for g in GROUPS for q in ("glucose", "insulin")]
)
def test_fitted_curves_lie_within_the_record_tolerance(grp, qty):
    """Records ogtt75_ohashi_{grp}_{qty}: each fitted sample within the record's relative
    tolerance (glucose 15%, insulin 35%) of the published mean."""
    fit = _ohashi_fits()[grp]
    rec = _records()[f"ogtt75_ohashi_{grp}_{qty}"]
    assert rec["tolerance"]["type"] == "relative"
    fitted = (
        fit.fitted_glucose_mg_dl
        if qty == "glucose"
        else fit.fitted_insulin_pmol_l / PMOL_L_PER_UU_ML_INSULIN
    )
    np.testing.assert_allclose(fitted, rec["value"], rtol=rec["tolerance"]["value"])


# --- 2. FSIGT minimal-model indices of the presets ---------------------------------------------


@cache
def _fsigt_fits() -> dict:
    ds = simulate([person(p) for p in PRESETS], protocols.fsigt(), names=list(PRESETS))
    assert set(ds.status.values) == {"ok"}
    ds = ds.sel(time=FSIGT_T)
    return {
        p: fit_minimal_model(
            FSIGT_T, ds.glucose.sel(person=p).values, ds.insulin.sel(person=p).values
        )
        for p in PRESETS
    }


_RECORD = {"SI": "minmod_SI_groups", "SG": "minmod_SG_groups", "AIRg": "minmod_AIRg_groups",
           "DI": "minmod_DI_groups"}  # fmt: skip
_NOT_CONVERGED_T2D = (
    "t2d FSIGT: the minimal-model fit does not converge: S_G runs to the boundary 0 (fits "
    "of the minimal model in diabetes are known to end at a boundary, usually S_I = 0), so "
    "its S_I, S_G and DI are not estimates; published {pub}"
)
_FINDINGS = {
    ("healthy", "SI"): "healthy S_I = 5.8 vs published 2.62 (+-30%) x10^-4 /min per uU/mL",
    ("healthy", "SG"): "healthy S_G = 0.0080 vs published 0.021 (+-0.004) /min",
    ("healthy", "AIRg"): (
        "healthy AIRg = 1476 uU/mL*min (mean increment 148 uU/mL) vs published 59.6 (+-35%): "
        "the meal model's dynamic secretion K dG/dt answers the IV bolus's rate of rise "
        "(about 150 mg/dL/min) with a first phase of ~200 uU/mL; the record's number may "
        "also be a mean increment, not an AUC"
    ),
    ("healthy", "DI"): "healthy DI = 8600 vs published 1249 (+-40%), from S_I and AIRg above",
    ("igt", "SI"): "igt S_I = 2.8 vs published 1.27 (+-30%)",
    ("igt", "AIRg"): (
        "igt AIRg = 1475 uU/mL*min vs published 42.4 (+-35%): the igt preset keeps the "
        "healthy beta cell (K, beta) and its first phase"
    ),
    ("igt", "DI"): "igt DI = 4080 vs published 430 (+-40%)",
    ("t2d", "SI"): _NOT_CONVERGED_T2D.format(pub="0.57"),
    ("t2d", "SG"): _NOT_CONVERGED_T2D.format(pub="0.015"),
    ("t2d", "AIRg"): (
        "t2d AIRg = 1248 uU/mL*min vs published 6.7 (+-35%): the t2d preset (K = 0.99) keeps "
        "a first-phase response to an IV bolus that people with T2D have lost"
    ),
    ("t2d", "DI"): _NOT_CONVERGED_T2D.format(pub="30"),
}


def _case(preset, qty):
    reason = _FINDINGS.get((preset, qty))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(preset, qty, marks=marks, id=f"{preset}-{qty}")


@pytest.mark.parametrize(
    ("preset", "qty"), [_case(p, q) for p in PRESETS for q in ("SI", "SG", "AIRg", "DI")]
)
def test_minimal_model_indices_match_published_groups(preset, qty):
    """Records minmod_SI_groups, minmod_SG_groups, minmod_AIRg_groups, minmod_DI_groups."""
    fit = _fsigt_fits()[preset]
    rec = _records()[_RECORD[qty]]
    published = rec["value"][PRESETS.index(preset)]
    tol = rec["tolerance"]
    if qty != "AIRg":  # AIRg is read from the insulin samples, not estimated
        assert fit.converged, f"{preset}: minimal-model fit did not converge"
    got = getattr(fit, qty)
    if tol["type"] == "relative":
        assert got == pytest.approx(published, rel=tol["value"]), (got, published)
    else:
        assert got == pytest.approx(published, abs=tol["value"]), (got, published)


def test_minimal_model_orders_the_presets():
    """Whatever the absolute level, S_I of the FSIGT orders healthy > igt (records
    minmod_SI_groups: 2.62 > 1.27)."""
    fits = _fsigt_fits()
    assert fits["healthy"].converged and fits["igt"].converged
    assert fits["healthy"].SI > fits["igt"].SI
