"""Static figures of simulation results (matplotlib), in a colour-blind-safe palette."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from insulinsim._files import write_atomically

__all__ = ["OKABE_ITO", "ORGANS", "plot_organ_table", "plot_receptor_course", "plot_result"]

# Okabe & Ito (2008) colour-universal-design palette
OKABE_ITO = ["#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

# organ -> (result variable, label); the liver row is production, the rest disposal
ORGANS = {
    "muscle": ("uptake_muscle", "skeletal muscle"),
    "adipose": ("uptake_adipose", "adipose tissue"),
    "other": ("uptake_other", "other insulin-dependent"),
    "brain": ("uptake_brain", "brain and red cells"),
    "kidney": ("excretion_kidney", "kidney (urine)"),
}


def _trapz(y, t):
    return np.sum(0.5 * (y[..., 1:] + y[..., :-1]) * np.diff(t), axis=-1)


def plot_result(ds: xr.Dataset, path: str | os.PathLike, title: str | None = None) -> Path:
    """Glucose, insulin, liver glucose output and glucose handled by organ, per person.

    The figure is written atomically (PNG, SVG or PDF by extension) and its path returned.
    """
    t = ds.time.values
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), constrained_layout=True)
    (ax_g, ax_i), (ax_h, ax_o) = axes
    people = [str(p) for p in ds.person.values]
    for k, name in enumerate(people):
        c = OKABE_ITO[k % len(OKABE_ITO)]
        ax_g.plot(t, ds.glucose.values[k], color=c, lw=2, label=name)
        ax_i.plot(t, ds.insulin.values[k], color=c, lw=2, label=name)
        ax_h.plot(t, ds.egp.values[k], color=c, lw=2, label=name)
    ax_g.set(ylabel="plasma glucose (mg/dL)", title="Glucose")
    ax_g.axhline(140, color="grey", ls=":", lw=1)
    ax_g.text(
        t[-1],
        141,
        "140 mg/dL (2-h IGT threshold)",
        ha="right",
        va="bottom",
        fontsize=8,
        color="grey",
    )
    ax_i.set(ylabel="plasma insulin (pmol/L)", title="Insulin")
    ax_h.set(ylabel="EGP (mg/kg/min)", title="Liver: endogenous glucose production")
    for ax in (ax_g, ax_i, ax_h):
        ax.set_xlabel("time (min)")
        ax.grid(alpha=0.3)
    ax_g.legend(frameon=False)

    # cumulative glucose handled by each organ over the protocol, per person
    width = 0.8 / max(len(people), 1)
    x = np.arange(len(ORGANS) + 1)
    labels = [lab for _, lab in ORGANS.values()] + ["liver (output)"]
    for k, name in enumerate(people):
        vals = [_trapz(ds[var].values[k], t) for var, _ in ORGANS.values()]
        vals.append(_trapz(ds.egp.values[k], t))
        ax_o.bar(
            x + (k - (len(people) - 1) / 2) * width,
            vals,
            width,
            color=OKABE_ITO[k % len(OKABE_ITO)],
            label=name,
        )
    ax_o.set_xticks(x, labels, rotation=30, ha="right", fontsize=8)
    ax_o.set(
        ylabel=f"glucose over {t[-1] - t[0]:g} min (mg/kg)", title="Glucose handled by each organ"
    )
    ax_o.grid(axis="y", alpha=0.3)
    if title:
        fig.suptitle(title)
    try:
        return write_atomically(path, lambda tmp: fig.savefig(tmp, dpi=120))
    finally:
        plt.close(fig)


def plot_receptor_course(
    course: xr.Dataset, path: str | os.PathLike, title: str | None = None
) -> Path:
    """The vicious cycle: insulin, surface receptors, GLUT4 response and insulin needed."""
    t = course.time.values / 60.0
    panels = (
        ("insulin", "plasma insulin (pmol/L)"),
        ("surface_receptors", "muscle surface receptors (% of start)"),
        ("glut4_response", "GLUT4 response to the probe (% of start)"),
        ("insulin_needed", "insulin needed for the start response (pmol/L)"),
    )
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), sharex=True)
    for k, (ax, (var, label)) in enumerate(zip(axes.ravel(), panels, strict=True)):
        ax.plot(t, course[var].values, color=OKABE_ITO[k], lw=2)
        ax.set(ylabel=label)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set(xlabel="time (h)")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    try:
        return write_atomically(path, lambda tmp: fig.savefig(tmp, dpi=120))
    finally:
        plt.close(fig)


def plot_organ_table(table, path: str | os.PathLike) -> Path:
    """Each organ's daily mean response of the second person relative to the first."""
    people = list(table.columns)
    ratio = table[people[1]] / table[people[0]]
    labels = [f"{o} ({u})" for o, u in table.index]
    fig, ax = plt.subplots(figsize=(8, 5))
    colors = [OKABE_ITO[2] if r > 1 else OKABE_ITO[0] for r in ratio.values]
    ax.barh(labels, ratio.values, color=colors)
    ax.axvline(1.0, color="black", lw=1)
    ax.invert_yaxis()
    ax.set(xlabel=f"{people[1]} / {people[0]} (daily mean)", title="Organ responses")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    try:
        return write_atomically(path, lambda tmp: fig.savefig(tmp, dpi=120))
    finally:
        plt.close(fig)
