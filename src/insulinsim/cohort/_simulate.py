"""One chunk of a cohort: draw its people, simulate their years, stage them, as tables.

Everything a worker needs is in the :class:`CohortSpec` (plain JSON) and the chunk number: the
people are drawn again from the seed (:func:`insulinsim.analysis.sample_people` is
counter-based), so a task ships a few bytes and any worker computes the same chunk.

The years model is :func:`insulinsim.solve.progress` with each person's own risk-factor
deviations (activity, diet, sleep and family history differ between virtual people) in place of
the scenario's course shared by everyone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math

import numpy as np
import pandas as pd
import xarray as xr

from insulinsim.analysis import (
    people_deviations,
    people_inputs,
    population_distributions,
    sample_people,
    stage_trajectory,
)
from insulinsim.errors import InputError, check_range
from insulinsim.protocols import Scenario
from insulinsim.solve import PROGRESS_META, ProgressSettings, in_model_range, progress

__all__ = ["LIMITS", "CohortSpec", "simulate_chunk"]

#: allowed ranges of the cohort's settings: (low, high, unit)
LIMITS: dict[str, tuple[float, float, str]] = {
    "n": (1, 100_000_000, "people"),
    # the oldest virtual person is 85 at the start and the complication model takes ages
    # up to 120 years
    "years": (0.1, 35.0, "years"),
    "step_days": (1.0, 365.0, "days"),
    "chunk_size": (1, 4096, "people"),
    "seed": (0, 2**63 - 1, "(integer)"),
}

# values the staging validates, used in place of entries outside the model's range (those
# entries are then marked unknown, never staged from the placeholder)
_PLACEHOLDER = {
    "fasting_glucose": 90.0,
    "glucose_2h": 110.0,
    "fasting_insulin": 40.0,
    "hba1c": 5.3,
    "sbp": 120.0,
    "dbp": 80.0,
    "triglycerides": 100.0,
    "hdl": 50.0,
    "waist": 90.0,
}
_STAGE_RANGES = {  # the ranges complication_hazards and the indices accept
    "sbp": (50.0, 300.0),
    "triglycerides": (5.0, 10000.0),
    "hdl": (5.0, 200.0),
    "fasting_insulin": (0.0, math.inf),
    "waist": (0.0, math.inf),
    "dbp": (0.0, math.inf),
    "hba1c": (0.0, math.inf),
}


@dataclasses.dataclass(frozen=True)
class CohortSpec:
    """Everything that defines a cohort run (and must match to resume it).

    Attributes
    ----------
    n : int
        People.
    years : float
        Years simulated from each person's own age.
    seed : int
        Seed of the virtual population.
    scenario : dict
        The scenario applied to everyone (``Scenario.model_dump``); its risk courses replace
        the personal level of the factors they set; its person preset is everyone's base; its
        sex and age are ignored (each person has their own).
    step_days : float
        The slow step.
    chunk_size : int
        People per chunk (one compiled program, one Parquet part).
    physiology_scale : float, optional
        Spread of the physiological multipliers (see ``population.toml``, ``[physiology_spread]``;
        default: the file's value, recorded in the spec).
    """

    n: int
    years: float
    seed: int = 0
    scenario: dict | None = None
    step_days: float = 30.0
    chunk_size: int = 256
    physiology_scale: float | None = None

    def __post_init__(self):
        for name in ("n", "years", "step_days", "chunk_size", "seed"):
            lo, hi, unit = LIMITS[name]
            check_range(f"--{name.replace('_', '-')}", getattr(self, name), lo, hi, unit)
        for name in ("n", "chunk_size", "seed"):
            v = getattr(self, name)
            if isinstance(v, bool) or float(v) != int(v):
                raise InputError(f"--{name.replace('_', '-')}", v, "a whole number")
            object.__setattr__(self, name, int(v))
        object.__setattr__(self, "years", float(self.years))
        object.__setattr__(self, "step_days", float(self.step_days))
        if self.physiology_scale is None:
            scale = population_distributions()["physiology_scale"]
            object.__setattr__(self, "physiology_scale", scale)
        check_range("--physiology-scale", self.physiology_scale, 0.0, 1.0, "(fraction)")
        object.__setattr__(self, "physiology_scale", float(self.physiology_scale))
        if self.scenario is None:
            sc = Scenario(name="population baseline", years=min(self.years, 80.0))
            object.__setattr__(self, "scenario", sc.model_dump(mode="json"))

    @property
    def n_steps(self) -> int:
        """Time points per person (the start and every slow step)."""
        return int(np.floor(self.years * 365.25 / self.step_days + 1e-9)) + 1

    @property
    def n_chunks(self) -> int:
        return -(-self.n // self.chunk_size)

    def chunk_bounds(self, k: int) -> tuple[int, int]:
        """People ``[lo, hi)`` of chunk ``k``."""
        lo = k * self.chunk_size
        return lo, min(lo + self.chunk_size, self.n)

    def scenario_model(self) -> Scenario:
        sc = Scenario.model_validate(self.scenario)
        return sc.model_copy(update={"years": self.years})

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CohortSpec:
        return cls(**json.loads(text))

    def digest(self) -> str:
        """A short hash of the spec (task names, manifest checks)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:12]


def simulate_people(inputs, scenario: Scenario, settings: ProgressSettings, *, pad_to=None):
    """Years of ``scenario`` for a batch of :class:`~insulinsim.analysis.PeopleInputs`, each
    with their own risk-factor levels; one compiled call (padded to ``pad_to`` people).

    Returns the Dataset of :func:`insulinsim.solve.progress` (``person`` x ``time``).
    """
    n = int(np.shape(inputs.ages)[0])
    dt = float(settings.step_days)
    n_steps = int(np.floor(scenario.years * 365.25 / dt + 1e-9)) + 1
    times_years = np.arange(n_steps) * dt / 365.25
    names, devs = people_deviations(scenario, inputs.factors, times_years)
    return progress(
        inputs.params,
        scenario,
        ages=inputs.ages,
        settings=settings,
        names=[f"p{i}" for i in range(n)],
        pal=inputs.pal,
        deviations=(names, devs),
        pad_to=max(n, int(pad_to or n)),
    )


def _stage(ds: xr.Dataset, male: np.ndarray) -> tuple[xr.Dataset, np.ndarray]:
    """Stage every (person, time) inside the model's range; the mask of those entries."""
    ok = in_model_range(ds.fasting_glucose.values, ds.glucose_2h.values)
    for name, (lo, hi) in _STAGE_RANGES.items():
        v = ds[name].values
        ok &= np.isfinite(v) & (v >= lo) & (v <= hi)
    filled = ds.copy()
    for name, fill in _PLACEHOLDER.items():
        filled[name] = ds[name].where(ok, fill)
    staged = stage_trajectory(filled, male)
    return staged, ok


_KEEP = (
    "age",
    "fasting_glucose",
    "glucose_2h",
    "fasting_insulin",
    "insulin_2h",
    "hba1c",
    "homa_ir",
    "sensitivity_muscle",
    "sensitivity_liver",
    "surface_receptors_muscle",
    "beta_mass",
    "beta_function",
    "secretory_capacity",
    "weight",
    "bmi",
    "waist",
    "fat_mass",
    "visceral_fat",
    "liver_fat",
    "triglycerides",
    "hdl",
    "sbp",
    "dbp",
    "stage",
    "ada_category",
    "metabolic_syndrome",
    "risk_any",
)


def simulate_chunk(spec_json: str, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chunk ``k`` of the cohort ``spec_json``: (people, trajectory) tables.

    ``people`` has one row per person (the drawn attributes, ``status``); ``trajectory`` one
    row per person and step (``person``, ``time`` in years, the read-outs of ``_KEEP``, ``valid``:
    inside the model's range; ``stage`` -1 and ``ada_category`` ``"unknown"`` where not).
    Pure and deterministic: the same spec and chunk give the same tables on any worker.
    """
    spec = CohortSpec.from_json(spec_json)
    if not 0 <= k < spec.n_chunks:
        raise InputError("chunk", k, f"[0, {spec.n_chunks - 1}]")
    sc = spec.scenario_model()
    lo, hi = spec.chunk_bounds(k)
    people = sample_people(
        hi - lo, spec.seed, start=lo, preset=sc.person, physiology_scale=spec.physiology_scale
    )
    inputs = people_inputs(people, preset=sc.person, pal=sc.pal)
    settings = ProgressSettings(step_days=spec.step_days, chunk_size=spec.chunk_size)
    ds = simulate_people(inputs, sc, settings, pad_to=spec.chunk_size)
    staged, ok = _stage(ds, inputs.male)
    n, t = ok.shape
    traj = {
        "person": np.repeat(people["person"].to_numpy(), t),
        "time": np.tile(ds.time.values, n),
    }
    for name in _KEEP:
        v = staged[name].values
        if name == "stage":
            v = np.where(ok, v, -1)
        elif name == "ada_category":
            v = np.where(ok, v, "unknown").astype(str)
        elif name == "metabolic_syndrome":
            v = np.where(ok, v, False)
        elif name not in ("age",):
            v = np.where(ok, v, np.nan)
        traj[name] = v.reshape(-1)
    traj["valid"] = ok.reshape(-1)
    traj_df = pd.DataFrame(traj)
    traj_df["stage"] = traj_df["stage"].astype(np.int8)
    people = people.copy()
    people["status"] = ds.status.values.astype(str)
    people["chunk"] = np.int32(k)
    return people, traj_df


def units() -> dict[str, str]:
    """Units of the trajectory columns (stored in the manifest)."""
    out = {"person": "index", "time": "years", "valid": "bool", "stage": "0-4 (-1 unknown)"}
    for name in _KEEP:
        meta = PROGRESS_META.get(name)
        out[name] = meta[0] if meta else ""
    out.update(
        homa_ir="dimensionless",
        ada_category="normal | prediabetes | diabetes | unknown",
        metabolic_syndrome="bool (NCEP ATP III)",
        risk_any="fraction",
    )
    return out
