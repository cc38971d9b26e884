"""The slow laws against published numbers: Topp 2000 fixed points and saddle-node, the Ha &
Sherman 2020 baseline as a steady state of the beta-cell laws, and HbA1c against ADAG.

Records: topp2000_param_*, topp2000_fixed_point_physiological, topp2000_fixed_point_saddle,
topp2000_saddle_node, topp2000_si_compensation, hasherman2020_baseline_state, adag_formula,
adag_checkpoints.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import scipy.optimize

from insulinsim import person
from insulinsim.physiology import glycation, pancreas

REFERENCE = Path(__file__).parents[2] / ".." / "shared" / "validation" / "reference.json"


@cache
def _records() -> dict:
    return {r["id"]: r for r in json.loads(REFERENCE.read_text(encoding="utf-8"))}


def record(rid: str) -> dict:
    return _records()[rid]


def topp_params(**changes) -> dict:
    names = ("R0", "EG0", "SI", "sigma", "alpha", "k", "d0", "r1", "r2")
    p = {n: float(record(f"topp2000_param_{n}")["value"]) for n in names}
    return {**p, **changes}


def topp_rhs(x, p):
    return np.array(pancreas.topp_derivatives(*x, **p), dtype=float)


def fixed_point_with_beta(p):
    """Fixed points with beta > 0: G from the beta law, then I and beta from G."""
    out = []
    for G in np.roots([-p["r2"], p["r1"], -p["d0"]]):
        G = float(np.real(G))
        I = (p["R0"] / G - p["EG0"]) / p["SI"]
        beta = p["k"] * I * (p["alpha"] + G * G) / (p["sigma"] * G * G)
        out.append((G, I, beta))
    return sorted(out)


@pytest.mark.parametrize(
    ("rid", "which"),
    [("topp2000_fixed_point_physiological", 0), ("topp2000_fixed_point_saddle", 1)],
)
def test_topp_fixed_points(rid, which):
    rec = record(rid)
    x = np.array(fixed_point_with_beta(topp_params())[which])
    # the point is a zero of the implemented right-hand side (checks the code, not the algebra)
    sol = scipy.optimize.fsolve(lambda y: topp_rhs(y, topp_params()), x, xtol=1e-12)
    np.testing.assert_allclose(topp_rhs(sol, topp_params()), 0.0, atol=1e-8)
    np.testing.assert_allclose(sol, rec["value"], rtol=rec["tolerance"]["value"])


def test_topp_pathological_fixed_point():
    rec = record("topp2000_fixed_point_pathological")
    p = topp_params()
    G = p["R0"] / p["EG0"]
    np.testing.assert_allclose(topp_rhs([G, 0.0, 0.0], p), 0.0, atol=1e-9)
    assert G == pytest.approx(rec["value"][0], rel=rec["tolerance"]["value"])


def test_topp_saddle_node():
    """Raising d0 merges the physiological and saddle points where the beta law's
    discriminant vanishes (record topp2000_saddle_node)."""
    rec = record("topp2000_saddle_node")
    p = topp_params()

    def gap(d0):
        pts = fixed_point_with_beta(topp_params(d0=d0))
        return pts[1][0] - pts[0][0]

    d0_star = scipy.optimize.brentq(lambda d0: p["r1"] ** 2 - 4 * p["r2"] * d0 - 1e-16, 0.05, 0.1)
    G_star = scipy.optimize.minimize_scalar(
        lambda G: -pancreas.topp_beta_rate(G, d0_star, p["r1"], p["r2"]),
        bounds=(50, 400),
        method="bounded",
    ).x
    assert gap(d0_star * 0.999) > 0.0
    np.testing.assert_allclose([d0_star, G_star], rec["value"], rtol=rec["tolerance"]["value"])


def test_topp_si_compensation():
    """Halving SI: glucose returns to 100 mg/dL with doubled beta-cell mass
    (record topp2000_si_compensation), integrating the implemented equations."""
    rec = record("topp2000_si_compensation")
    p = topp_params(SI=0.36)
    x0 = fixed_point_with_beta(topp_params())[0]
    sol = scipy.integrate.solve_ivp(
        lambda t, y: topp_rhs(y, p), (0.0, 3000.0), x0, method="LSODA", rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(sol.y[:, -1], rec["value"], rtol=rec["tolerance"]["value"])


def test_hasherman_baseline_is_steady():
    """The beta-cell laws with this package's derived anchors hold the Ha & Sherman normal
    subject (G = 78.59 mg/dL, sigma = 1; record hasherman2020_baseline_state) at steady state:
    proliferation equals apoptosis and sigma_inf equals 1."""
    bc = person("healthy").beta_cell
    G, sigma = (record("hasherman2020_baseline_state")["value"][i] for i in (0, 4))
    P = float(pancreas.beta_proliferation(bc.isr_proliferation_ref, bc))
    A = float(pancreas.beta_apoptosis(G, bc))
    s_inf = float(pancreas.beta_function_target(G, bc.isr_function_ref, bc))
    assert P == pytest.approx(A, rel=2e-3)
    assert s_inf == pytest.approx(sigma, rel=2e-3)


def test_hasherman_secretion_reproduces_baseline_insulin():
    """At the baseline state the exocytosis model's secretion balances clearance: the steady
    I' = beta ISR / BV - k I = 0 gives ISR = k I BV / beta (records hasherman2020_baseline_state,
    hasherman2020_core_params)."""
    G, I, beta, gamma, sigma, _, _ = record("hasherman2020_baseline_state")["value"]
    core = dict(
        zip(
            record("hasherman2020_core_params")["labels"],
            record("hasherman2020_core_params")["value"],
            strict=True,
        )
    )
    expected = core["k"] * I * core["BV"] / beta
    got = sigma * float(pancreas.secretion_per_function(G, gamma, person("healthy").beta_cell))
    # the record's state is printed to 4 significant figures, hence the 1 % tolerance
    assert got == pytest.approx(expected, rel=0.01)


def test_sensing_shift_raises_secretion_at_the_same_glucose():
    bc = person("healthy").beta_cell
    low, high = (float(pancreas.secretion_per_function(90.0, g, bc)) for g in (-0.1, 0.0))
    assert high > 1.5 * low
    assert float(pancreas.glucose_sensing_shift_target(80.0, bc)) < float(
        pancreas.glucose_sensing_shift_target(120.0, bc)
    )


def test_glucotoxicity_lowers_function_and_mass():
    """Higher glucose at the same secretion lowers function and raises apoptosis."""
    bc = person("healthy").beta_cell
    g = np.array([80.0, 100.0, 120.0, 160.0])
    f = np.asarray(pancreas.beta_function_target(g, bc.isr_function_ref, bc))
    a = np.asarray(pancreas.beta_apoptosis(g, bc))
    assert np.all(np.diff(f) < 0) and np.all(np.diff(a) > 0)


def test_hba1c_matches_adag_checkpoints():
    """Steady HbA1c of a mean glucose inverts the ADAG checkpoints (records adag_formula,
    adag_checkpoints)."""
    rec = record("adag_checkpoints")
    p = person("healthy").glycation
    a1c = np.asarray(glycation.hba1c_steady(np.asarray(rec["value"], dtype=float), p))
    np.testing.assert_allclose(a1c, rec["x"], atol=rec["tolerance"]["value"] / 28.7)


def test_hba1c_half_time():
    """After a step of glycaemia HbA1c covers half the distance in 34.6 days (Tahara & Shima
    1995, 34.6 +/- 10.1 d)."""
    p = person("healthy").glycation
    start, target = glycation.hba1c_steady(250.0, p), glycation.hba1c_steady(120.0, p)
    half = glycation.hba1c_update(start, 120.0, 34.6, p)
    assert float(half) == pytest.approx(0.5 * (float(start) + float(target)), rel=1e-9)
