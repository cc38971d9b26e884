"""A virtual cohort of US adults against national survey figures (data/population_validation.toml).

512 adults are drawn from data/population.toml (seed 2024) and simulated for half a year from
their own ages, so that the lagged risk-factor effects and the fast slow states (liver fat,
HbA1c, receptor pools) settle; the cohort is then classified as the surveys classify people:
diabetes and prediabetes from fasting glucose and HbA1c (National Diabetes Statistics Report),
metabolic health by the five optimal levels of Araujo et al. 2019, and the age trend of
insulin resistance among people with normal glucose (sign of Ferrannini et al. 1996, EGIR).

Tolerance (absolute, on a share p published with 95 % CI [lo, hi], cohort group of n people):

    1.96 sqrt(p (1 - p) / n + ((hi - lo) / 3.92)^2) + 0.03

the first term is the 95 % sampling band of a cohort of n people drawn from a population with
the published share, widened by the survey's own uncertainty; the 0.03 allows for what the
model cannot represent by design: the survey's diagnosed diabetes includes type 1 and
self-reported, treated type 2 (6 % of diagnosed adults report type 1 and insulin, NDSR), and a
single fasting sample in the survey carries within-person noise (fasting glucose CV 5.6 %,
Poon 2018) that moves people across the thresholds, where the model's read-out is noise-free.

A cross-sectional cohort started at each person's own age carries none of the history that
built their beta-cell mass and ectopic fat over decades; a miss of the older bands is expected
from that alone and is reported, not tuned away: misses are strict xfails with the numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from insulinsim.cohort import CohortSpec, cohort_summary, run_cohort, survey_records
from insulinsim.cohort._summary import survey_value

SPEC = CohortSpec(n=512, years=0.5, seed=2024, step_days=90.0, chunk_size=64)
MODEL_ALLOWANCE = 0.03

RECORDS = [r for r in survey_records() if r["category"] != "age_trend"]
AGE_TREND = next(r for r in survey_records() if r["category"] == "age_trend")

# findings (seed 2024, 512 people, physiology_scale 0 = the population.toml default)
_FLAT = (
    "finding: "
    "the model's fasting glucose and HbA1c barely move with age, BMI, activity, diet, sleep or "
    "family history (cohort fasting glucose 92.3 +/- 0.7 mg/dL, HbA1c 5.33 +/- 0.09 %, fasting "
    "insulin 26.4 +/- 0.5 pmol/L, HOMA1-IR 1.00 +/- 0.03 over BMI 16-60 and ages 18-85), so "
    "no one crosses fasting glucose 100 mg/dL or HbA1c 5.7 %: "
)
MISSES: dict[str, str] = {
    "ndsr2022_total_diabetes_45_64": _FLAT
    + "diabetes 45-64 y 0.0 % (n=165) vs 18.9 % (16.1-22.1) +/- 9.7",
    "ndsr2022_total_diabetes_65plus": _FLAT
    + "diabetes >=65 y 0.0 % (n=123) vs 29.2 % (26.4-32.1) +/- 11.5",
    "ndsr2022_total_diabetes_all": _FLAT + "diabetes 0.0 % (n=512) vs 14.7 % (13.2-16.4) +/- 6.5",
    "ndsr2022_total_diabetes_men": _FLAT
    + "diabetes in men 0.0 % (n=278) vs 15.4 % (13.5-17.5) +/- 7.7",
    "ndsr2022_total_diabetes_women": _FLAT
    + "diabetes in women 0.0 % (n=234) vs 14.1 % (11.8-16.7) +/- 8.1",
    "ndsr2020_prediabetes_18_44": _FLAT
    + "prediabetes 18-44 y 0.0 % (n=224) vs 24.3 % (21.4-27.4) +/- 9.4",
    "ndsr2020_prediabetes_45_64": _FLAT
    + "prediabetes 45-64 y 0.6 % (n=165) vs 41.7 % (39.1-44.4) +/- 11.0",
    "ndsr2020_prediabetes_65plus": _FLAT
    + "prediabetes >=65 y 0.0 % (n=123) vs 46.6 % (42.3-51.0) +/- 12.8",
    "ndsr2020_prediabetes_all": _FLAT + "prediabetes 0.2 % (n=512) vs 34.5 % (32.2-36.9) +/- 7.7",
    "araujo2019_metabolically_healthy": (
        "finding: 21.3 % of the cohort (n=512) meet all five optimal levels vs 12.2 % "
        "(10.9-13.6) +/- 6.1 published: everyone passes the glucose criterion (fasting glucose "
        "92 mg/dL, HbA1c 5.3 %), so only waist, blood pressure and lipids exclude people"
    ),
}
# 18-44 y diabetes (0.0 % vs 4.8 %, tolerance 6.1 points) passes only because the tolerance
# exceeds the published share: it is not evidence of agreement.
AGE_TREND_MISS = (
    "finding: among people with normal glucose (511 of 512), HOMA1-IR rises +0.09 %/decade "
    "(t = 1.6) and muscle insulin sensitivity falls -0.001/decade (t = -0.2): the published "
    "sign (EGIR: insulin action -0.9 umol/min/kg per decade, 95 % CI 0.4-1.3) is not "
    "distinguishable from zero in the model"
)


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    out = tmp_path_factory.mktemp("survey") / "cohort"
    run_cohort(out, SPEC, workers=0)
    return cohort_summary(out, "end")


def test_everyone_stays_inside_the_model_range(summary):
    assert summary.excluded == 0
    assert summary.n == SPEC.n


def _tolerance(record: dict, n: int) -> float:
    p = record["value"]
    lo, hi = record["ci95"]
    return 1.96 * math.sqrt(p * (1 - p) / n + ((hi - lo) / 3.92) ** 2) + MODEL_ALLOWANCE


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(
            r,
            id=r["id"],
            marks=[pytest.mark.xfail(strict=True, reason=MISSES[r["id"]])]
            if r["id"] in MISSES
            else [],
        )
        for r in RECORDS
    ],
)
def test_share_matches_the_survey(summary, record):
    value, n = survey_value(summary, record)
    tol = _tolerance(record, n)
    assert abs(value - record["value"]) <= tol, (
        f"{record['id']}: cohort {100 * value:.1f} % (n={n}) vs published "
        f"{100 * record['value']:.1f} % +/- {100 * tol:.1f} points ({record['locator']})"
    )


@pytest.mark.xfail(strict=True, reason=AGE_TREND_MISS)
def test_insulin_resistance_rises_with_age_as_published(summary):
    """EGIR: insulin action falls with age in people with normal glucose tolerance (and so
    does its fasting-insulin estimate); the cohort's HOMA-IR must rise and its muscle insulin
    sensitivity fall with age, each with |t| >= 2 (a slope indistinguishable from zero does
    not have a sign)."""
    df = summary.people
    normal = (df["survey_category"] == "normal").to_numpy()
    age = df["age"].to_numpy()[normal]
    homa = stats.linregress(age, np.log(df["homa_ir"].to_numpy()[normal]))
    sens = stats.linregress(age, df["sensitivity_muscle"].to_numpy()[normal])
    assert AGE_TREND["sign"] == -1
    assert homa.slope / homa.stderr >= 2.0, (homa.slope * 10, homa.slope / homa.stderr)
    assert sens.slope / sens.stderr <= -2.0, (sens.slope * 10, sens.slope / sens.stderr)
