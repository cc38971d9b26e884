"""Statistics of a virtual trial: randomisation, time to event, incidence, rate ratios and
Kaplan-Meier curves.

Pure functions on arrays, one entry per participant:

- :func:`randomise`: balanced allocation to arms from an explicit seed;
- :func:`time_to_event`: first time (years) a trajectory meets the outcome (diabetes by the ADA
  fasting or 2-h glucose thresholds of ``data/indices.toml``), NaN when it never does;
- :func:`incidence`: events per 100 person-years per arm with exact Poisson 95 % intervals;
- :func:`compare_arms`: incidence rate ratio of each arm to the control (the hazard ratio under
  a constant hazard) with a Wald interval on the log scale, and the risk reduction 1 - ratio as
  trials report it;
- :func:`kaplan_meier`: the product-limit estimate with its 95 % band (``scipy.stats.ecdf``).
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from insulinsim.analysis._indices import index_constant
from insulinsim.errors import InputError

__all__ = [
    "ArmComparison",
    "ArmIncidence",
    "compare_arms",
    "incidence",
    "kaplan_meier",
    "randomise",
    "time_to_event",
]

_Z95 = float(stats.norm.ppf(0.975))


def randomise(n: int, arms: list[str], seed: int, weights: list[float] | None = None) -> np.ndarray:
    """Allocate ``n`` participants to ``arms``: each arm gets its share of ``n`` (equal by
    default, rounded so the total is ``n``), in an order permuted by ``seed``."""
    if n < len(arms):
        raise InputError("trial.n", n, f"at least one participant per arm ({len(arms)})")
    w = np.ones(len(arms)) if weights is None else np.asarray(weights, float)
    if w.shape != (len(arms),) or np.any(w <= 0):
        raise InputError("arm weights", weights, "one positive weight per arm")
    counts = np.floor(n * w / w.sum()).astype(int)
    counts[: n - counts.sum()] += 1  # hand out the remainder in arm order
    labels = np.repeat(np.asarray(arms, dtype=object), counts)
    return np.random.default_rng(seed).permutation(labels)


def time_to_event(time_years, fasting_glucose, glucose_2h) -> np.ndarray:
    """Years to the first visit with diabetes (fasting >= 126 or 2-h >= 200 mg/dL), per person.

    Parameters
    ----------
    time_years : array (time,)
    fasting_glucose, glucose_2h : arrays (person, time), mg/dL; NaN marks a visit without a value
        (for example after a failed solve), which never counts as an event.

    Returns
    -------
    ndarray (person,)
        Years to the event, NaN for none. A participant with diabetes at the first visit has
        event time 0 (a trial excludes them at screening).
    """
    t = np.asarray(time_years, float)
    fpg = np.asarray(fasting_glucose, float)
    g2 = np.asarray(glucose_2h, float)
    hit = (fpg >= index_constant("ada_fasting_glucose_diabetes")) | (
        g2 >= index_constant("ada_two_hour_glucose_diabetes")
    )
    first = np.argmax(hit, axis=-1)
    return np.where(hit.any(axis=-1), t[first], np.nan)


@dataclasses.dataclass(frozen=True)
class ArmIncidence:
    """Events per 100 person-years in one arm, with the exact Poisson 95 % interval."""

    arm: str
    n: int
    events: int
    person_years: float
    per_100py: float
    ci_low: float
    ci_high: float


@dataclasses.dataclass(frozen=True)
class ArmComparison:
    """Incidence rate ratio of ``arm`` to ``control`` and the risk reduction (1 - ratio), %."""

    arm: str
    control: str
    rate_ratio: float
    ci_low: float
    ci_high: float
    reduction_percent: float
    reduction_ci_low: float
    reduction_ci_high: float


def _exposure(event_years, followup_years) -> tuple[np.ndarray, np.ndarray]:
    ev = np.asarray(event_years, float)
    fu = np.broadcast_to(np.asarray(followup_years, float), ev.shape)
    if np.any(~np.isfinite(fu)) or np.any(fu <= 0):
        raise InputError("follow-up", "non-positive or missing", "follow-up > 0 years per person")
    happened = np.isfinite(ev) & (ev <= fu)
    return happened, np.where(happened, ev, fu)


def incidence(event_years, followup_years, arm) -> list[ArmIncidence]:
    """Events per 100 person-years per arm (person-time ends at the event or the follow-up)."""
    happened, time = _exposure(event_years, followup_years)
    arm = np.asarray(arm, dtype=object)
    out = []
    for a in pd.unique(arm):
        m = arm == a
        d, py = int(happened[m].sum()), float(time[m].sum())
        lo = stats.chi2.ppf(0.025, 2 * d) / 2 if d > 0 else 0.0
        hi = stats.chi2.ppf(0.975, 2 * d + 2) / 2
        out.append(ArmIncidence(str(a), int(m.sum()), d, py, 100 * d / py,
                                100 * lo / py, 100 * hi / py))  # fmt: skip
    return out


def compare_arms(rates: list[ArmIncidence], control: str) -> list[ArmComparison]:
    """Each arm against ``control``: rate ratio with a 95 % Wald interval on the log scale
    (SE = sqrt(1/d1 + 1/d0)); NaN where an arm has no events."""
    by = {r.arm: r for r in rates}
    if control not in by:
        raise InputError("control arm", control, "one of " + ", ".join(by))
    c = by[control]
    out = []
    for r in rates:
        if r.arm == control:
            continue
        if r.events == 0 or c.events == 0:
            rr = lo = hi = float("nan")
        else:
            rr = (r.events / r.person_years) / (c.events / c.person_years)
            se = np.sqrt(1.0 / r.events + 1.0 / c.events)
            lo, hi = rr * np.exp(-_Z95 * se), rr * np.exp(_Z95 * se)
        out.append(
            ArmComparison(r.arm, control, rr, lo, hi, 100 * (1 - rr), 100 * (1 - hi),
                          100 * (1 - lo))
        )  # fmt: skip
    return out


def kaplan_meier(event_years, followup_years) -> pd.DataFrame:
    """Product-limit estimate of the share still free of the event, with its 95 % band.

    Returns a frame with columns ``time_years``, ``free``, ``low``, ``high`` (starting at 1 at
    time 0).
    """
    happened, time = _exposure(event_years, followup_years)
    data = stats.CensoredData(uncensored=time[happened], right=time[~happened])
    res = stats.ecdf(data)
    sf = res.sf
    t = np.concatenate([[0.0], sf.quantiles])
    free = np.concatenate([[1.0], sf.probabilities])
    if happened.any():
        with warnings.catch_warnings():  # the band is undefined where S reaches 0 (NaN below)
            warnings.simplefilter("ignore", RuntimeWarning)
            ci = sf.confidence_interval(0.95)
        low = np.concatenate([[1.0], np.nan_to_num(ci.low.probabilities, nan=0.0)])
        high = np.concatenate([[1.0], np.nan_to_num(ci.high.probabilities, nan=1.0)])
    else:
        low = high = free
    return pd.DataFrame({"time_years": t, "free": free, "low": low, "high": high})
