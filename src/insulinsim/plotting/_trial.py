"""Kaplan-Meier figure of a virtual trial: the share of each arm still free of diabetes."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from insulinsim._files import write_atomically
from insulinsim.plotting._figures import OKABE_ITO

__all__ = ["plot_trial"]


def plot_trial(km: dict, path: str | os.PathLike, title: str | None = None) -> Path:
    """Step curves (with 95 % bands) of the share free of diabetes per arm.

    ``km``: arm name -> frame with ``time_years``, ``free``, ``low``, ``high``
    (:func:`insulinsim.analysis.kaplan_meier`).
    """
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    for k, (arm, df) in enumerate(km.items()):
        c = OKABE_ITO[k % len(OKABE_ITO)]
        pct = 100.0 * (1.0 - df["free"])
        ax.step(df["time_years"], pct, where="post", color=c, lw=2, label=arm)
        ax.fill_between(df["time_years"], 100 * (1 - df["high"]), 100 * (1 - df["low"]),
                        step="post", color=c, alpha=0.15)  # fmt: skip
    ax.set(xlabel="years since randomisation", ylabel="cumulative incidence of diabetes (%)")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    ax.set_title(title or "Kaplan-Meier: cumulative incidence of diabetes by arm")
    try:
        return write_atomically(path, lambda tmp: fig.savefig(tmp, dpi=120))
    finally:
        plt.close(fig)
