"""What is done to a person: events on a time line, validated at construction.

Each event is a frozen dataclass whose fields carry their unit in the name. Events are turned
into a piecewise-constant :class:`Schedule` of model inputs by :func:`build_schedule`; every
start and end of an event is a breakpoint that the solver steps to exactly.
"""

from __future__ import annotations

import dataclasses
import math

from insulinsim.errors import InputError, check_range

__all__ = [
    "Clamp",
    "Event",
    "Exercise",
    "IVGlucose",
    "IVInsulin",
    "InsulinBolus",
    "Meal",
    "Protocol",
]

_DAY = 1440.0
_MAX_T = 60 * _DAY  # the fast model is for minutes to weeks


def _time(field: str, v: float) -> float:
    return check_range(field, v, 0.0, _MAX_T, "min", fix="times are minutes from the start")


@dataclasses.dataclass(frozen=True)
class Meal:
    """Oral glucose: a mixed meal or a glucose drink.

    The meal model treats a meal as an impulse (Dalla Man et al. 2007); it is spread over
    ``duration_min`` so that the solver sees a bounded ingestion rate.
    """

    time_min: float
    carbs_g: float
    duration_min: float = 1.0

    def __post_init__(self):
        _time("meal.time_min", self.time_min)
        check_range(
            "meal.carbs_g",
            self.carbs_g,
            0.5,
            300.0,
            "g of glucose",
            fix="give the carbohydrate content of one meal in grams",
        )
        check_range("meal.duration_min", self.duration_min, 0.1, 120.0, "min")

    @property
    def end_min(self) -> float:
        return self.time_min + self.duration_min


@dataclasses.dataclass(frozen=True)
class IVGlucose:
    """Intravenous glucose: a bolus (short infusion) or a constant infusion, per kg."""

    time_min: float
    dose_g_per_kg: float
    duration_min: float = 1.0

    def __post_init__(self):
        _time("iv_glucose.time_min", self.time_min)
        check_range(
            "iv_glucose.dose_g_per_kg",
            self.dose_g_per_kg,
            0.001,
            2.0,
            "g/kg",
            fix="the standard IVGTT dose is 0.3 g/kg",
        )
        check_range("iv_glucose.duration_min", self.duration_min, 0.1, 600.0, "min")

    @property
    def end_min(self) -> float:
        return self.time_min + self.duration_min


@dataclasses.dataclass(frozen=True)
class IVInsulin:
    """Intravenous insulin given as ``dose_mU_per_kg`` over ``duration_min``."""

    time_min: float
    dose_mU_per_kg: float
    duration_min: float = 1.0

    def __post_init__(self):
        _time("iv_insulin.time_min", self.time_min)
        check_range(
            "iv_insulin.dose_mU_per_kg",
            self.dose_mU_per_kg,
            0.01,
            500.0,
            "mU/kg",
            fix="the insulin-modified FSIGT uses 30 mU/kg (0.03 U/kg)",
        )
        check_range("iv_insulin.duration_min", self.duration_min, 0.1, 600.0, "min")

    @property
    def end_min(self) -> float:
        return self.time_min + self.duration_min


@dataclasses.dataclass(frozen=True)
class Clamp:
    """Hyperinsulinemic-euglycemic clamp (DeFronzo, Tobin & Andres 1979).

    Insulin is infused at ``insulin_mU_m2_min`` (per m^2 of body-surface area, Mosteller) from
    ``time_min`` for ``duration_min``, and glucose is infused at a variable rate that a
    proportional-integral rule adjusts to hold plasma glucose at ``target_mg_dl`` (the
    person's basal glucose if None). The M value is the mean glucose infusion over the last
    30 min.
    """

    time_min: float = 0.0
    duration_min: float = 120.0
    insulin_mU_m2_min: float = 40.0
    target_mg_dl: float | None = None

    def __post_init__(self):
        _time("clamp.time_min", self.time_min)
        check_range(
            "clamp.duration_min",
            self.duration_min,
            30.0,
            1440.0,
            "min",
            fix="the M value needs at least the last 30 min of a clamp",
        )
        check_range(
            "clamp.insulin_mU_m2_min",
            self.insulin_mU_m2_min,
            1.0,
            2000.0,
            "mU/m^2/min",
            fix="40 mU/m^2/min is the standard dose",
        )
        if self.target_mg_dl is not None:
            check_range("clamp.target_mg_dl", self.target_mg_dl, 50.0, 300.0, "mg/dL")

    @property
    def end_min(self) -> float:
        return self.time_min + self.duration_min


@dataclasses.dataclass(frozen=True)
class Exercise:
    """An exercise bout at a heart rate ``heart_rate_bpm`` (absolute) for ``duration_min``."""

    time_min: float
    duration_min: float
    heart_rate_bpm: float = 120.0

    def __post_init__(self):
        _time("exercise.time_min", self.time_min)
        check_range("exercise.duration_min", self.duration_min, 1.0, 480.0, "min")
        check_range(
            "exercise.heart_rate_bpm",
            self.heart_rate_bpm,
            60.0,
            220.0,
            "bpm",
            fix="give the heart rate during exercise, above the resting 60 bpm",
        )

    @property
    def end_min(self) -> float:
        return self.time_min + self.duration_min


@dataclasses.dataclass(frozen=True)
class InsulinBolus:
    """Subcutaneous insulin: a bolus of ``units`` given over ``duration_min``."""

    time_min: float
    units: float
    duration_min: float = 1.0

    def __post_init__(self):
        _time("insulin_bolus.time_min", self.time_min)
        check_range(
            "insulin_bolus.units",
            self.units,
            0.1,
            100.0,
            "U",
            fix="a prandial bolus is typically 1-20 U",
        )
        check_range("insulin_bolus.duration_min", self.duration_min, 0.1, 1440.0, "min")

    @property
    def end_min(self) -> float:
        return self.time_min + self.duration_min


Event = Meal | IVGlucose | IVInsulin | Clamp | Exercise | InsulinBolus


@dataclasses.dataclass(frozen=True)
class Protocol:
    """A named list of events and the span to simulate.

    ``sample_every_min`` sets the output grid; the solver chooses its own steps.
    """

    name: str
    events: tuple[Event, ...]
    t_end_min: float
    sample_every_min: float = 1.0
    sample_times_min: tuple[float, ...] = ()  # extra sampling times (e.g. OGTT samples)

    def __post_init__(self):
        check_range("t_end_min", self.t_end_min, 1.0, _MAX_T, "min")
        check_range("sample_every_min", self.sample_every_min, 0.1, 240.0, "min")
        for e in self.events:
            if e.time_min >= self.t_end_min:
                raise InputError(
                    f"{type(e).__name__.lower()}.time_min",
                    e.time_min,
                    f"[0, {self.t_end_min:g}) min",
                    "the event starts after the end of the simulation",
                )

    def breakpoints(self) -> tuple[float, ...]:
        """Every time at which an input changes (inside the simulated span), sorted."""
        ts = {t for e in self.events for t in (e.time_min, e.end_min)}
        return tuple(sorted(t for t in ts if 0.0 < t < self.t_end_min))

    def times(self) -> tuple[float, ...]:
        """The output grid: the regular grid plus any extra sampling times."""
        n = math.floor(self.t_end_min / self.sample_every_min + 1e-9)
        grid = {round(i * self.sample_every_min, 9) for i in range(n + 1)}
        grid |= {float(t) for t in self.sample_times_min if 0.0 <= t <= self.t_end_min}
        grid.add(float(self.t_end_min))
        return tuple(sorted(grid))
