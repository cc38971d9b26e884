"""Stage-4 complications against UKPDS 35: hazards rise with HbA1c at the published gradient.

Record ``ukpds35_risk_per_1pct_hba1c`` (Stratton et al. 2000, BMJ 321:405, abstract): each 1 %
lower updated mean HbA1c went with 37 % (95 % CI 33-41 %) lower risk of microvascular end points
and 14 % (8-21 %) lower risk of myocardial infarction, with no threshold and the lowest risk below
6 %. The module's hazard ratio per 1 % HbA1c, taken from its hazards of a stage-4 person (type 2
diabetes, raised blood pressure, low HDL) at several HbA1c levels, is turned back into a % risk
reduction, 100 * (1 - h(A) / h(A + 1)), and must fall inside the record's CI.

The record's CI is the published 95 % confidence interval, so any transcription or conversion
error larger than the study's own uncertainty fails: e.g. treating 0.37 as a log-slope (HR 1.45,
a 31 % reduction) or using the risk reduction itself as the hazard ratio per +1 % (a 27 %
reduction) both fall outside 33-41 %.
"""

from __future__ import annotations

import numpy as np
import pytest

from insulinsim.analysis._complications import complication_hazards

RECORD = "ukpds35_risk_per_1pct_hba1c"
A1C_LEVELS = np.array([6.0, 6.5, 7.0, 8.0, 9.0, 10.5, 12.0])

# which record label each complication is compared with
LABEL = {
    "retinopathy": "microvascular",
    "nephropathy": "microvascular",
    "neuropathy": "microvascular",
    "cardiovascular": "myocardial infarction",
}

STAGE4 = dict(
    sbp_mmhg=150.0, tg_mg_dl=220.0, hdl_mg_dl=38.0, age_years=62.0, male=True, diabetes=True
)


def _risk_reduction_per_pct(name: str) -> np.ndarray:
    lo = complication_hazards(hba1c_pct=A1C_LEVELS, **STAGE4)[name]
    hi = complication_hazards(hba1c_pct=A1C_LEVELS + 1.0, **STAGE4)[name]
    return 100.0 * (1.0 - lo / hi)


@pytest.mark.parametrize("name", sorted(LABEL))
def test_hazard_ratio_per_1pct_hba1c_within_ukpds35_ci(name, reference):
    """ukpds35_risk_per_1pct_hba1c: module risk reduction per 1 % HbA1c inside the 95 % CI."""
    rec = reference[RECORD]
    i = rec["labels"].index(LABEL[name])
    value, low, high = rec["value"][i], rec["tolerance"]["low"][i], rec["tolerance"]["high"][i]
    rr = _risk_reduction_per_pct(name)
    assert np.all((rr >= low) & (rr <= high)), (
        f"{name}: module {np.round(rr, 2)} % per 1 % HbA1c at HbA1c {A1C_LEVELS} %; "
        f"UKPDS 35 {LABEL[name]} {value} % ({low}-{high})"
    )
    # log-linear, no threshold: the same ratio at every level from 6 % up
    assert np.ptp(rr) < 1e-9
    assert abs(rr[0] - value) < 0.5, f"{name}: {rr[0]:.2f} % vs published {value} %"


@pytest.mark.parametrize("name", sorted(LABEL))
def test_lowest_risk_below_6_percent(name, reference):
    """ukpds35_risk_per_1pct_hba1c: "lowest risk with HbA1c <6.0 %", so no hazard below 6 % is
    lower than the hazard at 6 %, and every level above 6 % is higher."""
    assert "<6" in reference[RECORD]["notes"].replace(" ", "")
    a1c = np.array([4.5, 5.5, 5.99, 6.0, 6.01, 7.0])
    h = complication_hazards(hba1c_pct=a1c, **STAGE4)[name]
    assert np.all(h[:4] == pytest.approx(h[3], rel=1e-12))
    assert np.all(h[4:] > h[3])


def test_microvascular_gradient_steeper_than_cardiovascular(reference):
    """ukpds35_risk_per_1pct_hba1c: microvascular 37 % vs myocardial infarction 14 % per 1 %."""
    rec = reference[RECORD]
    assert (
        rec["value"][rec["labels"].index("microvascular")]
        > rec["value"][rec["labels"].index("myocardial infarction")]
    )
    a = complication_hazards(hba1c_pct=np.array([7.0, 10.0]), **STAGE4)
    fold = {k: v[1] / v[0] for k, v in a.items()}
    for name in ("retinopathy", "nephropathy", "neuropathy"):
        assert fold[name] > fold["cardiovascular"]
