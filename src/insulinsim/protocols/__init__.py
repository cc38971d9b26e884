"""Protocols: what is done to a person, as data plus inputs(t) (layer 4)."""

from insulinsim.protocols._events import (
    Clamp,
    Event,
    Exercise,
    InsulinBolus,
    IVGlucose,
    IVInsulin,
    Meal,
    Protocol,
)
from insulinsim.protocols._schedule import Schedule, build_schedule
from insulinsim.protocols._standard import (
    clamp,
    exercise_bout,
    fsigt,
    hyperinsulinemia,
    ivgtt,
    meal_test,
    multi_day,
    ogtt,
    standard_day,
    standard_value,
)

__all__ = [
    "Clamp",
    "Event",
    "Exercise",
    "IVGlucose",
    "IVInsulin",
    "InsulinBolus",
    "Meal",
    "Protocol",
    "Schedule",
    "build_schedule",
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
