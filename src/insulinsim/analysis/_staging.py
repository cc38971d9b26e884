"""Staging of a trajectory: the four stages, ADA categories, metabolic syndrome, complications.

At every simulated time (:func:`stage_trajectory`):

- stage 0: no insulin resistance (ADA normal, HOMA1-IR below the cut-off);
- stage 1: compensatory hyperinsulinemia with normal glucose (ADA normal, HOMA1-IR at or
  above the cut-off of ``data/staging.toml``);
- stage 2: receptor down-regulation with impaired glucose regulation (ADA prediabetes);
- stage 3: overt diabetes with beta-cell exhaustion (ADA diabetes);
- stage 4: multi-system complications (cumulative risk of at least one complication at or
  above the threshold of ``data/staging.toml``, from :mod:`._complications`).

Each stage comes with its reason: the threshold crossed and the mechanism behind it (surface
receptors, insulin sensitivity, beta-cell capacity). :func:`transitions` gives the first time
each stage was reached. Thresholds and their sources are in ``data/staging.toml``; the ADA
thresholds in ``data/indices.toml``.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import xarray as xr

from insulinsim.analysis._complications import (
    COMPLICATIONS,
    complication_hazards,
    cumulative_risk,
)
from insulinsim.analysis._indices import ada_category, homa1_ir
from insulinsim.errors import InputError

__all__ = ["STAGES", "metabolic_syndrome", "stage_trajectory", "staging_constant", "transitions"]

STAGES: dict[int, str] = {
    0: "no insulin resistance",
    1: "compensatory hyperinsulinemia, normal glucose",
    2: "receptor down-regulation, impaired glucose regulation",
    3: "overt diabetes, beta-cell exhaustion",
    4: "multi-system complications",
}


@functools.cache
def _table() -> dict:
    path = resources.files("insulinsim") / "data" / "staging.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def staging_constant(name: str) -> float:
    """A threshold of ``data/staging.toml`` (in its stated unit)."""
    return float(_table()[name]["value"])


def metabolic_syndrome(*, waist_cm, tg_mg_dl, hdl_mg_dl, sbp_mmhg, dbp_mmhg, glucose_mg_dl, male):
    """NCEP ATP III metabolic syndrome (at least 3 of 5 criteria; record ``metsyn_atp3``).

    Returns (met: bool array, count: int array, criteria: dict name -> bool array).
    """
    c = staging_constant
    male = np.asarray(male, dtype=bool)
    crit = {
        "waist": np.asarray(waist_cm)
        > np.where(male, c("metsyn_waist_male"), c("metsyn_waist_female")),
        "triglycerides": np.asarray(tg_mg_dl) >= c("metsyn_tg"),
        "hdl": np.asarray(hdl_mg_dl) < np.where(male, c("metsyn_hdl_male"), c("metsyn_hdl_female")),
        "blood_pressure": (np.asarray(sbp_mmhg) >= c("metsyn_sbp"))
        | (np.asarray(dbp_mmhg) >= c("metsyn_dbp")),
        "fasting_glucose": np.asarray(glucose_mg_dl) >= c("metsyn_glucose"),
    }
    count = sum(v.astype(int) for v in crit.values())
    return count >= c("metsyn_count"), count, crit


_NEEDED = (
    "fasting_glucose",
    "glucose_2h",
    "fasting_insulin",
    "hba1c",
    "age",
    "waist",
    "triglycerides",
    "hdl",
    "sbp",
    "dbp",
    "surface_receptors_muscle",
    "sensitivity_muscle",
    "sensitivity_liver",
    "secretory_capacity",
    "beta_mass",
)


def stage_trajectory(ds: xr.Dataset, male) -> xr.Dataset:
    """Add staging, ADA category, metabolic syndrome and complication risks to a trajectory.

    Parameters
    ----------
    ds : xarray.Dataset
        The result of :func:`insulinsim.progress` (``person`` x ``time`` in years).
    male : bool or array of bool (person,)
        Sex of each person (sex-specific thresholds).

    Returns
    -------
    xarray.Dataset
        ``ds`` with ``homa_ir``, ``ada_category``, ``stage``, ``stage_reason``,
        ``metabolic_syndrome``, ``metsyn_criteria`` (count), ``risk_<complication>`` and
        ``risk_any`` (cumulative risk from the start).
    """
    missing = [v for v in _NEEDED if v not in ds]
    if missing:
        raise InputError(
            "stage_trajectory.ds", missing, "a Dataset from insulinsim.progress", "run progress"
        )
    shape = ds.fasting_glucose.shape
    male = np.broadcast_to(np.asarray(male, dtype=bool)[..., None], shape)
    G0, I0 = ds.fasting_glucose.values, ds.fasting_insulin.values
    homa = homa1_ir(G0, I0)
    ada = ada_category(G0, ds.glucose_2h.values, ds.hba1c.values)
    diabetes = ada.category == "diabetes"
    haz = complication_hazards(
        hba1c_pct=np.clip(ds.hba1c.values, 3.0, 20.0),
        sbp_mmhg=ds.sbp.values,
        tg_mg_dl=ds.triglycerides.values,
        hdl_mg_dl=ds.hdl.values,
        age_years=ds.age.values,
        male=male,
        diabetes=diabetes,
    )
    risk = cumulative_risk(ds.time.values, haz)
    any_risk = 1.0 - np.prod([1.0 - risk[k] for k in COMPLICATIONS], axis=0)
    met, count, crit = metabolic_syndrome(
        waist_cm=ds.waist.values,
        tg_mg_dl=ds.triglycerides.values,
        hdl_mg_dl=ds.hdl.values,
        sbp_mmhg=ds.sbp.values,
        dbp_mmhg=ds.dbp.values,
        glucose_mg_dl=G0,
        male=male,
    )
    cut = staging_constant("homa_ir_cutoff")
    comp = staging_constant("complication_risk")
    stage = np.zeros(shape, dtype=int)
    stage = np.where((ada.category == "normal") & (homa >= cut), 1, stage)
    stage = np.where(ada.category == "prediabetes", 2, stage)
    stage = np.where(diabetes, 3, stage)
    stage = np.where(diabetes & (any_risk >= comp), 4, stage)
    reasons = np.empty(shape, dtype=object)
    v = {k: ds[k].values for k in _NEEDED}
    for idx in np.ndindex(shape):
        reasons[idx] = _reason(int(stage[idx]), idx, v, homa, ada, any_risk, cut, comp)
    out = ds.assign(
        homa_ir=(("person", "time"), homa, {"units": "dimensionless", "long_name": "HOMA1-IR"}),
        ada_category=(("person", "time"), ada.category.astype(object)),
        stage=(("person", "time"), stage, {"long_name": "stage of insulin resistance (0-4)"}),
        stage_reason=(("person", "time"), reasons),
        metabolic_syndrome=(("person", "time"), met),
        metsyn_criteria=(("person", "time"), count, {"long_name": "ATP III criteria met (of 5)"}),
        risk_any=(("person", "time"), any_risk, {"units": "fraction"}),
        **{
            f"risk_{k}": (("person", "time"), risk[k], {"units": "fraction"}) for k in COMPLICATIONS
        },
    )
    for name, c in crit.items():
        out[f"metsyn_{name}"] = (("person", "time"), c)
    return out


def _reason(stage, idx, v, homa, ada, any_risk, cut, comp) -> str:
    glyc = "; ".join(ada.reasons[idx])
    if stage == 0:
        return f"HOMA1-IR {homa[idx]:.2f} < {cut:g}; {glyc}"
    if stage == 1:
        return (
            f"HOMA1-IR {homa[idx]:.2f} >= {cut:g} with {glyc}: fasting insulin "
            f"{v['fasting_insulin'][idx]:.0f} pmol/L holds glucose normal (beta-cell capacity "
            f"{v['secretory_capacity'][idx]:.0f} % of the start)"
        )
    mech = (
        f"muscle surface receptors {v['surface_receptors_muscle'][idx]:.0f} % of healthy, "
        f"sensitivity muscle {100 * v['sensitivity_muscle'][idx]:.0f} % / liver "
        f"{100 * v['sensitivity_liver'][idx]:.0f} %"
    )
    if stage == 2:
        return f"{glyc}; {mech}"
    beta = (
        f"beta-cell capacity {v['secretory_capacity'][idx]:.0f} % of the start "
        f"(mass {v['beta_mass'][idx]:.0f} %)"
    )
    if stage == 3:
        return f"{glyc}; {beta}; {mech}"
    return f"cumulative complication risk {100 * any_risk[idx]:.0f} % >= {100 * comp:.0f} %; {glyc}"


def transitions(staged: xr.Dataset) -> pd.DataFrame:
    """First time (years) and age at which each person reached each stage (NaN: never).

    Columns: person, stage, name, years, age, fasting_glucose, glucose_2h, fasting_insulin,
    hba1c, reason.
    """
    rows = []
    t = staged.time.values
    for i, who in enumerate(staged.person.values):
        st = staged.stage.values[i]
        for k in range(1, 5):
            hit = np.flatnonzero(st >= k)
            if hit.size == 0:
                rows.append({"person": who, "stage": k, "name": STAGES[k], "years": np.nan})
                continue
            j = hit[0]
            rows.append(
                {
                    "person": who,
                    "stage": k,
                    "name": STAGES[k],
                    "years": float(t[j]),
                    "age": float(staged.age.values[i, j]),
                    "fasting_glucose": float(staged.fasting_glucose.values[i, j]),
                    "glucose_2h": float(staged.glucose_2h.values[i, j]),
                    "fasting_insulin": float(staged.fasting_insulin.values[i, j]),
                    "hba1c": float(staged.hba1c.values[i, j]),
                    "reason": staged.stage_reason.values[i, j],
                }
            )
    return pd.DataFrame(rows)
