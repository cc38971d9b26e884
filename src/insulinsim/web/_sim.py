"""The simulations behind the explorer, with fixed shapes so that each compiles once.

Every request of one kind reuses one compiled program: the meal/OGTT views of presets always
simulate ``MAX_PEOPLE`` people (the list is padded), a years run always lasts ``HORIZON_YEARS``
years at the chosen step and is cut to the years asked for (the model is causal, so the first
years do not depend on the later ones), and the receptor experiment always lasts the same days.

A years run also keeps the fast model's parameters of every step, so "this person at age X"
(the sliders' person) is a lookup in the run the years view already made: the OGTT, the day,
the organ table and the receptor dose-response at that age are simulated from those
parameters with the years model's own (phenomenological) insulin action, and the OGTT read
there is the OGTT the years view recorded. Results are cached by request so that re-plotting
costs nothing.
"""

from __future__ import annotations

import collections
import functools
import math
import threading

import numpy as np

from insulinsim import protocols as P
from insulinsim.analysis import (
    muscle_dose_response,
    organ_table,
    receptor_course,
    stage_trajectory,
    transitions,
)
from insulinsim.errors import InputError
from insulinsim.parameters import PRESETS, person

__all__ = [
    "HORIZON_YEARS",
    "MAX_PEOPLE",
    "RECEPTOR_DAYS",
    "RECEPTOR_RECOVERY_DAYS",
    "day_view",
    "person_view",
    "receptor_view",
    "warm_up",
    "years_view",
]

MAX_PEOPLE = 4
HORIZON_YEARS = 40.0
RECEPTOR_DAYS = 3.0
RECEPTOR_RECOVERY_DAYS = 2.0

# organ -> result variable; the liver's row is production, the others disposal
UPTAKE = {
    "muscle": "uptake_muscle",
    "adipose": "uptake_adipose",
    "brain": "uptake_brain",
    "other": "uptake_other",
    "kidney (urine)": "excretion_kidney",
    "liver (production)": "egp",
}

# the years view: trajectory variables sent to the page
YEARS_VARS = (
    "age",
    "stage",
    "fasting_glucose",
    "glucose_2h",
    "fasting_insulin",
    "insulin_2h",
    "hba1c",
    "homa_ir",
    "beta_mass",
    "beta_function",
    "surface_receptors_muscle",
    "surface_receptors_liver",
    "sensitivity_muscle",
    "sensitivity_liver",
    "weight",
    "visceral_fat",
    "bmi",
    "liver_fat",
    "ffa",
    "triglycerides",
    "hdl",
)

_lock = threading.Lock()  # one simulation at a time: the machine's cores are few


def _person(preset: str, sex: str):
    if preset not in PRESETS:
        raise InputError("preset", preset, "one of " + ", ".join(PRESETS))
    return person(preset, {"gonads.male": 1.0 if sex == "male" else 0.0})


def _f(x) -> list[float | None]:
    """Floats for JSON: NaN and infinities become null."""
    arr = np.asarray(x, dtype=np.float64).ravel()
    return [float(v) if math.isfinite(v) else None for v in arr]


def _day_json(ds, names: list[str], params: list, protocol: str) -> dict:
    """Curves per person, their units and (for a day) the organ table, for the page."""
    mech = "receptors_muscle" in ds
    out = {"protocol": protocol, "time_min": _f(ds.time.values), "people": []}
    for k, name in enumerate(names):
        one = ds.isel(person=k)
        out["people"].append(
            {
                "name": name,
                "status": str(one.status.values),
                "glucose": _f(one.glucose.values),
                "insulin": _f(one.insulin.values),
                "glucagon": _f(one.glucagon.values),
                "ffa": _f(one.ffa.values),
                "uptake": {organ: _f(one[var].values) for organ, var in UPTAKE.items()},
                "receptors_muscle": _f(one.receptors_muscle.values) if mech else None,
                "glut4_muscle": _f(one.glut4_muscle.values) if mech else None,
            }
        )
    out["units"] = {
        "time_min": "min",
        "glucose": "mg/dL",
        "insulin": "pmol/L",
        "glucagon": str(ds.glucagon.attrs.get("units", "ng/L")),
        "ffa": str(ds.ffa.attrs.get("units", "umol/L")),
        "uptake": "mg/kg/min",
    }
    if mech:
        out["units"]["receptors_muscle"] = str(ds.receptors_muscle.attrs.get("units", "%"))
        out["units"]["glut4_muscle"] = str(ds.glut4_muscle.attrs.get("units", ""))
    out["insulin_action"] = "mechanistic" if mech else "phenomenological (the years model's)"
    table = organ_table(ds.isel(person=slice(0, len(names))), params)
    out["organ_table"] = [
        {"organ": o, "unit": u, "values": _f([table.loc[(o, u), n] for n in names])}
        for o, u in table.index
    ]
    return out


@functools.lru_cache(maxsize=64)
def day_view(people: tuple[tuple[str, str], ...], protocol: str) -> dict:
    """An OGTT or a standard day (mechanistic insulin action) of up to ``MAX_PEOPLE`` people.

    ``people`` are (preset, sex) pairs; returns the curves per person and, for the day, the
    organ table (daily means) of every person.
    """
    from insulinsim import simulate
    from insulinsim.model import Mechanistic

    if not 1 <= len(people) <= MAX_PEOPLE:
        raise InputError("people", len(people), f"1 to {MAX_PEOPLE} people")
    params = [_person(p, s) for p, s in people]
    padded = params + [params[-1]] * (MAX_PEOPLE - len(params))
    names = [f"{p} ({s})" for p, s in people]
    labels = names + [f"pad{k}" for k in range(MAX_PEOPLE - len(names))]
    proto = P.ogtt() if protocol == "ogtt" else P.standard_day()
    with _lock:
        ds = simulate(padded, proto, names=labels, action=Mechanistic())
    return _day_json(ds, names, params, protocol)


@functools.lru_cache(maxsize=32)
def receptor_view(preset: str, sex: str, insulin_mu_m2_min: float) -> dict:
    """Days of hyperinsulinemia then recovery: surface receptors and GLUT4 response."""
    from insulinsim import simulate
    from insulinsim.model import Mechanistic

    p = _person(preset, sex)
    proto = P.hyperinsulinemia(RECEPTOR_DAYS, RECEPTOR_RECOVERY_DAYS, insulin_mu_m2_min)
    with _lock:
        ds = simulate(p, proto, names=[preset], action=Mechanistic())
    course = receptor_course(ds, p)
    t = course.time.values
    keep = np.flatnonzero(np.isclose(np.mod(t, 60.0), 0.0))
    return {
        "status": str(ds.status.values[0]),
        "time_h": _f(t[keep] / 60.0),
        "insulin_pmol_l": _f(course.insulin.values[keep]),
        "surface_receptors_percent": _f(course.surface_receptors.values[keep]),
        "glut4_response_percent": _f(course.glut4_response.values[keep]),
        "insulin_needed_pmol_l": _f(course.insulin_needed.values[keep]),
        "infusion_days": RECEPTOR_DAYS,
        "recovery_days": RECEPTOR_RECOVERY_DAYS,
    }


def _scenario(preset, sex, age, risks, interventions, name):
    raw = {
        "scenario": {
            "name": name,
            "person": preset,
            "sex": sex,
            "age": age,
            "years": HORIZON_YEARS,
        },
        "risk": [{"factor": f, "value": v} for f, v in risks],
        "intervention": [
            {"name": n, "start": start, "adherence": adh, "level": lvl}
            for n, start, adh, lvl in interventions
        ],
    }
    return P.scenario_from_dict(raw, "years")


_RUNS: collections.OrderedDict = collections.OrderedDict()
_RUNS_KEPT = 16


def _horizon_run(preset, sex, age, step_days, risks, interventions, name):
    """A ``HORIZON_YEARS`` run with every step's day parameters (cached; one at a time).

    The check and the run are under the simulation lock, so two requests for the same run
    (the years view and the person view of one slider move) compute it once.
    """
    from insulinsim.solve import ProgressSettings, progress

    key = (preset, sex, age, step_days, risks, interventions)
    with _lock:
        if key in _RUNS:
            _RUNS.move_to_end(key)
            return _RUNS[key]
        sc = _scenario(preset, sex, age, risks, interventions, name)
        ds, days = progress(
            P.scenario_person(sc),
            sc,
            names=[sc.name],
            settings=ProgressSettings(step_days),
            return_day_parameters=True,
        )
        _RUNS[key] = (sc, ds, days)
        while len(_RUNS) > _RUNS_KEPT:
            _RUNS.popitem(last=False)
        return _RUNS[key]


def _valid_steps(ds) -> int:
    """How many leading steps stay in the model's range."""
    from insulinsim.solve import in_model_range

    ok = in_model_range(ds.fasting_glucose.values[0], ds.glucose_2h.values[0])
    return int(ok.size if ok.all() else np.argmax(~ok))


def _run_years(sc, ds, years: float):
    ds = ds.isel(time=ds.time.values <= years + 1e-9)
    n_ok = _valid_steps(ds)
    cut = None
    if n_ok < ds.time.size:  # staging stops where the solve left the model's range
        cut = float(ds.time.values[n_ok])
        ds = ds.isel(time=slice(0, max(n_ok, 1)))
    staged = stage_trajectory(ds, [sc.sex == "male"])
    return staged, cut


def _trajectory(staged, cut) -> dict:
    tr = transitions(staged)
    rows = []
    for _, r in tr.iterrows():
        reached = not np.isnan(r["years"])
        rows.append(
            {
                "stage": int(r["stage"]),
                "name": str(r["name"]),
                "age": float(r["age"]) if reached else None,
                "years": float(r["years"]) if reached else None,
                "reason": str(r["reason"]) if reached else "",
            }
        )
    return {
        "time_years": _f(staged.time.values),
        "series": {
            v: {"units": str(staged[v].attrs.get("units", "")), "values": _f(staged[v].values[0])}
            for v in YEARS_VARS
            if v in staged
        },
        "stage_reason": [str(x) for x in staged.stage_reason.values[0]],
        "transitions": rows,
        "status": str(staged.status.values[0]),
        "stopped_at_years": cut,
    }


@functools.lru_cache(maxsize=64)
def years_view(
    preset: str,
    sex: str,
    age: float,
    years: float,
    step_days: float,
    risks: tuple[tuple[str, float], ...],
    interventions: tuple[tuple[str, float, float, float], ...],
) -> dict:
    """Years of a person's life under constant risk factors, without and with interventions.

    ``interventions`` are (name, start in years from the start, adherence, level).
    """
    base_sc, base_ds, _ = _horizon_run(
        preset, sex, age, step_days, risks, (), "without interventions"
    )
    base, cut = _run_years(base_sc, base_ds, years)
    out = {"baseline": _trajectory(base, cut), "with_interventions": None, "difference": None}
    evidence_sc = base_sc
    if interventions:
        sc, treated_ds, _ = _horizon_run(
            preset, sex, age, step_days, risks, interventions, "with interventions"
        )
        evidence_sc = sc
        treated, cut2 = _run_years(sc, treated_ds, years)
        out["with_interventions"] = _trajectory(treated, cut2)
        n = min(base.time.size, treated.time.size)
        out["difference"] = {
            "time_years": _f(base.time.values[:n]),
            **{
                v: _f(treated[v].values[0, :n] - base[v].values[0, :n])
                for v in ("fasting_glucose", "glucose_2h", "hba1c", "fasting_insulin", "weight")
                if v in base
            },
        }
    out["evidence"] = [e.to_dict() for e in P.scenario_evidence(evidence_sc)]
    out["horizon_note"] = (
        f"each run is {HORIZON_YEARS:g} years long (one compiled program) and cut to {years:g}"
    )
    return out


# what the person view reports of the years run at the age shown
_AT_AGE_VARS = (
    "fasting_glucose",
    "glucose_2h",
    "fasting_insulin",
    "hba1c",
    "weight",
    "bmi",
    "visceral_fat",
    "liver_fat",
    "surface_receptors_muscle",
    "sensitivity_muscle",
    "sensitivity_liver",
    "beta_mass",
    "beta_function",
)


@functools.lru_cache(maxsize=64)
def person_view(
    preset: str,
    sex: str,
    age: float,
    step_days: float,
    risks: tuple[tuple[str, float], ...],
    at_age: float,
    protocol: str,
) -> dict:
    """This person at ``at_age`` (the preset under constant risk factors from ``age``) next to
    the healthy preset: an OGTT or a day, the organ table and the muscle's dose-response.

    The age shown is the step of the years run nearest ``at_age``, and no later than the last
    step in the model's range (``note`` says so when it had to move).
    """
    from insulinsim import simulate
    from insulinsim.solve import day_parameters_at

    if not age <= at_age <= age + HORIZON_YEARS:
        raise InputError("at_age", at_age, f"{age:g} to {age + HORIZON_YEARS:g} years")
    sc, ds, days = _horizon_run(preset, sex, age, step_days, risks, (), "without interventions")
    n_ok = _valid_steps(ds)
    if n_ok == 0:
        raise InputError("preset", preset, "a person whose first day is in the model's range")
    want = round((at_age - age) * 365.25 / step_days)
    k = min(want, n_ok - 1)
    shown = float(ds.age.values[0, k])
    name = f"{preset} ({sex}) at {shown:.1f} y"
    p_k = day_parameters_at(days, 0, k)
    healthy = _person("healthy", sex)
    proto = P.ogtt() if protocol == "ogtt" else P.standard_day()
    with _lock:
        out_ds = simulate([healthy, p_k], proto, names=[f"healthy ({sex})", name])
    out = _day_json(out_ds, [f"healthy ({sex})", name], [healthy, p_k], protocol)
    at = ds.isel(person=0, time=k)
    dr = muscle_dose_response(
        P.scenario_person(sc),
        float(at.surface_receptors_muscle),
        float(at.cytokine_exposure),
        float(at.lipid_exposure_muscle),
    )
    out["dose_response"] = {
        "insulin_pmol_l": _f(dr.insulin.values),
        "glut4_healthy": _f(dr.glut4_healthy.values),
        "glut4_person": _f(dr.glut4_person.values),
        "insulin_needed_pmol_l": _f(dr.insulin_needed.values),
        "units": {"glut4": "% of the basal total (surface GLUT4)", "insulin": "pmol/L"},
    }
    out["at_age"] = {
        "asked": at_age,
        "shown": shown,
        "years_from_start": float(ds.time.values[k]),
        "values": {
            v: {"value": float(at[v]), "units": str(ds[v].attrs.get("units", ""))}
            for v in _AT_AGE_VARS
        },
    }
    out["note"] = (
        f"the run leaves the model's range at {float(ds.age.values[0, n_ok]):.1f} y; "
        f"showing the last age in range"
        if want > k and n_ok < ds.time.size
        else ""
    )
    return out


def warm_up(log=print) -> None:
    """Compile (or load from the persistent cache) every program the explorer uses."""
    import time

    from insulinsim.solve import enable_compilation_cache

    enable_compilation_cache()
    for what, fn in (
        ("OGTT", lambda: day_view((("healthy", "male"), ("insulin_resistant", "male")), "ogtt")),
        ("day", lambda: day_view((("healthy", "male"), ("insulin_resistant", "male")), "day")),
        ("years", lambda: years_view("healthy", "male", 40.0, 20.0, 90.0, (), ())),
        ("OGTT at an age", lambda: person_view("healthy", "male", 40.0, 90.0, (), 60.0, "ogtt")),
        ("day at an age", lambda: person_view("healthy", "male", 40.0, 90.0, (), 60.0, "day")),
        ("receptors", lambda: receptor_view("insulin_resistant", "male", 100.0)),
    ):
        t0 = time.perf_counter()
        fn()
        log(f"explorer: warmed {what} in {time.perf_counter() - t0:.1f} s")
