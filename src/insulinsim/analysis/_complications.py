"""Stage-4 complications: hazards and cumulative risks from slow-model trajectories.

Pure NumPy functions (float64, elementwise, any array shape) that turn a person's HbA1c,
systolic blood pressure, lipids, age and sex into hazards per person-year of retinopathy,
nephropathy, neuropathy and cardiovascular (coronary heart) disease, and hazards over time into
cumulative risks. Every number comes from ``data/complications.toml`` with its unit, source and
the arithmetic of any conversion.

Model
-----
Each hazard is log-linear in its risk factors, as in the UKPDS Cox models::

    h = h_ref * HR_A1c ** (max(A1c, 6.0) - 6.72)
              * HR_SBP ** ((max(SBP, 120) - 135.7) / 10) * (other factors)

- HbA1c gradient: UKPDS 35 (record ``ukpds35_risk_per_1pct_hba1c``), 37 % lower risk of
  microvascular end points and 14 % lower risk of myocardial infarction per 1 % lower HbA1c, so a
  hazard ratio of 1/(1 - 0.37) = 1.587 (microvascular) and 1/(1 - 0.14) = 1.163 (cardiovascular)
  per +1 %. UKPDS 35 reports the lowest risk at HbA1c < 6 %, so the factor stops falling there.
- Systolic BP gradient: UKPDS 36, 13 % (microvascular) and 11 % (myocardial infarction) lower
  risk per 10 mmHg lower, lowest risk below 120 mmHg (same floor treatment).
- Retinopathy, nephropathy and neuropathy share the microvascular gradients: no separate gradient
  was found.
- Baselines at HbA1c 6.72 % and SBP 135.7 mmHg (the centring of the UKPDS 56 risk engine):
  cardiovascular 0.0112 per year (UKPDS 56, man aged 55 at diagnosis); retinopathy
  -ln(1 - 0.22)/6 = 0.0414 per year (UKPDS 50, 22 % in 6 years); nephropathy (micro-
  albuminuria) -ln(1 - 0.020) = 0.0202 per year (UKPDS 64); neuropathy -ln(1 - 0.10)/13 =
  0.0081 per year (ADDITION-Denmark). The UKPDS 35 incidence table by HbA1c category was not
  found, so it is not used.
- Cardiovascular only: age 1.059 per year and women 0.525 (UKPDS 56); HDL through the UKPDS 56
  ln(total/HDL cholesterol) term with total cholesterol held fixed, (HDL_ref / HDL) ** 1.3468.
- Neuropathy only: HDL 0.82 per 0.25 mmol/L (ADDITION-Denmark).
- Triglycerides are validated but change no hazard: UKPDS 23 did not keep them in its final CHD
  model and UKPDS 56 has no triglyceride term. There is no LDL or total cholesterol input.

Before diagnosis (``diabetes`` False): the three microvascular hazards are zero, because their
baselines are incidences counted from the diagnosis of diabetes and no non-diabetic baseline was
found (this ignores retinopathy and neuropathy in prediabetes). The cardiovascular hazard keeps
all its factors, including the HbA1c gradient, on a baseline divided by 2.00, the hazard ratio of
coronary heart disease with diabetes in the Emerging Risk Factors Collaboration (2010).

Limitations: the UKPDS gradients are associations (observational), not effects of treatment;
the UKPDS 56 duration factor (1.078 per year since diagnosis) is not applied because no duration
is passed; reference levels of the non-UKPDS-56 baselines and the reference HDL are assumptions
(see the data file); stroke is not part of the cardiovascular hazard.

References
----------
Stratton et al. 2000 (UKPDS 35, ``stratton2000_ukpds35``); Adler et al. 2000 (UKPDS 36,
``adler2000_ukpds36``); Turner et al. 1998 (UKPDS 23, ``turner1998_ukpds23``); Stevens et al. 2001
(UKPDS 56, ``stevens2001_ukpds56``); Stratton et al. 2001 (UKPDS 50, ``stratton2001_ukpds50``);
Adler et al. 2003 (UKPDS 64, ``adler2003_ukpds64``); Andersen et al. 2018 (ADDITION-Denmark,
``andersen2018_addition_dpn``); Emerging Risk Factors Collaboration 2010 (``erfc2010_sarwar``).
"""

from __future__ import annotations

import functools
import math
import tomllib
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from insulinsim.errors import InputError

__all__ = [
    "COMPLICATIONS",
    "complication_constant",
    "complication_hazards",
    "cumulative_risk",
]

COMPLICATIONS = ("retinopathy", "nephropathy", "neuropathy", "cardiovascular")
_MICROVASCULAR = ("retinopathy", "nephropathy", "neuropathy")


# --- constants -------------------------------------------------------------------------------


@functools.cache
def _table() -> dict:
    path = resources.files("insulinsim") / "data" / "complications.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def complication_constant(name: str) -> Any:
    """A number of ``data/complications.toml`` (value in its stated unit).

    Parameters
    ----------
    name : str
        Table name, e.g. ``"hba1c_rr_microvascular"`` or ``"ukpds56_q0"``.

    Returns
    -------
    float or list of float
        The ``value`` entry; unit, source and conversion notes are in the data file.
    """
    table = _table()
    if name not in table:
        raise InputError("complication_constant.name", name, f"one of {sorted(table)}")
    return table[name]["value"]


def _log_hr_from_rr(rr_pct: float) -> float:
    """Log hazard ratio per unit increase from a published % risk reduction per unit decrease."""
    return -math.log1p(-rr_pct / 100.0)


def _hazard_from_cumulative(p_pct: float, years: float) -> float:
    """Constant hazard (1/year) giving a cumulative incidence ``p_pct`` % after ``years``."""
    return -math.log1p(-p_pct / 100.0) / years


@functools.cache
def _coefficients() -> dict[str, float]:
    """Log-scale coefficients and baselines derived once from the data file."""
    c = complication_constant
    return {
        "a1c_micro": _log_hr_from_rr(c("hba1c_rr_microvascular")),
        "a1c_cvd": _log_hr_from_rr(c("hba1c_rr_myocardial_infarction")),
        "sbp_micro": _log_hr_from_rr(c("sbp_rr_microvascular")),
        "sbp_cvd": _log_hr_from_rr(c("sbp_rr_myocardial_infarction")),
        "age_cvd": math.log(c("ukpds56_age_hr")),
        "female_cvd": math.log(c("ukpds56_female_hr")),
        "lipid_cvd": math.log(c("ukpds56_lipid_ratio_hr")),
        "hdl_neuro": math.log(c("neuropathy_hdl_hr")) / c("neuropathy_hdl_step_mmol_l"),
        "no_diabetes_cvd": -math.log(c("erfc2010_diabetes_chd_hr")),
        "h_retinopathy": _hazard_from_cumulative(
            c("retinopathy_incidence_pct"), c("retinopathy_incidence_years")
        ),
        "h_nephropathy": _hazard_from_cumulative(c("nephropathy_annual_pct"), 1.0),
        "h_neuropathy": _hazard_from_cumulative(
            c("neuropathy_incidence_pct"), c("neuropathy_incidence_years")
        ),
        "h_cardiovascular": c("ukpds56_q0"),
    }


# --- input checks ----------------------------------------------------------------------------


def _first_bad(x: np.ndarray, bad: np.ndarray) -> float:
    return float(x[bad].flat[0])


def _ranged(field: str, x: ArrayLike, limit: str, unit: str, fix: str = "") -> np.ndarray:
    """``x`` as a float64 array, refusing non-finite values and values outside the limit."""
    low, high = complication_constant(limit)
    allowed = f"[{low:g}, {high:g}] {unit}, finite"
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(field, x, allowed, fix) from None
    bad = ~np.isfinite(a) | (a < low) | (a > high)
    if np.any(bad):
        raise InputError(field, _first_bad(a, bad), allowed, fix)
    return a


def _flag(field: str, x: ArrayLike) -> np.ndarray:
    """``x`` as a boolean array; accepts booleans and the numbers 0 and 1 only."""
    allowed = "booleans (True/False, or 0/1)"
    try:
        a = np.asarray(x)
    except (TypeError, ValueError):
        raise InputError(field, x, allowed) from None
    if a.dtype == np.bool_:
        return a
    if a.dtype.kind not in "iuf":
        raise InputError(field, x, allowed)
    bad = (a != 0) & (a != 1)
    if np.any(bad):
        raise InputError(field, _first_bad(a, bad), allowed)
    return a == 1


# --- hazards ---------------------------------------------------------------------------------


def complication_hazards(
    *,
    hba1c_pct: ArrayLike,
    sbp_mmhg: ArrayLike,
    tg_mg_dl: ArrayLike,
    hdl_mg_dl: ArrayLike,
    age_years: ArrayLike,
    male: ArrayLike,
    diabetes: ArrayLike,
) -> dict[str, np.ndarray]:
    """Hazard per person-year of each complication, elementwise over any array shape.

    Parameters
    ----------
    hba1c_pct : array_like
        HbA1c, % (NGSP/DCCT), in [3, 20]. UKPDS used the updated mean HbA1c; pass a running mean
        of the trajectory for the closest match.
    sbp_mmhg : array_like
        Systolic blood pressure, mmHg, in [50, 300] (UKPDS 36: updated mean).
    tg_mg_dl : array_like
        Fasting triglycerides, mg/dL, in [5, 10000]. Validated; changes no hazard (module notes).
    hdl_mg_dl : array_like
        HDL cholesterol, mg/dL, in [5, 200].
    age_years : array_like
        Age, years, in [0, 120].
    male : array_like of bool
        True for men.
    diabetes : array_like of bool
        True while the person meets diabetes criteria. False: microvascular hazards are zero
        and the cardiovascular baseline is divided by 2.00 (module notes).

    Returns
    -------
    dict of str to numpy.ndarray
        One float64 array per name in :data:`COMPLICATIONS`, shaped like the broadcast inputs,
        in 1/year.

    Raises
    ------
    InputError
        (a ValueError) naming the field, the offending value and the allowed range with unit.

    Notes
    -----
    With ``A = max(hba1c_pct, 6)``, ``S = max(sbp_mmhg, 120)`` and HDL in mmol/L::

        h_micro = h_k * 1.587**(A - 6.72) * 1.149**((S - 135.7)/10)       (if diabetes)
        h_neuro = h_micro * 0.82**((HDL - 1.1)/0.25)
        h_cvd   = 0.0112 * 1.163**(A - 6.72) * 1.124**((S - 135.7)/10)
                  * 1.059**(age - 55) * 0.525**female * (1.1/HDL)**1.3468 / (2.00 if not diabetes)

    with ``h_k`` 0.0414 (retinopathy), 0.0202 (nephropathy), 0.0081 (neuropathy) per year.

    References
    ----------
    See the module docstring and ``data/complications.toml``.

    Examples
    --------
    >>> h = complication_hazards(hba1c_pct=[7.0, 8.0], sbp_mmhg=140.0, tg_mg_dl=150.0,
    ...                          hdl_mg_dl=45.0, age_years=60.0, male=True, diabetes=True)
    >>> bool(h["retinopathy"][1] > h["retinopathy"][0])
    True
    """
    c = complication_constant
    a1c = _ranged(
        "hba1c_pct",
        hba1c_pct,
        "limit_hba1c_pct",
        "% (NGSP)",
        "give HbA1c in %, not mmol/mol or as a fraction",
    )
    sbp = _ranged("sbp_mmhg", sbp_mmhg, "limit_sbp_mmhg", "mmHg")
    tg = _ranged(
        "tg_mg_dl", tg_mg_dl, "limit_tg_mg_dl", "mg/dL", "give triglycerides in mg/dL, not mmol/L"
    )
    hdl = _ranged(
        "hdl_mg_dl",
        hdl_mg_dl,
        "limit_hdl_mg_dl",
        "mg/dL",
        "give HDL cholesterol in mg/dL, not mmol/L",
    )
    age = _ranged("age_years", age_years, "limit_age_years", "year")
    is_male = _flag("male", male)
    has_dm = _flag("diabetes", diabetes)
    a1c, sbp, tg, hdl, age, is_male, has_dm = np.broadcast_arrays(
        a1c, sbp, tg, hdl, age, is_male, has_dm
    )

    k = _coefficients()
    d_a1c = np.maximum(a1c, c("hba1c_floor_pct")) - c("reference_hba1c_pct")
    d_sbp = (np.maximum(sbp, c("sbp_floor_mmhg")) - c("reference_sbp_mmhg")) / c("sbp_step_mmhg")
    hdl_mmol = hdl / c("mg_dl_per_mmol_l_cholesterol")
    hdl_ref = c("reference_hdl_mmol_l")

    log_micro = k["a1c_micro"] * d_a1c + k["sbp_micro"] * d_sbp
    micro_on = has_dm.astype(np.float64)
    out = {
        "retinopathy": k["h_retinopathy"] * np.exp(log_micro) * micro_on,
        "nephropathy": k["h_nephropathy"] * np.exp(log_micro) * micro_on,
        "neuropathy": k["h_neuropathy"]
        * np.exp(log_micro + k["hdl_neuro"] * (hdl_mmol - hdl_ref))
        * micro_on,
    }
    log_cvd = (
        k["a1c_cvd"] * d_a1c
        + k["sbp_cvd"] * d_sbp
        + k["age_cvd"] * (age - c("reference_age_years"))
        + k["female_cvd"] * (~is_male)
        + k["lipid_cvd"] * np.log(hdl_ref / hdl_mmol)
        + k["no_diabetes_cvd"] * (~has_dm)
    )
    out["cardiovascular"] = k["h_cardiovascular"] * np.exp(log_cvd)
    return {name: np.asarray(out[name], dtype=np.float64) for name in COMPLICATIONS}


# --- cumulative risk -------------------------------------------------------------------------


def cumulative_risk(times_years: ArrayLike, hazards: dict[str, ArrayLike]) -> dict[str, np.ndarray]:
    """Cumulative risk ``1 - exp(-integral of h dt)`` of each hazard along the last axis.

    Parameters
    ----------
    times_years : array_like, shape (..., time)
        Sample times, years, finite and non-decreasing along the last axis; broadcastable with
        each hazard (a 1-D vector of times serves a whole population).
    hazards : dict of str to array_like, each shape (..., time)
        Hazards per year (for example from :func:`complication_hazards` evaluated on a
        trajectory), finite and non-negative.

    Returns
    -------
    dict of str to numpy.ndarray
        Same keys; float64 arrays of the broadcast shape: 0 at the first time, non-decreasing,
        below 1.

    Notes
    -----
    The cumulative hazard is integrated by the trapezoid rule,
    ``H_i = sum_{j<i} (h_j + h_{j+1}) / 2 * (t_{j+1} - t_j)``, and the risk is ``-expm1(-H)``
    (competing risks such as death are not removed).

    Examples
    --------
    >>> r = cumulative_risk([0.0, 10.0], {"x": [0.1, 0.1]})
    >>> round(float(r["x"][-1]), 4)  # 1 - exp(-1)
    0.6321
    """
    try:
        t = np.asarray(times_years, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("times_years", times_years, "finite numbers, years") from None
    if t.ndim == 0 or t.shape[-1] < 1:
        raise InputError("times_years", times_years, "an array with a time axis (last), years")
    if not np.all(np.isfinite(t)):
        raise InputError("times_years", _first_bad(t, ~np.isfinite(t)), "finite numbers, years")
    dt = np.diff(t, axis=-1)
    if np.any(dt < 0):
        raise InputError(
            "times_years",
            t.tolist() if t.size <= 10 else "array",
            "non-decreasing along the last axis, years",
        )
    out = {}
    for name, h in hazards.items():
        field = f"hazards[{name!r}]"
        try:
            a = np.asarray(h, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(field, h, "[0, inf) 1/year, finite") from None
        bad = ~np.isfinite(a) | (a < 0)
        if np.any(bad):
            raise InputError(field, _first_bad(a, bad), "[0, inf) 1/year, finite")
        if a.ndim == 0 or a.shape[-1] != t.shape[-1]:
            raise InputError(
                field,
                f"shape {a.shape}",
                f"last axis of length {t.shape[-1]}, the number of times",
            )
        a, tt = np.broadcast_arrays(a, t)
        increments = 0.5 * (a[..., 1:] + a[..., :-1]) * np.diff(tt, axis=-1)
        H = np.concatenate([np.zeros_like(a[..., :1]), np.cumsum(increments, axis=-1)], axis=-1)
        out[name] = -np.expm1(-H)
    return out
