"""Personal assessment: where one person's lab results fall on the road from health to disease.

:func:`assess` takes one person's lab results (any object with the fields of
:class:`insulinsim.io.LabResults`, in its internal units) and returns an :class:`Assessment`:

- every clinical index the data allow, each with its reference range and source
  (``data/assessment.toml``);
- the ADA glycaemic category and the metabolic-syndrome criteria met;
- the most likely stage (0-3; stage 4 needs clinical evidence of complications) with the
  evidence for it, what would place the person in a neighbouring stage, and which missing test
  could change the call;
- a model-based fasting assessment (:func:`fasting_model_assessment`): the whole-body model's
  steady state solved for the person's insulin sensitivity (%S) and beta-cell function (%B)
  relative to the healthy preset, in the spirit of HOMA2 but with this project's model;
- a plain-language explanation and the notice that this is not medical advice.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

import equinox as eqx
import jax
import numpy as np
from scipy import optimize

from insulinsim.analysis._indices import (
    ada_category,
    homa1_beta,
    homa1_ir,
    index_constant,
    insulinogenic_index,
    matsuda,
    oral_disposition_index,
    quicki,
    tg_hdl_ratio,
    tyg,
)
from insulinsim.analysis._staging import STAGES, metabolic_syndrome, staging_constant
from insulinsim.errors import InputError
from insulinsim.model import basal_state
from insulinsim.parameters import Parameters, person
from insulinsim.physiology import pancreas
from insulinsim.units import body_surface_area_m2

__all__ = [
    "NOTICE",
    "Assessment",
    "FastingModel",
    "IndexResult",
    "StageCall",
    "assess",
    "fasting_model_assessment",
    "reference_ranges",
]

NOTICE = (
    "This is a research and teaching tool, not medical advice. It does not diagnose: one test "
    "is not a diagnosis (the ADA asks for confirmation by a repeat test), and reference ranges "
    "differ between populations and laboratories. Talk to a clinician about your results."
)

_LABELS = {
    "homa1_ir": "HOMA1-IR",
    "homa1_beta": "HOMA1-%B",
    "quicki": "QUICKI",
    "matsuda": "Matsuda index",
    "insulinogenic_index": "insulinogenic index",
    "oral_disposition_index": "oral disposition index",
    "tyg": "TyG index",
    "tg_hdl_ratio": "TG/HDL ratio",
}
_UNITS = {
    "homa1_ir": "dimensionless",
    "homa1_beta": "%",
    "quicki": "dimensionless",
    "matsuda": "dimensionless",
    "insulinogenic_index": "(uU/mL)/(mg/dL)",
    "oral_disposition_index": "1/(mg/dL)",
    "tyg": "dimensionless",
    "tg_hdl_ratio": "(mg/dL)/(mg/dL)",
}


@functools.cache
def _table() -> dict:
    path = resources.files("insulinsim") / "data" / "assessment.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def reference_ranges() -> dict[str, dict]:
    """The reference range of each index (``data/assessment.toml``), by index name."""
    return dict(_table()["ranges"])


# --- results ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class IndexResult:
    """One clinical index of one person.

    ``flag`` is ``"above"`` / ``"below"`` (outside the reference on the abnormal side),
    ``"within"``, or ``"compare"`` for indices without a cut-off (shown next to published group
    values); ``reference`` says what the value was compared with.
    """

    name: str
    label: str
    value: float
    unit: str
    flag: str
    reference: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class FastingModel:
    """Model-based fasting assessment (:func:`fasting_model_assessment`).

    Attributes
    ----------
    percent_s : float
        Hepatic insulin sensitivity (what the fasting state reads), % of the reference preset.
    percent_b : float
        Beta-cell function: fasting secretion relative to what the healthy preset's beta cells
        would secrete at this glucose, %.
    secretion_pmol_kg_min : float
        Fasting insulin secretion, pmol/kg/min.
    insulin_pmol_l : float
        Fasting insulin used (measured, or from the model's insulin kinetics when only
        C-peptide was given), pmol/L.
    basis : str
        What %B was read from: ``"insulin"`` or ``"C-peptide"``.
    reference_preset : str
        The person %S and %B are relative to.
    structure_preset : str
        The parameter set whose glucose production and insulin kinetics were used.
    """

    percent_s: float
    percent_b: float
    secretion_pmol_kg_min: float
    insulin_pmol_l: float
    glucose_mg_dl: float
    basis: str
    reference_preset: str
    structure_preset: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class StageCall:
    """The most likely stage, with the evidence for it.

    ``stage`` is 0-3 (None when the data allow no call); ``neighbours`` says what would place
    the person in the stage below or above; ``missing`` names tests that could change the call.
    """

    stage: int | None
    name: str
    evidence: tuple[str, ...]
    neighbours: tuple[str, ...]
    missing: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Assessment:
    """One person's assessment (:func:`assess`)."""

    subject_id: str
    indices: tuple[IndexResult, ...]
    ada_category: str | None
    ada_reasons: tuple[str, ...]
    metabolic_syndrome: dict[str, Any] | None
    stage: StageCall
    fasting_model: FastingModel | None
    fasting_model_error: str | None
    explanation: str
    notice: str = NOTICE

    def index(self, name: str) -> IndexResult | None:
        """The index called ``name`` (see :func:`reference_ranges`), or None if not computed."""
        return next((r for r in self.indices if r.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dictionary (floats, strings, lists)."""
        return {
            "subject_id": self.subject_id,
            "indices": [r.to_dict() for r in self.indices],
            "ada_category": self.ada_category,
            "ada_reasons": list(self.ada_reasons),
            "metabolic_syndrome": self.metabolic_syndrome,
            "stage": self.stage.to_dict(),
            "fasting_model": None if self.fasting_model is None else self.fasting_model.to_dict(),
            "fasting_model_error": self.fasting_model_error,
            "explanation": self.explanation,
            "notice": self.notice,
        }


# --- indices ------------------------------------------------------------------------------------


def _flag(name: str, value: float) -> tuple[str, str, str]:
    r = reference_ranges()[name]
    src = r["source"]
    if r["kind"] == "groups":
        groups = ", ".join(
            f"{lab} {v:.3g}" for lab, v in zip(r["labels"], r["values"], strict=True)
        )
        return "compare", f"published group values: {groups} {r['unit']}", src
    cut = float(r["value"])
    if r["kind"] == "upper":
        flag = "above" if value >= cut else "within"
        return flag, f"{r['meaning']}: {cut:g}", src
    flag = "below" if value < cut else "within"
    return flag, f"{r['meaning']}: {cut:g}", src


def _index(name: str, value: float) -> IndexResult | None:
    if value is None or not np.isfinite(value):
        return None
    flag, ref, src = _flag(name, float(value))
    return IndexResult(name, _LABELS[name], float(value), _UNITS[name], flag, ref, src)


def _two_hour(labs) -> float | None:
    t2 = float(index_constant("ogtt_two_hour_time"))
    t, g = labs.series("glucose")
    hit = np.flatnonzero(np.isclose(t, t2))
    return float(g[hit[0]]) if hit.size else None


def _ogtt_series(labs) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Times, glucose and insulin where both were measured (an OGTT), or None."""
    if labs.glucose_mg_dl is None or labs.insulin_pmol_l is None:
        return None
    rows = [
        (t, g, i)
        for t, g, i in zip(labs.times_min, labs.glucose_mg_dl, labs.insulin_pmol_l, strict=True)
        if g is not None and i is not None
    ]
    if len(rows) < 2:
        return None
    t, g, i = (np.array(c, dtype=np.float64) for c in zip(*rows, strict=True))
    return t, g, i


def _try(fn, *args) -> float | None:
    try:
        return float(fn(*args))
    except InputError:
        return None  # the samples do not allow this index (e.g. no 30-min value)


def index_results(labs) -> tuple[IndexResult, ...]:
    """Every index the lab results allow, with its reference range (see module docstring)."""
    out = []
    G0, I0 = labs.fasting_glucose_mg_dl, labs.fasting_insulin_pmol_l
    if G0 is not None and I0 is not None:
        out += [
            _index("homa1_ir", homa1_ir(G0, I0)),
            _index("homa1_beta", homa1_beta(G0, I0)),
            _index("quicki", quicki(G0, I0)),
        ]
    series = _ogtt_series(labs)
    if series is not None:
        t, g, i = series
        out += [
            _index("matsuda", _try(matsuda, g, i, t)),
            _index("insulinogenic_index", _try(insulinogenic_index, g, i, t)),
            _index("oral_disposition_index", _try(oral_disposition_index, g, i, t)),
        ]
    if labs.tg_mg_dl is not None and G0 is not None:
        out.append(_index("tyg", tyg(labs.tg_mg_dl, G0)))
    if labs.tg_mg_dl is not None and labs.hdl_mg_dl is not None:
        out.append(_index("tg_hdl_ratio", tg_hdl_ratio(labs.tg_mg_dl, labs.hdl_mg_dl)))
    return tuple(r for r in out if r is not None)


# --- metabolic syndrome -------------------------------------------------------------------------

_METSYN_FIELDS = {
    "waist": "waist_cm",
    "triglycerides": "tg_mg_dl",
    "hdl": "hdl_mg_dl",
    "blood_pressure": "sbp_mmhg",
    "fasting_glucose": "fasting_glucose_mg_dl",
}


def _metabolic_syndrome(labs) -> dict[str, Any] | None:
    """ATP III criteria met among those the data give; ``met`` is None when undecided."""
    if labs.sex is None:
        return None
    val = {k: getattr(labs, f) for k, f in _METSYN_FIELDS.items()}
    dbp = labs.dbp_mmhg
    given = [k for k, v in val.items() if v is not None or (k == "blood_pressure" and dbp)]
    if not given:
        return None
    nan = float("nan")
    _, _, crit = metabolic_syndrome(
        waist_cm=val["waist"] if val["waist"] is not None else nan,
        tg_mg_dl=val["triglycerides"] if val["triglycerides"] is not None else nan,
        hdl_mg_dl=val["hdl"] if val["hdl"] is not None else nan,
        sbp_mmhg=labs.sbp_mmhg if labs.sbp_mmhg is not None else nan,
        dbp_mmhg=dbp if dbp is not None else nan,
        glucose_mg_dl=val["fasting_glucose"] if val["fasting_glucose"] is not None else nan,
        male=labs.sex == "male",
    )
    met = [k for k in given if bool(crit[k])]
    missing = [k for k in _METSYN_FIELDS if k not in given]
    need = int(staging_constant("metsyn_count"))
    decided = True if len(met) >= need else (False if len(met) + len(missing) < need else None)
    return {
        "definition": "NCEP ATP III: at least 3 of 5 criteria (record metsyn_atp3)",
        "criteria_met": met,
        "criteria_not_met": [k for k in given if k not in met],
        "criteria_missing": missing,
        "met": decided,
    }


_CRITERIA = {
    "waist": "large waist",
    "triglycerides": "high triglycerides",
    "hdl": "low HDL cholesterol",
    "blood_pressure": "raised blood pressure",
    "fasting_glucose": "raised fasting glucose",
}


# --- model-based fasting assessment -------------------------------------------------------------


def _cpeptide_secretion(cp, age, sex, height_cm, weight_kg, glucose) -> float:
    """Fasting secretion from C-peptide, pmol/kg/min (Van Cauter 1992 standard kinetics)."""
    need = {"age_years": age, "sex": sex, "height_cm": height_cm, "weight_kg": weight_kg}
    for field, v in need.items():
        if v is None:
            raise InputError(
                field,
                None,
                "a value: C-peptide kinetics depend on age, sex, height and weight",
                f"give {field}, or give fasting insulin instead of C-peptide",
            )
    c = _table()["cpeptide"]
    bmi = weight_kg / (height_cm / 100.0) ** 2
    group = (
        "diabetic"
        if glucose >= float(index_constant("ada_fasting_glucose_diabetes"))
        else ("obese" if bmi >= float(c["obese_bmi"]["value"]) else "normal")
    )
    volume = (
        c["volume_slope"]["values"][sex] * float(body_surface_area_m2(weight_kg, height_cm))
        + c["volume_intercept"]["values"][sex]
    )
    t_long = c["half_life_long_slope"]["value"] * age + c["half_life_long_intercept"]["value"]
    rate = pancreas.cpeptide_secretion_rate(
        cp,
        volume,
        c["half_life_short"]["values"][group],
        t_long,
        c["fraction_fast"]["values"][group],
    )
    return float(rate) / weight_kg


@functools.cache
def _basal_fn():
    return jax.jit(lambda p: basal_state(p, throw=False))


def _with(p: Parameters, s: float, s_b: float) -> Parameters:
    """``p`` with hepatic insulin sensitivity x ``s`` (suppression of glucose production by
    delayed and portal insulin, ``k_p3`` and ``k_p4``) and basal secretion ``s_b``."""
    return eqx.tree_at(
        lambda q: (q.liver.k_p3, q.liver.k_p4, q.pancreas.S_b),
        p,
        (p.liver.k_p3 * s, p.liver.k_p4 * s, s_b),
    )


def _hepatic_action(p: Parameters, at) -> float:
    """Suppression of glucose production (mg/kg/min) by ``p``'s liver at basal insulin ``at``."""
    return float(p.liver.k_p3 * at.I_b + p.liver.k_p4 * at.I_pob)


def _bracket(fn, lo: float, hi: float) -> tuple[float, float] | None:
    f_lo, f_hi = fn(lo), fn(hi)
    if not (np.isfinite(f_lo) and np.isfinite(f_hi)) or f_lo * f_hi > 0:
        return None
    return lo, hi


def _root(fn, lo: float, hi: float) -> float | None:
    if _bracket(fn, lo, hi) is None:
        return None
    return float(optimize.brentq(fn, lo, hi, xtol=1e-12, rtol=1e-10))


def _secretion_for_insulin(p: Parameters, insulin: float, lo: float, hi: float) -> float | None:
    """Basal secretion (pmol/kg/min) whose steady-state insulin in ``p`` is ``insulin``."""
    basal, s_b = _basal_fn(), float(p.pancreas.S_b)
    if s_b <= 0.0:  # a preset without secretion (type 1): scale from the healthy default
        s_b = 1.0
    x = _root(lambda x: float(basal(_with(p, 1.0, s_b * x)).I_b) - insulin, lo, hi)
    return None if x is None else s_b * x


def fasting_model_assessment(
    glucose_mg_dl: float,
    insulin_pmol_l: float | None = None,
    cpeptide_pmol_l: float | None = None,
    *,
    age_years: float | None = None,
    sex: str | None = None,
    height_cm: float | None = None,
    weight_kg: float | None = None,
    preset: str | None = None,
) -> FastingModel:
    """Hepatic insulin sensitivity and beta-cell function from a fasting glucose and insulin
    (or C-peptide) pair, by the whole-body model's steady state.

    At the fasting steady state the meal model's insulin action on peripheral uptake is zero
    (it acts through insulin above basal), so fasting glucose reads the liver: the balance of
    glucose production ``k_p1 - k_p2 G - k_p3 I - k_p4 I_po`` against brain, kidney and tissue
    uptake (:func:`insulinsim.model.basal_state`). The person is a structure preset
    (``data/assessment.toml``: healthy, else the type 2 set where the healthy one cannot
    reach the glucose) with:

    1. secretion: from C-peptide when given (equimolar with insulin, Van Cauter 1992
       kinetics; needs age, sex, height and weight), else the basal secretion ``S_b`` whose
       steady-state insulin is the measured insulin (the structure's insulin kinetics,
       hepatic extraction included);
    2. sensitivity: ``liver.k_p3`` and ``liver.k_p4`` (suppression of glucose production by
       delayed and portal insulin) scaled together so that the steady-state glucose is the
       measured glucose at the measured insulin; %S is the suppression this liver exerts at
       the reference's basal insulin, relative to the reference liver's;
    3. %B: the secretion relative to what the healthy preset's beta cells secrete at this
       glucose (the Ha-Sherman exocytosis curve, :func:`insulinsim.physiology.pancreas.
       secretion_factor`, with the sensing shift held at the healthy one).

    The healthy preset's own fasting values give %S = %B = 100.

    Parameters
    ----------
    glucose_mg_dl : float
        Fasting plasma glucose, mg/dL.
    insulin_pmol_l, cpeptide_pmol_l : float, optional
        Fasting insulin and/or C-peptide, pmol/L (at least one).
    age_years, sex, height_cm, weight_kg : optional
        Needed with C-peptide (its kinetics depend on them).
    preset : str, optional
        The reference person of %S and %B (default ``healthy``).

    Returns
    -------
    FastingModel

    Raises
    ------
    InputError
        No insulin or C-peptide; C-peptide without age, sex, height or weight; or values that
        no structure reaches within its search range (0.1 %-10000 %).
    """
    fm = _table()["fasting_model"]
    preset = preset or fm["reference_preset"]["value"]
    lo, hi = (float(x) for x in fm["search_range"]["value"])
    if insulin_pmol_l is None and cpeptide_pmol_l is None:
        raise InputError(
            "fasting insulin",
            None,
            "a fasting insulin (pmol/L) or C-peptide (pmol/L) value",
            "give --insulin or --cpeptide",
        )
    ref = person(preset)
    basal = _basal_fn()
    secretion = (
        _cpeptide_secretion(cpeptide_pmol_l, age_years, sex, height_cm, weight_kg, glucose_mg_dl)
        if cpeptide_pmol_l is not None
        else None
    )
    reason = "no structure was tried"
    for name in fm["structures"]["value"]:
        p = person(name)
        if insulin_pmol_l is not None:
            s_b_insulin = _secretion_for_insulin(p, float(insulin_pmol_l), lo, hi)
            if s_b_insulin is None:
                reason = f"fasting insulin {insulin_pmol_l:g} pmol/L is out of reach"
                continue
            insulin = float(insulin_pmol_l)
        else:
            s_b_insulin = secretion
            insulin = float(basal(_with(p, 1.0, secretion)).I_b)
        S = _root(
            lambda s, p=p, sb=s_b_insulin: float(basal(_with(p, s, sb)).G_b) - glucose_mg_dl,
            lo,
            hi,
        )
        if S is not None:
            break
        reason = (
            f"fasting glucose {glucose_mg_dl:g} mg/dL is out of reach of hepatic insulin "
            f"sensitivity {lo:g}-{hi:g} x the {name} preset's"
        )
    else:
        raise InputError(
            "fasting glucose and insulin",
            (glucose_mg_dl, insulin_pmol_l, cpeptide_pmol_l),
            "a fasting state the whole-body model reaches",
            reason,
        )
    s_b = secretion if secretion is not None else s_b_insulin
    bc = ref.beta_cell
    at = basal_state(ref)
    g_ref = float(at.G_b)
    gamma = pancreas.glucose_sensing_shift_target(g_ref * bc.glucose_scale, bc)
    f = float(pancreas.secretion_factor(glucose_mg_dl, gamma, g_ref, gamma, bc))
    return FastingModel(
        percent_s=100.0 * S * _hepatic_action(p, at) / _hepatic_action(ref, at),
        percent_b=100.0 * s_b / (float(ref.pancreas.S_b) * f),
        secretion_pmol_kg_min=float(s_b),
        insulin_pmol_l=insulin,
        glucose_mg_dl=float(glucose_mg_dl),
        basis="C-peptide" if secretion is not None else "insulin",
        reference_preset=preset,
        structure_preset=name,
    )


# --- stage --------------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def _stage(labs, ada, indices: Mapping[str, IndexResult]) -> StageCall:
    cut = staging_constant("homa_ir_cutoff")
    missing = []
    if _two_hour(labs) is None:
        missing.append(
            "a 75-g OGTT 2-h glucose: impaired glucose tolerance often comes before fasting "
            "glucose rises"
        )
    if labs.hba1c_percent is None:
        missing.append("HbA1c: the average glucose of the last 2-3 months")
    if ada is None:
        return StageCall(
            None,
            "not assessable",
            ("no fasting glucose, 2-h glucose or HbA1c was given",),
            (),
            ("fasting glucose, 2-h OGTT glucose or HbA1c", *missing),
        )
    evidence = [f"ADA category {ada.category}: " + "; ".join(ada.reasons)]
    homa = indices.get("homa1_ir")
    surrogate = [r for n in ("matsuda", "tyg", "tg_hdl_ratio") if (r := indices.get(n)) is not None]
    if ada.category == "diabetes":
        stage = 3
        neighbours = (
            "stage 2 would have fasting glucose below 126 mg/dL, 2-h glucose below 200 mg/dL "
            "and HbA1c below 6.5 %",
            "stage 4 needs clinical evidence of complications (eyes, kidneys, nerves, heart and "
            "vessels), which lab values alone cannot show",
        )
    elif ada.category == "prediabetes":
        stage = 2
        neighbours = (
            "stage 1 would have normal glucose (fasting below 100 mg/dL, 2-h below 140 mg/dL, "
            "HbA1c below 5.7 %) with insulin resistance",
            "stage 3 would have fasting glucose of 126 mg/dL or more, 2-h glucose of 200 or "
            "more, or HbA1c of 6.5 % or more",
        )
    else:
        neighbours_up = (
            "stage 2 would have fasting glucose 100-125 mg/dL, 2-h glucose 140-199 mg/dL or "
            "HbA1c 5.7-6.4 %"
        )
        if homa is not None:
            resistant = homa.value >= cut
            evidence.append(
                f"HOMA1-IR {_fmt(homa.value)} is {'at or above' if resistant else 'below'} the "
                f"insulin-resistance cut-off {cut:g}"
            )
            stage = 1 if resistant else 0
        else:
            missing.insert(0, "fasting insulin: HOMA1-IR separates stage 0 from stage 1")
            resistant = any(r.flag in ("above", "below") for r in surrogate)
            stage = 1 if resistant else 0
            evidence.append(
                "no fasting insulin: insulin resistance read from "
                + (", ".join(r.label for r in surrogate) if surrogate else "nothing")
            )
        neighbours = (
            (
                f"stage 0 would have HOMA1-IR below {cut:g} with normal glucose",
                neighbours_up,
            )
            if stage == 1
            else (
                f"stage 1 would have HOMA1-IR of {cut:g} or more with normal glucose",
                neighbours_up,
            )
        )
    for r in surrogate:
        if r.flag in ("above", "below"):
            evidence.append(
                f"{r.label} {_fmt(r.value)} ({r.reference}) points to insulin resistance"
            )
    if stage >= 2 and homa is not None:
        evidence.append(f"HOMA1-IR {_fmt(homa.value)} (cut-off {cut:g})")
    return StageCall(stage, STAGES[stage], tuple(evidence), tuple(neighbours), tuple(missing))


# --- the assessment -----------------------------------------------------------------------------


def _explain(stage: StageCall, fm: FastingModel | None, metsyn) -> str:
    parts = {
        None: "There is not enough data to place these results on the road from health to "
        "type 2 diabetes.",
        0: "These results look like normal glucose regulation without signs of insulin "
        "resistance: the body keeps glucose normal with a normal amount of insulin.",
        1: "Glucose is still normal, but it takes more insulin than usual to keep it there: "
        "this is compensated insulin resistance (stage 1), the earliest stage, often silent "
        "for years.",
        2: "Glucose regulation is impaired (prediabetes, stage 2): insulin no longer fully "
        "makes up for the resistance of muscle, liver and fat, so glucose runs above normal.",
        3: "The glucose values are in the diabetes range (stage 3): the beta cells can no "
        "longer secrete enough insulin for the body's resistance to it.",
    }
    text = [parts[stage.stage]]
    if fm is not None:
        text.append(
            f"In this project's whole-body model, the fasting values fit a liver with "
            f"{fm.percent_s:.0f} % of the healthy reference's insulin sensitivity and beta "
            f"cells secreting {fm.percent_b:.0f} % of what healthy ones would at this glucose."
        )
    if metsyn is not None and metsyn["met"]:
        text.append(
            "The metabolic-syndrome criteria are met ("
            + ", ".join(_CRITERIA[c] for c in metsyn["criteria_met"])
            + "), a cluster that goes with insulin resistance."
        )
    if stage.missing:
        text.append("A test that could change this picture: " + stage.missing[0] + ".")
    return " ".join(text)


def assess(labs, *, model: bool = True, preset: str | None = None) -> Assessment:
    """Assess one person's lab results (see the module docstring).

    Parameters
    ----------
    labs : LabResults
        One person's results in the internal units (:mod:`insulinsim.io` readers).
    model : bool
        Also run the model-based fasting assessment (needs fasting glucose and insulin or
        C-peptide; where it fails, ``fasting_model_error`` says why).
    preset : str, optional
        Reference preset of the model-based assessment.

    Returns
    -------
    Assessment
    """
    indices = index_results(labs)
    by_name = {r.name: r for r in indices}
    G0 = labs.fasting_glucose_mg_dl
    g2 = _two_hour(labs)
    ada = (
        ada_category(G0, g2, labs.hba1c_percent)
        if any(v is not None for v in (G0, g2, labs.hba1c_percent))
        else None
    )
    metsyn = _metabolic_syndrome(labs)
    stage = _stage(labs, ada, by_name)
    fm, fm_error = None, None
    if model and G0 is not None:
        try:
            fm = fasting_model_assessment(
                G0,
                labs.fasting_insulin_pmol_l,
                labs.fasting_cpeptide_pmol_l,
                age_years=labs.age_years,
                sex=labs.sex,
                height_cm=labs.height_cm,
                weight_kg=labs.weight_kg,
                preset=preset,
            )
        except InputError as e:
            fm_error = str(e)
    elif model:
        fm_error = "fasting glucose: needed for the model-based assessment"
    return Assessment(
        subject_id=labs.subject_id,
        indices=indices,
        ada_category=None if ada is None else str(ada.category),
        ada_reasons=() if ada is None else tuple(ada.reasons),
        metabolic_syndrome=metsyn,
        stage=stage,
        fasting_model=fm,
        fasting_model_error=fm_error,
        explanation=_explain(stage, fm, metsyn),
    )
