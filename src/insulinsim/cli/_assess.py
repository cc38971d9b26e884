"""``insulinsim assess`` and ``insulinsim fit``: one person's lab results, placed on the road
from health to diabetes, and a personal model fitted to their test curve."""

from __future__ import annotations

import base64
import html
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from insulinsim.cli._app import _fail, app, err, out
from insulinsim.errors import InputError

_FLAG = "lab value with its unit, e.g. "
_LabsOpt = Annotated[
    Path | None,
    typer.Option("--labs", help="lab results: a CSV (tidy or wide) or a FHIR R4 JSON bundle"),
]
_SubjectOpt = Annotated[
    str | None, typer.Option("--subject", help="the person to use when the file holds several")
]


def _opt(help_text: str):
    return typer.Option(help=help_text)


def _labs(labs_file: Path | None, subject: str | None, flags: dict[str, str | None]) -> list:
    """The lab results to work on: from a file (all people, or ``--subject``) or from flags."""
    from insulinsim.io import labs_from_flags, read_fhir, read_labs_csv

    given = {k: v for k, v in flags.items() if v not in (None, "") and k != "times_min"}
    if labs_file is not None:
        if given:
            raise InputError(
                "--labs",
                str(labs_file),
                "either a file or value flags, not both",
                f"drop --{next(iter(given)).replace('_', '-')} or --labs",
            )
        suffix = labs_file.suffix.lower()
        if suffix == ".csv":
            people = read_labs_csv(labs_file)
        elif suffix == ".json":
            people = read_fhir(labs_file)
        else:
            raise InputError("--labs", str(labs_file), "a .csv or a FHIR .json file")
        if subject is not None:
            if subject not in people:
                raise InputError("--subject", subject, "one of " + ", ".join(sorted(people)))
            return [people[subject]]
        return list(people.values())
    if not given:
        raise InputError(
            "lab results",
            None,
            "--labs FILE or at least one value flag (--glucose, --insulin, --hba1c, ...)",
            "see `insulinsim assess --help`",
        )
    return [labs_from_flags(subject_id=subject or "cli", **flags)]


def _index_table(a) -> Table:
    t = Table(title=f"Indices for {a.subject_id}")
    for col in ("index", "value", "unit", "", "reference", "source"):
        t.add_column(col, overflow="fold")
    marks = {"above": "[red]high[/red]", "below": "[red]low[/red]", "within": "ok", "compare": ""}
    for r in a.indices:
        t.add_row(r.label, f"{r.value:.3g}", r.unit, marks[r.flag], r.reference, r.source)
    return t


def _print_assessment(a) -> None:
    if a.indices:
        out.print(_index_table(a))
    if a.ada_category is not None:
        out.print(f"[bold]ADA category:[/bold] {a.ada_category} ({'; '.join(a.ada_reasons)})")
    ms = a.metabolic_syndrome
    if ms is not None:
        verdict = {True: "met", False: "not met", None: "undecided (criteria missing)"}[ms["met"]]
        out.print(
            f"[bold]Metabolic syndrome[/bold] (ATP III): {verdict}; criteria met: "
            f"{', '.join(ms['criteria_met']) or 'none'}"
            + (f"; missing: {', '.join(ms['criteria_missing'])}" if ms["criteria_missing"] else "")
        )
    st = a.stage
    head = "not assessable" if st.stage is None else f"stage {st.stage}: {st.name}"
    out.print(f"[bold]Most likely stage:[/bold] {head}")
    for e in st.evidence:
        out.print(f"  evidence: {e}", highlight=False)
    for e in st.neighbours:
        out.print(f"  neighbour: {e}", highlight=False)
    for e in st.missing:
        out.print(f"  would help: {e}", highlight=False)
    fm = a.fasting_model
    if fm is not None:
        out.print(
            f"[bold]Model-based fasting assessment[/bold]: hepatic insulin sensitivity "
            f"%S = {fm.percent_s:.0f} %, beta-cell function %B = {fm.percent_b:.0f} % "
            f"(relative to the {fm.reference_preset} preset; secretion from {fm.basis}; "
            f"{fm.structure_preset} glucose production)"
        )
    elif a.fasting_model_error:
        out.print(
            f"[yellow]Model-based fasting assessment not possible:[/yellow] "
            f"{a.fasting_model_error}",
            highlight=False,
        )
    out.print(a.explanation, highlight=False)
    out.print(f"[dim]{a.notice}[/dim]")


def _reference_ogtt():
    from insulinsim import parameters, simulate
    from insulinsim import protocols as P

    names = ["healthy", "t2d"]
    return simulate([parameters.person(n) for n in names], P.ogtt(), names=names)


def _report_html(items) -> str:
    """A self-contained HTML page (figures embedded as PNG data URIs) for assessments."""
    esc = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>insulinsim assessment</title><style>body{font-family:sans-serif;max-width:"
        "60em;margin:2em auto;padding:0 1em;line-height:1.45}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:.25em .5em;text-align:left}.bad{color:#b33}"
        ".notice{background:#f4f4f4;padding:.8em;border-left:4px solid #999}</style></head><body>",
        "<h1>Where these results fall on the road from health to diabetes</h1>",
    ]
    for a, figs in items:
        d = a.to_dict()
        st = d["stage"]
        parts.append(f"<h2>{esc(a.subject_id)}</h2>")
        stage = "not assessable" if st["stage"] is None else f"stage {st['stage']}: {st['name']}"
        parts.append(f"<p><strong>Most likely {esc(stage)}</strong></p>")
        parts.append(f"<p>{esc(a.explanation)}</p>")
        for key, alt in (
            ("stage", "The stage on the road from health (0) to diabetes (3) and complications"),
            ("curves", "The person's OGTT samples over the model's healthy and type 2 curves"),
            ("indices", "Each index relative to its reference cut-off"),
        ):
            if key in figs:
                data = base64.b64encode(figs[key]).decode("ascii")
                parts.append(f"<img alt='{esc(alt)}' src='data:image/png;base64,{data}'>")
        parts.append("<h3>Evidence</h3><ul>")
        parts += [f"<li>{esc(e)}</li>" for e in st["evidence"]]
        parts += [f"<li>neighbouring stage: {esc(e)}</li>" for e in st["neighbours"]]
        parts += [f"<li>would help: {esc(e)}</li>" for e in st["missing"]]
        parts.append("</ul>")
        if d["indices"]:
            parts.append(
                "<h3>Indices</h3><table><tr><th>index</th><th>value</th><th>unit</th>"
                "<th>reference</th><th>source</th></tr>"
            )
            for r in d["indices"]:
                cls = " class='bad'" if r["flag"] in ("above", "below") else ""
                parts.append(
                    f"<tr{cls}><td>{esc(r['label'])}</td><td>{r['value']:.3g}</td>"
                    f"<td>{esc(r['unit'])}</td><td>{esc(r['reference'])}</td>"
                    f"<td>{esc(r['source'])}</td></tr>"
                )
            parts.append("</table>")
        if d["ada_category"]:
            parts.append(
                f"<p>ADA category: <strong>{esc(d['ada_category'])}</strong> "
                f"({esc('; '.join(d['ada_reasons']))})</p>"
            )
        fm = d["fasting_model"]
        if fm:
            parts.append(
                f"<p>Model-based fasting assessment: hepatic insulin sensitivity "
                f"{fm['percent_s']:.0f} %, beta-cell function {fm['percent_b']:.0f} % of the "
                f"{esc(fm['reference_preset'])} preset.</p>"
            )
        parts.append(f"<p class='notice'>{esc(a.notice)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


@app.command("assess")
def assess_cmd(
    labs_file: _LabsOpt = None,
    subject: _SubjectOpt = None,
    glucose: Annotated[str | None, _opt(_FLAG + "'5.6 mmol/L' or '95, 160, 140 mg/dL'")] = None,
    insulin: Annotated[str | None, _opt(_FLAG + "'9 uU/mL' or '60 pmol/L'")] = None,
    cpeptide: Annotated[str | None, _opt(_FLAG + "'0.7 nmol/L' or '2.1 ng/mL'")] = None,
    hba1c: Annotated[str | None, _opt(_FLAG + "'5.9 %' or '41 mmol/mol'")] = None,
    tg: Annotated[str | None, _opt(_FLAG + "'150 mg/dL' or '1.7 mmol/L'")] = None,
    hdl: Annotated[str | None, _opt(_FLAG + "'45 mg/dL' or '1.1 mmol/L'")] = None,
    waist: Annotated[str | None, _opt(_FLAG + "'98 cm'")] = None,
    sbp: Annotated[str | None, _opt(_FLAG + "'128 mmHg'")] = None,
    dbp: Annotated[str | None, _opt(_FLAG + "'82 mmHg'")] = None,
    weight: Annotated[str | None, _opt(_FLAG + "'84 kg'")] = None,
    height: Annotated[str | None, _opt(_FLAG + "'176 cm'")] = None,
    age: Annotated[str | None, _opt("age in years, e.g. '52'")] = None,
    sex: Annotated[str | None, _opt("male or female")] = None,
    times_min: Annotated[
        str | None, _opt("sample times for curves, e.g. '0,30,60,90,120' (min)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of text")] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="write a self-contained HTML report")
    ] = None,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="skip the model-based fasting assessment")
    ] = False,
) -> None:
    """Where do these lab results fall? Indices, ADA category, metabolic syndrome, the most
    likely stage and a model-based %S/%B. Not medical advice.

    Give a file (--labs results.csv or a FHIR bundle .json) or the values as flags with their
    units, e.g. `insulinsim assess --glucose "5.6 mmol/L" --insulin "14 uU/mL" --hba1c "5.9 %"`.
    """
    from insulinsim.analysis import assess

    flags = {
        "glucose": glucose, "insulin": insulin, "cpeptide": cpeptide, "hba1c": hba1c,
        "tg": tg, "hdl": hdl, "waist": waist, "sbp": sbp, "dbp": dbp, "weight": weight,
        "height": height, "age": age, "sex": sex, "times_min": times_min,
    }  # fmt: skip
    try:
        if report is not None and report.suffix.lower() not in (".html", ".htm"):
            raise InputError("--report", str(report), "a file ending in .html")
        people = _labs(labs_file, subject, flags)
        with err.status(f"Assessing {len(people)} person(s)..."):
            results = [(lab, assess(lab, model=not no_model)) for lab in people]
    except InputError as e:
        _fail(e)
    if as_json:
        payload = [a.to_dict() for _, a in results]
        sys.stdout.write(json.dumps(payload[0] if len(payload) == 1 else payload) + "\n")
    else:
        for _, a in results:
            _print_assessment(a)
    if report is not None:
        from insulinsim._files import write_atomically
        from insulinsim.plotting import assessment_figures

        with err.status("Writing the report (simulating the reference OGTTs)..."):
            refs = _reference_ogtt()
            items = [(a, assessment_figures(a, lab, refs)) for lab, a in results]
            page = _report_html(items)
            write_atomically(report, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
        err.print(f"wrote {report}")


@app.command("fit")
def fit_cmd(
    out_file: Annotated[Path, typer.Option("--out", help="where to write the fit (.json)")],
    labs_file: _LabsOpt = None,
    subject: _SubjectOpt = None,
    glucose: Annotated[str | None, _opt(_FLAG + "'90, 150, 160, 140, 120 mg/dL'")] = None,
    insulin: Annotated[str | None, _opt(_FLAG + "'40, 300, 350, 280, 220 pmol/L'")] = None,
    times_min: Annotated[
        str | None, _opt("sample times, e.g. '0,30,60,90,120' (min)")
    ] = "0,30,60,90,120",
    base: Annotated[str, typer.Option(help="preset whose other parameters are kept")] = "healthy",
    estimate: Annotated[
        str | None,
        typer.Option(
            help="comma-separated handles to estimate (default: V_mx,k_p3,beta_cell,"
            "clearance); see insulinsim.analysis.HANDLES"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
) -> None:
    """Fit the fast model to one person's 75-g OGTT (glucose and insulin): sensitivities,
    secretion and clearance with 95% intervals and identifiability warnings.

    The fit file feeds `insulinsim progress --from-fit FILE`, which carries the uncertainty
    into the forecast.
    """
    from insulinsim import parameters
    from insulinsim._files import write_atomically
    from insulinsim.analysis import DEFAULT_ESTIMATE, FitError, fit_ogtt

    try:
        if out_file.suffix.lower() != ".json":
            raise InputError("--out", str(out_file), "a file ending in .json")
        if base not in parameters.PRESETS:
            raise InputError("--base", base, "one of " + ", ".join(parameters.PRESETS))
        flags = {"glucose": glucose, "insulin": insulin}
        flags["times_min"] = times_min if (glucose or insulin) else None
        people = _labs(labs_file, subject, flags)
        if len(people) != 1:
            raise InputError(
                "--subject",
                None,
                "one person: the file holds " + ", ".join(p.subject_id for p in people),
                "choose one with --subject",
            )
        lab = people[0]
        if lab.glucose_mg_dl is None or lab.insulin_pmol_l is None or len(lab.times_min) < 3:
            raise InputError(
                "lab results",
                lab.subject_id,
                "glucose and insulin at 3 or more OGTT sample times (0 min included)",
                "give --glucose and --insulin with --times-min, or a file with an OGTT",
            )
        names = tuple(x.strip() for x in estimate.split(",")) if estimate else DEFAULT_ESTIMATE
        nan = float("nan")
        g = [nan if v is None else v for v in lab.glucose_mg_dl]
        i = [nan if v is None else v for v in lab.insulin_pmol_l]
        with err.status("Fitting the model to the OGTT (compiles on first run)..."):
            fit = fit_ogtt(lab.times_min, g, i, base=parameters.person(base), estimate=names)
    except FitError as e:
        err.print(f"error: the fit did not converge: {e}", markup=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    except InputError as e:
        _fail(e)
    payload = {**fit.to_dict(), "subject_id": lab.subject_id, "base_preset": base}
    text = json.dumps(payload, indent=1)
    write_atomically(out_file, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    if as_json:
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    t = Table(title=f"Model fit to {lab.subject_id}'s OGTT (base: {base})")
    for col in ("estimate", "value", "95% interval", "CV %"):
        t.add_column(col)
    ci, cv = fit.ci95, fit.cv_percent
    for n, v in fit.estimates.items():
        unit = {"G_b": " mg/dL", "I_b": " pmol/L"}.get(n, " x base")
        t.add_row(n, f"{v:.3g}{unit}", f"{ci[n][0]:.3g}-{ci[n][1]:.3g}", f"{cv[n]:.0f}")
    out.print(t)
    for w in fit.warnings:
        out.print(f"[yellow]identifiability:[/yellow] {w}", highlight=False)
    out.print(f"residual variance ratio {fit.sigma2:.2f} (about 1 when the model fits the data)")
    out.print(f"wrote {out_file}; forecast with `insulinsim progress --from-fit {out_file}`")
    out.print("[dim]A research and teaching tool, not medical advice.[/dim]")
