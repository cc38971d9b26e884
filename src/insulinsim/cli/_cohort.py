"""``insulinsim`` commands: cohort and cohort-summary (registered on the shared Typer app)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from insulinsim.cli._app import _fail, app, err, out
from insulinsim.errors import InputError


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]cohort[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("people"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


@app.command("cohort")
def cohort_cmd(
    n: Annotated[int, typer.Option("--n", help="number of virtual adults")],
    years: Annotated[float, typer.Option("--years", help="years to simulate from each age")],
    out_dir: Annotated[Path, typer.Option("--out", help="cohort folder (new, or to resume)")],
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            help="scenario file or bundled name applied to everyone (its risk courses replace "
            "the personal levels of the factors they set; interventions add)",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="seed of the virtual population")] = 0,
    step_days: Annotated[
        float, typer.Option("--step-days", help="days between representative days")
    ] = 30.0,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", help="people per compiled chunk and Parquet part")
    ] = 256,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            help="worker processes of the local Dask cluster (default: one per core, at most "
            "8); 0 runs in this process without Dask",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="tcp://HOST:PORT of an existing Dask scheduler"),
    ] = None,
    physiology_scale: Annotated[
        float | None,
        typer.Option(
            "--physiology-scale",
            help="spread of intrinsic insulin sensitivity and secretion, as a fraction of the "
            "published spread (default: population.toml, 0)",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Simulate a virtual cohort of US adults for years, in chunks, into Parquet.

    Each person is drawn from published population distributions (data/population.toml) and
    simulated from their own age. The folder can be resumed: run the same command again after
    an interruption and only the missing chunks are computed. Summarise with
    `insulinsim cohort-summary DIR`.
    """
    from insulinsim.cohort import CohortSpec, run_cohort
    from insulinsim.cohort._dask import check_address
    from insulinsim.protocols import resolve_scenario

    try:
        if workers is not None and scheduler is not None:
            raise InputError(
                "--workers", workers, "not together with --scheduler", "the cluster has its own"
            )
        if workers is not None and not 0 <= workers <= 256:
            raise InputError("--workers", workers, "[0, 256] workers")
        if scheduler is not None:
            check_address(scheduler)
        sc = None
        if scenario is not None:
            sc = resolve_scenario(scenario).model_dump(mode="json")
        spec = CohortSpec(
            n=n,
            years=years,
            seed=seed,
            scenario=sc,
            step_days=step_days,
            chunk_size=min(chunk_size, max(n, 1)) if 1 <= chunk_size <= 4096 else chunk_size,
            physiology_scale=physiology_scale,
        )
        if sc is not None:
            err.print(
                f"scenario '{sc['name']}': its risk courses and interventions apply to everyone; "
                "its sex and age are replaced by each person's own",
                markup=False,
                highlight=False,
            )
        bar = None if quiet else _progress_bar()
        task = None

        def on_chunk(p):
            nonlocal task
            if bar is None:
                return
            rate = f"{p.person_years_per_s:.0f} person-years/s" if p.chunk >= 0 else ""
            if task is None:  # the first report comes once the cluster is up
                bar.start()
                task = bar.add_task("cohort", total=p.people_total, rate=rate)
            bar.update(task, completed=p.people_done, rate=rate)

        try:
            summary = run_cohort(
                out_dir, spec, scheduler=scheduler, workers=workers, on_chunk=on_chunk
            )
        finally:
            if bar is not None and task is not None:
                bar.stop()
    except InputError as e:
        _fail(e)
    except KeyboardInterrupt:
        err.print(
            f"interrupted: finished chunks are kept in {out_dir}; run the same command again "
            "to resume",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(code=130) from None
    resumed = f", {summary['resumed']} resumed" if summary["resumed"] else ""
    out.print(
        f"{spec.n} people x {spec.years:g} years in {spec.n_chunks} chunks "
        f"({summary['computed']} computed{resumed}) -> {out_dir}"
    )
    if summary["computed"]:
        out.print(f"{summary['seconds']:.1f} s, {summary['person_years_per_s']:.0f} person-years/s")
    out.print(f"next: insulinsim cohort-summary {out_dir}")


def _table(df, title: str, pct_cols) -> Table:
    t = Table(title=title)
    t.add_column("group")
    t.add_column("n", justify="right")
    for c in pct_cols:
        t.add_column(c, justify="right")
    for _, r in df.iterrows():
        cells = [f"{100 * r[c]:.1f} %" if not math.isnan(r[c]) else "-" for c in pct_cols]
        t.add_row(str(r["group"]), str(int(r["n"])), *cells)
    return t


@app.command("cohort-summary")
def cohort_summary_cmd(
    folder: Annotated[Path, typer.Argument(help="a cohort folder written by `insulinsim cohort`")],
    at: Annotated[
        str, typer.Option("--at", help="'start', 'end' or a time in years from the start")
    ] = "end",
    figures: Annotated[
        Path | None, typer.Option("--figures", help="write PNG figures into this folder")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
) -> None:
    """Prevalence of each stage, insulin resistance by HOMA-IR cut-offs, prediabetes and
    diabetes by age band and sex, metabolic health, and the published survey figures beside
    the cohort's."""
    from insulinsim.cohort import cohort_summary, survey_records

    try:
        if not folder.is_dir():
            raise InputError("DIR", str(folder), "an existing cohort folder")
        s = cohort_summary(folder, at)
        if figures is not None and figures.exists() and not figures.is_dir():
            raise InputError("--figures", str(figures), "a folder")
    except InputError as e:
        _fail(e)
    comparison = _survey_comparison(s, survey_records())
    if as_json:
        payload = {
            "time_years": s.time,
            "n": s.n,
            "excluded": s.excluded,
            "stages": s.stages.to_dict(orient="records"),
            "homa_ir": s.homa.to_dict(orient="records"),
            "glycaemia": s.glycaemia.to_dict(orient="records"),
            "metabolic_health": s.metabolic_health.to_dict(orient="records"),
            "age_trend": s.age_trend,
            "survey_comparison": comparison,
        }
        sys.stdout.write(json.dumps(payload, default=_nan_none) + "\n")
    else:
        out.print(
            f"[bold]{folder}[/bold] at year {s.time:g}: {s.n} people "
            f"({s.excluded} outside the model's range, left out)"
        )
        stage_cols = [c for c in s.stages.columns if c.startswith("stage")]
        out.print(_table(s.stages, "Stage of insulin resistance", stage_cols))
        out.print(_table(s.homa, "Insulin resistance by HOMA1-IR cut-off", s.homa.columns[2:]))
        out.print(
            _table(
                s.glycaemia,
                "Glycaemia (survey definition: fasting glucose and HbA1c; beside it with OGTT)",
                s.glycaemia.columns[2:],
            )
        )
        out.print(
            _table(
                s.metabolic_health, "Metabolically healthy (Araujo 2019)", ["metabolically healthy"]
            )
        )
        t = Table(title="Published survey figures beside the cohort (population_validation.toml)")
        for c in ("figure", "group", "published (95 % CI)", "cohort"):
            t.add_column(c)
        for r in comparison:
            t.add_row(r["id"], r["group"], r["published"], r["cohort"])
        out.print(t)
        out.print("[dim]A research and teaching tool, not medical advice.[/dim]")
    if figures is not None:
        from insulinsim.cohort import plot_cohort_summary

        for p in plot_cohort_summary(folder, s, figures):
            err.print(f"wrote {p}", markup=False, highlight=False)


def _nan_none(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    return str(x)


def _survey_comparison(s, records) -> list[dict]:
    """Each survey figure with the cohort's value of the same quantity and group."""
    from insulinsim.cohort._summary import survey_value

    rows = []
    for r in records:
        v, n = survey_value(s, r)
        if r["category"] == "age_trend":
            pub = f"{r['value']:g} {r.get('unit', '')} (sign {r['sign']:+d})"
            coh = f"HOMA-IR {100 * s.age_trend['homa_ir']:+.1f} %/decade"
        else:
            lo, hi = r.get("ci95", [math.nan, math.nan])
            pub = f"{100 * r['value']:.1f} % ({100 * lo:.1f}-{100 * hi:.1f})"
            coh = "-" if v is None or math.isnan(v) else f"{100 * v:.1f} % (n={n})"
        group = ", ".join(f"{k}={x}" for k, x in r.get("group", {}).items()) or "all"
        rows.append(
            {
                "id": r["id"],
                "quantity": r["quantity"],
                "group": group,
                "published": pub,
                "cohort": coh,
                "cohort_value": v,
                "source": r["source"],
            }
        )
    return rows


def _trial_file(name: str) -> Path:
    from importlib import resources

    p = Path(name)
    if p.suffix.lower() == ".toml" or p.exists():
        return p
    bundled = resources.files("insulinsim") / "data" / "trials" / f"{name}.toml"
    if not bundled.is_file():
        known = sorted(
            f.name[:-5]
            for f in (resources.files("insulinsim") / "data" / "trials").iterdir()
            if f.name.endswith(".toml")
        )
        raise InputError(
            "trial", name, "a trial file (.toml) or a bundled trial: " + ", ".join(known)
        )
    return Path(str(bundled))


@app.command("trial")
def trial_cmd(
    trial: Annotated[str, typer.Argument(help="a trial file (TOML) or a bundled trial: dpp")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="folder for the tables and the figure")
    ] = None,
    screen: Annotated[
        int | None, typer.Option("--screen", help="people screened (overrides the file)")
    ] = None,
    years: Annotated[
        float | None, typer.Option("--years", help="follow-up in years (overrides the file)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
) -> None:
    """A virtual trial: screen virtual people, randomise the eligible to the arms, follow them,
    and report incidence per 100 person-years, rate ratios and risk reductions with 95 %
    intervals and Kaplan-Meier curves. See src/insulinsim/data/trials/dpp.toml."""
    from insulinsim._files import write_atomically
    from insulinsim.cohort import load_trial, run_trial
    from insulinsim.plotting import plot_trial

    try:
        spec = load_trial(_trial_file(trial))
        update = {}
        if screen is not None:
            update["screen"] = screen
        if years is not None:
            update["years"] = years
        if update:
            spec = type(spec)(**{**spec.model_dump(), **update})
        if out_dir is not None and out_dir.exists() and any(out_dir.iterdir()):
            raise InputError("--out", str(out_dir), "a new or empty folder")
        with Progress(
            TextColumn("[bold]{task.description}[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            tasks: dict[str, int] = {}

            def tick(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total)
                bar.update(tasks[phase], completed=done)

            res = run_trial(spec, on_progress=tick)
    except InputError as e:
        _fail(e)
    except ValueError as e:  # pydantic, from the overrides
        _fail(InputError("--screen/--years", (screen, years), str(e).splitlines()[-1]))
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(out_dir / "rates.csv", lambda t: res.rates.to_csv(t, index=False))
        write_atomically(
            out_dir / "comparisons.csv", lambda t: res.comparisons.to_csv(t, index=False)
        )
        write_atomically(out_dir / "participants.parquet", lambda t: res.participants.to_parquet(t))
        plot_trial(res.km, out_dir / "kaplan_meier.png", title=spec.name)
    if as_json:
        sys.stdout.write(json.dumps(res.to_dict()) + "\n")
        return
    out.print(f"[bold]{spec.name}[/bold]: {res.screened} screened, {res.eligible} eligible, "
              f"{len(res.participants)} randomised, {spec.years:g} years")  # fmt: skip
    pub = (spec.published or {}).get("incidence_per_100py", {})
    t = Table(title="Incidence of diabetes")
    for col in ("arm", "n", "events", "person-years", "per 100 py (95% CI)", "published"):
        t.add_column(col)
    for r in res.rates.itertuples():
        t.add_row(r.arm, str(r.n), str(r.events), f"{r.person_years:.0f}",
                  f"{r.per_100py:.1f} ({r.ci_low:.1f}-{r.ci_high:.1f})",
                  str(pub.get(r.arm, "")))  # fmt: skip
    out.print(t)
    pubr = (spec.published or {}).get("reduction_percent", {})
    c = Table(title=f"Against {spec.control}")
    for col in ("arm", "rate ratio (95% CI)", "reduction % (95% CI)", "published reduction %"):
        c.add_column(col)
    for r in res.comparisons.itertuples():
        c.add_row(r.arm, f"{r.rate_ratio:.2f} ({r.ci_low:.2f}-{r.ci_high:.2f})",
                  f"{r.reduction_percent:.0f} ({r.reduction_ci_low:.0f} to "
                  f"{r.reduction_ci_high:.0f})", str(pubr.get(r.arm, "")))  # fmt: skip
    out.print(c)
    if spec.published:
        out.print(
            f"[dim]published: {spec.published.get('source', '')} "
            f"({spec.published.get('locator', '')}); for comparison only[/dim]"
        )
    if out_dir is not None:
        out.print(
            f"wrote {out_dir}/rates.csv, comparisons.csv, participants.parquet, kaplan_meier.png"
        )
    out.print("[dim]A research and teaching tool, not medical advice.[/dim]")
