"""Virtual people drawn from published population distributions (``data/population.toml``).

:func:`sample_people` draws adults (age, sex, height, weight, behaviour, family history and two
physiological multipliers) and rejects impossible combinations; :func:`people_inputs` turns the
rows into what the years model needs: stacked :class:`~insulinsim.parameters.Parameters`, ages
and per-person risk-factor levels, which :func:`people_deviations` combines with a scenario.

Randomness is counter-based: people are drawn in fixed blocks of ``block_size`` (1024) and
block ``b`` uses the generator seeded by ``SeedSequence(seed, spawn_key=(b,))``. Person ``i``
therefore depends only on ``(seed, i)``: any chunking of the cohort, on any number of workers,
gives the same people.

References
----------
Every distribution's source, locator and derivation is in ``data/population.toml``; the
published numbers are stored as published and the fits to them are done here
(:func:`population_distributions`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import tomllib
from importlib import resources
from typing import Any

import equinox as eqx
import jax
import numpy as np
import pandas as pd
from scipy.stats import norm

from insulinsim.errors import InputError, check_range
from insulinsim.parameters import PRESETS, Parameters, person
from insulinsim.physiology import body
from insulinsim.protocols import Scenario
from insulinsim.protocols._scenario import effects_table, factor_deviations

__all__ = [
    "POPULATION_COLUMNS",
    "POPULATION_FACTORS",
    "PeopleInputs",
    "people_deviations",
    "people_inputs",
    "population_distributions",
    "population_table",
    "sample_people",
]

#: risk factors of ``effects.toml`` that every virtual person carries at a personal level
POPULATION_FACTORS: tuple[str, ...] = (
    "daily_steps",
    "sleep_duration",
    "sugar_share",
    "saturated_fat_share",
    "family_history",
)

#: columns of :func:`sample_people`, with units
POPULATION_COLUMNS: dict[str, str] = {
    "person": "index in the cohort",
    "age": "years",
    "male": "bool",
    "height": "cm",
    "weight": "kg",
    "bmi": "kg/m^2",
    "body_fat": "% (Deurenberg, derived)",
    "waist": "cm (relative fat mass, derived)",
    "daily_steps": "steps/day",
    "sleep_duration": "h/night",
    "sugar_share": "% of energy",
    "saturated_fat_share": "% of energy",
    "family_history": "affected first-degree relatives",
    "insulin_sensitivity": "multiplier",
    "insulin_secretion": "multiplier",
}

_MAX_REDRAWS = 200
_MAX_PEOPLE = 10**9


@functools.cache
def population_table() -> dict:
    """The raw contents of ``data/population.toml``."""
    path = resources.files("insulinsim") / "data" / "population.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _lognormal_from_moments(mean: float, sd: float) -> tuple[float, float]:
    """(mu, sigma) of a log-normal with this mean and standard deviation."""
    s2 = math.log1p((sd / mean) ** 2)
    return math.log(mean) - s2 / 2.0, math.sqrt(s2)


def _fit_lognormal_shares(thresholds, shares) -> tuple[float, float]:
    """Least squares of ln(threshold) = mu + sigma probit(1 - share)."""
    t = np.log(np.asarray(thresholds, float))
    z = norm.ppf(1.0 - np.asarray(shares, float))
    sigma, mu = np.polyfit(z, t, 1)
    return float(mu), float(sigma)


@functools.cache
def population_distributions() -> dict[str, Any]:
    """The sampling distributions, fitted or derived from the published numbers.

    Returns a dict of plain floats/arrays: ``age_bands``, ``age_shares``, ``female_share``,
    ``height`` (sex -> (mean, sd)), ``bmi`` (sex -> (mu, sigma) of ln BMI), ``bmi_age_shift``
    (per band of ``bmi_age_bands``, added to mu), ``steps`` (mu, sigma of ln steps at the mean)
    and ``steps_bmi_shift`` (per BMI category), ``sleep`` (mean, sd), ``sugar`` (drinker share,
    sex -> mean among drinkers), ``satfat`` (mean, sd), ``family_history`` (shares of 0/1/2),
    ``physiology`` (log-sd of sensitivity and secretion, their correlation) and the bounds.
    """
    t = population_table()
    out: dict[str, Any] = {}
    a = t["age"]
    out["age_bands"] = np.asarray(a["bands"], float)
    shares = np.asarray(a["shares"], float)
    out["age_shares"] = shares / shares.sum()
    out["female_share"] = float(t["sex"]["female_share"])
    out["height"] = {s: (t["height"][s]["mean"], t["height"][s]["sd"]) for s in ("male", "female")}
    b = t["bmi"]
    out["bmi"] = {
        s: _fit_lognormal_shares(b[s]["thresholds"], b[s]["share_at_or_above"])
        for s in ("male", "female")
    }
    ages = b["age"]
    z_all = norm.ppf(ages["obesity_share_all"])
    out["bmi_age_bands"] = np.asarray(ages["bands"], float)
    out["bmi_age_probit_shift"] = norm.ppf(np.asarray(ages["obesity_share"], float)) - z_all
    st = t["daily_steps"]
    out["steps"] = _lognormal_from_moments(st["mean"], st["cv"] * st["mean"])
    out["steps_bmi_shift"] = np.log(np.asarray(st["bmi_category_mean"]) / st["bmi_category_all"])
    out["steps_range"] = (st["min"], st["max"])
    sl = t["sleep_duration"]
    out["sleep"] = (sl["threshold"] + sl["sd"] * norm.ppf(sl["share_at_or_above"]), sl["sd"])
    out["sleep_range"] = (sl["min"], sl["max"])
    su = t["sugar_share"]
    out["sugar"] = (
        su["drinker_share"],
        {
            "male": su["mean_share_male"] / su["drinker_share"],
            "female": su["mean_share_female"] / su["drinker_share"],
        },
        su["max"],
    )
    sf = t["saturated_fat_share"]
    mean = sf["share_below"] * sf["mean_below"] + (1 - sf["share_below"]) * sf["mean_at_or_above"]
    out["satfat"] = (mean, (mean - sf["threshold"]) / -norm.ppf(sf["share_below"]))
    out["satfat_range"] = (sf["min"], sf["max"])
    fh = np.asarray(t["family_history"]["shares"], float)
    out["family_history"] = fh / fh.sum()
    si, ai, di = t["insulin_sensitivity"], t["insulin_secretion"], t["physiology_correlation"]
    s_s = _lognormal_from_moments(si["mean"], si["sd"])[1]
    s_a = _lognormal_from_moments(ai["mean"], ai["sd"])[1]
    s_d = _lognormal_from_moments(di["disposition_mean"], di["disposition_sd"])[1]
    rho = (s_d**2 - s_s**2 - s_a**2) / (2.0 * s_s * s_a)
    out["physiology"] = (s_s, s_a, float(np.clip(rho, -0.99, 0.99)))
    out["physiology_scale"] = float(t["physiology_spread"]["scale"])
    out["sensitivity_targets"] = tuple(si["targets"])
    out["secretion_targets"] = tuple(ai["targets"])
    out["bounds"] = dict(t["plausibility"])
    return out


def _draw(
    rng: np.random.Generator, m: int, d: dict, composition, scale: float, demography=None
) -> dict[str, np.ndarray]:
    """``m`` candidate people (not yet checked for plausibility); with ``demography`` (age,
    male) given, only the other attributes are drawn."""
    if demography is None:
        band = rng.choice(len(d["age_shares"]), size=m, p=d["age_shares"])
        lo, hi = d["age_bands"][band, 0], d["age_bands"][band, 1]
        age = lo + (hi - lo) * rng.random(m)
        male = rng.random(m) >= d["female_share"]
    else:
        age, male = demography

    h_mean = np.where(male, d["height"]["male"][0], d["height"]["female"][0])
    h_sd = np.where(male, d["height"]["male"][1], d["height"]["female"][1])
    height = h_mean + h_sd * rng.standard_normal(m)

    mu = np.where(male, d["bmi"]["male"][0], d["bmi"]["female"][0])
    sigma = np.where(male, d["bmi"]["male"][1], d["bmi"]["female"][1])
    edges = d["bmi_age_bands"]
    k = np.clip(np.searchsorted(edges[:, 1], age, side="right"), 0, len(edges) - 1)
    mu = mu + sigma * d["bmi_age_probit_shift"][k]
    bmi = np.exp(mu + sigma * rng.standard_normal(m))
    weight = bmi * (height / 100.0) ** 2

    cat = np.digitize(bmi, [25.0, 30.0])
    s_mu, s_sigma = d["steps"]
    steps = np.exp(s_mu + d["steps_bmi_shift"][cat] + s_sigma * rng.standard_normal(m))
    sleep = d["sleep"][0] + d["sleep"][1] * rng.standard_normal(m)
    p_drink, mean_drink, sugar_max = d["sugar"]
    drinker = rng.random(m) < p_drink
    sugar_mean = np.where(male, mean_drink["male"], mean_drink["female"])
    sugar = np.where(drinker, np.minimum(rng.exponential(1.0, m) * sugar_mean, sugar_max), 0.0)
    satfat = d["satfat"][0] + d["satfat"][1] * rng.standard_normal(m)
    fh = rng.choice(3, size=m, p=d["family_history"]).astype(float)

    s_s, s_a, rho = d["physiology"]
    z1, z2 = rng.standard_normal(m), rng.standard_normal(m)
    z_s, z_a = z1, rho * z1 + math.sqrt(1.0 - rho * rho) * z2

    m_f = male.astype(float)
    bf = np.array(body.body_fat_percent(weight, height, age, m_f, composition))
    waist = np.array(body.waist_circumference(weight, height, age, m_f, composition))
    return {
        "age": age,
        "male": male,
        "height": height,
        "weight": weight,
        "bmi": bmi,
        "body_fat": bf,
        "waist": waist,
        "daily_steps": steps,
        "sleep_duration": sleep,
        "sugar_share": sugar,
        "saturated_fat_share": satfat,
        "family_history": fh,
        "insulin_sensitivity": np.exp(scale * s_s * z_s),
        "insulin_secretion": np.exp(scale * s_a * z_a),
        "_z_s": z_s,
        "_z_a": z_a,
    }


def _plausible(c: dict[str, np.ndarray], d: dict) -> np.ndarray:
    b = d["bounds"]

    def inside(x, lim):
        return np.isfinite(x) & (x >= lim[0]) & (x <= lim[1])

    k = b["log_multiplier_sds"]
    return (
        inside(c["height"], b["height_cm"])
        & inside(c["bmi"], b["bmi"])
        & inside(c["weight"], b["weight_kg"])
        & inside(c["body_fat"], b["body_fat_pct"])
        & inside(c["waist"], b["waist_cm"])
        & inside(c["daily_steps"], d["steps_range"])
        & inside(c["sleep_duration"], d["sleep_range"])
        & inside(c["saturated_fat_share"], d["satfat_range"])
        & (np.abs(c["_z_s"]) <= k)
        & (np.abs(c["_z_a"]) <= k)
    )


def _block(seed: int, b: int, size: int, d: dict, composition, scale: float):
    """Block ``b`` of the cohort: people ``b*size .. (b+1)*size - 1``, all plausible.

    A rejected person keeps their age and sex and draws everything else again, so that the
    plausibility bounds (which bite more at some ages) leave the age and sex mix unchanged.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b,)))
    people = _draw(rng, size, d, composition, scale)
    bad = ~_plausible(people, d)
    for _ in range(_MAX_REDRAWS):
        if not bad.any():
            break
        idx = np.flatnonzero(bad)
        demography = (people["age"][idx], people["male"][idx])
        cand = _draw(rng, idx.size, d, composition, scale, demography)
        ok = _plausible(cand, d)
        for key, v in cand.items():
            people[key][idx[ok]] = v[ok]
        bad[idx[ok]] = False
    if bad.any():  # the bounds exclude (almost) the whole distribution: a data-file error
        raise ValueError(
            f"population.toml: {int(bad.sum())} people of block {b} still implausible after "
            f"{_MAX_REDRAWS} redraws; check [plausibility] against the distributions"
        )
    return people


def sample_people(
    n: int,
    seed: int,
    *,
    start: int = 0,
    preset: str = "healthy",
    physiology_scale: float | None = None,
) -> pd.DataFrame:
    """Draw ``n`` virtual adults: people ``start .. start + n - 1`` of the cohort ``seed``.

    Parameters
    ----------
    n : int
        Number of people (>= 0).
    seed : int
        The cohort's seed (>= 0). The same seed gives the same people, however the cohort is
        split into chunks and on however many workers.
    start : int, optional
        Index of the first person (for chunked cohorts).
    preset : str, optional
        Preset whose body-composition parameters derive body fat and waist.
    physiology_scale : float, optional
        Multiplies the log-sds of the two physiological multipliers (default: ``scale`` of
        ``[physiology_spread]`` in ``population.toml``, 0 = everyone has the preset's
        physiology, 1 = the published spreads). The other attributes do not depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per person with the columns of :data:`POPULATION_COLUMNS` (units there):
        ``person`` (index), ``age`` (years), ``male``, ``height`` (cm), ``weight`` (kg), ``bmi``,
        ``body_fat`` and ``waist`` (derived by the model's relations, not drawn), the
        risk-factor levels of :data:`POPULATION_FACTORS` in their ``effects.toml`` units, and
        the multipliers ``insulin_sensitivity`` and ``insulin_secretion``.

    Raises
    ------
    InputError
        ``n``, ``seed`` or ``start`` out of range, or an unknown preset.

    Examples
    --------
    >>> people = sample_people(5, seed=1)
    >>> people.equals(sample_people(5, seed=1))
    True
    >>> sample_people(2, seed=1, start=3).equals(people.iloc[3:5].reset_index(drop=True))
    True
    """
    n = int(check_range("n", n, 0, _MAX_PEOPLE, "people"))
    start = int(check_range("start", start, 0, _MAX_PEOPLE, "people"))
    if not isinstance(seed, int | np.integer) or not 0 <= int(seed) < 2**63:
        raise InputError("seed", seed, "an integer in [0, 2^63)")
    if preset not in PRESETS:
        raise InputError("preset", preset, "one of " + ", ".join(PRESETS))
    d = population_distributions()
    scale = d["physiology_scale"] if physiology_scale is None else physiology_scale
    scale = check_range("physiology_scale", scale, 0.0, 1.0, "(fraction of the published spread)")
    size = int(population_table()["population"]["block_size"])
    # plain floats: the body-composition relations then run in NumPy (no compilation per shape)
    composition = jax.tree.map(float, person(preset).composition)
    cols = [c for c in POPULATION_COLUMNS if c != "person"]
    if n == 0:
        return pd.DataFrame({"person": np.zeros(0, np.int64), **{c: [] for c in cols}})
    first, last = start // size, (start + n - 1) // size
    blocks = [_block(int(seed), b, size, d, composition, scale) for b in range(first, last + 1)]
    offset = start - first * size
    data = {c: np.concatenate([blk[c] for blk in blocks])[offset : offset + n] for c in cols}
    df = pd.DataFrame({"person": np.arange(start, start + n, dtype=np.int64), **data})
    df["male"] = df["male"].astype(bool)
    return df


@dataclasses.dataclass(frozen=True)
class PeopleInputs:
    """What the years model needs for a batch of virtual people.

    Attributes
    ----------
    params : Parameters
        Stacked parameters (leading ``person`` axis, float64 NumPy leaves).
    ages : ndarray (person,)
        Age at the start, years.
    pal : ndarray (person,)
        Physical activity level at the start (dimensionless).
    factors : dict of str to ndarray (person,)
        Personal level of each factor of :data:`POPULATION_FACTORS`, in its ``effects.toml``
        unit.
    male : ndarray of bool (person,)
    """

    params: Parameters
    ages: np.ndarray
    pal: np.ndarray
    factors: dict[str, np.ndarray]
    male: np.ndarray


def people_inputs(
    people: pd.DataFrame, *, preset: str = "healthy", pal: float = 1.6
) -> PeopleInputs:
    """Turn rows of :func:`sample_people` into :class:`PeopleInputs`.

    The preset's parameters are given each person's weight, height and sex; the
    physiological multipliers scale the parameters named in ``population.toml``
    (``insulin_sensitivity``: ``glucose.V_mx`` and ``liver.k_p3``; ``insulin_secretion``:
    ``pancreas.K`` and ``pancreas.beta``).

    Parameters
    ----------
    people : DataFrame
        Rows of :func:`sample_people`.
    preset : str
        The base parameter set.
    pal : float
        Physical activity level at the start, the same for everyone (a scenario's ``pal``).
    """
    missing = [c for c in POPULATION_COLUMNS if c not in people.columns]
    if missing:
        raise InputError("people", missing, "a table from sample_people")
    n = len(people)
    base = person(preset)
    params = jax.tree.map(lambda x: np.full(n, float(x), dtype=np.float64), base)
    d = population_distributions()

    def col(name):
        return np.asarray(people[name], dtype=np.float64)

    male = np.asarray(people["male"], dtype=bool)
    updates = {
        "body.BW": col("weight"),
        "body.height": col("height"),
        "gonads.male": male.astype(np.float64),
    }
    for key in d["sensitivity_targets"]:
        updates[key] = _get(params, key) * col("insulin_sensitivity")
    for key in d["secretion_targets"]:
        updates[key] = _get(params, key) * col("insulin_secretion")
    keys = list(updates)
    params = eqx.tree_at(lambda p: [_get(p, k) for k in keys], params, [updates[k] for k in keys])
    return PeopleInputs(
        params=params,
        ages=col("age"),
        pal=np.full(n, float(pal)),
        factors={f: col(f) for f in POPULATION_FACTORS},
        male=male,
    )


def _get(p: Parameters, key: str):
    """The leaf ``group.name`` of a Parameters."""
    group, name = key.split(".")
    return getattr(getattr(p, group), name)


def people_deviations(
    scenario: Scenario, factors: dict[str, np.ndarray], t_years
) -> tuple[tuple[str, ...], np.ndarray]:
    """Per-person factor deviations over time: the scenario's courses plus personal levels.

    A factor that the scenario sets (a ``[[risk]]`` course) takes the scenario's course for
    everyone and the personal level is dropped; other personal levels hold over the whole run.
    Interventions add on top.

    Returns
    -------
    (names, devs)
        Factor names (order of ``effects.toml``) and deviations of shape
        ``(person, time, factor)``.
    """
    table = effects_table()
    names, base = factor_deviations(scenario, t_years)
    n = len(next(iter(factors.values()))) if factors else 0
    devs = np.broadcast_to(base, (n, *base.shape)).copy()
    set_by_scenario = {r.factor for r in scenario.risk}
    for name, level in factors.items():
        if name in set_by_scenario:
            continue
        spec = table[name]
        lv = np.asarray(level, dtype=np.float64)
        if np.any((lv < spec.min) | (lv > spec.max)):
            bad = float(lv[(lv < spec.min) | (lv > spec.max)][0])
            raise InputError(name, bad, f"[{spec.min:g}, {spec.max:g}] {spec.unit}")
        devs[:, :, names.index(name)] += spec.deviation(lv)[:, None]
    return names, devs
