"""Unit tests of insulinsim.analysis indices against hand-computed numbers.

Every expected value is computed here from the published formula with explicit arithmetic in
the source's units (mmol/L or mg/dL, µU/mL), independently of the implementation's conversions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from insulinsim.analysis import (
    AdaCategory,
    ada_category,
    auc,
    homa1_beta,
    homa1_ir,
    index_constant,
    insulinogenic_index,
    m_value,
    matsuda,
    ogtt_indices,
    oral_disposition_index,
    quicki,
    tg_hdl_ratio,
    tyg,
)
from insulinsim.errors import InputError
from insulinsim.units import (
    glucose_mg_dl_to_mmol_l,
    glucose_mmol_l_to_mg_dl,
    insulin_pmol_l_to_uu_ml,
    insulin_uu_ml_to_pmol_l,
)

MG_PER_MMOL = 18.016  # DESIGN.md: 1 mmol/L glucose = 18.016 mg/dL
PMOL_PER_UU = 6.0  # DESIGN.md: 1 µU/mL insulin = 6.0 pmol/L

T5 = np.array([0.0, 30.0, 60.0, 90.0, 120.0])
# A made-up OGTT (glucose mg/dL, insulin µU/mL) for the hand computations below.
G5 = np.array([90.0, 150.0, 160.0, 140.0, 120.0])
I5_UU = np.array([8.0, 60.0, 70.0, 50.0, 40.0])
I5 = I5_UU * PMOL_PER_UU


# --- fasting indices -------------------------------------------------------------------------


def test_homa1_ir_hand_value():
    # G = 108.096 mg/dL = 6.0 mmol/L, I = 12 µU/mL -> 6.0 * 12 / 22.5 = 3.2
    assert homa1_ir(6.0 * MG_PER_MMOL, 12.0 * PMOL_PER_UU) == pytest.approx(3.2, rel=1e-12)


def test_homa1_beta_hand_value_and_undefined_region():
    # G = 6.0 mmol/L, I = 12 µU/mL -> 20 * 12 / (6.0 - 3.5) = 96 %
    assert homa1_beta(6.0 * MG_PER_MMOL, 72.0) == pytest.approx(96.0, rel=1e-12)
    low = homa1_beta(np.array([3.5, 3.0, 0.0]) * MG_PER_MMOL, 60.0)
    assert np.all(np.isnan(low))
    assert np.isfinite(homa1_beta(3.51 * MG_PER_MMOL, 60.0))


def test_quicki_hand_value():
    # I0 = 15 µU/mL, G0 = 95 mg/dL -> 1 / (log10 15 + log10 95)
    expected = 1.0 / (math.log10(15.0) + math.log10(95.0))
    assert quicki(95.0, 15.0 * PMOL_PER_UU) == pytest.approx(expected, rel=1e-12)


def test_fasting_indices_vectorise_like_scalar_calls():
    G = np.array([80.0, 100.0, 130.0])
    I = np.array([30.0, 60.0, 150.0])
    for f in (homa1_ir, homa1_beta, quicki):
        vec = f(G, I)
        assert vec.shape == (3,)
        np.testing.assert_allclose(vec, [f(g, i) for g, i in zip(G, I, strict=True)], rtol=1e-15)
    # broadcasting one insulin over several people
    assert homa1_ir(G, 60.0).shape == (3,)


@pytest.mark.parametrize("func", [homa1_ir, homa1_beta, quicki, tyg, tg_hdl_ratio])
def test_negative_concentration_is_refused_with_field_and_unit(func):
    with pytest.raises(InputError) as err:
        func(np.array([100.0, -5.0]), 60.0)
    assert err.value.value == -5.0
    assert "mg/dL" in err.value.allowed
    assert err.value.field.startswith(func.__name__)


def test_nan_and_mismatched_shapes_are_refused():
    with pytest.raises(InputError):
        homa1_ir(np.nan, 60.0)
    with pytest.raises(InputError) as err:
        homa1_ir(np.ones(3) * 100, np.ones(2) * 60)
    assert "broadcast" in err.value.allowed
    with pytest.raises(InputError):
        quicki(100.0, 0.0)  # log10(0): QUICKI needs a positive insulin


# --- OGTT indices ----------------------------------------------------------------------------


def test_matsuda_hand_value():
    g_mean = (90 + 150 + 160 + 140 + 120) / 5  # 132
    i_mean = (8 + 60 + 70 + 50 + 40) / 5  # 45.6
    expected = 10000 / math.sqrt(90 * 8 * g_mean * i_mean)
    assert matsuda(G5, I5, T5) == pytest.approx(expected, rel=1e-12)


def test_matsuda_ignores_samples_after_120_and_needs_0_and_120():
    t = np.append(T5, 180.0)
    assert matsuda(np.append(G5, 300.0), np.append(I5, 900.0), t) == pytest.approx(
        matsuda(G5, I5, T5), rel=1e-14
    )
    for drop in (0, 4):
        keep = np.arange(5) != drop
        with pytest.raises(InputError) as err:
            matsuda(G5[keep], I5[keep], T5[keep])
        assert err.value.field == "matsuda.times_min"
        assert f"{T5[drop]:g} min" in err.value.allowed


def test_matsuda_vectorises_over_people_and_checks_shapes():
    G = np.stack([G5, G5 * 1.2])
    I = np.stack([I5, I5 * 0.5])
    out = matsuda(G, I, T5)
    assert out.shape == (2,)
    assert out[1] == pytest.approx(matsuda(G5 * 1.2, I5 * 0.5, T5), rel=1e-14)
    with pytest.raises(InputError):
        matsuda(G, I[:1], T5)
    with pytest.raises(InputError):
        matsuda(G5, I5, T5[:4])


def test_insulinogenic_index_hand_value_and_no_rise():
    # (60 - 8) µU/mL / (150 - 90) mg/dL = 52 / 60
    assert insulinogenic_index(G5, I5, T5) == pytest.approx(52.0 / 60.0, rel=1e-12)
    flat = G5.copy()
    flat[1] = flat[0]
    assert np.isnan(insulinogenic_index(flat, I5, T5))
    with pytest.raises(InputError):
        insulinogenic_index(G5[[0, 2, 3, 4]], I5[[0, 2, 3, 4]], T5[[0, 2, 3, 4]])


def test_oral_disposition_index_hand_value():
    # Utzschneider 2009: (ΔI0-30 / ΔG0-30) * (1 / I0) = (52 / 60) / 8 per mg/dL
    assert oral_disposition_index(G5, I5, T5) == pytest.approx(52.0 / 60.0 / 8.0, rel=1e-12)


def test_auc_total_trapezoid_by_hand():
    # 30 * [(90+150)/2 + (150+160)/2 + (160+140)/2 + (140+120)/2] = 30 * 555 = 16650
    assert auc(G5, T5) == pytest.approx(16650.0, rel=1e-14)
    assert auc(np.full(4, 7.0), [0.0, 1.0, 5.0, 10.0]) == pytest.approx(70.0)


def test_incremental_auc_cuts_segments_at_the_baseline():
    # baseline 1: three segments fully above (areas 1, 1, 1), then 3 -> 0 crosses the baseline
    # 2/3 of the way along, leaving a triangle of height 2 and base 2/3 above it.
    values = np.array([1.0, 3.0, 1.0, 3.0, 0.0])
    times = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    expected = 1.0 + 1.0 + 1.0 + 0.5 * 2.0 * (2.0 / 3.0)
    assert auc(values, times, baseline=1.0) == pytest.approx(expected, rel=1e-14)
    # incremental AUC of a curve entirely above baseline = total - baseline * duration
    assert auc(G5, T5, baseline=90.0) == pytest.approx(16650.0 - 90.0 * 120.0, rel=1e-14)
    # per-person baselines
    out = auc(np.stack([G5, G5]), T5, baseline=np.array([90.0, 200.0]))
    assert out[1] == 0.0


def test_m_value_window_and_interpolation():
    t = np.arange(0.0, 121.0, 20.0)  # 90 min falls between samples
    gir = t / 10.0  # linear ramp: mean over 90-120 is (9 + 12) / 2 = 10.5
    assert m_value(gir, t) == pytest.approx(10.5, rel=1e-14)
    assert m_value(gir, t, last_min=60) == pytest.approx((6 + 12) / 2, rel=1e-14)
    assert m_value(np.full((3, t.size), 6.2), t) == pytest.approx(np.full(3, 6.2))
    with pytest.raises(InputError):
        m_value(gir, t, last_min=500)
    with pytest.raises(InputError):
        m_value(-gir - 1.0, t)


def test_tyg_and_tg_hdl_hand_values():
    assert tyg(150.0, 90.0) == pytest.approx(math.log(150.0 * 90.0 / 2.0), rel=1e-14)
    assert tg_hdl_ratio(150.0, 50.0) == pytest.approx(3.0)
    with pytest.raises(InputError):
        tg_hdl_ratio(150.0, 0.0)


# --- ADA -------------------------------------------------------------------------------------


def test_ada_category_worst_criterion_decides_with_reasons():
    r = ada_category(fasting_glucose_mg_dl=95.0, two_hour_glucose_mg_dl=210.0, hba1c_percent=6.0)
    assert isinstance(r, AdaCategory)
    assert r.category == "diabetes"
    assert r.fasting_glucose == "normal"
    assert r.hba1c == "prediabetes"
    assert r.reasons == ("2-h glucose 210 mg/dL >= 200 mg/dL",)
    r = ada_category(hba1c_percent=5.9, fasting_glucose_mg_dl=110.0)
    assert r.category == "prediabetes"
    assert len(r.reasons) == 2  # both criteria agree
    assert r.two_hour_glucose is None


def test_ada_category_arrays_and_errors():
    r = ada_category(fasting_glucose_mg_dl=np.array([90.0, 110.0, 130.0]))
    assert list(r.category) == ["normal", "prediabetes", "diabetes"]
    assert r.reasons[2] == ("fasting glucose 130 mg/dL >= 126 mg/dL",)
    with pytest.raises(InputError):
        ada_category()
    with pytest.raises(InputError) as err:
        ada_category(hba1c_percent=-1.0)
    assert err.value.field == "ada_category.hba1c_percent"
    assert "%" in err.value.allowed


def test_index_constant_unknown_name():
    with pytest.raises(InputError):
        index_constant("no_such_constant")


# --- ogtt_indices on a synthetic dataset -----------------------------------------------------


def _synthetic_ogtt() -> xr.Dataset:
    """Two people, sampled every 10 min to 180 min; the standard samples are G5/I5 scaled."""
    t = np.arange(0.0, 181.0, 10.0)
    scale_g = np.array([1.0, 1.5])[:, None]
    scale_i = np.array([1.0, 0.5])[:, None]
    g = np.interp(t, T5, G5, right=G5[-1])[None, :] * scale_g
    i = np.interp(t, T5, I5, right=I5[-1])[None, :] * scale_i
    return xr.Dataset(
        {
            "glucose": (("person", "time"), g, {"units": "mg/dL"}),
            "insulin": (("person", "time"), i, {"units": "pmol/L"}),
        },
        coords={"person": ["a", "b"], "time": ("time", t, {"units": "min"})},
    )


def test_ogtt_indices_matches_hand_values():
    out = ogtt_indices(_synthetic_ogtt())
    assert out["homa1_ir"].dims == ("person",)
    assert list(out["person"].values) == ["a", "b"]
    a = out.sel(person="a")
    assert float(a["fasting_glucose"]) == 90.0
    assert float(a["two_hour_glucose"]) == 120.0
    assert float(a["homa1_ir"]) == pytest.approx(90 / MG_PER_MMOL * 8 / 22.5, rel=1e-12)
    assert float(a["homa1_beta"]) == pytest.approx(20 * 8 / (90 / MG_PER_MMOL - 3.5), rel=1e-12)
    assert float(a["quicki"]) == pytest.approx(1 / (math.log10(8) + math.log10(90)), rel=1e-12)
    assert float(a["matsuda"]) == pytest.approx(10000 / math.sqrt(90 * 8 * 132 * 45.6), rel=1e-12)
    assert float(a["insulinogenic_index"]) == pytest.approx(52 / 60, rel=1e-12)
    assert float(a["oral_disposition_index"]) == pytest.approx(52 / 60 / 8, rel=1e-12)
    assert float(a["glucose_auc"]) == pytest.approx(16650.0, rel=1e-12)
    assert str(a["ada_category"].values) == "normal"
    b = out.sel(person="b")  # glucose x1.5: fasting 135 -> diabetes by fasting glucose
    assert str(b["ada_category"].values) == "diabetes"
    assert "fasting glucose 135 mg/dL" in str(b["ada_reasons"].values)
    for name in ("homa1_ir", "matsuda", "glucose_auc", "insulin_auc", "oral_disposition_index"):
        assert "units" in out[name].attrs


def test_ogtt_indices_refuses_missing_samples_and_wrong_units():
    ds = _synthetic_ogtt()
    with pytest.raises(InputError) as err:
        ogtt_indices(ds.sel(time=ds["time"] != 30.0))
    assert err.value.value == [30.0]
    bad = ds.copy()
    bad["insulin"] = bad["insulin"].assign_attrs(units="uU/mL")
    with pytest.raises(InputError) as err:
        ogtt_indices(bad)
    assert err.value.allowed == "pmol/L"
    with pytest.raises(InputError):
        ogtt_indices(ds.drop_vars("glucose"))


# --- properties (hypothesis) -----------------------------------------------------------------

conc = st.floats(min_value=1.0, max_value=2000.0, allow_nan=False)


@given(g=st.floats(40.0, 600.0), i=conc, factor=st.floats(1.001, 10.0))
def test_homa1_ir_increases_with_insulin(g, i, factor):
    assert homa1_ir(g, i * factor) > homa1_ir(g, i)


@given(g=st.floats(40.0, 600.0), i=st.floats(6.0, 2000.0), factor=st.floats(1.001, 10.0))
def test_quicki_decreases_with_insulin_and_glucose(g, i, factor):
    q = quicki(g, i)
    assert quicki(g, i * factor) < q
    assert quicki(g * factor, i) < q


@given(x=st.floats(0.0, 1e4, allow_nan=False))
def test_unit_conversions_round_trip(x):
    assert glucose_mg_dl_to_mmol_l(glucose_mmol_l_to_mg_dl(x)) == pytest.approx(x, rel=1e-14)
    assert insulin_pmol_l_to_uu_ml(insulin_uu_ml_to_pmol_l(x)) == pytest.approx(x, rel=1e-14)
    # HOMA1-IR is the same number whichever way the inputs came in
    g_mmol, i_uu = 5.0, x / 100.0
    assert homa1_ir(glucose_mmol_l_to_mg_dl(g_mmol), insulin_uu_ml_to_pmol_l(i_uu)) == (
        pytest.approx(g_mmol * i_uu / 22.5, rel=1e-12, abs=1e-15)
    )
