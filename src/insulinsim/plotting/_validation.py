"""Figures of validation cases: the model against the published numbers (matplotlib, Agg).

One figure per case (:class:`insulinsim.analysis._validation.ValidationCase`), one axes per
panel: model curves as lines, published points as black markers with their SD (or published
range) as error bars, the tolerance as a shaded bar (the values that pass), model values of
categorical panels as coloured diamonds.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from insulinsim._files import write_atomically
from insulinsim.analysis._validation import Panel, Points, ValidationCase
from insulinsim.plotting._figures import OKABE_ITO

__all__ = ["plot_validation_case", "validation_figure", "validation_png"]

_TOL_COLOUR = "#9ecae1"
_DATA_COLOUR = "#000000"


def _errors(p: Points) -> np.ndarray | None:
    if p.err_low is None and p.err_high is None:
        return None
    lo = np.zeros_like(p.y) if p.err_low is None else p.err_low
    hi = np.zeros_like(p.y) if p.err_high is None else p.err_high
    return np.vstack([lo, hi]).astype(np.float64)


def _tolerance(ax, p: Points, width: float, first: bool) -> None:
    """Shaded tolerance: a bar in y at each x, a bar in x at each y, or a box for both."""
    label = "tolerance (passes)" if first else None
    ylo, yhi, xlo, xhi = p.tol_low, p.tol_high, p.x_tol_low, p.x_tol_high
    for k in range(p.x.size):
        if xlo is not None and xhi is not None:
            y0 = ylo[k] if ylo is not None else p.y[k]
            y1 = yhi[k] if yhi is not None else p.y[k]
            if y1 > y0:
                ax.fill_between(
                    [xlo[k], xhi[k]], y0, y1, color=_TOL_COLOUR, alpha=0.5, lw=0, label=label
                )
            else:
                ax.plot([xlo[k], xhi[k]], [y0, y0], color=_TOL_COLOUR, lw=6, label=label)
        elif ylo is not None and yhi is not None:
            ax.plot(
                [p.x[k], p.x[k]],
                [ylo[k], yhi[k]],
                color=_TOL_COLOUR,
                lw=width,
                alpha=0.8,
                solid_capstyle="butt",
                label=label,
            )
        else:
            continue
        label = None


def _draw_panel(ax, panel: Panel) -> None:
    categorical = bool(panel.categories)
    width = 14.0 if categorical else 6.0
    for k, c in enumerate(panel.curves):
        ax.plot(c.x, c.y, color=OKABE_ITO[k % len(OKABE_ITO)], lw=2, label=c.label)
    first = True
    for p in panel.published:
        if any(v is not None for v in (p.tol_low, p.x_tol_low)):
            _tolerance(ax, p, width, first)
            first = False
    for k, p in enumerate(panel.published):
        ax.errorbar(
            p.x,
            p.y,
            yerr=_errors(p),
            fmt="o" if k == 0 else "s",
            color=_DATA_COLOUR,
            ms=5,
            capsize=3,
            lw=1,
            label=p.label,
            zorder=3,
        )
    offset = len(panel.curves)
    for k, p in enumerate(panel.model):
        ax.plot(
            p.x,
            p.y,
            "D",
            color=OKABE_ITO[(offset + k) % len(OKABE_ITO)],
            ms=7,
            label=p.label,
            zorder=4,
        )
    if categorical:
        ax.set_xticks(np.arange(len(panel.categories), dtype=np.float64))
        ax.set_xticklabels(panel.categories, rotation=15 if len(panel.categories) > 2 else 0)
        ax.set_xlim(-0.6, len(panel.categories) - 0.4)
    if panel.xscale == "log":
        ax.set_xscale("log")
    ax.set(title=panel.title, xlabel=panel.xlabel, ylabel=panel.ylabel)
    ax.grid(alpha=0.3)
    # below the axes, so that it never hides a curve or a point
    ax.legend(frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16))


def validation_figure(case: ValidationCase) -> Figure:
    """The figure of one case: one axes per panel, side by side (at most 3 per row)."""
    n = max(len(case.panels), 1)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.8 * cols, 4.6 * rows), squeeze=False, constrained_layout=True
    )
    flat = axes.ravel()
    for ax, panel in zip(flat, case.panels, strict=False):
        _draw_panel(ax, panel)
    for ax in flat[len(case.panels) :]:
        ax.set_visible(False)
    verdict = "all rows pass" if case.passed else f"{case.n_failed} of {case.n_scored} rows fail"
    fig.suptitle(f"{case.title} ({verdict})", fontsize=11)
    return fig


def validation_png(case: ValidationCase, dpi: int = 100) -> bytes:
    """The figure of one case as PNG bytes."""
    fig = validation_figure(case)
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return buf.getvalue()


def plot_validation_case(case: ValidationCase, path: str | os.PathLike, dpi: int = 100) -> Path:
    """Write the figure of one case (PNG, SVG or PDF by extension), atomically."""
    fig = validation_figure(case)
    try:
        return write_atomically(path, lambda tmp: fig.savefig(tmp, dpi=dpi))
    finally:
        plt.close(fig)
