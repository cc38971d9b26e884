"""Virtual trials: screen virtual people, randomise the eligible, follow each arm for years.

A trial file (TOML) names the arms (control and interventions, in the scenario format of
``[[intervention]]`` entries), the eligibility criteria measured at a baseline visit, the
number of virtual people screened, the follow-up and the visit schedule:

.. code-block:: toml

    [trial]
    name = "prevention trial"
    seed = 2002
    screen = 2000          # virtual people screened
    preset = "igt"         # physiological base of the screened population
    years = 3.0
    control = "placebo"

    [eligibility]
    age_years = [25, 85]
    bmi = [24, 80]
    fasting_glucose_mg_dl = [95, 125]
    glucose_2h_mg_dl = [140, 199]

    [[arm]]
    name = "placebo"

    [[arm]]
    name = "lifestyle"
    [[arm.intervention]]
    name = "caloric_restriction"
    start = 0
    level = 500

Screening simulates the first day of every screened person (the baseline visit). The eligible
are randomised (:func:`insulinsim.analysis.randomise`) and each arm followed with its
interventions from time 0. The outcome is diabetes (fasting >= 126 or 2-h >= 200 mg/dL) at a
visit; visits are every ``visit_years``. Results: incidence per 100 person-years per arm, rate
ratios and risk reductions against the control with 95 % intervals, and Kaplan-Meier curves
(:mod:`insulinsim.analysis._trial`). A ``[published]`` table may hold the outcomes of the real
trial the design follows; it is printed beside the results and never used in the simulation.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from insulinsim.analysis import (
    compare_arms,
    incidence,
    kaplan_meier,
    people_inputs,
    randomise,
    sample_people,
    time_to_event,
)
from insulinsim.cohort._simulate import simulate_people
from insulinsim.errors import InputError
from insulinsim.protocols import Scenario, scenario_from_dict
from insulinsim.protocols._scenario import InterventionCourse
from insulinsim.solve import ProgressSettings, in_model_range

__all__ = ["TrialResult", "TrialSpec", "load_trial", "run_trial"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Range = tuple[float, float]


class Eligibility(_Strict):
    """Inclusion ranges at the baseline visit (inclusive); a missing range is not checked."""

    age_years: Range | None = None
    bmi: Range | None = None
    fasting_glucose_mg_dl: Range | None = None
    glucose_2h_mg_dl: Range | None = None
    hba1c_percent: Range | None = None

    @model_validator(mode="after")
    def _ordered(self):
        for name, r in self:
            if r is not None and not r[0] <= r[1]:
                raise ValueError(f"{name}: low {r[0]} above high {r[1]}")
        return self


class ArmSpec(_Strict):
    name: str = Field(min_length=1)
    weight: float = Field(1.0, gt=0.0)
    intervention: tuple[InterventionCourse, ...] = ()


class TrialSpec(_Strict):
    """A virtual trial (see the module docstring)."""

    name: str
    description: str = ""
    seed: int = Field(ge=0)
    screen: int = Field(ge=10, le=1_000_000)
    preset: str = "healthy"
    physiology_scale: float | None = Field(None, ge=0.0, le=2.0)
    years: float = Field(gt=0.0, le=35.0)
    step_days: float = Field(30.0, ge=7.0, le=365.0)
    visit_years: float = Field(0.5, gt=0.0, le=5.0)
    chunk_size: int = Field(256, ge=1, le=4096)
    control: str
    eligibility: Eligibility = Eligibility()
    arms: tuple[ArmSpec, ...] = Field(min_length=2)
    published: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _arms(self):
        names = [a.name for a in self.arms]
        if len(set(names)) != len(names):
            raise ValueError(f"arm names must differ: {names}")
        if self.control not in names:
            raise ValueError(f"control {self.control!r} is not an arm ({', '.join(names)})")
        for a in self.arms:  # every intervention must be known: validate through a scenario
            _arm_scenario(self, a, sex="female")
        return self


_NO_ARM = ArmSpec(name="baseline")  # the screening visit: no intervention yet


def _arm_scenario(spec: TrialSpec, arm: ArmSpec, sex: str) -> Scenario:
    return scenario_from_dict(
        {
            "scenario": {
                "name": f"{spec.name}: {arm.name}",
                "person": spec.preset,
                "sex": sex,
                "years": spec.years,
            },
            "intervention": [iv.model_dump() for iv in arm.intervention],
        },
        f"trial arm {arm.name}",
    )


def load_trial(path: str | Path) -> TrialSpec:
    """Read and check a trial file; errors name the field and the allowed values."""
    p = Path(path)
    if not p.is_file():
        raise InputError("trial file", str(path), "an existing TOML file")
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InputError(str(path), "", "valid TOML", str(e)) from None
    body = dict(raw.get("trial", {}))
    body["eligibility"] = raw.get("eligibility", {})
    body["arms"] = raw.get("arm", [])
    if "published" in raw:
        body["published"] = raw["published"]
    extra = set(raw) - {"trial", "eligibility", "arm", "published"}
    if extra:
        raise InputError(str(path), sorted(extra), "tables [trial], [eligibility], [[arm]], "
                         "[published]")  # fmt: skip
    try:
        return TrialSpec(**body)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "trial"
        raise InputError(f"{path}: {loc}", first.get("input"), first["msg"]) from None
    except InputError as e:  # an unknown intervention, from the arm's scenario
        raise InputError(f"{path}: {e.field}", e.value, e.allowed, e.fix) from None


@dataclasses.dataclass(frozen=True)
class TrialResult:
    """What a trial run gives: participants, rates, comparisons and survival curves."""

    spec: TrialSpec
    screened: int
    eligible: int
    participants: pd.DataFrame  # one row per randomised person
    rates: pd.DataFrame  # incidence per arm
    comparisons: pd.DataFrame  # each arm vs the control
    km: dict[str, pd.DataFrame]  # Kaplan-Meier per arm

    def to_dict(self) -> dict[str, Any]:
        return {
            "trial": self.spec.name,
            "screened": self.screened,
            "eligible": self.eligible,
            "randomised": len(self.participants),
            "rates": self.rates.to_dict(orient="records"),
            "comparisons": self.comparisons.to_dict(orient="records"),
            "published": self.spec.published,
        }


def _simulate(people, idx, spec: TrialSpec, scenario: Scenario, settings: ProgressSettings):
    inputs = people_inputs(people.iloc[idx], preset=spec.preset)
    return simulate_people(inputs, scenario, settings, pad_to=spec.chunk_size)


def _visits(t: np.ndarray, every: float) -> np.ndarray:
    """Indices of the steps nearest to each visit (every ``every`` years, and the last)."""
    targets = np.arange(every, t[-1] + 1e-9, every)
    idx = np.abs(t[None, :] - targets[:, None]).argmin(axis=1) if targets.size else []
    return np.unique(np.concatenate([np.asarray(idx, dtype=int), [t.size - 1]]))


def _in_chunks(n: int, size: int):
    for lo in range(0, n, size):
        yield np.arange(lo, min(lo + size, n))


def run_trial(spec: TrialSpec, on_progress: Callable[[str, int, int], None] | None = None):
    """Screen, randomise and follow a trial (see the module docstring).

    ``on_progress(phase, done, total)`` is called after each chunk (phase ``"screening"`` or
    the arm's name).
    """
    people = sample_people(
        spec.screen, spec.seed, preset=spec.preset, physiology_scale=spec.physiology_scale
    )
    settings = ProgressSettings(step_days=spec.step_days, chunk_size=spec.chunk_size)
    # baseline visit: the first day of every screened person, no intervention yet
    base_sc = _arm_scenario(spec, _NO_ARM, "female").model_copy(
        update={"years": spec.step_days / 365.25}
    )
    fpg = np.full(spec.screen, np.nan)
    g2 = np.full(spec.screen, np.nan)
    for idx in _in_chunks(spec.screen, spec.chunk_size):
        ds = _simulate(people, idx, spec, base_sc, settings)
        fpg[idx], g2[idx] = ds.fasting_glucose.values[:, 0], ds.glucose_2h.values[:, 0]
        if on_progress:
            on_progress("screening", int(idx[-1]) + 1, spec.screen)
    ok = in_model_range(fpg, g2)
    base = {
        "age_years": people["age"].to_numpy(),
        "bmi": people["bmi"].to_numpy(),
        "fasting_glucose_mg_dl": fpg,
        "glucose_2h_mg_dl": g2,
    }
    for name, rng in spec.eligibility:
        if rng is None:
            continue
        if name not in base:
            raise InputError(f"eligibility.{name}", rng, "criteria on " + ", ".join(base))
        ok &= (base[name] >= rng[0]) & (base[name] <= rng[1])
    eligible = np.flatnonzero(ok)
    arms = [a.name for a in spec.arms]
    if eligible.size < len(arms):
        raise InputError(
            "eligibility",
            f"{eligible.size} of {spec.screen} screened eligible",
            f"at least one eligible person per arm ({len(arms)})",
            "screen more people (trial.screen), widen the criteria or change trial.preset",
        )
    alloc = randomise(eligible.size, arms, spec.seed, [a.weight for a in spec.arms])
    event = np.full(eligible.size, np.nan)
    followup = np.full(eligible.size, np.nan)
    status = np.empty(eligible.size, dtype=object)
    for arm in spec.arms:
        members = np.flatnonzero(alloc == arm.name)
        sc = _arm_scenario(spec, arm, "female")
        for part in _in_chunks(members.size, spec.chunk_size):
            rows = members[part]
            ds = _simulate(people, eligible[rows], spec, sc, settings)
            t = ds.time.values
            visit = _visits(t, spec.visit_years)
            inside = in_model_range(ds.fasting_glucose.values, ds.glucose_2h.values)
            f = np.where(inside, ds.fasting_glucose.values, np.nan)[:, visit]
            g = np.where(inside, ds.glucose_2h.values, np.nan)[:, visit]
            event[rows] = time_to_event(t[visit], f, g)
            # follow-up ends at the last visit inside the model's range
            followup[rows] = np.max(np.where(inside[:, visit], t[visit], 0.0), axis=1)
            status[rows] = ds.status.values.astype(str)
            if on_progress:
                on_progress(arm.name, int(part[-1]) + 1, members.size)
    followup = np.maximum(followup, spec.visit_years)  # everyone has at least the first visit
    participants = (
        people.iloc[eligible]
        .reset_index(drop=True)
        .assign(
            arm=alloc,
            baseline_fasting_glucose=fpg[eligible],
            baseline_glucose_2h=g2[eligible],
            event_years=event,
            followup_years=followup,
            status=status,
        )
    )
    rates = incidence(event, followup, alloc)
    comps = compare_arms(rates, spec.control)
    order = {a: k for k, a in enumerate(arms)}
    rates_df = pd.DataFrame([dataclasses.asdict(r) for r in rates])
    rates_df = rates_df.sort_values("arm", key=lambda s: s.map(order)).reset_index(drop=True)
    km = {a: kaplan_meier(event[alloc == a], followup[alloc == a]) for a in arms}
    return TrialResult(
        spec=spec,
        screened=spec.screen,
        eligible=int(eligible.size),
        participants=participants,
        rates=rates_df,
        comparisons=pd.DataFrame([dataclasses.asdict(c) for c in comps]),
        km=km,
    )
