"""The fast model against published meal, OGTT and clamp numbers.

Every check names its record in ``shared/validation/reference.json`` and uses the record's
tolerance (a different one is justified where it is used). A check builds rows
``(quantity, published, model, tolerance, passed, record)``; the test prints them and asserts
that all pass. A miss is a finding about the model, documented with a strict ``xfail`` whose
reason gives the numbers; neither the reference nor the model is changed to pass.
``tests/validation/_table.py`` prints every row of every check as one table.

Shared simulations come from ``tests/_sims.py`` (all presets in one batch):

- OGTT: ``protocols.ogtt()`` (75 g at t = 0).
- Mixed meal: ``meal_test(78)`` (1 g/kg for the 78-kg healthy person, record
  dallaman2007_meal_dose) and ``meal_test(91)`` (1 g/kg for the 91-kg t2d person).
- Standard day: ``standard_day()`` (45/70/70 g at 08:00/12:00/20:00).
- Clamps: one 180-min euglycemic clamp per person (batch of one).
"""

from __future__ import annotations

import dataclasses
import math

import _sims
import numpy as np
import pytest

from insulinsim import person

PRESET_OF_GROUP = {"ngt": "healthy", "igt": "igt", "t2dm": "t2d"}
CLAMP_GROUPS = ("healthy", "igt", "t2d")  # NGT, IGT, mild T2D / T2DM columns


@dataclasses.dataclass(frozen=True)
class Row:
    quantity: str
    published: str
    model: str
    tolerance: str
    passed: bool
    record: str


def _fmt(x) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in x) + "]"
    x = float(x)
    return f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"


def _within(model: float, published: float, tol: dict, i: int | None = None) -> tuple[bool, str]:
    """Apply a record tolerance; returns (passed, description)."""
    kind = tol["type"]
    val = tol.get("value")
    if isinstance(val, list):
        val = val[i]
    if kind == "relative":
        return abs(model - published) <= val * abs(published), f"±{val:.0%}"
    if kind == "absolute":
        return abs(model - published) <= val, f"±{_fmt(val)}"
    if kind == "range":
        return tol["low"] <= model <= tol["high"], f"[{tol['low']}, {tol['high']}]"
    raise ValueError(f"unhandled tolerance {tol}")


def _series_rows(rid: str, quantity: str, t: np.ndarray, y: np.ndarray) -> list[Row]:
    """One row per published time point of a series record."""
    rec = _sims.reference()[rid]
    rows = []
    for i, (x, pub) in enumerate(zip(rec["x"], rec["value"], strict=True)):
        m = float(np.interp(x, t, y))
        ok, tdesc = _within(m, pub, rec["tolerance"], i)
        rows.append(Row(f"{quantity} t={x:g} min", _fmt(pub), _fmt(m), tdesc, ok, rid))
    return rows


def _element_rows(rid: str, models: list[float], labels: list[str] | None = None) -> list[Row]:
    rec = _sims.reference()[rid]
    values = rec["value"] if isinstance(rec["value"], list) else [rec["value"]]
    labels = labels or rec.get("labels") or [rec["quantity"]] * len(models)
    rows = []
    for i, (lab, pub, m) in enumerate(zip(labels, values, models, strict=True)):
        ok, tdesc = _within(m, pub, rec["tolerance"], i)
        rows.append(Row(lab, _fmt(pub), _fmt(m), tdesc, ok, rid))
    return rows


def report(rows: list[Row]) -> None:
    for r in rows:
        mark = "ok  " if r.passed else "MISS"
        print(
            f"{mark} {r.record}: {r.quantity}: published {r.published}, model {r.model} "
            f"(tolerance {r.tolerance})"
        )


def assert_rows(rows: list[Row]) -> None:
    report(rows)
    misses = [r for r in rows if not r.passed]
    assert not misses, "; ".join(
        f"{r.quantity}: model {r.model} vs published {r.published} ({r.tolerance})" for r in misses
    )


# --------------------------------------------------------------------------- OGTT (Ohashi 2018)


def check_ohashi_ogtt(group: str) -> list[Row]:
    """Mean 75-g OGTT glucose by tolerance group vs the matching preset (±15 % per point).

    The Kobe cohort is lean and Japanese; the presets are the Western meal-model subjects, so
    this is a plausibility comparison (record notes), not a fit.
    """
    preset = PRESET_OF_GROUP[group]
    ds = _sims.ogtt().sel(person=preset)
    rid = f"ogtt75_ohashi_{group}_glucose"
    return _series_rows(rid, f"OGTT glucose ({preset})", ds.time.values, ds.glucose.values)


# -------------------------------------------------------------- mixed meal (Dalla Man 2007)

# model variable(s) summed for each Fig. 1 record; "utilization" is U = U_ii + U_id
FIG1 = {
    "glucose": ("glucose",),
    "insulin": ("insulin",),
    "egp": ("egp",),
    "ra_meal": ("ra_meal",),
    "utilization": ("uptake_muscle", "uptake_adipose", "uptake_other", "uptake_brain"),
}


def check_fig1(what: str) -> list[Row]:
    """Healthy preset, 78-g meal, vs the mean data of 204 normals (Fig. 1)."""
    ds = _sims.meal(78.0).sel(person="healthy")
    y = sum(ds[v].values for v in FIG1[what])
    return _series_rows(f"dallaman2007_fig1_{what}", f"meal {what} (healthy)", ds.time.values, y)


def _peaks(ds) -> list[float]:
    t = ds.time.values
    g, i = ds.glucose.values, ds.insulin.values
    return [g.max(), t[g.argmax()], i.max(), t[i.argmax()]]


def check_normal_peaks() -> list[Row]:
    """Peak glucose/insulin and their times after the 78-g meal vs the normal data (Fig. 1)."""
    labels = [
        "glucose peak (mg/dL)",
        "time of glucose peak (min)",
        "insulin peak (pmol/L)",
        "time of insulin peak (min)",
    ]
    ds = _sims.meal(78.0).sel(person="healthy")
    return _element_rows("dallaman2007_normal_peaks", _peaks(ds), labels)


def check_normal_model_peaks() -> list[Row]:
    """The same peaks vs the published model's own prediction with the normal parameters
    (Fig. 5, solid line): this compares two implementations of one model."""
    labels = [
        "model glucose peak (mg/dL)",
        "model time of glucose peak (min)",
        "model insulin peak (pmol/L)",
        "model time of insulin peak (min)",
    ]
    return _element_rows(
        "dallaman2007_normal_model_peaks", _peaks(_sims.meal(78.0).sel(person="healthy")), labels
    )


def check_egp_suppression() -> list[Row]:
    """EGP nadir after the 78-g meal and its suppression below basal (% of basal EGP)."""
    ds = _sims.meal(78.0).sel(person="healthy")
    egp = ds.egp.values
    nadir = egp.min()
    supp = 100.0 * (float(ds.basal_egp) - nadir) / float(ds.basal_egp)
    labels = ["EGP nadir (mg/kg/min)", "EGP suppression (% below basal)"]
    return _element_rows("dallaman2007_egp_suppression", [nadir, supp], labels)


def check_t2d_model_glucose() -> list[Row]:
    """t2d preset with a 91-g meal (1 g/kg at 91 kg) vs the published model's T2D curve."""
    ds = _sims.meal(91.0).sel(person="t2d")
    return _series_rows(
        "dallaman2007_t2d_model_glucose",
        "meal glucose (t2d, 91 g)",
        ds.time.values,
        ds.glucose.values,
    )


# ---------------------------------------------------------------------------------- clamps


def swedish_clamp(preset: str):
    """1.0 mU/kg/min insulin (the high step of the two-step clamp), glucose held at the
    person's own fasting glucose for 180 min; M = mean GIR over the last 30 min.

    The target is the fasting glucose because the clamp rule can only add glucose: for the t2d
    preset (fasting 159 mg/dL) a 90-mg/dL target is never reached within the clamp (GIR stays
    0), which would test the protocol rather than insulin action; holding the higher glucose
    favours the model (mass action), so a miss is not caused by the choice of target.
    """
    return _sims.clamp(preset, _sims.per_kg_to_per_m2(1.0, preset), None)


def check_swedish_clamp() -> list[Row]:
    """clamp_swedish2001_M_high: M at 1.0 mU/kg/min in NGT / IGT / mild T2D men."""
    ms = [_sims.m_value(swedish_clamp(p)) for p in CLAMP_GROUPS]
    labels = [f"M at 1 mU/kg/min ({p})" for p in CLAMP_GROUPS]
    return _element_rows("clamp_swedish2001_M_high", ms, labels)


def _insulin_clearance_per_kg(preset: str) -> float:
    """d(steady plasma insulin, pmol/L) / d(IV insulin, pmol/kg/min) at basal secretion."""
    p = person(preset).insulin
    S_b = float(person(preset).pancreas.S_b)
    HE = min(max(float(p.m_6) - float(p.m_5) * S_b, 0.0), 0.95)
    m_3 = HE * float(p.m_1) / (1.0 - HE)
    m_1, m_2, m_4 = float(p.m_1), float(p.m_2), float(p.m_4)
    return 1.0 / (float(p.V_I) * (m_2 + m_4 - m_1 * m_2 / (m_1 + m_3)))


def ohashi_clamp(preset: str):
    """Euglycemic clamp with the insulin infusion chosen so that the model's steady-state
    clamp insulin equals the published one (record clamp_ohashi_clamp_insulin: 98.8 / 137.6 /
    119.8 µU/mL), because the Kobe infusion rate is not verified (record notes). The GIR then
    compares insulin action at matched insulin. Glucose is held at the person's fasting
    glucose (see :func:`swedish_clamp`)."""
    rec = _sims.reference()["clamp_ohashi_clamp_insulin"]
    i = CLAMP_GROUPS.index(preset)
    target_pmol_l = rec["value"][i] * 6.0  # 1 µU/mL = 6 pmol/L (insulinsim.units)
    ds_b = _sims.ogtt().sel(person=preset)
    rise = target_pmol_l - float(ds_b.basal_insulin)
    pmol_kg_min = rise / _insulin_clearance_per_kg(preset)
    mU_kg_min = pmol_kg_min / 6.0
    return _sims.clamp(preset, round(_sims.per_kg_to_per_m2(mU_kg_min, preset), 6), None)


def check_ohashi_clamp() -> list[Row]:
    """clamp_ohashi_GIR (GIR at the end of the clamp; context: clamp insulin reached)."""
    dss = [ohashi_clamp(p) for p in CLAMP_GROUPS]
    rows = _element_rows(
        "clamp_ohashi_GIR",
        [_sims.m_value(d) for d in dss],
        [f"clamp GIR at matched insulin ({p})" for p in CLAMP_GROUPS],
    )
    rows += _element_rows(
        "clamp_ohashi_clamp_insulin",
        [float(d.insulin[-1]) / 6.0 for d in dss],
        [f"clamp insulin, µU/mL (setup check, {p})" for p in CLAMP_GROUPS],
    )
    return rows


def check_muscle_fraction() -> list[Row]:
    """clamp_muscle_fraction: share of the infused glucose taken up by skeletal muscle.

    Definition: (muscle uptake over the last 30 min - basal muscle uptake) / M, healthy
    preset, 1 mU/kg/min clamp. The record's quantity is "% of infused glucose": the infused
    glucose replaces what insulin adds to disposal (and the suppressed EGP), so the basal
    muscle uptake, which is fed by EGP before the clamp, is subtracted. The alternative
    (muscle share of the insulin-stimulated increase in disposal) equals
    ``muscle.share_muscle`` = 82.5 % by construction in this model, so it would test the
    parameter file rather than the model; it is printed for context.
    """
    ds = swedish_clamp("healthy")
    late = ds.time >= ds.time[-1] - 30.0
    basal_muscle = float(ds.uptake_muscle[0])
    d_muscle = float(ds.uptake_muscle.where(late, drop=True).mean()) - basal_muscle
    disposal = sum(
        ds[v]
        for v in (
            "uptake_muscle",
            "uptake_adipose",
            "uptake_other",
            "uptake_brain",
            "excretion_kidney",
        )
    )
    d_disposal = float(disposal.where(late, drop=True).mean()) - float(disposal[0])
    frac = 100.0 * d_muscle / _sims.m_value(ds)
    rec = _sims.reference()["clamp_muscle_fraction"]
    ok, tdesc = _within(frac, math.nan, rec["tolerance"])
    return [
        Row(
            "muscle uptake increase / GIR, healthy, 1 mU/kg/min (%)",
            f"{rec['value'][0]}-{rec['value'][1]}",
            _fmt(frac),
            tdesc,
            ok,
            rec["id"],
        ),
        Row(
            "(context) muscle share of increase in disposal (%)",
            "-",
            _fmt(100.0 * d_muscle / d_disposal),
            "-",
            True,
            rec["id"],
        ),
    ]


# ---------------------------------------------------------------------------- physiology


def check_basal_glucose_use() -> list[Row]:
    """phys_basal_glucose_use: basal EGP (= glucose use) of the healthy preset."""
    egp_b = float(_sims.ogtt().sel(person="healthy").basal_egp)
    return _element_rows("phys_basal_glucose_use", [egp_b], ["basal glucose use (mg/kg/min)"])


def check_basal_disposal_partition() -> list[Row]:
    """phys_basal_disposal_partition: brain / splanchnic / insulin-dependent tissues (%).

    Mapping: brain = ``uptake_brain`` (U_ii, brain and red cells); insulin-dependent tissues
    (mainly muscle) = ``uptake_muscle + uptake_adipose``; splanchnic = ``uptake_other`` (the
    rest of U_id: the meal model has no separate splanchnic uptake). Basal = t = 0 of the
    fasting run.
    """
    ds = _sims.fasting().sel(person="healthy").isel(time=0)
    brain = float(ds.uptake_brain)
    dep = float(ds.uptake_muscle + ds.uptake_adipose)
    other = float(ds.uptake_other)
    total = brain + dep + other + float(ds.excretion_kidney)
    shares = [100.0 * brain / total, 100.0 * other / total, 100.0 * dep / total]
    labels = [
        "brain (insulin-independent) %",
        "splanchnic (model: uptake_other) %",
        "insulin-dependent tissues (muscle + adipose) %",
    ]
    return _element_rows("phys_basal_disposal_partition", shares, labels)


def renal_threshold_observed(preset: str) -> tuple[float, float]:
    """(k_e2 / V_G, lowest simulated glucose with excretion > 0) over the standard day, meal
    and OGTT runs; the second is NaN if glucose never crosses the threshold."""
    p = person(preset)
    thr = float(p.kidney.k_e2) / float(p.glucose.V_G)
    seen = []
    for ds in (_sims.day(), _sims.meal(78.0), _sims.meal(91.0), _sims.ogtt()):
        d = ds.sel(person=preset)
        g = d.glucose.values[d.excretion_kidney.values > 0.0]
        if g.size:
            seen.append(g.min())
    return thr, (min(seen) if seen else math.nan)


def check_renal_threshold() -> list[Row]:
    """phys_renal_threshold: glucosuria starts at k_e2/V_G (typical 180; T2D range 200-250).

    The healthy threshold is compared with the typical value and the non-diabetic range, the
    t2d preset's with the T2D range (a range passes if the model lies within it widened by the
    record's ±20 mg/dL). The simulated onset (lowest glucose with excretion > 0) must equal
    k_e2/V_G within 1 mg/dL (output sampled every 1-5 min).
    """
    rec = _sims.reference()["phys_renal_threshold"]
    tol = rec["tolerance"]["value"]
    thr_h, seen_h = renal_threshold_observed("healthy")
    thr_t, seen_t = renal_threshold_observed("t2d")
    rows = []
    for lab, pub, m in (
        ("threshold, healthy (typical)", rec["value"][0], thr_h),
        ("threshold, healthy (non-diabetic range)", rec["value"][1], thr_h),
        ("threshold, t2d (T2D range)", rec["value"][2], thr_t),
    ):
        if isinstance(pub, list):
            ok = pub[0] - tol <= m <= pub[1] + tol
        else:
            ok = abs(m - pub) <= tol
        rows.append(Row(f"renal {lab} (mg/dL)", _fmt(pub), _fmt(m), f"±{tol}", ok, rec["id"]))
    for lab, thr, seen in (("healthy", thr_h, seen_h), ("t2d", thr_t, seen_t)):
        ok = math.isnan(seen) or (thr <= seen <= thr + 1.0)
        rows.append(
            Row(
                f"simulated glucosuria onset, {lab} (mg/dL)",
                f"k_e2/V_G = {_fmt(thr)}",
                _fmt(seen) if not math.isnan(seen) else "never above",
                "+1",
                ok,
                rec["id"],
            )
        )
    return rows


def return_to_basal_after(ds, t_meal: float, t_next: float, band: float = 5.0) -> float:
    """Minutes from ``t_meal`` until glucose, past its post-meal peak, is first back within
    ``band`` mg/dL of the person's basal glucose, before ``t_next`` (inf if it never is)."""
    t = ds.time.values
    g = ds.glucose.values
    gb = float(ds.basal_glucose)
    win = (t >= t_meal) & (t < t_next)
    tt, gg = t[win], g[win]
    peak = int(np.argmax(gg))
    back = np.flatnonzero(np.abs(gg[peak:] - gb) <= band)
    return float(tt[peak + back[0]] - t_meal) if back.size else math.inf


def check_igt_delay() -> list[Row]:
    """dallaman2007_igt_scenario_delay: IGT (V_mx, k_p3 halved) returns to basal ~2 h later.

    Standard day. The return is measured after lunch (12:00), the meal followed by the longest
    gap (8 h; after dinner the igt person is not back by midnight), as the time from the meal
    until glucose, past its peak, is first within 5 mg/dL of the person's own basal glucose
    ("returns to basal": 5 mg/dL is about the analytical CV of glucose at 100 mg/dL).
    """
    ds = _sims.day()
    lunch, dinner = 720.0, 1200.0
    th = return_to_basal_after(ds.sel(person="healthy"), lunch, dinner)
    ti = return_to_basal_after(ds.sel(person="igt"), lunch, dinner)
    rows = _element_rows(
        "dallaman2007_igt_scenario_delay",
        [ti - th],
        ["later return to basal after lunch, igt - healthy (min)"],
    )
    rows.append(
        Row(
            "(context) return to basal after lunch: healthy / igt (min)",
            "-",
            f"{_fmt(th)} / {_fmt(ti)}",
            "-",
            True,
            "dallaman2007_igt_scenario_delay",
        )
    )
    return rows


# ------------------------------------------------------------------------------ the tests
# Every check function is listed in CHECKS (used by _table.py).

CHECKS = {
    "ohashi_ngt": lambda: check_ohashi_ogtt("ngt"),
    "ohashi_igt": lambda: check_ohashi_ogtt("igt"),
    "ohashi_t2dm": lambda: check_ohashi_ogtt("t2dm"),
    "fig1_glucose": lambda: check_fig1("glucose"),
    "fig1_insulin": lambda: check_fig1("insulin"),
    "fig1_egp": lambda: check_fig1("egp"),
    "fig1_ra_meal": lambda: check_fig1("ra_meal"),
    "fig1_utilization": lambda: check_fig1("utilization"),
    "normal_peaks": check_normal_peaks,
    "normal_model_peaks": check_normal_model_peaks,
    "egp_suppression": check_egp_suppression,
    "t2d_model_glucose": check_t2d_model_glucose,
    "swedish_clamp": check_swedish_clamp,
    "ohashi_clamp": check_ohashi_clamp,
    "muscle_fraction": check_muscle_fraction,
    "basal_glucose_use": check_basal_glucose_use,
    "basal_disposal_partition": check_basal_disposal_partition,
    "renal_threshold": check_renal_threshold,
    "igt_delay": check_igt_delay,
}

_ogtt = pytest.mark.xdist_group("ogtt")
_meal = pytest.mark.xdist_group("meal")
_day = pytest.mark.xdist_group("day")
_clamp = pytest.mark.xdist_group("clamp")
_fasting = pytest.mark.xdist_group("fasting")


@_ogtt
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: healthy OGTT glucose 150.0/132.6 mg/dL at 90/120 min vs published 120.0/111.9 (±15 %) (ogtt75_ohashi_ngt_glucose)",
)
def test_ohashi_ogtt_ngt():
    """ogtt75_ohashi_ngt_glucose vs healthy."""
    assert_rows(CHECKS["ohashi_ngt"]())


@_ogtt
def test_ohashi_ogtt_igt():
    """ogtt75_ohashi_igt_glucose vs igt."""
    assert_rows(CHECKS["ohashi_igt"]())


@_ogtt
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: t2d fasting glucose 159.2 vs published 104.7 mg/dL (±15 %); 30-120 min within (ogtt75_ohashi_t2dm_glucose)",
)
def test_ohashi_ogtt_t2dm():
    """ogtt75_ohashi_t2dm_glucose vs t2d."""
    assert_rows(CHECKS["ohashi_t2dm"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: healthy 78-g meal glucose 137.6/151.8/156.9 at 30/45/60 min vs published 167.9/178.8/176.3 (±10 %) (dallaman2007_fig1_glucose)",
)
def test_fig1_glucose():
    """dallaman2007_fig1_glucose (±10 % per point)."""
    assert_rows(CHECKS["fig1_glucose"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: insulin 191.5 vs 332.0 pmol/L at 30 min, 26.6 vs 79.7 at 240 min; 9 of 13 points outside ±25 % (dallaman2007_fig1_insulin)",
)
def test_fig1_insulin():
    """dallaman2007_fig1_insulin (±25 % per point)."""
    assert_rows(CHECKS["fig1_insulin"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: EGP 0.967 vs 0.46 mg/kg/min at 45 min, 1.56 vs 1.11 at 420 min; 7 of 13 points outside ±0.3 (dallaman2007_fig1_egp)",
)
def test_fig1_egp():
    """dallaman2007_fig1_egp (±0.3 mg/kg/min per point)."""
    assert_rows(CHECKS["fig1_egp"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: Ra 6.48 vs 9.2 mg/kg/min at 15 min, 4.53 vs 6.7 at 60 min (±1.5) (dallaman2007_fig1_ra_meal)",
)
def test_fig1_ra_meal():
    """dallaman2007_fig1_ra_meal (±1.5 mg/kg/min per point)."""
    assert_rows(CHECKS["fig1_ra_meal"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: utilization 4.94 vs 7.18 mg/kg/min at 60 min (±1.5) (dallaman2007_fig1_utilization)",
)
def test_fig1_utilization():
    """dallaman2007_fig1_utilization (±1.5 mg/kg/min per point)."""
    assert_rows(CHECKS["fig1_utilization"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: glucose peak 157.3 mg/dL at 66 min vs 180 at 50; insulin peak 253.7 pmol/L at 98 min vs 360 at 60 (dallaman2007_normal_peaks)",
)
def test_normal_peaks():
    """dallaman2007_normal_peaks."""
    assert_rows(CHECKS["normal_peaks"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: glucose peak 157.3 vs 175±10 mg/dL; insulin peak 253.7 vs 360±40 pmol/L (dallaman2007_normal_model_peaks)",
)
def test_normal_model_peaks():
    """dallaman2007_normal_model_peaks."""
    assert_rows(CHECKS["normal_model_peaks"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: EGP suppression 65.5 % vs 76±10 % (nadir 0.66 vs 0.46±0.25 passes) (dallaman2007_egp_suppression)",
)
def test_egp_suppression():
    """dallaman2007_egp_suppression."""
    assert_rows(CHECKS["egp_suppression"]())


@_meal
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: t2d 91-g meal glucose peak 296.0 vs 337 mg/dL at 120 min; 60-180 min below -10 % (dallaman2007_t2d_model_glucose)",
)
def test_t2d_model_glucose():
    """dallaman2007_t2d_model_glucose (±10 % per point)."""
    assert_rows(CHECKS["t2d_model_glucose"]())


@_clamp
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: M at 1 mU/kg/min 3.90/2.32/1.63 vs 8.3/5.4/4.7 mg/kg/min (±1.0) (clamp_swedish2001_M_high)",
)
def test_swedish_clamp_M():
    """clamp_swedish2001_M_high (±1.0 mg/kg/min)."""
    assert_rows(CHECKS["swedish_clamp"]())


@_clamp
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: GIR at matched clamp insulin 7.13/6.10/4.03 vs 10.37/7.65/6.79 mg/kg/min (±1.0) (clamp_ohashi_GIR)",
)
def test_ohashi_clamp_GIR():
    """clamp_ohashi_GIR (±1.0 mg/kg/min) at matched clamp insulin."""
    assert_rows(CHECKS["ohashi_clamp"]())


@_clamp
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: muscle uptake increase / GIR 65.6 % vs 80-90 % (range 75-92) (clamp_muscle_fraction)",
)
def test_clamp_muscle_fraction():
    """clamp_muscle_fraction (75-92 %)."""
    assert_rows(CHECKS["muscle_fraction"]())


@_ogtt
def test_basal_glucose_use():
    """phys_basal_glucose_use (2.0 ± 0.2 mg/kg/min)."""
    assert_rows(CHECKS["basal_glucose_use"]())


@_fasting
@pytest.mark.xfail(
    strict=True,
    reason="finding: model vs published: basal partition brain/splanchnic/insulin-dependent 52.2/6.2/41.6 % vs 50/25/25 % (±5) (phys_basal_disposal_partition)",
)
def test_basal_disposal_partition():
    """phys_basal_disposal_partition (±5 percentage points)."""
    assert_rows(CHECKS["basal_disposal_partition"]())


@_day
def test_renal_threshold():
    """phys_renal_threshold."""
    assert_rows(CHECKS["renal_threshold"]())


@_day
def test_igt_scenario_delay():
    """dallaman2007_igt_scenario_delay (120 ± 45 min)."""
    assert_rows(CHECKS["igt_delay"]())
