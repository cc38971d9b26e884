"""Request and response models and the JSON endpoints of the explorer.

Every bound is in :data:`BOUNDS` (field -> (low, high, unit)); a value outside gets a 422 whose
``message`` names the field, the value and the allowed range. No endpoint takes a path: the
server never reads or writes a file a client names.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from insulinsim.errors import InputError
from insulinsim.parameters import PRESETS
from insulinsim.protocols import effects_table
from insulinsim.web import _sim

__all__ = ["BOUNDS", "MAX_BODY_BYTES", "RUN_TIMEOUT_S", "router"]

MAX_BODY_BYTES = 16_384
RUN_TIMEOUT_S = 300.0
MAX_INTERVENTIONS = 6
STEP_DAYS = (90, 60, 30)

# field -> (low, high, unit): in the OpenAPI schema (ge/le) and in every 422 message
BOUNDS: dict[str, tuple[float, float, str]] = {
    "age": (18.0, 80.0, "years"),
    "years": (1.0, 40.0, "years"),
    "start_age": (18.0, 120.0, "years"),
    "adherence": (0.0, 1.0, "fraction"),
    "level": (0.0, 2500.0, "the intervention's unit"),
    "insulin_mu_m2_min": (10.0, 400.0, "mU/m^2/min"),
    "at_age": (18.0, 120.0, "years (from age to age + 40)"),
}

# the risk factors a person sets on the page (age is the age field; autoimmunity is type 1)
RISK_FACTORS = (
    "energy_intake_excess",
    "daily_steps",
    "exercise_sessions",
    "refined_carbohydrate_share",
    "sugar_share",
    "saturated_fat_share",
    "sleep_duration",
    "family_history",
    "tcf7l2_risk_alleles",
    "pcos",
    "cushings",
    "acromegaly",
)
_LAB_KEYS = (
    "glucose",
    "insulin",
    "cpeptide",
    "hba1c",
    "tg",
    "hdl",
    "waist",
    "sbp",
    "dbp",
    "weight",
    "height",
    "age",
    "sex",
)

Preset = Literal[PRESETS]  # type: ignore[valid-type]
Sex = Literal["female", "male"]


def _b(name: str):
    lo, hi, unit = BOUNDS[name]
    return Field(ge=lo, le=hi, description=f"{lo:g} to {hi:g} {unit}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class PersonRef(_Strict):
    preset: Preset = Field("healthy", description="a preset person")
    sex: Sex = "male"


class DayRequest(_Strict):
    people: list[PersonRef] = Field(
        min_length=1,
        max_length=_sim.MAX_PEOPLE,
        description=f"1 to {_sim.MAX_PEOPLE} people (the first is usually 'healthy')",
    )
    protocol: Literal["ogtt", "day"] = Field(
        "ogtt", description="a 75-g OGTT (3 h) or a standard day of three meals (24 h)"
    )


class ReceptorRequest(_Strict):
    preset: Preset = "insulin_resistant"
    sex: Sex = "male"
    insulin_mu_m2_min: float = _b("insulin_mu_m2_min")


class InterventionIn(_Strict):
    name: str = Field(max_length=40, description="an intervention of effects.toml")
    start_age: float = _b("start_age")
    adherence: float = _b("adherence")
    level: float = _b("level")

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        table = effects_table()
        known = sorted(k for k, s in table.items() if s.kind == "intervention")
        if v not in known:
            raise ValueError(f"unknown intervention {v!r}; allowed: {', '.join(known)}")
        return v


class _ScenarioIn(_Strict):
    """A preset person under constant risk factors from an age on (years views)."""

    preset: Preset = "healthy"
    sex: Sex = "male"
    age: float = _b("age")
    step_days: Literal[STEP_DAYS] = Field(  # type: ignore[valid-type]
        90, description="days between representative days: 30 (accurate), 60 or 90 (fast)"
    )
    risks: dict[str, float] = Field(
        default_factory=dict,
        max_length=len(RISK_FACTORS),
        description="constant risk-factor levels in their units: " + ", ".join(RISK_FACTORS),
    )

    @field_validator("risks")
    @classmethod
    def _risks(cls, v: dict[str, float]) -> dict[str, float]:
        table = effects_table()
        for name, level in v.items():
            if name not in RISK_FACTORS:
                raise ValueError(
                    f"unknown risk factor {name!r}; allowed: {', '.join(RISK_FACTORS)}"
                )
            spec = table[name]
            if not spec.min <= level <= spec.max:
                raise ValueError(
                    f"risks.{name} = {level:g} outside the allowed range "
                    f"[{spec.min:g}, {spec.max:g}] {spec.unit}"
                )
        return v

    @model_validator(mode="after")
    def _sex_specific(self):
        table = effects_table()
        for name, level in self.risks.items():
            if level != table[name].reference and table[name].sex not in ("any", self.sex):
                raise ValueError(
                    f"risks.{name} applies to sex={table[name].sex}, the person is {self.sex}"
                )
        return self

    def key(self) -> tuple:
        """The cache key of the years run behind this request (a factor of the other sex,
        left at its no-effect level, is dropped: the page sends every slider)."""
        table = effects_table()
        risks = tuple(
            sorted(
                (k, float(v))
                for k, v in self.risks.items()
                if table[k].sex in ("any", self.sex) or v != table[k].reference
            )
        )
        return self.preset, self.sex, float(self.age), float(self.step_days), risks


class YearsRequest(_ScenarioIn):
    years: float = _b("years")
    interventions: list[InterventionIn] = Field(default_factory=list, max_length=MAX_INTERVENTIONS)


class PersonRequest(_ScenarioIn):
    at_age: float = _b("at_age")
    protocol: Literal["ogtt", "day"] = Field(
        "ogtt", description="a 75-g OGTT (3 h) or a standard day of three meals (24 h)"
    )

    @model_validator(mode="after")
    def _within_the_run(self):
        hi = self.age + _sim.HORIZON_YEARS
        if not self.age <= self.at_age <= hi:
            raise ValueError(
                f"at_age = {self.at_age:g} outside the allowed range [{self.age:g}, {hi:g}] "
                f"years (from age to age + {_sim.HORIZON_YEARS:g})"
            )
        return self


_LabText = Annotated[str | None, Field(None, max_length=200)]


class AssessRequest(_Strict):
    glucose: _LabText = None
    insulin: _LabText = None
    cpeptide: _LabText = None
    hba1c: _LabText = None
    tg: _LabText = None
    hdl: _LabText = None
    waist: _LabText = None
    sbp: _LabText = None
    dbp: _LabText = None
    weight: _LabText = None
    height: _LabText = None
    age: _LabText = None
    sex: _LabText = None
    times_min: _LabText = None
    model: bool = Field(True, description="also run the model-based fasting assessment")


router = APIRouter(prefix="/api")


async def _run(fn, *args):
    """Run a simulation in the threadpool, bounded in time; InputError -> 422."""
    try:
        return await asyncio.wait_for(run_in_threadpool(fn, *args), RUN_TIMEOUT_S)
    except TimeoutError:
        raise HTTPException(
            503, f"the simulation took longer than {RUN_TIMEOUT_S:g} s; try again shortly"
        ) from None
    except InputError as e:
        raise HTTPException(
            422, {"message": str(e), "field": e.field, "value": str(e.value), "allowed": e.allowed}
        ) from None


@router.get("/meta", summary="Presets, risk factors, interventions and the request bounds")
def meta() -> dict:
    table = effects_table()

    def spec(name):
        s = table[name]
        return {
            "name": name,
            "description": s.description,
            "unit": s.unit,
            "reference": s.reference,
            "min": s.min,
            "max": s.max,
            "sex": s.sex,
        }

    return {
        "presets": list(PRESETS),
        "risks": [spec(n) for n in RISK_FACTORS],
        "interventions": [spec(n) for n, s in table.items() if s.kind == "intervention"],
        "bounds": {k: {"min": lo, "max": hi, "unit": u} for k, (lo, hi, u) in BOUNDS.items()},
        "max_people": _sim.MAX_PEOPLE,
        "max_interventions": MAX_INTERVENTIONS,
        "step_days": list(STEP_DAYS),
        "max_body_bytes": MAX_BODY_BYTES,
        "notice": "A research and teaching tool, not medical advice.",
    }


@router.post("/day", summary="An OGTT or a standard day: curves and the organ table")
async def day(req: DayRequest) -> dict:
    people = tuple((p.preset, p.sex) for p in req.people)
    return await _run(_sim.day_view, people, req.protocol)


@router.post("/receptors", summary="Days of hyperinsulinemia: surface receptors and GLUT4")
async def receptors(req: ReceptorRequest) -> dict:
    return await _run(_sim.receptor_view, req.preset, req.sex, float(req.insulin_mu_m2_min))


@router.post("/years", summary="Years of a person's life: stages, with and without interventions")
async def years(req: YearsRequest) -> dict:
    ivs = []
    for k, iv in enumerate(req.interventions):
        start = iv.start_age - req.age
        if not 0.0 <= start <= req.years:
            raise HTTPException(
                422,
                {
                    "message": (
                        f"interventions.{k}.start_age = {iv.start_age:g}: allowed range "
                        f"[{req.age:g}, {req.age + req.years:g}] years (from age to age + years)"
                    ),
                    "field": f"interventions.{k}.start_age",
                },
            )
        spec = effects_table()[iv.name]
        if not spec.min <= iv.level <= spec.max:
            raise HTTPException(
                422,
                {
                    "message": (
                        f"interventions.{k}.level = {iv.level:g} outside the allowed range "
                        f"[{spec.min:g}, {spec.max:g}] for {iv.name} ({spec.unit})"
                    ),
                    "field": f"interventions.{k}.level",
                },
            )
        if spec.sex not in ("any", req.sex):
            raise HTTPException(
                422,
                {
                    "message": f"interventions.{k}.name = {iv.name}: only for sex={spec.sex}",
                    "field": f"interventions.{k}.name",
                },
            )
        ivs.append((iv.name, float(start), float(iv.adherence), float(iv.level)))
    preset, sex, age, step_days, risks = req.key()
    return await _run(
        _sim.years_view, preset, sex, age, float(req.years), step_days, risks, tuple(ivs)
    )


@router.post(
    "/person",
    summary="This person at an age of the years run: an OGTT or a day, organs, dose-response",
)
async def person_at_age(req: PersonRequest) -> dict:
    return await _run(_sim.person_view, *req.key(), float(req.at_age), req.protocol)


def _assess(req: AssessRequest) -> dict:
    from insulinsim.analysis import assess
    from insulinsim.io import labs_from_flags

    values = {k: getattr(req, k) for k in _LAB_KEYS}
    if not any(v not in (None, "") for v in values.values()):
        raise InputError(
            "lab results", None, "at least one value (glucose, insulin, hba1c, ...) with its unit"
        )
    lab = labs_from_flags(subject_id="explorer", times_min=req.times_min or None, **values)
    return assess(lab, model=req.model).to_dict()


@router.post("/assess", summary="Lab results -> indices, ADA category and the stage, explained")
async def assess_labs(req: AssessRequest) -> dict:
    return await _run(_assess, req)
