"""``insulinsim validate``: the model against the published reference set, as a report.

Runs the validation cases of :mod:`insulinsim.analysis._validation` and writes, into the
report folder (``--out``):

- ``index.html``: self-contained (figures embedded as PNG): a summary, then per case its
  description, figure and table (quantity, published, model, tolerance, result, record,
  source), then every record used with its citation.
- ``validation.csv``: the table, one row per compared quantity.
- ``figures/<case>.png``: one figure per case (model vs published).

Everything is written into a hidden folder beside ``--out`` first and moved into place at the
end, so a failed run leaves the folder as it was. A row that misses its tolerance is a finding
about the model, not an error: the command exits 0 whatever the rows say, and 2 with one line
on bad input (unknown case, missing reference set, ``--out`` not a folder).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from insulinsim.cli._app import _fail, app, err, out
from insulinsim.errors import InputError

CSV_COLUMNS = (
    "case",
    "quantity",
    "published",
    "model",
    "tolerance",
    "result",
    "record_id",
    "source",
    "url",
)
HOW_TO_READ = "notes/validation.md"

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1250px; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.88em; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pass { color: #1a7f37; font-weight: 600; } .FAIL { color: #c62828; font-weight: 700; }
.info { color: #777; } .desc { white-space: pre-wrap; font-size: 0.9em; color: #444; }
img { max-width: 100%; border: 1px solid #eee; } .meta td { border: none; padding: 1px 8px; }
.small { font-size: 0.85em; color: #555; }
"""


def _source_short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _rich_table(cases) -> Table:
    t = Table(title="Validation against the published reference set")
    for col, just in (
        ("case", "left"),
        ("quantity", "left"),
        ("published", "right"),
        ("model", "right"),
        ("tolerance", "right"),
        ("result", "center"),
        ("record", "left"),
    ):
        t.add_column(col, justify=just, overflow="fold")
    style = {"pass": "green", "FAIL": "bold red", "info": "dim"}
    for c in cases:
        for r in c.rows:
            t.add_row(
                c.key,
                r.quantity,
                r.published,
                r.model,
                r.tolerance,
                f"[{style[r.result]}]{r.result}[/]",
                r.record,
            )
    return t


def _counts(cases) -> tuple[int, int, int]:
    rows = [r for c in cases for r in c.rows]
    n_pass = sum(r.result == "pass" for r in rows)
    n_fail = sum(r.result == "FAIL" for r in rows)
    return n_pass, n_fail, len(rows) - n_pass - n_fail


def _write_csv(path: Path, cases) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        for c in cases:
            for r in c.rows:
                w.writerow(
                    (
                        c.key,
                        r.quantity,
                        r.published,
                        r.model,
                        r.tolerance,
                        r.result,
                        r.record,
                        r.source,
                        r.url,
                    )
                )


def _link(url: str, text: str) -> str:
    e = html.escape(text)
    if url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}">{e}</a>'
    return e


def _record_html(rec: dict) -> str:
    src = rec.get("source") or {}
    src = {"citation": src} if isinstance(src, str) else src
    items = [
        ("quantity", rec.get("quantity", "")),
        ("population", rec.get("population", "")),
        ("protocol", rec.get("protocol", "")),
        ("unit", rec.get("unit", "")),
        ("evidence", rec.get("evidence", "")),
        ("locator", src.get("locator", "")),
        ("notes", rec.get("notes", "")),
    ]
    rows = "".join(f"<tr><th>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in items if v)
    rid = html.escape(rec["id"])
    cite = _link(str(src.get("url", "")), str(src.get("citation", "")))
    return f'<h3 id="rec-{rid}"><code>{rid}</code></h3><p>{cite}</p><table>{rows}</table>'


def _record_links(ids, code: bool = False) -> str:
    """Links to the records' entries at the end of the report."""
    tag = ("<code>", "</code>") if code else ("", "")
    return ", ".join(
        f'<a href="#rec-{html.escape(r)}">{tag[0]}{html.escape(r)}{tag[1]}</a>' for r in ids
    )


def _html(cases, pngs: dict[str, bytes], ref: dict, info: dict) -> str:
    n_pass, n_fail, n_info = _counts(cases)
    meta = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in info.items()
    )
    summary = "".join(
        f'<tr><td><a href="#case-{c.key}">{html.escape(c.title)}</a></td>'
        f'<td class="num">{c.n_scored}</td>'
        f'<td class="num {"FAIL" if c.n_failed else "pass"}">{c.n_failed}</td>'
        f"<td>{_record_links(c.records)}</td></tr>"
        for c in cases
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>insulinsim validation report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>insulinsim validation report</h1>",
        f'<p><span class="pass">{n_pass} pass</span>, <span class="FAIL">{n_fail} FAIL</span>, '
        f'<span class="info">{n_info} info</span> over {len(cases)} cases.</p>',
        f'<table class="meta">{meta}</table>',
        "<p class='small'>How to read this report: each row compares one model quantity with "
        "one published number from the reference set, within the tolerance of that record "
        "(relative ±%, absolute ±, or a [low, high] range; the case text justifies any other). "
        "<b>FAIL</b> is a finding about the model, to be explained or fixed in the model, "
        "never a reason to edit the reference; <i>info</i> rows are context, not scored. "
        f"Figures: lines are the model, black points the published values with their SD "
        f"(or published range), shaded bars the tolerance. See <code>{HOW_TO_READ}</code> "
        "in the insulinsim source repository.</p>",
        "<h2>Cases</h2><table><tr><th>case</th><th>scored rows</th><th>FAIL</th>"
        f"<th>records</th></tr>{summary}</table>",
    ]
    for c in cases:
        rows = "".join(
            "<tr>"
            f"<td>{html.escape(r.quantity)}</td>"
            f'<td class="num">{html.escape(r.published)}</td>'
            f'<td class="num">{html.escape(r.model)}</td>'
            f'<td class="num">{html.escape(r.tolerance)}</td>'
            f'<td class="{r.result}">{r.result}</td>'
            f"<td>{_record_links([r.record], code=True)}</td>"
            f'<td title="{html.escape(r.source, quote=True)}">'
            f"{_link(r.url, _source_short(r.source))}</td>"
            "</tr>"
            for r in c.rows
        )
        img = base64.b64encode(pngs[c.key]).decode("ascii")
        parts += [
            f'<h2 id="case-{c.key}">{html.escape(c.title)} '
            f"<small><code>{c.key}</code></small></h2>",
            f'<p class="desc">{html.escape(c.description)}</p>',
            f'<img alt="{html.escape(c.title, quote=True)}" src="data:image/png;base64,{img}">',
            "<table><tr><th>quantity</th><th>published</th><th>model</th><th>tolerance</th>"
            f"<th>result</th><th>record</th><th>source</th></tr>{rows}</table>",
        ]
    used: list[str] = []
    for c in cases:
        used += [r for r in c.records if r not in used]
    parts.append("<h2>Records</h2>")
    parts += [_record_html(ref[r]) for r in used if r in ref]
    parts.append("</body></html>")
    return "\n".join(parts)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _move_into(staging: Path, out_dir: Path) -> None:
    """Move the finished report from ``staging`` into ``out_dir`` (index.html last)."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    old = None
    figures = out_dir / "figures"
    if figures.is_dir():
        old = Path(tempfile.mkdtemp(prefix=".old-figures.", dir=out_dir))
        os.replace(figures, old / "figures")
    os.replace(staging / "figures", figures)
    os.replace(staging / "validation.csv", out_dir / "validation.csv")
    os.replace(staging / "index.html", out_dir / "index.html")
    shutil.rmtree(staging, ignore_errors=True)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@app.command("validate")
def validate_cmd(
    out_dir: Annotated[
        Path, typer.Option("--out", help="report folder (index.html, validation.csv, figures/)")
    ] = Path("validation_report"),
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            help="reference.json (default: ../shared/validation/reference.json from the "
            "current folder, then from the repository root)",
        ),
    ] = None,
    case: Annotated[
        list[str] | None,
        typer.Option("--case", help="run only this case (repeatable; see --list)"),
    ] = None,
    list_cases: Annotated[bool, typer.Option("--list", help="list the cases and exit")] = False,
) -> None:
    """Compare the model with published numbers; write an HTML/CSV report with figures.

    Rows that miss their tolerance are findings about the model: the exit status is 0 either
    way (2 on bad input).
    """
    from insulinsim.analysis._validation import (
        CASES,
        Simulations,
        find_reference,
        load_reference,
        run_case,
    )

    if list_cases:
        for key, spec in CASES.items():
            out.print(f"{key}: {spec.title}", highlight=False, soft_wrap=True)
        return
    try:
        ref_path = find_reference() if reference is None else reference
        ref = load_reference(ref_path)
        keys = list(dict.fromkeys(case)) if case else list(CASES)
        for k in keys:
            if k not in CASES:
                raise InputError("--case", k, "one of " + ", ".join(CASES), "see --list")
        if out_dir.exists() and not out_dir.is_dir():
            raise InputError("--out", str(out_dir), "a folder (existing or new)")
    except InputError as e:
        _fail(e)

    from insulinsim.io import package_version
    from insulinsim.plotting._validation import validation_png

    t0 = time.perf_counter()
    sims = Simulations()
    cases = []
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("validating", total=len(keys))
        for k in keys:
            progress.update(task, description=f"{CASES[k].title} (compiles on first use)")
            cases.append(run_case(k, sims, ref))
            progress.advance(task)
    elapsed = time.perf_counter() - t0

    ref_file = Path(ref_path).resolve()
    info = {
        "insulinsim version": package_version(),
        "created (UTC)": datetime.now(UTC).isoformat(timespec="seconds"),
        "reference set": str(ref_file),
        "reference SHA-256": _sha256(ref_file),
        "cases run": f"{len(cases)} of {len(CASES)}",
        "run time": f"{elapsed:.1f} s",
    }
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes 0700; give the usual folder mode
        (staging / "figures").mkdir()
        pngs = {}
        for c in cases:
            pngs[c.key] = validation_png(c)
            (staging / "figures" / f"{c.key}.png").write_bytes(pngs[c.key])
        _write_csv(staging / "validation.csv", cases)
        (staging / "index.html").write_text(_html(cases, pngs, ref, info), encoding="utf-8")
        _move_into(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

    out.print(_rich_table(cases))
    n_pass, n_fail, n_info = _counts(cases)
    colour = "red" if n_fail else "green"
    out.print(
        f"[{colour}]{n_pass} pass, {n_fail} FAIL[/] ({n_info} context rows) in {len(cases)} "
        f"cases, {elapsed:.1f} s. A FAIL is a finding about the model (see {HOW_TO_READ})."
    )
    out.print(f"Report written to [bold]{out_dir / 'index.html'}[/bold]", highlight=False)


__all__ = ["validate_cmd"]
