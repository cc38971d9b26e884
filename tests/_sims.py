"""Shared simulations for the test suite, each solved once per process.

Every distinct (protocol structure, batch size, solver settings) compiles a new program
(about 10-20 s), so the suite runs a handful of them and shares the results: the five presets
are always solved together in one batch (padded to 8 by ``simulate``), and protocols that only
differ in dose (``meal_test(78)`` and ``meal_test(91)``; clamps at different insulin rates)
reuse one compiled program. Functions are cached, so a result is computed at most once per
pytest worker; ``tests/conftest.py`` exposes them as session fixtures.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from insulinsim import PRESETS, SolverSettings, person, protocols, simulate  # noqa: E402
from insulinsim.protocols import Clamp, Protocol  # noqa: E402
from insulinsim.units import body_surface_area_m2  # noqa: E402

REFERENCE_JSON = Path(__file__).resolve().parents[2] / "shared" / "validation" / "reference.json"

NAMES: tuple[str, ...] = tuple(PRESETS)
CLAMP_MIN = 180.0  # every clamp in the suite lasts this long, so they share one program
# The tight reference must use the adaptive controller: with the default shared step grid
# (``SolverSettings.grid``), rtol/atol only apply to people the grid's error check sends back.
TIGHT = SolverSettings.adaptive(rtol=1e-10, atol=1e-10)


@functools.cache
def reference() -> dict[str, dict]:
    """The shared published reference set, by record id."""
    return {r["id"]: r for r in json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))}


@functools.cache
def people() -> tuple:
    return tuple(person(n) for n in NAMES)


def _all(protocol: Protocol, settings: SolverSettings | None = None, action=None) -> xr.Dataset:
    ds = simulate(list(people()), protocol, settings=settings, names=list(NAMES), action=action)
    bad = [n for n, s in zip(NAMES, ds.status.values, strict=True) if s != "ok"]
    assert not bad, f"solve failed for {bad}: {ds.status.values}"
    return ds


@functools.cache
def mechanistic(kind: str) -> xr.Dataset:
    """All presets with the mechanistic insulin action: 'ogtt', 'meal' or 'days' (3 days)."""
    from insulinsim.model import Mechanistic

    proto = {
        "ogtt": protocols.ogtt,
        "meal": lambda: protocols.meal_test(78.0),
        "days": lambda: protocols.multi_day(protocols.standard_day(), 3),
    }[kind]()
    return _all(proto, action=Mechanistic())


def mechanistic_day(name: str) -> xr.Dataset:
    """Three standard days of one preset (mechanistic action)."""
    return mechanistic("days").sel(person=[name])


@functools.cache
def ogtt() -> xr.Dataset:
    """75-g OGTT, all presets."""
    return _all(protocols.ogtt())


@functools.cache
def meal(carbs_g: float) -> xr.Dataset:
    """A single meal of ``carbs_g`` at t = 0 followed for 420 min, all presets.

    Every dose shares one compiled program (same breakpoints and output grid).
    """
    return _all(protocols.meal_test(carbs_g))


@functools.cache
def day() -> xr.Dataset:
    """The standard three-meal day (45, 70, 70 g at 08:00, 12:00, 20:00), all presets."""
    return _all(protocols.standard_day())


@functools.cache
def day_tight() -> xr.Dataset:
    """The standard day at rtol = atol = 1e-10: the reference for the convergence test."""
    return _all(protocols.standard_day(), TIGHT)


@functools.cache
def ogtt_tight() -> xr.Dataset:
    """The OGTT at rtol = atol = 1e-10 (adaptive): the reference for the cross-check."""
    return _all(protocols.ogtt(), TIGHT)


def fasting_protocol() -> Protocol:
    """24 h with no event at all: the basal state must hold."""
    return Protocol("fasting", (), 1440.0, sample_every_min=5.0)


@functools.cache
def fasting() -> xr.Dataset:
    return _all(fasting_protocol())


def clamp_protocol(insulin_mU_m2_min: float, target_mg_dl: float | None) -> Protocol:
    return Protocol("clamp", (Clamp(0.0, CLAMP_MIN, insulin_mU_m2_min, target_mg_dl),), CLAMP_MIN)


def per_kg_to_per_m2(mU_kg_min: float, preset: str) -> float:
    """An insulin infusion per kg of body weight as the Clamp's rate per m^2 (Mosteller)."""
    p = person(preset)
    BW, height = float(p.body.BW), float(p.body.height)
    return mU_kg_min * BW / body_surface_area_m2(BW, height)


@functools.cache
def clamp(preset: str, insulin_mU_m2_min: float, target_mg_dl: float | None) -> xr.Dataset:
    """A euglycemic clamp for one person (batch of one: every clamp shares one program)."""
    ds = simulate(person(preset), clamp_protocol(insulin_mU_m2_min, target_mg_dl), names=[preset])
    assert ds.status.item() == "ok", ds.status.item()
    return ds.sel(person=preset)


def m_value(ds: xr.Dataset, window_min: float = 30.0) -> float:
    """Mean glucose infusion rate over the last ``window_min`` of a clamp (mg/kg/min)."""
    t = ds.time.values
    sel = ds.gir.where(ds.time >= t[-1] - window_min, drop=True)
    return float(sel.mean())


def auc(ds: xr.DataArray, t_end: float | None = None) -> np.ndarray:
    """Trapezoidal area under a (person x time) curve up to ``t_end``."""
    if t_end is not None:
        ds = ds.where(ds.time <= t_end, drop=True)
    return np.trapezoid(ds.values, ds.time.values, axis=-1)
