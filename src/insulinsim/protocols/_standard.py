"""Built-in protocols with the standard doses of ``data/protocols.toml``."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

import numpy as np

from insulinsim.errors import check_range
from insulinsim.protocols._events import (
    Clamp,
    Exercise,
    InsulinBolus,
    IVGlucose,
    IVInsulin,
    Meal,
    Protocol,
)

__all__ = [
    "clamp",
    "exercise_bout",
    "fsigt",
    "hyperinsulinemia",
    "ivgtt",
    "meal_test",
    "multi_day",
    "ogtt",
    "standard_day",
    "standard_value",
]


@functools.cache
def _table() -> dict:
    path = resources.files("insulinsim") / "data" / "protocols.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def standard_value(name: str):
    """A standard dose or timing from ``data/protocols.toml`` (value in its stated unit)."""
    return _table()[name]["value"]


def ogtt(glucose_g: float | None = None, t_end_min: float = 180.0) -> Protocol:
    """75-g oral glucose tolerance test (ADA), sampled every minute and at 0/30/60/90/120."""
    g = standard_value("ogtt_glucose") if glucose_g is None else glucose_g
    return Protocol(
        "ogtt", (Meal(0.0, g),), t_end_min, sample_times_min=tuple(standard_value("ogtt_samples"))
    )


def meal_test(carbs_g: float = 78.0, t_end_min: float = 420.0) -> Protocol:
    """A single mixed meal at t = 0 (default 78 g: 1 g/kg for the 78-kg reference person)."""
    return Protocol("meal", (Meal(0.0, carbs_g),), t_end_min)


def ivgtt(dose_g_per_kg: float | None = None, t_end_min: float = 180.0) -> Protocol:
    """Intravenous glucose tolerance test: a 0.3 g/kg bolus over 1 min at t = 0."""
    d = standard_value("ivgtt_glucose") if dose_g_per_kg is None else dose_g_per_kg
    return Protocol("ivgtt", (IVGlucose(0.0, d),), t_end_min)


def fsigt(dose_g_per_kg: float | None = None, t_end_min: float = 180.0) -> Protocol:
    """Insulin-modified FSIGT: 0.3 g/kg glucose at 0, 0.03 U/kg insulin at 20 min."""
    d = standard_value("ivgtt_glucose") if dose_g_per_kg is None else dose_g_per_kg
    events = (
        IVGlucose(0.0, d),
        IVInsulin(standard_value("fsigt_insulin_time"), standard_value("fsigt_insulin_dose")),
    )
    return Protocol("fsigt", events, t_end_min)


def clamp(
    insulin_mU_m2_min: float | None = None,
    duration_min: float | None = None,
    target_mg_dl: float | None = None,
) -> Protocol:
    """Hyperinsulinemic-euglycemic clamp (40 mU/m^2/min for 120 min by default)."""
    rate = standard_value("clamp_insulin") if insulin_mU_m2_min is None else insulin_mU_m2_min
    dur = standard_value("clamp_duration") if duration_min is None else duration_min
    return Protocol("clamp", (Clamp(0.0, dur, rate, target_mg_dl),), dur)


def exercise_bout(
    start_min: float = 60.0,
    duration_min: float = 45.0,
    heart_rate_bpm: float = 120.0,
    t_end_min: float = 360.0,
) -> Protocol:
    """A fasting exercise bout at a given heart rate."""
    return Protocol("exercise", (Exercise(start_min, duration_min, heart_rate_bpm),), t_end_min)


def standard_day(
    bolus_units: tuple[float, float, float] | None = None,
    exercise: Exercise | None = None,
    sample_every_min: float = 5.0,
) -> Protocol:
    """One day from midnight with the meal model's three meals (45, 70, 70 g).

    ``bolus_units`` gives a subcutaneous insulin bolus with each meal (insulin therapy);
    ``exercise`` adds a bout.
    """
    times = standard_value("day_meals_time")
    carbs = standard_value("day_meals_carbs")
    events: list = [Meal(t, c) for t, c in zip(times, carbs, strict=True)]
    if bolus_units is not None:
        events += [InsulinBolus(t, u) for t, u in zip(times, bolus_units, strict=True) if u > 0]
    if exercise is not None:
        events.append(exercise)
    return Protocol("day", tuple(events), 1440.0, sample_every_min=sample_every_min)


def multi_day(day: Protocol, n_days: int) -> Protocol:
    """Repeat a one-day protocol ``n_days`` times."""
    n = int(check_range("n_days", n_days, 1, 60, "days"))
    span = day.t_end_min
    events = tuple(
        type(e)(**{**e.__dict__, "time_min": e.time_min + i * span})
        for i in range(n)
        for e in day.events
    )
    return Protocol(f"{day.name}x{n}", events, span * n, day.sample_every_min)


def hyperinsulinemia(
    days: float = 3.0,
    recovery_days: float = 2.0,
    insulin_mU_m2_min: float | None = None,
) -> Protocol:
    """Days of hyperinsulinemia at euglycemia, then days of recovery (the vicious cycle).

    A euglycemic clamp held for ``days`` (insulin at the standard clamp rate unless given;
    glucose infused to hold the fasting value), then ``recovery_days`` without infusion,
    sampled every 30 min. Run it with the mechanistic insulin action to see surface receptors
    fall and recover.
    """
    d = check_range("days", days, 0.25, 14.0, "days")
    r = check_range("recovery_days", recovery_days, 0.0, 14.0, "days")
    rate = standard_value("clamp_insulin") if insulin_mU_m2_min is None else insulin_mU_m2_min
    rate = check_range("insulin_mU_m2_min", rate, 1.0, 1000.0, "mU/m^2/min")
    span = (d + r) * 1440.0
    # one clamp a day (a clamp lasts at most a day); the controller's integral carries over
    starts = np.arange(0.0, d * 1440.0, 1440.0)
    events = tuple(Clamp(float(t), float(min(1440.0, d * 1440.0 - t)), rate, None) for t in starts)
    return Protocol("hyperinsulinemia", events, span, sample_every_min=30.0)
