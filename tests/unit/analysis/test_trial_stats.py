"""Trial statistics: allocation, time to event, incidence, rate ratios, Kaplan-Meier."""

from __future__ import annotations

import numpy as np
import pytest

from insulinsim.analysis._trial import (
    compare_arms,
    incidence,
    kaplan_meier,
    randomise,
    time_to_event,
)
from insulinsim.errors import InputError


def test_randomise_is_balanced_and_seeded():
    a = randomise(10, ["placebo", "metformin", "lifestyle"], seed=1)
    assert sorted(np.unique(a, return_counts=True)[1].tolist()) == [3, 3, 4]
    np.testing.assert_array_equal(a, randomise(10, ["placebo", "metformin", "lifestyle"], 1))
    assert not np.array_equal(a, randomise(10, ["placebo", "metformin", "lifestyle"], 2))
    with pytest.raises(InputError, match=r"trial\.n"):
        randomise(2, ["a", "b", "c"], 0)


def test_time_to_event_uses_the_ada_thresholds():
    t = np.array([0.0, 1.0, 2.0, 3.0])
    fpg = np.array([[100, 110, 126, 130], [100, 100, 100, 100], [100, np.nan, 100, 100]])
    g2 = np.array([[150, 160, 170, 180], [150, 199, 200, 150], [150, np.nan, 150, 150]])
    np.testing.assert_array_equal(time_to_event(t, fpg, g2), [2.0, 2.0, np.nan])


def test_incidence_matches_exact_poisson_limits():
    """10 events in 100 person-years: 10 per 100 py, exact 95 % limits 4.795-18.39 (the
    classic Garwood table values for 10 observed events: 4.795 and 18.390)."""
    ev = np.r_[np.full(10, 0.5), np.full(90, np.nan)]
    fu = np.r_[np.full(10, 0.5), np.full(90, (100 - 5) / 90)]
    (r,) = incidence(ev, fu, ["a"] * 100)
    assert r.events == 10 and r.person_years == pytest.approx(100.0)
    assert r.per_100py == pytest.approx(10.0)
    assert r.ci_low == pytest.approx(4.795, abs=2e-3)
    assert r.ci_high == pytest.approx(18.390, abs=2e-3)


def test_rate_ratio_and_reduction():
    rates = incidence(
        np.r_[np.full(20, 1.0), np.full(80, np.nan), np.full(10, 1.0), np.full(90, np.nan)],
        np.r_[np.full(20, 1.0), np.full(80, 2.0), np.full(10, 1.0), np.full(90, 2.0)],
        ["control"] * 100 + ["treated"] * 100,
    )
    (c,) = compare_arms(rates, "control")
    # 10/190 over 20/180 person-years
    assert c.rate_ratio == pytest.approx((10 / 190) / (20 / 180))
    se = np.sqrt(1 / 10 + 1 / 20)
    assert c.ci_low == pytest.approx(c.rate_ratio * np.exp(-1.959964 * se), rel=1e-5)
    assert c.reduction_percent == pytest.approx(100 * (1 - c.rate_ratio))
    assert c.reduction_ci_low < c.reduction_percent < c.reduction_ci_high


def test_kaplan_meier_product_limit_by_hand():
    # events at 1, 3, 4; censored at 2: S = 3/4 after 1, 3/4 x 1/2 after 3, 0 after 4
    km = kaplan_meier([1.0, np.nan, 3.0, 4.0], [5.0, 2.0, 5.0, 5.0])
    at = dict(zip(km.time_years, km.free, strict=True))
    assert at[0.0] == 1.0
    assert at[1.0] == pytest.approx(0.75)
    assert at[3.0] == pytest.approx(0.375)
    assert at[4.0] == pytest.approx(0.0)
    assert (km.low <= km.free + 1e-12).all() and (km.free <= km.high + 1e-12).all()
