"""Figures of trajectories over years, with the four stages shaded."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.patches
import matplotlib.pyplot as plt
import xarray as xr

from insulinsim._files import write_atomically
from insulinsim.plotting._figures import OKABE_ITO

__all__ = ["plot_progress"]

# stage 0..4: none, then light to dark (sequential, readable in grey scale)
_STAGE_COLOURS = ["#ffffff", "#fff2cc", "#fcd5b4", "#f4a582", "#d6604d"]

_PANELS = (
    (
        "Glucose (mg/dL)",
        (("fasting_glucose", "fasting"), ("glucose_2h", "2-h OGTT")),
        (100, 126, 140, 200),
    ),
    ("Insulin (pmol/L)", (("fasting_insulin", "fasting"), ("insulin_2h", "2-h OGTT")), ()),
    ("HbA1c (%)", (("hba1c", "HbA1c"),), (5.7, 6.5)),
    (
        "Beta cells (mass, function: % of healthy; capacity: % of start)",
        (("beta_mass", "mass"), ("beta_function", "function"), ("secretory_capacity", "capacity")),
        (),
    ),
    (
        "Insulin action",
        (
            ("surface_receptors_muscle", "muscle surface receptors (%)"),
            ("sensitivity_muscle", "muscle sensitivity (x100)"),
            ("sensitivity_liver", "hepatic sensitivity (x100)"),
        ),
        (),
    ),
    (
        "Body",
        (
            ("weight", "weight (kg)"),
            ("liver_fat", "liver fat (%)"),
            ("visceral_fat", "visceral fat (kg)"),
        ),
        (),
    ),
    ("HOMA1-IR", (("homa_ir", "HOMA1-IR"),), ()),
    (
        "Complications (cumulative risk, %)",
        (
            ("risk_retinopathy", "retinopathy"),
            ("risk_nephropathy", "nephropathy"),
            ("risk_neuropathy", "neuropathy"),
            ("risk_cardiovascular", "cardiovascular"),
        ),
        (),
    ),
)
_X100 = {
    "sensitivity_muscle",
    "sensitivity_liver",
    "risk_retinopathy",
    "risk_nephropathy",
    "risk_neuropathy",
    "risk_cardiovascular",
}


def _shade(ax, age, stage):
    start = 0
    for j in range(1, len(stage) + 1):
        if j == len(stage) or stage[j] != stage[start]:
            right = age[j] if j < len(stage) else age[-1]
            ax.axvspan(age[start], right, color=_STAGE_COLOURS[int(stage[start])], lw=0, zorder=0)
            start = j


def plot_progress(staged: xr.Dataset, path: str | os.PathLike, title: str | None = None) -> Path:
    """A multi-panel figure of each person's trajectory against age, stages shaded
    (the first person's stages; lines for every person). Written atomically."""
    fig, axes = plt.subplots(4, 2, figsize=(12, 13), sharex=True, constrained_layout=True)
    age0 = staged.age.values[0]
    _ = [_shade(ax, age0, staged.stage.values[0]) for ax in axes.flat]
    styles = ["-", "--", ":", "-."]
    people = [str(p) for p in staged.person.values]
    for ax, (label, series, refs) in zip(axes.flat, _PANELS, strict=True):
        for k, who in enumerate(people):
            for c, (var, name) in enumerate(series):
                if var not in staged:
                    continue
                y = staged[var].values[k] * (100.0 if var in _X100 else 1.0)
                ax.plot(
                    staged.age.values[k],
                    y,
                    color=OKABE_ITO[c % len(OKABE_ITO)],
                    ls=styles[k % len(styles)],
                    lw=2,
                    label=name if len(people) == 1 else f"{name} ({who})",
                )
        for r in refs:
            ax.axhline(r, color="grey", ls=":", lw=1)
        ax.set_title(label, fontsize=10)
        ax.legend(fontsize=7, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("age (years)")
    handles = [
        matplotlib.patches.Patch(color=c, label=f"stage {i}")
        for i, c in enumerate(_STAGE_COLOURS)
        if i
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8, bbox_to_anchor=(0.5, -0.01))
    fig.suptitle(title or f"Trajectory: {staged.attrs.get('scenario', '')}")
    out = Path(path)
    write_atomically(out, lambda tmp: fig.savefig(tmp, dpi=110))
    plt.close(fig)
    return out
