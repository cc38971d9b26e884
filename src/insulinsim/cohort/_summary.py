"""Summaries of a cohort folder: stages, insulin resistance, glycaemia, metabolic health.

All shares are of the people whose read-outs at the chosen time lie inside the model's range
(``valid``); the number left out is reported. Age bands and definitions follow the surveys the
cohort is validated against (``data/population_validation.toml``): diabetes and prediabetes
from fasting glucose and HbA1c only (as the National Diabetes Statistics Report), and the
model's full ADA category (with the 2-h OGTT glucose) beside it.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from insulinsim._files import write_atomically
from insulinsim.analysis import STAGES, ada_category
from insulinsim.cohort._store import CohortStore
from insulinsim.errors import InputError

__all__ = [
    "CohortSummary",
    "cohort_summary",
    "plot_cohort_summary",
    "survey_records",
    "survey_table",
    "survey_value",
]

_COLUMNS = [
    "person",
    "time",
    "age",
    "fasting_glucose",
    "glucose_2h",
    "fasting_insulin",
    "hba1c",
    "homa_ir",
    "sensitivity_muscle",
    "waist",
    "sbp",
    "dbp",
    "triglycerides",
    "hdl",
    "bmi",
    "stage",
    "ada_category",
    "valid",
]


@functools.cache
def survey_table() -> dict:
    """The contents of ``data/population_validation.toml``."""
    path = resources.files("insulinsim") / "data" / "population_validation.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def survey_records() -> list[dict]:
    """The published survey figures, one dict per record (see the data file's header)."""
    return list(survey_table()["record"])


@dataclasses.dataclass(frozen=True)
class CohortSummary:
    """Shares of a cohort at one time.

    Attributes
    ----------
    time : float
        Years from the start.
    n : int
        People with read-outs inside the model's range at that time.
    excluded : int
        People left out (outside the model's range, see ``status`` in the people table).
    stages : DataFrame
        Share in each stage (0-4) by group (``all``, age band, sex, age band x sex).
    homa : DataFrame
        Share with HOMA1-IR at or above each cut-off, by group.
    glycaemia : DataFrame
        Shares normal / prediabetes / diabetes by group, survey definition (FPG + HbA1c) and
        model definition (ADA with the 2-h OGTT).
    metabolic_health : DataFrame
        Share metabolically healthy (Araujo 2019 definition) by group.
    age_trend : dict
        Slopes per decade of age, people with normal glucose (survey definition): ``homa_ir``
        (relative, fraction per decade) and ``sensitivity_muscle`` (absolute per decade).
    people : DataFrame
        One row per included person at ``time`` (the columns used).
    """

    time: float
    n: int
    excluded: int
    stages: pd.DataFrame
    homa: pd.DataFrame
    glycaemia: pd.DataFrame
    metabolic_health: pd.DataFrame
    age_trend: dict
    people: pd.DataFrame


def _age_band(age: np.ndarray) -> np.ndarray:
    d = survey_table()["definitions"]["age_bands"]
    edges, labels = np.asarray(d["edges"]), np.asarray(d["labels"])
    k = np.clip(np.searchsorted(edges, age, side="right") - 1, 0, len(labels) - 1)
    return labels[k]


def _groups(df: pd.DataFrame):
    """(group label, mask) for all, each age band, each sex and each age band x sex."""
    yield "all", np.ones(len(df), bool)
    bands = survey_table()["definitions"]["age_bands"]["labels"]
    for b in bands:
        yield b, (df["age_band"] == b).to_numpy()
    for s in ("male", "female"):
        yield s, (df["sex"] == s).to_numpy()
    for b in bands:
        for s in ("male", "female"):
            yield f"{b} {s}", ((df["age_band"] == b) & (df["sex"] == s)).to_numpy()


def _shares(df: pd.DataFrame, flags: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for g, m in _groups(df):
        n = int(m.sum())
        row = {"group": g, "n": n}
        for name, f in flags.items():
            row[name] = float(f[m].mean()) if n else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def survey_glycaemia(fasting_glucose, hba1c) -> np.ndarray:
    """'normal' / 'prediabetes' / 'diabetes' from FPG and HbA1c only (the NDSR definition)."""
    return np.asarray(ada_category(fasting_glucose, None, hba1c).category).astype(str)


def metabolically_healthy(df: pd.DataFrame) -> np.ndarray:
    """Araujo et al. 2019: all five factors at optimal levels (data/population_validation.toml)."""
    d = survey_table()["definitions"]["metabolically_healthy"]
    male = (df["sex"] == "male").to_numpy()
    return (
        (df["waist"].to_numpy() < np.where(male, d["waist_male_lt"], d["waist_female_lt"]))
        & (df["fasting_glucose"].to_numpy() < d["fasting_glucose_lt"])
        & (df["hba1c"].to_numpy() < d["hba1c_lt"])
        & (df["sbp"].to_numpy() < d["sbp_lt"])
        & (df["dbp"].to_numpy() < d["dbp_lt"])
        & (df["triglycerides"].to_numpy() < d["triglycerides_lt"])
        & (df["hdl"].to_numpy() >= np.where(male, d["hdl_male_ge"], d["hdl_female_ge"]))
    )


def _nearest_time(store: CohortStore, at) -> float:
    times = np.asarray(store.times())
    if at in ("end", None):
        return float(times[-1])
    if at == "start":
        return float(times[0])
    try:
        t = float(at)
    except (TypeError, ValueError):
        raise InputError("--at", at, "'start', 'end' or a time in years") from None
    if not times[0] - 1e-9 <= t <= times[-1] + 1e-9:
        raise InputError("--at", at, f"[{times[0]:g}, {times[-1]:g}] years")
    return float(times[np.argmin(np.abs(times - t))])


def cohort_summary(out: str | os.PathLike, at: str | float = "end") -> CohortSummary:
    """Summarise the cohort folder ``out`` at time ``at`` ('start', 'end' or years).

    Reads only the rows at that time (one per person), so memory grows with N, not with
    N x steps.
    """
    store = CohortStore(out)
    store.manifest()
    t = _nearest_time(store, at)
    traj = store.read("trajectory", columns=_COLUMNS, filters=[("time", "==", t)])
    people = store.read("people", columns=["person", "male"])
    df = traj.merge(people, on="person", how="left", validate="one_to_one")
    excluded = int((~df["valid"]).sum())
    df = df[df["valid"]].reset_index(drop=True)
    df["sex"] = np.where(df["male"].to_numpy(bool), "male", "female")
    df["age_band"] = _age_band(df["age"].to_numpy())
    if len(df) == 0:
        raise InputError("DIR", str(out), "a cohort with people inside the model's range")

    stage = df["stage"].to_numpy()
    stages = _shares(df, {f"stage {k}": stage == k for k in STAGES})
    cut = survey_table()["definitions"]["homa_ir_cutoffs"]["values"]
    homa = _shares(df, {f"HOMA-IR >= {c:g}": df["homa_ir"].to_numpy() >= c for c in cut})
    surv = survey_glycaemia(df["fasting_glucose"].to_numpy(), df["hba1c"].to_numpy())
    model = df["ada_category"].to_numpy().astype(str)
    df["survey_category"] = surv
    glyc = _shares(
        df,
        {
            "prediabetes": surv == "prediabetes",
            "diabetes": surv == "diabetes",
            "prediabetes (with OGTT)": model == "prediabetes",
            "diabetes (with OGTT)": model == "diabetes",
        },
    )
    healthy = metabolically_healthy(df)
    df["metabolically_healthy"] = healthy
    meta = _shares(df, {"metabolically healthy": healthy})
    return CohortSummary(
        time=t,
        n=len(df),
        excluded=excluded,
        stages=stages,
        homa=homa,
        glycaemia=glyc,
        metabolic_health=meta,
        age_trend=_age_trend(df, surv == "normal"),
        people=df,
    )


def survey_value(summary: CohortSummary, record: dict) -> tuple[float | None, int]:
    """The cohort's value of a survey record's quantity in its group: (value, n)."""
    cat = record["category"]
    if cat == "age_trend":
        return summary.age_trend["homa_ir"], summary.age_trend["n"]
    group = record.get("group", {})
    label = " ".join(str(group[k]) for k in ("age_band", "sex") if k in group) or "all"
    table = {
        "diabetes": summary.glycaemia,
        "prediabetes": summary.glycaemia,
        "metabolically_healthy": summary.metabolic_health,
    }[cat]
    column = {"metabolically_healthy": "metabolically healthy"}.get(cat, cat)
    row = table.set_index("group").loc[label]
    return float(row[column]), int(row["n"])


def _age_trend(df: pd.DataFrame, normal: np.ndarray) -> dict:
    """Least-squares slopes per decade of age among people with normal glucose."""
    age = df["age"].to_numpy()[normal]
    out = {"n": int(normal.sum())}
    if out["n"] < 3 or np.ptp(age) == 0:
        return {**out, "homa_ir": np.nan, "sensitivity_muscle": np.nan}
    log_homa = np.log(df["homa_ir"].to_numpy()[normal])
    out["homa_ir"] = float(np.expm1(10.0 * np.polyfit(age, log_homa, 1)[0]))
    sens = df["sensitivity_muscle"].to_numpy()[normal]
    out["sensitivity_muscle"] = float(10.0 * np.polyfit(age, sens, 1)[0])
    return out


def stage_course(out: str | os.PathLike) -> pd.DataFrame:
    """Share of valid people in each stage at every time (rows: time; columns: stages),
    accumulated part by part so memory stays bounded."""
    store = CohortStore(out)
    total = None
    for f in sorted((store.root / "trajectory").glob("part-*.parquet")):
        t = pq.read_table(f, columns=["time", "stage", "valid"]).to_pandas()
        t = t[t["valid"]]
        counts = pd.crosstab(t["time"], t["stage"])
        total = counts if total is None else total.add(counts, fill_value=0)
    if total is None:
        raise InputError("DIR", str(out), "a cohort folder with trajectory parts")
    total = total.reindex(columns=list(STAGES), fill_value=0)
    return total.div(total.sum(axis=1), axis=0)


def plot_cohort_summary(out: str | os.PathLike, summary: CohortSummary, folder) -> list[Path]:
    """Write the summary figures (PNG) into ``folder``: stage prevalence over time, glycaemic
    category by age band and sex, HOMA-IR by age band. Returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(folder)
    written = []
    colours = ["#ffffff", "#fff2cc", "#fcd5b4", "#f4a582", "#d6604d"]

    course = stage_course(out)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.stackplot(
        course.index.to_numpy(),
        course.to_numpy().T,
        labels=[f"{k} {STAGES[k]}" for k in course.columns],
        colors=colours,
        edgecolor="0.4",
        linewidth=0.4,
    )
    ax.set(xlabel="years from the start", ylabel="share of the cohort", ylim=(0, 1))
    ax.set_title("Stage of insulin resistance over time")
    ax.legend(fontsize=7, loc="lower left")
    written.append(_save(fig, folder / "stages.png"))

    g = summary.glycaemia.set_index("group")
    groups = [x for x in g.index if " " in x]  # age band x sex
    fig, ax = plt.subplots(figsize=(8, 4))
    pre, dia = g.loc[groups, "prediabetes"], g.loc[groups, "diabetes"]
    x = np.arange(len(groups))
    ax.bar(x, dia, color="#d6604d", label="diabetes")
    ax.bar(x, pre, bottom=dia, color="#fcd5b4", label="prediabetes")
    ax.set_xticks(x, groups, rotation=30, ha="right", fontsize=8)
    ax.set(ylabel="share (fasting glucose and HbA1c)", ylim=(0, 1))
    ax.set_title(f"Glycaemia by age band and sex at year {summary.time:g}")
    ax.legend(fontsize=8)
    written.append(_save(fig, folder / "glycaemia.png"))

    fig, ax = plt.subplots(figsize=(6, 4))
    bands = survey_table()["definitions"]["age_bands"]["labels"]
    data = [summary.people.loc[summary.people["age_band"] == b, "homa_ir"] for b in bands]
    ax.boxplot([d.to_numpy() for d in data], tick_labels=bands, showfliers=False)
    for c in survey_table()["definitions"]["homa_ir_cutoffs"]["values"]:
        ax.axhline(c, color="0.5", ls="--", lw=0.8)
    ax.set(ylabel="HOMA1-IR", xlabel="age band (years)")
    ax.set_title("Insulin resistance by age (dashed: cut-offs)")
    written.append(_save(fig, folder / "homa_ir.png"))
    return written


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    try:
        return write_atomically(path, lambda tmp: fig.savefig(tmp, dpi=120))
    finally:
        plt.close(fig)
