"""``insulinsim`` command line: demo, simulate, params.

Bad input exits with status 2 and one line on stderr naming the field, the value and the
allowed range; nothing is written when a run fails.
"""

from __future__ import annotations

import json
import math
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from insulinsim import protocols as P
from insulinsim.errors import InputError, check_range

app = typer.Typer(
    name="insulinsim",
    help="Simulate the human glucose-insulin system and insulin resistance. "
    "A research and teaching tool, not medical advice.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

DEMO_PEOPLE = ("healthy", "insulin_resistant", "t2d")


class ProtocolName(StrEnum):
    meal = "meal"
    ogtt = "ogtt"
    ivgtt = "ivgtt"
    fsigt = "fsigt"
    clamp = "clamp"
    exercise = "exercise"
    day = "day"
    hyperinsulinemia = "hyperinsulinemia"


class ActionName(StrEnum):
    phenomenological = "phenomenological"
    mechanistic = "mechanistic"


def _fail(e: Exception) -> None:
    err.print(f"error: {e}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _parse_sets(items: list[str]) -> dict[str, float]:
    sets = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(
                "--set",
                item,
                "NAME=VALUE, e.g. glucose.V_mx=0.03",
                "see `insulinsim params` for the names",
            )
        try:
            sets[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"--set {name}", value, "a number in the parameter's unit") from None
    return sets


def _build_protocol(
    name: ProtocolName,
    carbs_g,
    days,
    clamp_insulin,
    clamp_target,
    heart_rate,
    exercise_min,
    t_end,
    bolus=(),
    recovery_days=2.0,
):
    from insulinsim.units import parse_glucose_mg_dl

    if name is ProtocolName.hyperinsulinemia:
        return P.hyperinsulinemia(days, recovery_days, clamp_insulin)

    if name is ProtocolName.meal:
        return P.meal_test(carbs_g if carbs_g is not None else 78.0, t_end or 420.0)
    if name is ProtocolName.ogtt:
        return P.ogtt(carbs_g, t_end or 180.0)
    if name is ProtocolName.ivgtt:
        return P.ivgtt(None, t_end or 180.0)
    if name is ProtocolName.fsigt:
        return P.fsigt(None, t_end or 180.0)
    if name is ProtocolName.clamp:
        target = None if clamp_target is None else parse_glucose_mg_dl(clamp_target, "--target")
        return P.clamp(clamp_insulin, t_end, target)
    if name is ProtocolName.exercise:
        return P.exercise_bout(60.0, exercise_min, heart_rate, t_end or 360.0)
    check_range("--days", days, 1, 60, "days")
    if days != int(days):
        raise InputError("--days", days, "a whole number of days for 'day'")
    n = int(days)
    if bolus and len(bolus) != 3:
        raise InputError(
            "--bolus",
            list(bolus),
            "three values (U): breakfast, lunch and dinner",
            "repeat --bolus three times, e.g. --bolus 4 --bolus 6 --bolus 6",
        )
    day = P.standard_day(bolus_units=tuple(bolus) if bolus else None)
    return P.multi_day(day, n) if n > 1 else day


def _indices(ds, protocol_name: str) -> dict:
    from insulinsim import analysis

    if protocol_name == "ogtt":
        return analysis.ogtt_indices(ds)
    if protocol_name == "clamp":
        m = analysis.m_value(ds.gir.values, ds.time.values)
        return {"m_value_mg_kg_min": np.atleast_1d(m)}
    return {}


def _jsonable(x):
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    arr = np.asarray(x)
    if arr.dtype.kind in "fc":
        return [None if not math.isfinite(v) else float(v) for v in arr.ravel()]
    return [str(v) if not isinstance(v, int | float) else v for v in arr.ravel().tolist()]


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the figure")] = Path("."),
) -> None:
    """The main job: a 75-g OGTT of a healthy, an insulin-resistant and a type 2 person."""
    from insulinsim import analysis, parameters, simulate
    from insulinsim.plotting import plot_result

    t0 = time.perf_counter()
    with out.status("Simulating a 75-g OGTT for three people (compiles on first run)..."):
        people = [parameters.person(n) for n in DEMO_PEOPLE]
        ds = simulate(people, P.ogtt(), names=list(DEMO_PEOPLE))
    idx = analysis.ogtt_indices(ds)

    table = Table(title="75-g OGTT: plasma glucose (mg/dL) / insulin (µU/mL)")
    table.add_column("person", no_wrap=True)
    samples = [float(t) for t in P.standard_value("ogtt_samples")]
    for t in samples:
        table.add_column(f"{t:g} min", justify="right")
    for k, name in enumerate(DEMO_PEOPLE):
        row = ds.isel(person=k).sel(time=samples)
        cells = [
            f"{g:.0f} / {i / 6.0:.1f}"
            for g, i in zip(row.glucose.values, row.insulin.values, strict=True)
        ]
        table.add_row(name, *cells)
    out.print(table)

    itab = Table(title="Indices (from the 0/30/60/90/120-min samples)")
    itab.add_column("index", no_wrap=True)
    itab.add_column("unit")
    for name in DEMO_PEOPLE:
        itab.add_column(name, justify="right", no_wrap=True)
    for key in idx.data_vars:
        if key.endswith("reasons"):
            continue
        var = idx[key]
        arr = np.atleast_1d(var.values)
        cells = [f"{v:.3g}" for v in arr] if arr.dtype.kind in "fc" else [str(v) for v in arr]
        itab.add_row(key, var.attrs.get("units", ""), *cells)
    out.print(itab)
    fig = plot_result(
        ds,
        Path(out_dir) / "insulinsim_demo_ogtt.png",
        title="75-g OGTT: healthy vs insulin resistant vs type 2 diabetes",
    )
    out.print(f"Figure written to [bold]{fig}[/bold] ({time.perf_counter() - t0:.1f} s).")
    out.print("[dim]A research and teaching tool, not medical advice.[/dim]")


@app.command("simulate")
def simulate_cmd(
    protocol: Annotated[ProtocolName, typer.Argument(help="what to simulate")],
    person: Annotated[str, typer.Option("--person", help="preset person")] = "healthy",
    sets: Annotated[list[str] | None, typer.Option("--set", help="NAME=VALUE override")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help=".csv, .parquet or .nc")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="figure file (.png)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    carbs_g: Annotated[float | None, typer.Option(help="meal/OGTT glucose (g)")] = None,
    days: Annotated[
        float, typer.Option(help="days for 'day' (whole days) and 'hyperinsulinemia'")
    ] = 1,
    recovery_days: Annotated[
        float, typer.Option(help="'hyperinsulinemia': days of recovery after the infusion")
    ] = 2.0,
    action: Annotated[
        ActionName | None,
        typer.Option(
            help="insulin action: the published phenomenological model or the receptor and "
            "signalling route (default: mechanistic for 'hyperinsulinemia', else "
            "phenomenological)"
        ),
    ] = None,
    bolus: Annotated[
        list[float] | None, typer.Option(help="'day': insulin bolus (U) with each meal, x3")
    ] = None,
    clamp_insulin: Annotated[
        float | None, typer.Option(help="clamp or hyperinsulinemia insulin (mU/m^2/min)")
    ] = None,
    target: Annotated[str | None, typer.Option(help="clamp glucose, e.g. '90 mg/dL'")] = None,
    heart_rate: Annotated[float, typer.Option(help="exercise heart rate (bpm)")] = 120.0,
    exercise_min: Annotated[float, typer.Option(help="exercise duration (min)")] = 45.0,
    t_end: Annotated[float | None, typer.Option(help="simulated span (min)")] = None,
) -> None:
    """Simulate one protocol for one preset person."""
    from insulinsim import parameters, simulate
    from insulinsim.io import write_result
    from insulinsim.plotting import plot_result

    try:
        for path, allowed in (
            (out_file, (".csv", ".parquet", ".nc")),
            (plot, (".png", ".svg", ".pdf")),
        ):
            if path is not None and path.suffix.lower() not in allowed:
                raise InputError(
                    "--out" if path is out_file else "--plot",
                    str(path),
                    "a file ending in " + ", ".join(allowed),
                )
        params = parameters.person(person, _parse_sets(sets or []))
        proto = _build_protocol(
            protocol,
            carbs_g,
            days,
            clamp_insulin,
            target,
            heart_rate,
            exercise_min,
            t_end,
            bolus or (),
            recovery_days,
        )
    except InputError as e:
        _fail(e)
    from insulinsim.model import Mechanistic, Phenomenological

    if action is None:
        hyper = protocol is ProtocolName.hyperinsulinemia
        action = ActionName.mechanistic if hyper else ActionName.phenomenological
    option = Mechanistic() if action is ActionName.mechanistic else Phenomenological()
    with err.status(f"Simulating {proto.name} for {person} ({action.value} insulin action)..."):
        ds = simulate(params, proto, names=[person], action=option)
    if ds.status.values[0] != "ok":
        err.print(f"error: {person}: {ds.status.values[0]}")
        raise typer.Exit(code=1)
    if protocol is ProtocolName.hyperinsulinemia:
        if action is not ActionName.mechanistic:
            _fail(InputError("--action", action.value, "mechanistic for 'hyperinsulinemia'"))
        _report_hyperinsulinemia(ds, params, person, days, out_file, plot, as_json)
        return
    indices = _indices(ds, protocol.value)
    if out_file is not None:
        write_result(ds, out_file, params=params)
    if plot is not None:
        plot_result(ds, plot, title=f"{proto.name}: {person}")
    if as_json:
        one = ds.isel(person=0)
        organs = {
            "muscle": "uptake_muscle",
            "adipose": "uptake_adipose",
            "other": "uptake_other",
            "brain": "uptake_brain",
            "kidney": "excretion_kidney",
            "liver": "egp",
        }
        units = {
            "time_min": "min",
            "glucose_mg_dl": "mg/dL",
            "insulin_pmol_l": "pmol/L",
            "uptake_mg_kg_min": "mg/kg/min (liver: production)",
        }
        payload = {
            "person": person,
            "protocol": proto.name,
            "time_min": _jsonable(one.time.values),
            "glucose_mg_dl": _jsonable(one.glucose.values),
            "insulin_pmol_l": _jsonable(one.insulin.values),
            "indices": {k: _jsonable(v)[0] for k, v in indices.items()},
            "uptake_mg_kg_min": {k: _jsonable(one[v].values) for k, v in organs.items()},
            "units": units,
        }
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    one = ds.isel(person=0)
    table = Table(title=f"{proto.name}: {person}")
    for col in ("time (min)", "glucose (mg/dL)", "insulin (pmol/L)", "EGP (mg/kg/min)"):
        table.add_column(col, justify="right")
    t = one.time.values
    step = max(1, len(t) // 12)
    for k in range(0, len(t), step):
        table.add_row(
            f"{t[k]:g}",
            f"{one.glucose.values[k]:.1f}",
            f"{one.insulin.values[k]:.1f}",
            f"{one.egp.values[k]:.2f}",
        )
    out.print(table)
    for k, v in indices.items():
        out.print(f"{k}: {_jsonable(v)[0]}")
    for path in (out_file, plot):
        if path is not None:
            out.print(f"wrote {path}")


def _report_hyperinsulinemia(ds, params, person, days, out_file, plot, as_json) -> None:
    from insulinsim.analysis import receptor_course
    from insulinsim.io import write_result
    from insulinsim.plotting import plot_receptor_course

    course = receptor_course(ds, params)
    if out_file is not None:
        write_result(ds, out_file, params=params)
    if plot is not None:
        plot_receptor_course(course, plot, title=f"{days:g} days of hyperinsulinemia: {person}")
    t = course.time.values
    keep = np.flatnonzero(np.isclose(np.mod(t, 720.0), 0.0))
    cols = {
        "time (h)": t / 60.0,
        "insulin (pmol/L)": course.insulin.values,
        "surface receptors (%)": course.surface_receptors.values,
        "GLUT4 response (%)": course.glut4_response.values,
        "insulin needed (pmol/L)": course.insulin_needed.values,
        "GIR (mg/kg/min)": course.gir.values,
    }
    if as_json:
        payload = {k: _jsonable(v[keep]) for k, v in cols.items()}
        payload |= {"person": person, "protocol": "hyperinsulinemia"}
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    table = Table(title=f"{days:g} days of hyperinsulinemia, then recovery: {person} (muscle)")
    for col in cols:
        table.add_column(col, justify="right")
    for k in keep:
        table.add_row(*(f"{v[k]:.1f}" for v in cols.values()))
    out.print(table)
    out.print(
        "GLUT4 response: surface GLUT4 rise to a 600 pmol/L insulin probe; insulin needed: "
        "the probe insulin that restores the starting response with the receptors left."
    )
    for path in (out_file, plot):
        if path is not None:
            out.print(f"wrote {path}")


@app.command()
def organs(
    person: Annotated[str, typer.Option("--person", help="preset person")] = "insulin_resistant",
    plot: Annotated[Path | None, typer.Option("--plot", help="figure file (.png)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Organ responses over a standard day: a healthy person next to PERSON (mechanistic)."""
    from insulinsim import parameters, simulate
    from insulinsim.analysis import organ_table
    from insulinsim.model import Mechanistic
    from insulinsim.plotting import plot_organ_table

    try:
        if plot is not None and plot.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise InputError("--plot", str(plot), "a file ending in .png, .svg or .pdf")
        names = ["healthy", person] if person != "healthy" else ["healthy", "insulin_resistant"]
        people = [parameters.person(n) for n in names]
    except InputError as e:
        _fail(e)
    with err.status("Simulating a standard day for " + " and ".join(names) + "..."):
        ds = simulate(people, P.standard_day(), names=names, action=Mechanistic())
    table = organ_table(ds, people)
    if as_json:
        rows = [
            {"organ": o, "unit": u, **{n: float(table.loc[(o, u), n]) for n in names}}
            for o, u in table.index
        ]
        sys.stdout.write(json.dumps({"people": names, "rows": rows}) + "\n")
        return
    t = Table(title="Organ responses, daily means of a standard day (mechanistic action)")
    t.add_column("organ")
    t.add_column("unit")
    for n in names:
        t.add_column(n, justify="right")
    t.add_column("ratio", justify="right")
    for (o, u), row in table.iterrows():
        a, b = row[names[0]], row[names[1]]
        t.add_row(o, u, f"{a:.3g}", f"{b:.3g}", f"{b / a:.2f}" if a else "")
    out.print(t)
    if plot is not None:
        plot_organ_table(table, plot)
        out.print(f"wrote {plot}")
    out.print("[dim]A research and teaching tool, not medical advice.[/dim]")


@app.command()
def params(
    person: Annotated[str, typer.Option("--person", help="preset person")] = "healthy",
) -> None:
    """List every parameter of a preset with its value, unit, source and derivation."""
    from insulinsim.parameters import parameter_info

    try:
        infos = parameter_info(person)
    except InputError as e:
        _fail(e)
    table = Table(title=f"parameters of '{person}'")
    for col in ("name", "value", "unit", "source", "obtained", "description"):
        table.add_column(col)
    for key, info in infos.items():
        table.add_row(
            key, f"{info.value:.6g}", info.unit, info.source, info.obtained, info.description
        )
    out.print(table)


@app.command("export-sbml")
def export_sbml_cmd(
    person: Annotated[str, typer.Option("--person", help="preset person")] = "healthy",
    out_file: Annotated[Path, typer.Option("--out", help="SBML file to write (.xml)")] = Path(
        "insulinsim.xml"
    ),
    insulin_action: Annotated[
        ActionName, typer.Option("--insulin-action", help="insulin action to export")
    ] = ActionName.phenomenological,
    protocol: Annotated[
        ProtocolName | None,
        typer.Option("--protocol", help="inputs to encode as SBML events (default: none)"),
    ] = None,
) -> None:
    """Write the fast model with a preset's parameters as SBML Level 3 (units, sources, events)."""
    from insulinsim.io import write_sbml

    try:
        proto = (
            _build_protocol(protocol, None, 1, None, None, 120.0, 45.0, None)
            if protocol is not None
            else None
        )
        path = write_sbml(person, out_file, proto, insulin_action=insulin_action.value)
    except InputError as e:
        _fail(e)
    out.print(f"wrote {path} (SBML Level 3, fast model of '{person}')")


# ---------------------------------------------------------------- years: progress and compare


def _run_progress(
    scenario_arg: str | None,
    person: str | None,
    years: float | None,
    step: float,
    people=None,
    names: list[str] | None = None,
):
    """Run a scenario; ``people`` (stacked Parameters) replaces the scenario's person."""
    from insulinsim.analysis import stage_trajectory
    from insulinsim.protocols import resolve_scenario, scenario_from_dict, scenario_person
    from insulinsim.solve import ProgressSettings, in_model_range, progress

    if scenario_arg is None:
        sc = scenario_from_dict(
            {
                "scenario": {
                    "name": f"{person or 'healthy'}, no change of risk factors",
                    "person": person or "healthy",
                    "years": years or 30.0,
                }
            }
        )
    else:
        sc = resolve_scenario(scenario_arg)
    if years is not None:
        check_range("--years", years, 0.5, 80.0, "years")
    if years is not None or person is not None:
        sc = sc.model_copy(update={"years": years or sc.years, "person": person or sc.person})
    check_range("--step-days", step, 1.0, 365.0, "days")
    p = scenario_person(sc) if people is None else people
    names = names or [sc.name]
    with err.status(f"Simulating {sc.years:g} years of '{sc.name}' for {len(names)} person(s)..."):
        ds = progress(p, sc, names=names, settings=ProgressSettings(step_days=step))
    if people is not None:  # a forecast: every sampled person kept, failures in their status
        return sc, stage_trajectory(ds, [sc.sex == "male"] * len(names))
    bad = ~in_model_range(ds.fasting_glucose.values[0], ds.glucose_2h.values[0])
    if bad.any():  # staging stops where the solve failed; the status says why
        j = int(np.argmax(bad))
        err.print(
            f"[red]{ds.status.values[0]}[/red]: staging the first {ds.time.values[j]:.1f} years"
        )
        ds = ds.isel(time=slice(0, max(j, 1)))
    return sc, stage_trajectory(ds, [sc.sex == "male"])


def _timeline_table(staged, title: str) -> Table:
    from insulinsim.analysis import transitions

    tr = transitions(staged)
    t = Table(title=title)
    for col in (
        "stage",
        "age",
        "fasting glucose",
        "2-h glucose",
        "fasting insulin",
        "HbA1c",
        "why",
    ):
        t.add_column(col)
    for _, r in tr.iterrows():
        if np.isnan(r["years"]):
            t.add_row(f"{r['stage']} {r['name']}", "not reached", "", "", "", "", "")
            continue
        t.add_row(
            f"{r['stage']} {r['name']}",
            f"{r['age']:.1f}",
            f"{r['fasting_glucose']:.0f} mg/dL",
            f"{r['glucose_2h']:.0f} mg/dL",
            f"{r['fasting_insulin']:.0f} pmol/L",
            f"{r['hba1c']:.1f} %",
            str(r["reason"]),
        )
    return t


_SNAPSHOT = (
    ("age", "{:.0f}"),
    ("stage", "{:d}"),
    ("fasting_glucose", "{:.0f}"),
    ("glucose_2h", "{:.0f}"),
    ("fasting_insulin", "{:.0f}"),
    ("hba1c", "{:.1f}"),
    ("homa_ir", "{:.2f}"),
    ("beta_mass", "{:.0f}"),
    ("surface_receptors_muscle", "{:.0f}"),
    ("weight", "{:.1f}"),
    ("liver_fat", "{:.1f}"),
)


def _snapshot_table(staged, every_years: float) -> Table:
    t = Table(title="Trajectory")
    for name, _ in _SNAPSHOT:
        unit = staged[name].attrs.get("units", "")
        t.add_column(f"{name}\n[dim]{unit}[/dim]" if unit else name, justify="right")
    years = staged.time.values
    marks = np.unique(
        [np.argmin(np.abs(years - y)) for y in np.arange(0, years[-1] + 1e-9, every_years)]
    )
    for j in marks:
        row = []
        for name, fmt in _SNAPSHOT:
            v = staged[name].values[0, j]
            row.append(fmt.format(int(v)) if fmt == "{:d}" else fmt.format(float(v)))
        t.add_row(*row)
    return t


def _evidence_table(sc) -> Table:
    from insulinsim.protocols import scenario_evidence

    t = Table(title="Effects that shaped this trajectory, with their evidence")
    for col in ("factor", "target", "effect", "evidence", "source"):
        t.add_column(col)
    for e in scenario_evidence(sc):
        t.add_row(e.factor, e.target, f"{e.value:g} {e.unit}", e.evidence, e.source)
    return t


def _progress_json(sc, staged) -> dict:
    from insulinsim.analysis import transitions
    from insulinsim.protocols import scenario_evidence

    tr = transitions(staged)
    keep = [v for v in staged.data_vars if staged[v].dtype.kind in "fiub" and staged[v].ndim == 2]
    return {
        "scenario": sc.model_dump(),
        "transitions": json.loads(tr.to_json(orient="records")),
        "trajectory": {
            "time_years": staged.time.values.tolist(),
            **{
                v: {
                    "units": staged[v].attrs.get("units", ""),
                    "values": staged[v].values[0].tolist(),
                }
                for v in keep
            },
            "stage_reason": staged.stage_reason.values[0].tolist(),
        },
        "evidence": [e.to_dict() for e in scenario_evidence(sc)],
        "status": str(staged.status.values[0]),
    }


@app.command("progress")
def progress_cmd(
    person: Annotated[
        str | None,
        typer.Option("--person", help="preset person (default: the scenario's, else healthy)"),
    ] = None,
    years: Annotated[
        float | None,
        typer.Option("--years", help="years to simulate (default: the scenario's, else 30)"),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", help="a scenario file (TOML) or a bundled scenario name"),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="write a multi-panel figure (.png/.svg/.pdf)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
    step_days: Annotated[
        float, typer.Option("--step-days", help="days between representative days")
    ] = 30.0,
    from_fit: Annotated[
        Path | None,
        typer.Option("--from-fit", help="a fit file from `insulinsim fit`: forecast that person"),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", help="with --from-fit: parameter sets drawn from the fit")
    ] = 50,
    seed: Annotated[int, typer.Option("--seed", help="seed of the parameter draws")] = 0,
) -> None:
    """Years of insulin resistance: stage timeline, trajectory and the evidence behind it.

    Bundled scenarios: sedentary_weight_gain, lifestyle_stage1, lifestyle_stage2,
    lifestyle_after_diagnosis, pcos, cushings, acromegaly, short_sleep, type1.
    With --from-fit the fitted person replaces the scenario's, and the fit's uncertainty is
    carried into the forecast by --samples parameter sets drawn from it.
    """
    from insulinsim.plotting import plot_progress

    try:
        if plot is not None and plot.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise InputError("--plot", str(plot), "a file ending in .png, .svg or .pdf")
        if from_fit is not None:
            if person is not None:
                raise InputError("--person", person, "no --person with --from-fit")
            _forecast(from_fit, scenario, years, step_days, samples, seed, as_json, plot)
            return
        sc, staged = _run_progress(scenario, person, years, step_days)
    except InputError as e:
        _fail(e)
    if as_json:
        sys.stdout.write(json.dumps(_progress_json(sc, staged)) + "\n")
    else:
        out.print(f"[bold]{sc.name}[/bold]: {sc.description}")
        out.print(_timeline_table(staged, "Stage timeline (first time each stage is reached)"))
        out.print(_snapshot_table(staged, max(1.0, round(sc.years / 10.0))))
        out.print(_evidence_table(sc))
        out.print(f"status: {staged.status.values[0]}")
        out.print("[dim]A research and teaching tool, not medical advice.[/dim]")
    if plot is not None:
        plot_progress(staged, plot)
        err.print(f"wrote {plot}")


def _load_fit(path: Path):
    from insulinsim.analysis import ModelFit

    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("--from-fit", str(path), "an existing fit file (.json)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(
            "--from-fit",
            str(path),
            "a JSON file written by `insulinsim fit`",
            f"it does not parse: {e}",
        ) from None
    if not isinstance(raw, dict):
        raise InputError("--from-fit", str(path), "a JSON object written by `insulinsim fit`")
    try:
        return ModelFit.from_dict(raw)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError) as e:
        raise InputError(
            "--from-fit", str(path), "a complete fit file", f"missing or bad {e}"
        ) from None


_FORECAST_QUANTILES = (5, 50, 95)


def _forecast(path, scenario, years, step_days, samples, seed, as_json, plot) -> None:
    """``progress --from-fit``: the fitted person and ``samples`` draws from the fit."""
    import jax

    from insulinsim.analysis import transitions
    from insulinsim.plotting import plot_progress

    check_range("--samples", samples, 1, 2000, "parameter sets")
    fit = _load_fit(path)
    draws = fit.sample(samples, seed)
    people = jax.tree.map(
        lambda a, b: np.concatenate([np.asarray(a, float)[None], np.asarray(b, float)]),
        fit.params,
        draws,
    )
    names = ["fitted"] + [f"draw{k}" for k in range(samples)]
    sc, staged = _run_progress(scenario, None, years, step_days, people=people, names=names)
    ok = np.array([str(s) == "ok" for s in staged.status.values])
    tr = transitions(staged)
    first = {}  # stage -> years to reach it, per person (NaN: not reached)
    for st in range(1, 5):
        col = np.full(len(names), np.nan)
        for _, r in tr[tr.stage == st].iterrows():
            col[names.index(str(r.person))] = float(r.years)
        first[st] = col
    draws_ok = ok[1:]
    summary = {
        "fit_file": str(path),
        "scenario": sc.name,
        "samples": samples,
        "seed": seed,
        "samples_failed": int((~draws_ok).sum()),
        "reached_by_end_percent": {
            str(st): float(100.0 * np.mean(np.isfinite(first[st][1:][draws_ok])))
            if draws_ok.any()
            else float("nan")
            for st in first
        },
        "years_to_stage_fitted": {
            str(st): None if not np.isfinite(first[st][0]) else float(first[st][0]) for st in first
        },
    }
    times = staged.time.values
    bands = {}
    for var in ("fasting_glucose", "glucose_2h", "hba1c"):
        if var in staged:
            vals = staged[var].values[1:][draws_ok]
            bands[var] = {
                "units": staged[var].attrs.get("units", ""),
                "time_years": times.tolist(),
                **{
                    f"p{q}": np.nanpercentile(vals, q, axis=0).tolist() for q in _FORECAST_QUANTILES
                },
                "fitted": staged[var].values[0].tolist(),
            }
    summary["bands"] = bands
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        out.print(
            f"[bold]Forecast of the fitted person[/bold] ({path}) under '{sc.name}', "
            f"{samples} parameter sets drawn from the fit (seed {seed})"
        )
        t = Table(title="Stages reached")
        for col in ("stage", "fitted person: years", "share of draws reaching it"):
            t.add_column(col)
        for st in first:
            y = summary["years_to_stage_fitted"][str(st)]
            t.add_row(
                str(st),
                "not reached" if y is None else f"{y:.1f}",
                f"{summary['reached_by_end_percent'][str(st)]:.0f} %",
            )
        out.print(t)
        b = Table(title="At the end: median (5th-95th percentile) of the draws")
        for col in ("quantity", "fitted", "draws"):
            b.add_column(col)
        for var, d in bands.items():
            b.add_row(
                f"{var} ({d['units']})",
                f"{d['fitted'][-1]:.1f}",
                f"{d['p50'][-1]:.1f} ({d['p5'][-1]:.1f}-{d['p95'][-1]:.1f})",
            )
        out.print(b)
        if summary["samples_failed"]:
            out.print(
                f"[yellow]{summary['samples_failed']} draws left the model's range "
                "(status not ok) and are left out of the bands[/yellow]"
            )
        out.print("[dim]A research and teaching tool, not medical advice.[/dim]")
    if plot is not None:
        plot_progress(staged.isel(person=[0]), plot)
        err.print(f"wrote {plot}")


@app.command("compare")
def compare_cmd(
    scenario_a: Annotated[str, typer.Argument(help="first scenario (file or bundled name)")],
    scenario_b: Annotated[str, typer.Argument(help="second scenario (file or bundled name)")],
    years: Annotated[float | None, typer.Option("--years", help="years to simulate")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="write a figure of both")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Two scenarios side by side: the age at each stage and the values at the end."""
    import xarray as xr

    from insulinsim.plotting import plot_progress

    try:
        if plot is not None and plot.suffix.lower() not in (".png", ".svg", ".pdf"):
            raise InputError("--plot", str(plot), "a file ending in .png, .svg or .pdf")
        runs = [_run_progress(s, None, years, 30.0) for s in (scenario_a, scenario_b)]
    except InputError as e:
        _fail(e)
    if as_json:
        sys.stdout.write(json.dumps([_progress_json(sc, st) for sc, st in runs]) + "\n")
    else:
        from insulinsim.analysis import transitions

        t = Table(title="Age at each stage")
        t.add_column("stage")
        for sc, _ in runs:
            t.add_column(sc.name, justify="right")
        trs = [transitions(st) for _, st in runs]
        for k in range(4):
            cells = []
            for tr in trs:
                r = tr.iloc[k]
                cells.append("not reached" if np.isnan(r["years"]) else f"{r['age']:.1f}")
            t.add_row(f"{trs[0].iloc[k]['stage']} {trs[0].iloc[k]['name']}", *cells)
        out.print(t)
        end = Table(title="At the end")
        end.add_column("quantity")
        for sc, _ in runs:
            end.add_column(sc.name, justify="right")
        for name, fmt in _SNAPSHOT:
            vals = []
            for _, st in runs:
                v = st[name].values[0, -1]
                vals.append(fmt.format(int(v)) if fmt == "{:d}" else fmt.format(float(v)))
            end.add_row(f"{name} ({runs[0][1][name].attrs.get('units', '')})", *vals)
        out.print(end)
        out.print("[dim]A research and teaching tool, not medical advice.[/dim]")
    if plot is not None:
        a, b = (st for _, st in runs)
        n = min(a.time.size, b.time.size)
        both = xr.concat(
            [a.isel(time=slice(0, n)), b.isel(time=slice(0, n)).assign_coords(time=a.time[:n])],
            "person",
        )
        plot_progress(both, plot, title=f"{runs[0][0].name} vs {runs[1][0].name}")
        err.print(f"wrote {plot}")


def main() -> None:
    """Entry point of the ``insulinsim`` script."""
    try:
        app()
    except InputError as e:  # pragma: no cover - commands catch their own
        _fail(e)
