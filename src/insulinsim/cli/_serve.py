"""``insulinsim serve`` (the offline web explorer) and ``insulinsim report`` (a self-contained
HTML report of a scenario), registered on the shared Typer app."""

from __future__ import annotations

import base64
import html
import tempfile
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from insulinsim.cli._app import _fail, app, err, out
from insulinsim.errors import InputError, check_range

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("serve")
def serve_cmd(
    host: Annotated[
        str, typer.Option("--host", help="interface to listen on (loopback by default)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
    no_warm: Annotated[
        bool, typer.Option("--no-warm", help="do not compile the simulations at startup")
    ] = False,
) -> None:
    """Start the offline web explorer (open http://HOST:PORT/ in a browser).

    Everything it needs, plotly.js included, is served from the installed package: it works
    with no internet. It listens on the loopback interface unless --host says otherwise.
    """
    import uvicorn

    from insulinsim.web import create_app

    try:
        check_range("--port", port, 1, 65535, "")
    except InputError as e:
        _fail(e)
    if host not in _LOOPBACK:
        err.print(
            f"[yellow]warning:[/yellow] listening on {host}: other computers can reach the "
            "explorer (there is no authentication)"
        )
    out.print(f"insulinsim explorer on [bold]http://{host}:{port}/[/bold] (Ctrl-C stops it)")
    out.print("[dim]A research and teaching tool, not medical advice.[/dim]")
    uvicorn.run(create_app(warm=not no_warm), host=host, port=port, log_level="info")


def _png(plot_fn, *args, **kwargs) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "figure.png"
        plot_fn(*args, path, **kwargs)
        return path.read_bytes()


def _img(data: bytes, alt: str) -> str:
    b64 = base64.b64encode(data).decode("ascii")
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{b64}'>"


_STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.25em .5em;"
    "text-align:left}img{max-width:100%}.notice{background:#f4f4f4;padding:.8em;"
    "border-left:4px solid #999}"
)


def _table(header, rows) -> str:
    esc = html.escape
    h = "<table><tr>" + "".join(f"<th>{esc(str(c))}</th>" for c in header) + "</tr>"
    for r in rows:
        h += "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in r) + "</tr>"
    return h + "</table>"


def report_html(title, sc, staged, ogtt_png, organs_png, organ_rows, progress_png) -> str:
    """The report page: every figure embedded as a PNG data URI (no external resources)."""
    from insulinsim.analysis import transitions
    from insulinsim.protocols import scenario_evidence

    esc = html.escape
    tr = transitions(staged)
    stages = [
        (
            f"{int(r['stage'])} {r['name']}",
            "not reached" if np.isnan(r["years"]) else f"{r['age']:.1f}",
            "" if np.isnan(r["years"]) else str(r["reason"]),
        )
        for _, r in tr.iterrows()
    ]
    end = []
    for var in ("fasting_glucose", "glucose_2h", "fasting_insulin", "hba1c", "homa_ir", "weight"):
        if var in staged:
            v = staged[var].values[0]
            end.append(
                (var.replace("_", " "), staged[var].attrs.get("units", ""), f"{v[0]:.3g}",
                 f"{v[-1]:.3g}")
            )  # fmt: skip
    evidence = [
        (e.factor, e.target, f"{e.value:g} {e.unit}", e.evidence, f"{e.source} {e.locator}")
        for e in scenario_evidence(sc)
    ]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p><strong>{esc(sc.name)}</strong>: {esc(sc.description)}</p>",
        f"<p>{sc.sex}, {sc.age:g} years at the start, {sc.years:g} years simulated; "
        f"status: {esc(str(staged.status.values[0]))}.</p>",
        "<h2>The years: trajectory with the stages shaded</h2>",
        _img(progress_png, "Trajectories over the years with the four stages shaded"),
        "<h2>Age at each stage</h2>",
        _table(("stage", "age reached", "why"), stages),
        "<h2>Start and end</h2>",
        _table(("quantity", "unit", "start", "end"), end),
        "<h2>A 75-g OGTT: healthy vs this person (at the start)</h2>",
        _img(ogtt_png, "OGTT glucose, insulin and glucose disposal by organ"),
        "<h2>Organs over a day of meals: healthy vs this person (at the start)</h2>",
        _img(organs_png, "Each organ's daily mean response relative to the healthy person"),
        _table(("organ", "unit", "healthy", "this person"), organ_rows),
        "<h2>Effects behind this trajectory, with their evidence</h2>",
        _table(("factor", "target", "effect", "evidence", "source"), evidence),
        "<p class='notice'>A research and teaching tool, not medical advice. Made by "
        "insulinsim.</p></body></html>",
    ]
    return "\n".join(parts)


@app.command("report")
def report_cmd(
    out_file: Annotated[Path, typer.Option("--out", help="the report to write (.html)")],
    person: Annotated[
        str | None, typer.Option("--person", help="preset person (default: healthy)")
    ] = None,
    from_fit: Annotated[
        Path | None, typer.Option("--from-fit", help="a fit file from `insulinsim fit`")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", help="a scenario file (TOML) or a bundled scenario name"),
    ] = None,
    years: Annotated[float | None, typer.Option("--years", help="years to simulate")] = None,
    step_days: Annotated[
        float, typer.Option("--step-days", help="days between representative days")
    ] = 30.0,
) -> None:
    """Write a self-contained HTML report (figures embedded) of a scenario for a preset person
    or a fitted one: the years with their stages, an OGTT and the organs."""
    import jax

    from insulinsim import parameters, simulate
    from insulinsim import protocols as P
    from insulinsim._files import write_atomically
    from insulinsim.analysis import organ_table
    from insulinsim.cli._app import _load_fit, _run_progress
    from insulinsim.model import Mechanistic
    from insulinsim.plotting import plot_organ_table, plot_progress, plot_result

    try:
        if out_file.suffix.lower() not in (".html", ".htm"):
            raise InputError("--out", str(out_file), "a file ending in .html")
        if person is not None and from_fit is not None:
            raise InputError("--person", person, "either --person or --from-fit, not both")
        if person is not None and person not in parameters.PRESETS:
            raise InputError("--person", person, "one of " + ", ".join(parameters.PRESETS))
        if from_fit is not None:
            fit = _load_fit(from_fit)
            who = f"the person fitted in {from_fit.name}"
            p = fit.params
            people = jax.tree.map(lambda a: np.asarray(a, float)[None], p)
            sc, staged = _run_progress(scenario, None, years, step_days, people, ["fitted"])
        else:
            sc, staged = _run_progress(scenario, person, years, step_days)
            who = sc.person
            p = P.scenario_person(sc)
    except InputError as e:
        _fail(e)
    healthy = parameters.person("healthy")
    with err.status("Simulating the OGTT and a day of meals..."):
        ogtt = simulate([healthy, p], P.ogtt(), names=["healthy", who])
        day = simulate([healthy, p], P.standard_day(), names=["healthy", who], action=Mechanistic())
        table = organ_table(day, [healthy, p])
        figs = (
            _png(plot_result, ogtt, title=f"75-g OGTT: healthy vs {who}"),
            _png(plot_organ_table, table),
            _png(plot_progress, staged, title=sc.name),
        )
    rows = [(o, u, f"{row.iloc[0]:.3g}", f"{row.iloc[1]:.3g}") for (o, u), row in table.iterrows()]
    page = report_html(f"insulinsim report: {who}", sc, staged, figs[0], figs[1], rows, figs[2])
    write_atomically(out_file, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    out.print(f"wrote {out_file}")
