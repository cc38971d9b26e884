"""Scenarios over years: risk factors and interventions as time courses (TOML files).

A scenario file says who the person is at the start and which risk factors and interventions
act when. The effect of every factor on the physiology (its targets, sizes, onset times,
sources and evidence levels) is in ``data/effects.toml``; a scenario only sets levels::

    [scenario]
    name = "sedentary weight gain"
    description = "..."
    person = "healthy"        # a preset (insulinsim params --list)
    sex = "male"              # female | male
    age = 35                  # years at the start
    years = 30                # how long to simulate
    pal = 1.6                 # physical activity level at the start (optional)

    [[risk]]                  # a risk factor: a constant level over [start, stop) years ...
    factor = "energy_intake_excess"
    value = 60                # in the factor's unit (kcal/day here)
    start = 0
    stop = 30

    [[risk]]                  # ... or a piecewise-linear course
    factor = "daily_steps"
    times = [0, 10, 20]       # years from the start
    values = [8000, 6000, 4000]

    [[intervention]]
    name = "metformin"
    start = 12                # years from the start
    stop = 30                 # optional (default: to the end)
    adherence = 0.8           # 0..1, multiplies the level
    level = 1.0               # 1 = the standard dose of effects.toml

    [insulin_therapy]         # optional: basal insulin titrated to a fasting target
    start = 15

Outside its time course a factor sits at its reference level (no effect). Bundled examples:
:func:`example_scenarios`.
"""

from __future__ import annotations

import functools
import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from insulinsim.errors import InputError
from insulinsim.model import ADDITIVE_TARGETS, TARGETS
from insulinsim.parameters import person

__all__ = [
    "EffectSpec",
    "FactorSpec",
    "Scenario",
    "effects_table",
    "example_scenarios",
    "factor_deviations",
    "insulin_titration",
    "load_scenario",
    "resolve_scenario",
    "scenario_evidence",
    "scenario_from_dict",
    "scenario_person",
    "therapy_on",
]

_FORMS = ("log_per_unit", "per_unit")
_EVIDENCE = ("trial", "observational", "experimental", "mechanistic", "claim")
_DIRECTIONS = ("below", "above", "both")


@dataclass(frozen=True)
class EffectSpec:
    """One cited effect of a factor on one physiological target."""

    factor: str
    target: str
    form: str
    value: float
    unit: str
    onset_days: float
    saturation: float
    source: str
    locator: str
    obtained: str
    evidence: str
    note: str

    def to_dict(self) -> dict:
        """The effect with its evidence level and citation, for JSON output."""
        keys = ("factor", "target", "value", "unit", "evidence", "source", "locator", "note")
        return {k: getattr(self, k) for k in keys}


@dataclass(frozen=True)
class FactorSpec:
    """A risk factor or intervention: its scale, reference level and effects."""

    name: str
    kind: str
    description: str
    unit: str
    reference: float
    min: float
    max: float
    direction: str
    sex: str
    effects: tuple[EffectSpec, ...]

    def deviation(self, x):
        """The deviation from the reference level that drives the effects."""
        x = np.asarray(x, dtype=float)
        if self.direction == "below":
            return np.maximum(self.reference - x, 0.0)
        if self.direction == "above":
            return np.maximum(x - self.reference, 0.0)
        return x - self.reference


def _need(table: dict, key: str, where: str):
    if key not in table:
        raise ValueError(f"effects.toml: {where} lacks {key!r}")
    return table[key]


@functools.cache
def effects_table() -> dict[str, FactorSpec]:
    """Every factor of ``data/effects.toml``, validated (targets, forms, evidence levels)."""
    path = resources.files("insulinsim") / "data" / "effects.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    out = {}
    for name, f in raw.get("factors", {}).items():
        where = f"factors.{name}"
        effects = []
        for i, e in enumerate(f.get("effects", [])):
            w = f"{where}.effects[{i}]"
            target = _need(e, "target", w)
            form = _need(e, "form", w)
            if target not in TARGETS:
                raise ValueError(f"effects.toml: {w}.target {target!r} not one of {TARGETS}")
            if form not in _FORMS:
                raise ValueError(f"effects.toml: {w}.form {form!r} not one of {_FORMS}")
            if form == "log_per_unit" and target in ADDITIVE_TARGETS:
                raise ValueError(f"effects.toml: {w}: additive target {target!r} needs per_unit")
            evidence = _need(e, "evidence", w)
            if evidence not in _EVIDENCE:
                raise ValueError(f"effects.toml: {w}.evidence {evidence!r} not one of {_EVIDENCE}")
            effects.append(
                EffectSpec(
                    factor=name,
                    target=target,
                    form=form,
                    value=float(_need(e, "value", w)),
                    unit=str(_need(e, "unit", w)),
                    onset_days=float(e.get("onset_days", 7.0)),
                    saturation=float(e.get("saturation", math.inf)),
                    source=str(_need(e, "source", w)),
                    locator=str(_need(e, "locator", w)),
                    obtained=str(_need(e, "obtained", w)),
                    evidence=evidence,
                    note=str(e.get("note", "")),
                )
            )
        direction = _need(f, "direction", where)
        if direction not in _DIRECTIONS:
            raise ValueError(f"effects.toml: {where}.direction must be one of {_DIRECTIONS}")
        out[name] = FactorSpec(
            name=name,
            kind=str(_need(f, "kind", where)),
            description=str(f.get("description", "")),
            unit=str(_need(f, "unit", where)),
            reference=float(_need(f, "reference", where)),
            min=float(_need(f, "min", where)),
            max=float(_need(f, "max", where)),
            direction=direction,
            sex=str(f.get("sex", "any")),
            effects=tuple(effects),
        )
    return out


@functools.cache
def insulin_titration() -> dict[str, float]:
    """The basal-insulin treat-to-target rule of ``effects.toml`` (values in their units)."""
    path = resources.files("insulinsim") / "data" / "effects.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    table = raw.get("insulin_titration", {})
    return {k: float(v["value"]) for k, v in table.items() if isinstance(v, dict)}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RiskCourse(_Strict):
    """A risk factor's level over time (years from the start)."""

    factor: str
    value: float | None = None
    start: float = Field(0.0, ge=0.0)
    stop: float | None = Field(None, ge=0.0)
    times: list[float] | None = None
    values: list[float] | None = None

    @model_validator(mode="after")
    def _one_form(self):
        if (self.value is None) == (self.times is None):
            raise ValueError("give either value (with start/stop) or times and values")
        if self.times is not None:
            if self.values is None or len(self.values) != len(self.times) or not self.times:
                raise ValueError("times and values must be non-empty lists of the same length")
            if any(b <= a for a, b in zip(self.times, self.times[1:], strict=False)):
                raise ValueError("times must increase")
        return self


class InterventionCourse(_Strict):
    """An intervention between two times (years from the start)."""

    name: str
    start: float = Field(ge=0.0)
    stop: float | None = Field(None, ge=0.0)
    adherence: float = Field(1.0, ge=0.0, le=1.0)
    level: float = Field(1.0, ge=0.0)


class TherapyCourse(_Strict):
    """Basal insulin therapy titrated to the fasting target of ``effects.toml``."""

    start: float = Field(ge=0.0)
    stop: float | None = Field(None, ge=0.0)


class Scenario(_Strict):
    """Who the person is at the start and what acts on them when."""

    name: str
    description: str = ""
    person: str = "healthy"
    sex: Literal["female", "male"] = "male"
    age: float = Field(40.0, ge=18.0, le=90.0)
    years: float = Field(30.0, gt=0.0, le=80.0)
    pal: float = Field(1.6, ge=1.2, le=2.5)
    risk: tuple[RiskCourse, ...] = ()
    intervention: tuple[InterventionCourse, ...] = ()
    insulin_therapy: TherapyCourse | None = None

    @model_validator(mode="after")
    def _known(self):
        table = effects_table()
        for r in self.risk:
            spec = table.get(r.factor)
            if spec is None or spec.kind != "risk":
                known = sorted(k for k, v in table.items() if v.kind == "risk")
                raise ValueError(f"unknown risk factor {r.factor!r}; known: {', '.join(known)}")
            for v in [r.value] if r.value is not None else r.values:
                if not spec.min <= v <= spec.max:
                    raise ValueError(
                        f"risk {r.factor}: level {v} outside [{spec.min:g}, {spec.max:g}] "
                        f"{spec.unit}"
                    )
            self._sex_ok(spec)
        for iv in self.intervention:
            spec = table.get(iv.name)
            if spec is None or spec.kind != "intervention":
                known = sorted(k for k, v in table.items() if v.kind == "intervention")
                raise ValueError(f"unknown intervention {iv.name!r}; known: {', '.join(known)}")
            if not spec.min <= iv.level <= spec.max:
                raise ValueError(
                    f"intervention {iv.name}: level {iv.level} outside "
                    f"[{spec.min:g}, {spec.max:g}] {spec.unit}"
                )
            self._sex_ok(spec)
        return self

    def _sex_ok(self, spec: FactorSpec):
        if spec.sex not in ("any", self.sex):
            raise ValueError(f"{spec.name} applies to sex={spec.sex}, the scenario is {self.sex}")


def _pydantic_error(path: str, err: ValidationError) -> InputError:
    first = err.errors()[0]
    loc = ".".join(str(x) for x in first["loc"]) or "scenario"
    return InputError(f"{path}: {loc}", first.get("input"), first["msg"])


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; the error names the field and the allowed values."""
    p = Path(path)
    if not p.is_file():
        raise InputError("--scenario", str(path), "an existing TOML file", _examples_hint())
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InputError(str(path), "", "valid TOML", str(e)) from None
    return scenario_from_dict(raw, str(path))


def scenario_from_dict(raw: dict, where: str = "scenario") -> Scenario:
    """Validate a scenario given as a dict (the parsed TOML)."""
    raw = dict(raw)
    head = raw.pop("scenario", None)
    if not isinstance(head, dict):
        raise InputError(where, None, "a [scenario] table with name, person, sex, age, years")
    try:
        return Scenario(**head, **raw)
    except ValidationError as e:
        raise _pydantic_error(where, e) from None


def _examples_hint() -> str:
    return "bundled examples: " + ", ".join(sorted(example_scenarios()))


def example_scenarios() -> dict[str, Path]:
    """The scenario files shipped with the package, by name (file stem)."""
    root = resources.files("insulinsim") / "data" / "scenarios"
    return {Path(str(f)).stem: Path(str(f)) for f in root.iterdir() if str(f).endswith(".toml")}


def _level(course: RiskCourse | InterventionCourse, t, reference: float, years: float):
    t = np.asarray(t, dtype=float)
    if isinstance(course, InterventionCourse):
        stop = years if course.stop is None else course.stop
        on = (t >= course.start) & (t < stop)
        return np.where(on, course.level * course.adherence, reference)
    if course.times is not None:
        return np.interp(t, course.times, course.values)
    stop = years if course.stop is None else course.stop
    return np.where((t >= course.start) & (t < stop), course.value, reference)


def scenario_person(scenario: Scenario, preset: str | None = None):
    """The parameters of the scenario's person (its preset, with the scenario's sex)."""
    male = 1.0 if scenario.sex == "male" else 0.0
    return person(preset or scenario.person, {"gonads.male": male})


def resolve_scenario(name_or_path: str | Path) -> Scenario:
    """A bundled scenario by name (see :func:`example_scenarios`) or a scenario file."""
    examples = example_scenarios()
    key = str(name_or_path)
    if key in examples:
        return load_scenario(examples[key])
    return load_scenario(name_or_path)


def factor_deviations(scenario: Scenario, t_years) -> tuple[tuple[str, ...], np.ndarray]:
    """(factor names, deviations of shape (len(t), n_factors)) over the scenario's courses.

    The ``age`` factor, if present in the effects table, is left at 0 here: its deviation
    depends on each person's age and is computed by the driver.
    """
    table = effects_table()
    names = tuple(table)
    out = np.zeros((np.size(t_years), len(names)))
    for course in (*scenario.risk, *scenario.intervention):
        name = course.factor if isinstance(course, RiskCourse) else course.name
        spec = table[name]
        level = _level(course, t_years, spec.reference, scenario.years)
        out[:, names.index(name)] += spec.deviation(level)
    return names, out


def therapy_on(scenario: Scenario, t_years) -> np.ndarray:
    """1.0 where basal insulin therapy is on, else 0.0."""
    t = np.asarray(t_years, dtype=float)
    th = scenario.insulin_therapy
    if th is None:
        return np.zeros_like(t)
    stop = scenario.years if th.stop is None else th.stop
    return ((t >= th.start) & (t < stop)).astype(float)


def scenario_evidence(scenario: Scenario, *, include_age: bool = True) -> list[EffectSpec]:
    """Every effect that can shape this scenario's trajectory (factors set in the file, and
    age), with its source and evidence level."""
    table = effects_table()
    names = [r.factor for r in scenario.risk] + [i.name for i in scenario.intervention]
    if include_age and "age" in table:
        names.append("age")
    seen, out = set(), []
    for n in names:
        if n in seen:
            continue
        seen.add(n)
        out.extend(table[n].effects)
    return out
