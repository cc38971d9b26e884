"""Cells on their own: the receptor/signalling model under a set insulin concentration.

This is the in-vitro experiment of the receptor literature (cells in a dish, insulin in the
medium held at a level, then washed out), used to validate and calibrate ``receptor`` and
``signalling`` against published cell data, separately from the whole body. Binding at high
(in-vitro) insulin is fast (k1 I = 6/min at 100 nM), so an implicit solver (Kvaerno5) is used.
"""

from __future__ import annotations

from collections.abc import Sequence

import diffrax
import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from insulinsim.errors import InputError
from insulinsim.model import TISSUES, cell_signals, receptor_steady_state
from insulinsim.parameters import Parameters
from insulinsim.physiology import receptor

__all__ = ["simulate_cells"]

_MAX_PMOL_L = 1.0e7  # 10 uM: far above any experiment; larger values are typos


def _check_steps(steps) -> tuple[np.ndarray, np.ndarray]:
    if len(steps) == 0:
        raise InputError("insulin", steps, "at least one (start_min, pmol/L) pair")
    starts = np.asarray([float(s[0]) for s in steps])
    levels = np.asarray([float(s[1]) for s in steps])
    if starts[0] != 0.0 or np.any(np.diff(starts) <= 0.0):
        raise InputError(
            "insulin", list(starts), "start times in minutes, the first 0, strictly increasing"
        )
    bad = ~np.isfinite(levels) | (levels < 0.0) | (levels > _MAX_PMOL_L)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"insulin[{i}]", levels[i], f"[0, {_MAX_PMOL_L:g}] pmol/L")
    return starts, levels


@jax.jit
def _solve(p, starts, levels, ts, y0):
    def ligand(t):
        i = jnp.clip(jnp.searchsorted(starts, t, side="right") - 1, 0, starts.shape[0] - 1)
        return jnp.full((len(TISSUES),), levels[i])

    def rhs(t, y, _):
        return cell_signals(y, ligand(t), p)[0]

    def observe(t, y, _):
        return cell_signals(y, ligand(t), p)[1]

    jumps = starts[1:] if starts.shape[0] > 1 else None
    controller = diffrax.PIDController(rtol=1e-8, atol=1e-8, jump_ts=jumps)
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(rhs),
        diffrax.Kvaerno5(),
        ts[0],
        ts[-1],
        0.01,
        y0,
        saveat=diffrax.SaveAt(ts=ts, fn=observe),
        stepsize_controller=controller,
        max_steps=100_000,
    )
    return sol.ys


def simulate_cells(
    p: Parameters,
    insulin: Sequence[tuple[float, float]],
    times_min: Sequence[float],
    *,
    start: str = "zero_insulin",
) -> xr.Dataset:
    """Receptors, Akt and GLUT4 of each tissue's cells under a piecewise-constant insulin.

    Parameters
    ----------
    p : Parameters
        One person (receptor, signalling, tissue and inhibitor parameters are used).
    insulin : sequence of (start_min, pmol/L)
        Insulin in the medium from each start time on; the first start must be 0.
    times_min : sequence of float
        Output times (min), increasing, from 0.
    start : {"zero_insulin", "first_level"}
        Cells start at the steady state without insulin (a dish in insulin-free medium, the
        published model's initial state) or at the steady state of the first level.

    Returns
    -------
    xarray.Dataset
        ``surface_receptors`` (% of the basal surface pool), ``receptors_per_cell`` (surface
        receptors scaled to ``receptor.receptors_per_cell``), ``glut4`` (% at the surface) and
        ``akt`` (% active), each over ``tissue`` x ``time``.
    """
    starts, levels = _check_steps(insulin)
    ts = np.asarray(times_min, dtype=float)
    if ts.ndim != 1 or ts.size < 2 or ts[0] != 0.0:
        raise InputError("times_min", ts[:3], "two or more times in minutes, the first 0")
    if np.any(np.diff(ts) <= 0):
        i = int(np.flatnonzero(np.diff(ts) <= 0)[0]) + 1
        raise InputError(f"times_min[{i}]", ts[i], f"a time after {ts[i - 1]:g} min (increasing)")
    if start not in ("zero_insulin", "first_level"):
        raise InputError("start", start, "'zero_insulin' or 'first_level'")
    y0 = receptor_steady_state(levels[0] if start == "first_level" else 0.0, p)
    sig = _solve(p, jnp.asarray(starts), jnp.asarray(levels), jnp.asarray(ts), y0)
    scale = np.array([getattr(p.tissues, f"receptors_{t}") for t in TISSUES], dtype=float)
    base = np.asarray(receptor.zero_insulin_state(scale, p.receptor)[0])  # surface, no insulin
    surf = np.asarray(sig.surface_receptors).T  # tissue x time
    per_cell = float(p.receptor.receptors_per_cell)
    dims = ("tissue", "time")
    return xr.Dataset(
        {
            "surface_receptors": (
                dims,
                100.0 * surf / base[:, None],
                {"units": "%", "long_name": "surface receptors, % of the zero-insulin pool"},
            ),
            "receptors_per_cell": (
                dims,
                per_cell * surf / base[:, None],
                {"units": "receptors/cell", "long_name": "surface insulin receptors per cell"},
            ),
            "glut4": (
                dims,
                np.asarray(sig.glut4).T,
                {"units": "%", "long_name": "GLUT4 at the cell surface"},
            ),
            "akt": (
                dims,
                100.0 * np.asarray(sig.akt).T / float(p.signalling.Akt_total),
                {"units": "%", "long_name": "active Akt"},
            ),
        },
        coords={"tissue": list(TISSUES), "time": ("time", ts, {"units": "min"})},
    )
