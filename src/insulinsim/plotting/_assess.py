"""Figures of a personal assessment: the person's curve against model references, the indices
against their reference ranges, and the stage on the road from health to diabetes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import xarray as xr

from insulinsim.analysis import reference_ranges
from insulinsim.plotting._figures import OKABE_ITO

__all__ = ["assessment_figures"]

_STAGE_NAMES = ("0 healthy", "1 compensated", "2 prediabetes", "3 diabetes", "4 complications")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=110)
    finally:
        plt.close(fig)
    return buf.getvalue()


def _curves(labs, references: xr.Dataset | None) -> bytes | None:
    """The person's glucose and insulin samples over the model OGTT of the reference presets."""
    t_g, g = labs.series("glucose")
    t_i, ins = labs.series("insulin")
    if t_g.size < 2 and t_i.size < 2:
        return None
    fig, (ax_g, ax_i) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    if references is not None:
        t = references.time.values
        for k, name in enumerate(str(p) for p in references.person.values):
            c = OKABE_ITO[(0, 2, 3)[k % 3]]
            ls = ("--", ":", "-.")[k % 3]
            ax_g.plot(t, references.glucose.values[k], color=c, ls=ls, lw=2, label=f"model: {name}")
            ax_i.plot(t, references.insulin.values[k], color=c, ls=ls, lw=2, label=f"model: {name}")
    ax_g.plot(t_g, g, "o-", color=OKABE_ITO[7], lw=2, ms=7, label="your results")
    if t_i.size:
        ax_i.plot(t_i, ins, "o-", color=OKABE_ITO[7], lw=2, ms=7, label="your results")
    ax_g.axhline(140, color="grey", ls=":", lw=1)
    ax_g.axhline(200, color="grey", ls=":", lw=1)
    ax_g.set(xlabel="time (min)", ylabel="plasma glucose (mg/dL)", title="Glucose")
    ax_i.set(xlabel="time (min)", ylabel="plasma insulin (pmol/L)", title="Insulin")
    for ax in (ax_g, ax_i):
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=8)
    fig.suptitle("Your curve against the model's healthy and type 2 references (75-g OGTT)")
    return _png(fig)


def _indices(assessment) -> bytes | None:
    """Each index with a cut-off as its ratio to the cut-off (1 = at the cut-off)."""
    ranges = reference_ranges()
    rows = [r for r in assessment.indices if ranges[r.name]["kind"] != "groups"]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(rows) + 1.5), constrained_layout=True)
    for k, r in enumerate(rows):
        cut = float(ranges[r.name]["value"])
        ratio = r.value / cut
        colour = OKABE_ITO[2] if r.flag in ("above", "below") else OKABE_ITO[3]
        ax.barh(k, ratio, color=colour)
        side = "higher is worse" if ranges[r.name]["kind"] == "upper" else "lower is worse"
        ax.text(ratio, k, f" {r.value:.3g} ({side})", va="center", fontsize=8)
    ax.axvline(1.0, color="black", lw=1)
    ax.set_yticks(range(len(rows)), [r.label for r in rows])
    ax.set_xlabel("value / reference cut-off (1 = at the cut-off)")
    ax.set_title("Indices against their reference cut-offs (red: outside)")
    ax.set_xlim(0, max(2.0, 1.3 * max(r.value / float(ranges[r.name]["value"]) for r in rows)))
    return _png(fig)


def _road(assessment) -> bytes:
    """The stage as a position on the road from health to diabetes."""
    fig, ax = plt.subplots(figsize=(9, 1.8), constrained_layout=True)
    colours = [OKABE_ITO[3], OKABE_ITO[5], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[4]]
    for k, name in enumerate(_STAGE_NAMES):
        ax.barh(0, 1, left=k, color=colours[k], alpha=0.45, edgecolor="white")
        ax.text(k + 0.5, 0, name, ha="center", va="center", fontsize=9)
    stage = assessment.stage.stage
    if stage is not None:
        ax.annotate(
            "you",
            xy=(stage + 0.5, 0.45),
            xytext=(stage + 0.5, 1.1),
            ha="center",
            arrowprops={"arrowstyle": "-|>", "color": "black"},
        )
    ax.set_xlim(0, len(_STAGE_NAMES))
    ax.set_ylim(-0.6, 1.4)
    ax.axis("off")
    ax.set_title("Most likely stage (stage 4 needs clinical evidence of complications)")
    return _png(fig)


def assessment_figures(assessment, labs, references: xr.Dataset | None = None) -> dict[str, bytes]:
    """PNG figures of an assessment, by name: ``stage``, ``curves`` (when the results hold a
    curve), ``indices`` (when any index has a cut-off).

    Parameters
    ----------
    assessment : insulinsim.analysis.Assessment
    labs : insulinsim.io.LabResults
        The results that were assessed.
    references : xarray.Dataset, optional
        A simulated OGTT of the reference presets (``person`` x ``time``, glucose in mg/dL and
        insulin in pmol/L), drawn under the person's samples.
    """
    figs = {"stage": _road(assessment)}
    curves = _curves(labs, references)
    if curves is not None:
        figs["curves"] = curves
    idx = _indices(assessment)
    if idx is not None:
        figs["indices"] = idx
    return figs
