"""Turn a :class:`Protocol` into a piecewise-constant schedule of model inputs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from insulinsim.model import AbstractSchedule, Inputs
from insulinsim.protocols._events import (
    Clamp,
    Exercise,
    InsulinBolus,
    IVGlucose,
    IVInsulin,
    Meal,
    Protocol,
)
from insulinsim.protocols._standard import standard_value
from insulinsim.units import PMOL_PER_MU_INSULIN, body_surface_area_m2

__all__ = ["Schedule", "build_schedule"]


class Schedule(AbstractSchedule):
    """Inputs constant on each interval [edges[k], edges[k+1])."""

    edges: jax.Array  # (K+1,) min
    values: Inputs  # each field (K,)

    def inputs(self, t) -> Inputs:
        k = self.edges.shape[-1] - 1
        idx = jnp.clip(jnp.searchsorted(self.edges, t, side="right") - 1, 0, k - 1)
        return jax.tree.map(lambda v: v[idx], self.values)


_FIELDS = tuple(Inputs.__dataclass_fields__)


def build_schedule(protocol: Protocol, BW_kg, height_cm) -> Schedule:
    """Build the input schedule of ``protocol`` for one or many people.

    ``BW_kg`` and ``height_cm`` are scalars or arrays of shape (person,); the schedule's values
    then have shape (K,) or (person, K). Doses per kg and per m^2 of body-surface area
    (Mosteller 1987) are converted here.
    """
    edges = np.array(sorted({0.0, *protocol.breakpoints(), protocol.t_end_min}), dtype=float)
    k = len(edges) - 1
    mid = 0.5 * (edges[:-1] + edges[1:])
    # each channel = absolute + per_kg * BW + per_m2 * BSA
    absolute = {f: np.zeros(k) for f in _FIELDS}
    per_kg = {f: np.zeros(k) for f in _FIELDS}
    per_m2 = {f: np.zeros(k) for f in _FIELDS}
    absolute["clamp_kp"][:] = standard_value("clamp_gain_p")
    absolute["clamp_ki"][:] = standard_value("clamp_gain_i")
    last_meal_dose = np.zeros(k)
    last_meal_time = np.full(k, -np.inf)
    for e in protocol.events:
        on = (mid >= e.time_min) & (mid < e.end_min)
        if isinstance(e, Meal):
            absolute["ingestion_mg_min"] += on * e.carbs_g * 1000.0 / e.duration_min
            newer = (mid >= e.time_min) & (e.time_min >= last_meal_time)
            last_meal_dose = np.where(newer, e.carbs_g * 1000.0, last_meal_dose)
            last_meal_time = np.where(newer, e.time_min, last_meal_time)
        elif isinstance(e, IVGlucose):
            per_kg["iv_glucose_mg_min"] += on * e.dose_g_per_kg * 1000.0 / e.duration_min
        elif isinstance(e, IVInsulin):
            rate = e.dose_mU_per_kg * PMOL_PER_MU_INSULIN / e.duration_min
            per_kg["iv_insulin_pmol_min"] += on * rate
        elif isinstance(e, Clamp):
            per_m2["iv_insulin_pmol_min"] += on * e.insulin_mU_m2_min * PMOL_PER_MU_INSULIN
            absolute["clamp_on"] = np.maximum(absolute["clamp_on"], on * 1.0)
            target = 0.0 if e.target_mg_dl is None else e.target_mg_dl
            absolute["clamp_target_mg_dl"] = np.where(on, target, absolute["clamp_target_mg_dl"])
        elif isinstance(e, Exercise):
            absolute["heart_rate_bpm"] = np.where(on, e.heart_rate_bpm, absolute["heart_rate_bpm"])
        elif isinstance(e, InsulinBolus):
            rate = e.units * 1000.0 * PMOL_PER_MU_INSULIN / e.duration_min
            absolute["sc_insulin_pmol_min"] += on * rate
        else:  # pragma: no cover - Event is a closed union
            raise TypeError(f"unknown event {e!r}")
    absolute["meal_dose_mg"] = last_meal_dose
    BW = np.asarray(BW_kg, dtype=float)[..., None]
    BSA = body_surface_area_m2(BW, np.asarray(height_cm, dtype=float)[..., None])
    values = {}
    for f in _FIELDS:
        v = absolute[f] + per_kg[f] * BW + per_m2[f] * BSA
        values[f] = jnp.asarray(
            np.broadcast_to(v, np.broadcast_shapes(v.shape, (*BW.shape[:-1], k)))
        )
    return Schedule(edges=jnp.asarray(edges), values=Inputs(**values))
