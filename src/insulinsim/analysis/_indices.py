"""Clinical indices of glucose tolerance, insulin sensitivity and beta-cell function.

Pure functions of measured or simulated concentrations: the numbers a lab report or a study
table shows. Inputs are in the internal units (glucose mg/dL, insulin pmol/L, time min); each
formula converts to the units of its source with the named constants of :mod:`insulinsim.units`.
Every constant and threshold comes from ``data/indices.toml`` with its unit and source.

All functions work elementwise on NumPy arrays (and on Python floats), so one call computes an
index for a whole population; time-series functions take arrays shaped ``(..., time)``.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import xarray as xr

from insulinsim.errors import InputError
from insulinsim.units import MG_DL_PER_MMOL_L_GLUCOSE, PMOL_L_PER_UU_ML_INSULIN

__all__ = [
    "AdaCategory",
    "ada_category",
    "auc",
    "homa1_beta",
    "homa1_ir",
    "index_constant",
    "insulinogenic_index",
    "m_value",
    "matsuda",
    "ogtt_indices",
    "oral_disposition_index",
    "quicki",
    "tg_hdl_ratio",
    "tyg",
]

_CATEGORIES = ("normal", "prediabetes", "diabetes")


# --- constants -------------------------------------------------------------------------------


@functools.cache
def _table() -> dict:
    path = resources.files("insulinsim") / "data" / "indices.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def index_constant(name: str) -> Any:
    """A constant or threshold of ``data/indices.toml`` (value in its stated unit).

    Parameters
    ----------
    name : str
        Table name, e.g. ``"homa1_ir_denominator"`` or ``"ada_fasting_glucose_diabetes"``.

    Returns
    -------
    float or list of float
        The ``value`` entry; the unit and source are in the data file.
    """
    table = _table()
    if name not in table:
        raise InputError("index_constant.name", name, f"one of {sorted(table)}")
    return table[name]["value"]


# --- input checks ----------------------------------------------------------------------------


def _concentration(field: str, x, unit: str, *, positive: bool = False) -> np.ndarray:
    """``x`` as a float64 array, refusing negative (or, if ``positive``, zero) and non-finite."""
    allowed = f"{'(0' if positive else '[0'}, inf) {unit}, finite"
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(field, x, f"a number or array of numbers in {allowed}") from None
    bad = ~np.isfinite(a) | ((a <= 0.0) if positive else (a < 0.0))
    if np.any(bad):
        raise InputError(
            field,
            float(a[bad].flat[0]),
            allowed,
            "Check the unit and remove missing or negative values.",
        )
    return a


def _broadcast(func: str, **arrays: np.ndarray) -> None:
    try:
        np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = {k: a.shape for k, a in arrays.items()}
        raise InputError(
            func,
            shapes,
            "shapes that broadcast elementwise",
            "Give one value per person in each argument.",
        ) from None


def _times(field: str, times_min, n_time: int | None = None) -> np.ndarray:
    t = np.asarray(times_min, dtype=np.float64)
    if t.ndim != 1 or t.size < 2 or not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise InputError(
            field,
            times_min,
            "a 1-D, strictly increasing, finite array of times in min with at least 2 samples",
        )
    if n_time is not None and t.size != n_time:
        raise InputError(
            field,
            f"{t.size} times",
            f"{n_time} times (the last axis of the values), in min",
            "Give one time per sample.",
        )
    return t


def _series(func: str, times_min, **series) -> tuple[np.ndarray, ...]:
    """Check concentration series shaped ``(..., time)`` against ``times_min``; same shapes."""
    arrays = [_concentration(f"{func}.{k}", v, u) for k, (v, u) in series.items()]
    shapes = {k: a.shape for k, a in zip(series, arrays, strict=True)}
    if len(set(shapes.values())) > 1 or arrays[0].ndim == 0:
        raise InputError(
            func,
            shapes,
            "arrays of equal shape (..., time)",
            "Give glucose and insulin at the same sample times.",
        )
    t = _times(f"{func}.times_min", times_min, arrays[0].shape[-1])
    return (t, *arrays)


def _index_at(func: str, t: np.ndarray, t_want: float) -> int:
    hit = np.flatnonzero(np.isclose(t, t_want, rtol=0.0, atol=1e-6))
    if hit.size == 0:
        raise InputError(
            f"{func}.times_min",
            tuple(float(x) for x in t),
            f"sample times that include {t_want:g} min",
            f"Add the {t_want:g}-min sample.",
        )
    return int(hit[0])


def _out(x: np.ndarray):
    """0-d results as NumPy scalars (a float subclass), arrays unchanged."""
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _uu_ml(insulin_pmol_l: np.ndarray) -> np.ndarray:
    return insulin_pmol_l / PMOL_L_PER_UU_ML_INSULIN


def _mmol_l(glucose_mg_dl: np.ndarray) -> np.ndarray:
    return glucose_mg_dl / MG_DL_PER_MMOL_L_GLUCOSE


# --- fasting indices -------------------------------------------------------------------------


def homa1_ir(glucose_mg_dl, insulin_pmol_l):
    r"""HOMA1-IR, the homeostasis-model index of insulin resistance.

    .. math:: \mathrm{HOMA1\text{-}IR} = \frac{G_0 I_0}{22.5}

    with fasting glucose :math:`G_0` in mmol/L and fasting insulin :math:`I_0` in µU/mL.

    Parameters
    ----------
    glucose_mg_dl : float or array_like
        Fasting plasma glucose, mg/dL (>= 0).
    insulin_pmol_l : float or array_like
        Fasting plasma insulin, pmol/L (>= 0); converted at 6.0 pmol/L per µU/mL.

    Returns
    -------
    float or ndarray
        HOMA1-IR, dimensionless (1 for a normal young adult: 4.5 mmol/L and 5 µU/mL).

    References
    ----------
    Matthews et al. 1985 (``matthews1985``), Appendix; constant ``homa1_ir_denominator``.

    Examples
    --------
    >>> round(float(homa1_ir(4.5 * 18.016, 5 * 6.0)), 6)
    1.0
    """
    G = _concentration("homa1_ir.glucose_mg_dl", glucose_mg_dl, "mg/dL")
    I = _concentration("homa1_ir.insulin_pmol_l", insulin_pmol_l, "pmol/L")
    _broadcast("homa1_ir", glucose_mg_dl=G, insulin_pmol_l=I)
    return _out(_mmol_l(G) * _uu_ml(I) / index_constant("homa1_ir_denominator"))


def homa1_beta(glucose_mg_dl, insulin_pmol_l):
    r"""HOMA1-%B, the homeostasis-model estimate of beta-cell function.

    .. math:: \mathrm{HOMA1\text{-}\%B} = \frac{20\,I_0}{G_0 - 3.5}

    with fasting glucose :math:`G_0` in mmol/L and fasting insulin :math:`I_0` in µU/mL.

    Parameters
    ----------
    glucose_mg_dl : float or array_like
        Fasting plasma glucose, mg/dL (>= 0).
    insulin_pmol_l : float or array_like
        Fasting plasma insulin, pmol/L (>= 0).

    Returns
    -------
    float or ndarray
        HOMA1-%B in % (100 % for a normal young adult). NaN where G0 <= 3.5 mmol/L
        (63.06 mg/dL), where the approximation has no meaning.

    References
    ----------
    Matthews et al. 1985 (``matthews1985``), Appendix; constants ``homa1_beta_scale`` and
    ``homa1_beta_glucose_offset``.
    """
    G = _concentration("homa1_beta.glucose_mg_dl", glucose_mg_dl, "mg/dL")
    I = _concentration("homa1_beta.insulin_pmol_l", insulin_pmol_l, "pmol/L")
    _broadcast("homa1_beta", glucose_mg_dl=G, insulin_pmol_l=I)
    excess = _mmol_l(G) - index_constant("homa1_beta_glucose_offset")
    safe = np.where(excess > 0.0, excess, 1.0)
    beta = index_constant("homa1_beta_scale") * _uu_ml(I) / safe
    return _out(np.where(excess > 0.0, beta, np.nan))


def quicki(glucose_mg_dl, insulin_pmol_l):
    r"""QUICKI, the quantitative insulin sensitivity check index.

    .. math:: \mathrm{QUICKI} = \frac{1}{\log_{10} I_0 + \log_{10} G_0}

    with fasting insulin :math:`I_0` in µU/mL and fasting glucose :math:`G_0` in mg/dL.

    Parameters
    ----------
    glucose_mg_dl : float or array_like
        Fasting plasma glucose, mg/dL (> 0).
    insulin_pmol_l : float or array_like
        Fasting plasma insulin, pmol/L (> 0).

    Returns
    -------
    float or ndarray
        QUICKI, dimensionless (about 0.38 in lean healthy adults, lower when resistant).
        Only meaningful where I0 * G0 > 1 (always so for physiological values).

    References
    ----------
    Katz et al. 2000 (``katz2000``), abstract and Methods.
    """
    G = _concentration("quicki.glucose_mg_dl", glucose_mg_dl, "mg/dL", positive=True)
    I = _concentration("quicki.insulin_pmol_l", insulin_pmol_l, "pmol/L", positive=True)
    _broadcast("quicki", glucose_mg_dl=G, insulin_pmol_l=I)
    return _out(1.0 / (np.log10(_uu_ml(I)) + np.log10(G)))


# --- OGTT indices ----------------------------------------------------------------------------


def matsuda(glucose_mg_dl, insulin_pmol_l, times_min):
    r"""Matsuda (composite whole-body) insulin sensitivity index from an OGTT.

    .. math:: \mathrm{ISI} = \frac{10\,000}{\sqrt{G_0\,I_0\,\bar G\,\bar I}}

    with G in mg/dL, I in µU/mL, and :math:`\bar G`, :math:`\bar I` the arithmetic means of
    the samples taken from 0 to 120 min (inclusive). Pass the clinical samples (0, 30, 60, 90,
    120 min); a dense simulated curve gives a different mean than the 5-point index.

    Parameters
    ----------
    glucose_mg_dl : array_like, shape (..., time)
        Plasma glucose, mg/dL (> 0).
    insulin_pmol_l : array_like, shape (..., time)
        Plasma insulin, pmol/L (> 0).
    times_min : array_like, shape (time,)
        Sample times, min; must include 0 and 120. Samples after 120 min are ignored.

    Returns
    -------
    float or ndarray, shape (...)
        Matsuda index, dimensionless.

    References
    ----------
    Matsuda & DeFronzo 1999 (``matsuda1999``), Research design and methods.
    """
    t, G, I = _series(
        "matsuda",
        times_min,
        glucose_mg_dl=(glucose_mg_dl, "mg/dL"),
        insulin_pmol_l=(insulin_pmol_l, "pmol/L"),
    )
    i0 = _index_at("matsuda", t, 0.0)
    i_end = _index_at("matsuda", t, index_constant("matsuda_window_end"))
    window = slice(i0, i_end + 1)
    I_uu = _uu_ml(I)
    G0, I0 = G[..., i0], I_uu[..., i0]
    G_mean = G[..., window].mean(axis=-1)
    I_mean = I_uu[..., window].mean(axis=-1)
    product = G0 * I0 * G_mean * I_mean
    if np.any(product <= 0.0):
        raise InputError(
            "matsuda.insulin_pmol_l",
            0.0,
            "(0, inf) pmol/L at 0 min and on average",
            "Matsuda is undefined for zero fasting insulin.",
        )
    return _out(index_constant("matsuda_scale") / np.sqrt(product))


def insulinogenic_index(glucose_mg_dl, insulin_pmol_l, times_min):
    r"""Insulinogenic index: early insulin response per unit glucose rise in an OGTT.

    .. math:: \mathrm{IGI} = \frac{I_{30} - I_0}{G_{30} - G_0}

    with I in µU/mL and G in mg/dL (the Seltzer 1967 convention of the increments over the
    first 30 min, also used by Utzschneider et al. 2009; Phillips et al. 1994 instead divide
    the 30-min insulin increment by the 30-min glucose, which is a different number).

    Parameters
    ----------
    glucose_mg_dl : array_like, shape (..., time)
        Plasma glucose, mg/dL (>= 0).
    insulin_pmol_l : array_like, shape (..., time)
        Plasma insulin, pmol/L (>= 0).
    times_min : array_like, shape (time,)
        Sample times, min; must include 0 and 30.

    Returns
    -------
    float or ndarray, shape (...)
        IGI in (µU/mL)/(mg/dL). NaN where glucose did not rise (G30 <= G0), where the ratio
        has no meaning. Multiply by 6.0 * 18.016 for (pmol/L)/(mmol/L).

    References
    ----------
    Seltzer et al. 1967 (``seltzer1967``); Utzschneider et al. 2009 (``utzschneider2009``);
    Phillips et al. 1994 (``phillips1994``) for the alternative ratio.
    """
    t, G, I = _series(
        "insulinogenic_index",
        times_min,
        glucose_mg_dl=(glucose_mg_dl, "mg/dL"),
        insulin_pmol_l=(insulin_pmol_l, "pmol/L"),
    )
    return _out(_igi(t, G, I, "insulinogenic_index"))


def _igi(t: np.ndarray, G: np.ndarray, I: np.ndarray, func: str) -> np.ndarray:
    i0 = _index_at(func, t, 0.0)
    i30 = _index_at(func, t, index_constant("insulinogenic_index_time"))
    dG = G[..., i30] - G[..., i0]
    dI = _uu_ml(I[..., i30] - I[..., i0])
    return np.where(dG > 0.0, dI / np.where(dG > 0.0, dG, 1.0), np.nan)


def oral_disposition_index(glucose_mg_dl, insulin_pmol_l, times_min):
    r"""Oral disposition index: early insulin response scaled by insulin sensitivity.

    .. math:: \mathrm{DI_o} = \frac{\Delta I_{0-30}}{\Delta G_{0-30}} \times \frac{1}{I_0}

    exactly as defined by Utzschneider et al. 2009 (the product of the insulinogenic index and
    1/fasting insulin). The insulin unit cancels, so the result has the unit 1/glucose: here
    1/(mg/dL). Utzschneider et al. report glucose in mmol/L; multiply by 18.016 to compare.

    Parameters
    ----------
    glucose_mg_dl : array_like, shape (..., time)
        Plasma glucose, mg/dL (>= 0).
    insulin_pmol_l : array_like, shape (..., time)
        Plasma insulin, pmol/L (>= 0; fasting value > 0).
    times_min : array_like, shape (time,)
        Sample times, min; must include 0 and 30.

    Returns
    -------
    float or ndarray, shape (...)
        DIo in 1/(mg/dL); NaN where G30 <= G0.

    References
    ----------
    Utzschneider et al. 2009 (``utzschneider2009``), abstract and Methods.
    """
    t, G, I = _series(
        "oral_disposition_index",
        times_min,
        glucose_mg_dl=(glucose_mg_dl, "mg/dL"),
        insulin_pmol_l=(insulin_pmol_l, "pmol/L"),
    )
    igi = _igi(t, G, I, "oral_disposition_index")
    I0 = _uu_ml(I[..., _index_at("oral_disposition_index", t, 0.0)])
    if np.any(I0 <= 0.0):
        raise InputError(
            "oral_disposition_index.insulin_pmol_l",
            0.0,
            "(0, inf) pmol/L at 0 min",
            "The oral disposition index needs a positive fasting insulin.",
        )
    return _out(igi / I0)


def auc(values, times_min, baseline=None):
    r"""Area under a sampled curve by the trapezoidal rule, total or incremental.

    Total: :math:`\sum_k \tfrac12 (y_k + y_{k+1})(t_{k+1} - t_k)`. Incremental (``baseline``
    given): the area above the baseline only, computed exactly for the piecewise-linear curve
    (segments that cross the baseline are cut at the crossing; area below it counts as zero),
    the usual incremental AUC of glucose-tolerance studies.

    Parameters
    ----------
    values : array_like, shape (..., time)
        Concentrations (any unit U), >= 0.
    times_min : array_like, shape (time,)
        Sample times, min, strictly increasing.
    baseline : float or array_like, shape (...), optional
        Baseline in the unit of ``values`` (for example the fasting value ``values[..., 0]``).

    Returns
    -------
    float or ndarray, shape (...)
        AUC in U·min.

    References
    ----------
    The trapezoidal rule is standard quadrature; the incremental area above the fasting value
    is the convention of glucose-tolerance studies (e.g. the OGTT areas of ``matsuda1999``).
    """
    y = _concentration("auc.values", values, "(unit of the values)")
    if y.ndim == 0:
        raise InputError("auc.values", values, "an array shaped (..., time)")
    t = _times("auc.times_min", times_min, y.shape[-1])
    dt = np.diff(t)
    if baseline is None:
        return _out(np.sum(0.5 * (y[..., 1:] + y[..., :-1]) * dt, axis=-1))
    b = _concentration("auc.baseline", baseline, "(unit of the values)")
    _broadcast("auc", values=y[..., 0], baseline=b)
    d = y - np.asarray(b)[..., None]
    y1, y2 = d[..., :-1], d[..., 1:]
    p1, p2 = np.maximum(y1, 0.0), np.maximum(y2, 0.0)
    same_side = (y1 >= 0.0) == (y2 >= 0.0)
    # When the segment crosses zero, the positive triangle has area dt * p^2 / (2 |y1 - y2|).
    span = np.where(same_side, 1.0, np.abs(y1 - y2))
    area = np.where(same_side, 0.5 * (p1 + p2) * dt, 0.5 * (p1**2 + p2**2) / span * dt)
    return _out(np.sum(area, axis=-1))


def m_value(gir_mg_kg_min, times_min, last_min: float | None = None):
    r"""M value of a hyperinsulinemic-euglycemic clamp: mean glucose infusion rate at the end.

    .. math:: M = \frac{1}{\Delta} \int_{t_\mathrm{end}-\Delta}^{t_\mathrm{end}} \mathrm{GIR}(t)\,dt

    with GIR linearly interpolated between samples (trapezoidal rule) and
    :math:`\Delta` = ``last_min``. No space correction for changes in glucose is applied.

    Parameters
    ----------
    gir_mg_kg_min : array_like, shape (..., time)
        Glucose infusion rate, mg/kg/min (>= 0).
    times_min : array_like, shape (time,)
        Sample times, min.
    last_min : float, optional
        Averaging window at the end of the clamp, min (default 30, ``m_value_window``).

    Returns
    -------
    float or ndarray, shape (...)
        M in mg/kg/min.

    References
    ----------
    DeFronzo, Tobin & Andres 1979 (``defronzo1979``).
    """
    v = _concentration("m_value.gir_mg_kg_min", gir_mg_kg_min, "mg/kg/min")
    if v.ndim == 0:
        raise InputError("m_value.gir_mg_kg_min", gir_mg_kg_min, "an array shaped (..., time)")
    t = _times("m_value.times_min", times_min, v.shape[-1])
    window = index_constant("m_value_window") if last_min is None else float(last_min)
    span = float(t[-1] - t[0])
    if not (0.0 < window <= span):
        raise InputError("m_value.last_min", last_min, f"(0, {span:g}] min (the clamp length)")
    t_start = t[-1] - window
    k = min(int(np.searchsorted(t, t_start, side="right")) - 1, t.size - 2)
    w = (t_start - t[k]) / (t[k + 1] - t[k])
    v_start = v[..., k] * (1.0 - w) + v[..., k + 1] * w
    tw = np.concatenate([[t_start], t[k + 1 :]])
    vw = np.concatenate([v_start[..., None], v[..., k + 1 :]], axis=-1)
    return _out(np.sum(0.5 * (vw[..., 1:] + vw[..., :-1]) * np.diff(tw), axis=-1) / window)


# --- lipid indices ---------------------------------------------------------------------------


def tyg(triglycerides_mg_dl, glucose_mg_dl):
    r"""Triglyceride-glucose (TyG) index of insulin resistance.

    .. math:: \mathrm{TyG} = \ln\left(\frac{\mathrm{TG} \cdot \mathrm{FPG}}{2}\right)

    with fasting triglycerides TG and fasting plasma glucose FPG both in mg/dL.

    Parameters
    ----------
    triglycerides_mg_dl : float or array_like
        Fasting triglycerides, mg/dL (> 0).
    glucose_mg_dl : float or array_like
        Fasting plasma glucose, mg/dL (> 0).

    Returns
    -------
    float or ndarray
        TyG, dimensionless (natural log).

    References
    ----------
    Simental-Mendía et al. 2008 (``simentalmendia2008``), Methods.
    """
    TG = _concentration("tyg.triglycerides_mg_dl", triglycerides_mg_dl, "mg/dL", positive=True)
    G = _concentration("tyg.glucose_mg_dl", glucose_mg_dl, "mg/dL", positive=True)
    _broadcast("tyg", triglycerides_mg_dl=TG, glucose_mg_dl=G)
    return _out(np.log(TG * G / index_constant("tyg_divisor")))


def tg_hdl_ratio(tg_mg_dl, hdl_mg_dl):
    r"""Ratio of fasting triglycerides to HDL cholesterol, both in mg/dL.

    .. math:: \mathrm{TG/HDL} = \mathrm{TG} / \mathrm{HDL\text{-}C} \quad (\text{both mg/dL})

    The ratio depends on the unit: in mmol/L it is 2.29 times smaller (molar masses differ).

    Parameters
    ----------
    tg_mg_dl : float or array_like
        Fasting triglycerides, mg/dL (>= 0).
    hdl_mg_dl : float or array_like
        HDL cholesterol, mg/dL (> 0).

    Returns
    -------
    float or ndarray
        TG/HDL ratio (mg/dL over mg/dL).

    References
    ----------
    McLaughlin et al. 2003 (``mcLaughlin2003``).
    """
    TG = _concentration("tg_hdl_ratio.tg_mg_dl", tg_mg_dl, "mg/dL")
    HDL = _concentration("tg_hdl_ratio.hdl_mg_dl", hdl_mg_dl, "mg/dL", positive=True)
    _broadcast("tg_hdl_ratio", tg_mg_dl=TG, hdl_mg_dl=HDL)
    return _out(TG / HDL)


# --- ADA category ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdaCategory:
    """ADA glycaemic category and the criteria that decided it.

    Attributes
    ----------
    category : str or ndarray of str
        ``"normal"``, ``"prediabetes"`` or ``"diabetes"``: the worst category over the
        criteria given.
    reasons : tuple of str, or ndarray of tuples
        For each criterion that placed the person in ``category``, the value and the threshold
        (for array inputs, one tuple per person).
    fasting_glucose, two_hour_glucose, hba1c : str, ndarray of str or None
        The category by each criterion alone (None where not given).
    """

    category: Any
    reasons: Any
    fasting_glucose: Any = None
    two_hour_glucose: Any = None
    hba1c: Any = None


def ada_category(
    fasting_glucose_mg_dl=None, two_hour_glucose_mg_dl=None, hba1c_percent=None
) -> AdaCategory:
    """ADA category from fasting glucose, 2-h OGTT glucose and/or HbA1c.

    Diabetes if any criterion is at or above its diabetes threshold (FPG >= 126 mg/dL,
    2-h PG >= 200 mg/dL, HbA1c >= 6.5 %); else prediabetes if any lies in its prediabetes
    range (FPG 100-125, 2-h PG 140-199 mg/dL, HbA1c 5.7-6.4 %, used as half-open intervals up
    to the diabetes threshold); else normal. One test is not a diagnosis: the ADA asks for
    confirmation by repeat testing unless hyperglycaemia is unequivocal.

    Parameters
    ----------
    fasting_glucose_mg_dl : float or array_like, optional
        Fasting plasma glucose, mg/dL (>= 0).
    two_hour_glucose_mg_dl : float or array_like, optional
        Plasma glucose 2 h into a 75-g OGTT, mg/dL (>= 0).
    hba1c_percent : float or array_like, optional
        HbA1c, % (NGSP/DCCT) (>= 0).

    Returns
    -------
    AdaCategory
        Category and reasons; strings for scalar inputs, arrays for array inputs.

    References
    ----------
    American Diabetes Association 2024 (``ada2024``), Tables 2.2 and 2.5; thresholds in
    ``data/indices.toml`` (records ``ada_diabetes_thresholds``, ``ada_prediabetes_ranges``).
    """
    criteria = {
        "fasting_glucose": (fasting_glucose_mg_dl, "mg/dL", "fasting glucose"),
        "two_hour_glucose": (two_hour_glucose_mg_dl, "mg/dL", "2-h glucose"),
        "hba1c": (hba1c_percent, "%", "HbA1c"),
    }
    argnames = {
        "fasting_glucose": "fasting_glucose_mg_dl",
        "two_hour_glucose": "two_hour_glucose_mg_dl",
        "hba1c": "hba1c_percent",
    }
    given = {k: v for k, v in criteria.items() if v[0] is not None}
    if not given:
        raise InputError(
            "ada_category",
            None,
            "at least one of fasting_glucose_mg_dl, two_hour_glucose_mg_dl, hba1c_percent",
        )
    values = {
        k: _concentration(f"ada_category.{argnames[k]}", v, u) for k, (v, u, _) in given.items()
    }
    _broadcast("ada_category", **{argnames[k]: v for k, v in values.items()})
    shape = np.broadcast_shapes(*(v.shape for v in values.values()))

    codes, texts = {}, {}
    for k, x in values.items():
        x = np.broadcast_to(x, shape)
        low = index_constant(f"ada_{k}_prediabetes")[0]
        high = index_constant(f"ada_{k}_diabetes")
        codes[k] = np.where(x >= high, 2, np.where(x >= low, 1, 0))
        _, unit, label = given[k]
        texts[k] = (x, low, high, unit, label)
    overall = np.max(np.stack(list(codes.values())), axis=0)

    def reasons_at(idx) -> tuple[str, ...]:
        out = []
        for k, c in codes.items():
            if c[idx] != overall[idx]:
                continue
            x, low, high, unit, label = texts[k]
            xv = float(x[idx])
            rule = {
                2: f">= {high:g} {unit}",
                1: f"in [{low:g}, {high:g}) {unit}",
                0: f"< {low:g} {unit}",
            }[int(c[idx])]
            out.append(f"{label} {xv:g} {unit} {rule}")
        return tuple(out)

    names = np.asarray(_CATEGORIES)
    if shape == ():
        return AdaCategory(
            category=str(names[overall]),
            reasons=reasons_at(()),
            **{k: str(names[codes[k]]) for k in codes},
        )
    reasons = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        reasons[idx] = reasons_at(idx)
    return AdaCategory(
        category=names[overall], reasons=reasons, **{k: names[codes[k]] for k in codes}
    )


# --- OGTT summary ----------------------------------------------------------------------------


def _check_units(ds: xr.Dataset, name: str, unit: str) -> None:
    if name not in ds:
        raise InputError(
            "ogtt_indices.ds",
            sorted(map(str, ds.data_vars)),
            f"a Dataset with variable {name!r} in {unit}",
            "Pass the result of insulinsim.simulate(...).",
        )
    got = ds[name].attrs.get("units")
    if got is not None and got != unit:
        raise InputError(
            f"ogtt_indices.ds.{name}.units",
            got,
            unit,
            f"Convert {name} to {unit} first (insulinsim.units).",
        )


def ogtt_indices(ds: xr.Dataset) -> xr.Dataset:
    """Clinical indices of a 75-g OGTT, per person.

    Reads the samples at 0, 30, 60, 90 and 120 min (``ogtt_sample_times``) of a result of
    ``insulinsim.simulate(..., insulinsim.protocols.ogtt())``, as a lab would, and computes
    every index from those samples: a denser simulated curve is not used, so the numbers are
    those of a clinical OGTT report.

    Parameters
    ----------
    ds : xarray.Dataset
        Variables ``glucose`` (mg/dL) and ``insulin`` (pmol/L) with a ``time`` dimension (min)
        and any other dimensions (usually ``person``).

    Returns
    -------
    xarray.Dataset
        Per-person variables with ``units``, ``long_name`` and ``references`` attributes:
        ``fasting_glucose``, ``fasting_insulin``, ``two_hour_glucose``, ``homa1_ir``,
        ``homa1_beta``, ``quicki``, ``matsuda``, ``insulinogenic_index``,
        ``oral_disposition_index``, ``glucose_auc``, ``insulin_auc`` (0-120 min, trapezoid),
        ``ada_category`` and ``ada_reasons`` (from fasting and 2-h glucose only).

    References
    ----------
    See the individual functions: ``matthews1985``, ``katz2000``, ``matsuda1999``,
    ``seltzer1967``, ``utzschneider2009``, ``ada2024``.
    """
    if not isinstance(ds, xr.Dataset):
        raise InputError("ogtt_indices.ds", type(ds).__name__, "an xarray.Dataset")
    _check_units(ds, "glucose", "mg/dL")
    _check_units(ds, "insulin", "pmol/L")
    if "time" not in ds["glucose"].dims or "time" not in ds["insulin"].dims:
        raise InputError("ogtt_indices.ds", ds["glucose"].dims, "variables with a 'time' dim")
    want = np.asarray(index_constant("ogtt_sample_times"), dtype=np.float64)
    have = np.asarray(ds["time"].values, dtype=np.float64)
    missing = [float(t) for t in want if not np.any(np.isclose(have, t, rtol=0.0, atol=1e-6))]
    if missing:
        raise InputError(
            "ogtt_indices.ds.time",
            missing,
            f"samples at {', '.join(f'{t:g}' for t in want)} min",
            "Simulate with insulinsim.protocols.ogtt().",
        )
    samples = ds[["glucose", "insulin"]].sel(time=want, method="nearest")
    G_da = samples["glucose"].transpose(..., "time")
    I_da = samples["insulin"].transpose(..., "time")
    if G_da.dims != I_da.dims or G_da.shape != I_da.shape:
        raise InputError(
            "ogtt_indices.ds",
            {"glucose": G_da.dims, "insulin": I_da.dims},
            "glucose and insulin with the same dimensions",
        )
    G, I = G_da.values, I_da.values
    dims = G_da.dims[:-1]
    t120 = int(np.flatnonzero(want == index_constant("ogtt_two_hour_time"))[0])
    G0, I0, G120 = G[..., 0], I[..., 0], G[..., t120]
    ada = ada_category(fasting_glucose_mg_dl=G0, two_hour_glucose_mg_dl=G120)

    def var(x, units, long_name, refs):
        attrs = {"units": units, "long_name": long_name, "references": refs}
        return xr.Variable(dims, np.asarray(x), attrs)

    data = {
        "fasting_glucose": var(G0, "mg/dL", "fasting plasma glucose (0 min)", "ada2024"),
        "fasting_insulin": var(I0, "pmol/L", "fasting plasma insulin (0 min)", ""),
        "two_hour_glucose": var(G120, "mg/dL", "2-h plasma glucose of the OGTT", "ada2024"),
        "homa1_ir": var(homa1_ir(G0, I0), "1", "HOMA1-IR", "matthews1985"),
        "homa1_beta": var(homa1_beta(G0, I0), "%", "HOMA1-%B", "matthews1985"),
        "quicki": var(quicki(G0, I0), "1", "QUICKI", "katz2000"),
        "matsuda": var(matsuda(G, I, want), "1", "Matsuda index (0-120 min)", "matsuda1999"),
        "insulinogenic_index": var(
            insulinogenic_index(G, I, want),
            "(uU/mL)/(mg/dL)",
            "insulinogenic index (I30-I0)/(G30-G0)",
            "seltzer1967",
        ),
        "oral_disposition_index": var(
            oral_disposition_index(G, I, want),
            "1/(mg/dL)",
            "oral disposition index IGI/I0",
            "utzschneider2009",
        ),
        "glucose_auc": var(auc(G, want), "mg/dL*min", "glucose AUC 0-120 min (trapezoid)", ""),
        "insulin_auc": var(auc(I, want), "pmol/L*min", "insulin AUC 0-120 min (trapezoid)", ""),
        "ada_category": xr.Variable(
            dims,
            np.asarray(ada.category, dtype=object),
            {"long_name": "ADA category (fasting and 2-h glucose)", "references": "ada2024"},
        ),
        "ada_reasons": xr.Variable(
            dims,
            np.asarray(
                ["; ".join(r) for r in np.ravel(ada.reasons)] if dims else "; ".join(ada.reasons),
                dtype=object,
            ).reshape(G0.shape),
            {"long_name": "criteria that decided the ADA category"},
        ),
    }
    coords = {d: ds[d] for d in dims if d in ds.coords}
    return xr.Dataset(data, coords=coords, attrs={"sample_times_min": want.tolist()})
