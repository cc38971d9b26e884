"""Staging rules on hand-made trajectories (thresholds from data/staging.toml and ADA)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from insulinsim.analysis import metabolic_syndrome, stage_trajectory, transitions


def _ds(fpg, g2h, ins, a1c):
    n = len(fpg)
    v = lambda x: (("person", "time"), np.asarray(x, dtype=float)[None])  # noqa: E731
    c = lambda x: v(np.full(n, x))  # noqa: E731
    return xr.Dataset(
        {
            "fasting_glucose": v(fpg),
            "glucose_2h": v(g2h),
            "fasting_insulin": v(ins),
            "hba1c": v(a1c),
            "age": v(40 + np.arange(n)),
            "waist": c(90.0),
            "triglycerides": c(100.0),
            "hdl": c(55.0),
            "sbp": c(120.0),
            "dbp": c(75.0),
            "surface_receptors_muscle": c(90.0),
            "sensitivity_muscle": c(0.7),
            "sensitivity_liver": c(0.8),
            "secretory_capacity": c(80.0),
            "beta_mass": c(90.0),
        },
        coords={"person": ["a"], "time": np.arange(n, dtype=float)},
    )


def test_stages_follow_the_thresholds():
    # healthy; hyperinsulinemic with normal glucose (HOMA1-IR = 90*60/6/405 = 2.2); IGT; T2D
    ds = _ds([90, 90, 105, 140], [120, 120, 160, 230], [30, 60, 60, 50], [5.2, 5.3, 5.9, 7.0])
    st = stage_trajectory(ds, [True])
    assert st.stage.values[0].tolist() == [0, 1, 2, 3]
    assert "HOMA1-IR 2.22 >= 2.05" in st.stage_reason.values[0, 1]
    assert "2-h glucose 160" in st.stage_reason.values[0, 2]
    assert "beta-cell capacity 80 %" in st.stage_reason.values[0, 3]
    tr = transitions(st)
    assert tr.set_index("stage").loc[2, "years"] == 2.0
    assert np.isnan(tr.set_index("stage").loc[4, "years"])


def test_risk_accumulates_only_forward():
    ds = _ds([140] * 5, [230] * 5, [50] * 5, [9.0] * 5)
    st = stage_trajectory(ds, [False])
    assert np.all(np.diff(st.risk_any.values[0]) > 0) and st.risk_any.values[0, 0] == 0.0


def test_metabolic_syndrome_counts_atp3_criteria():
    met, count, crit = metabolic_syndrome(
        waist_cm=[103, 90],
        tg_mg_dl=[160, 100],
        hdl_mg_dl=[38, 60],
        sbp_mmhg=[120, 120],
        dbp_mmhg=[80, 80],
        glucose_mg_dl=[95, 95],
        male=[True, True],
    )
    assert met.tolist() == [True, False] and count.tolist() == [3, 0]
    assert crit["hdl"].tolist() == [True, False]
