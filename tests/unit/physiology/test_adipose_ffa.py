"""Adipose lipolysis and plasma FFA (M3AL ATL term with an insulin-insensitive floor).

The parameters are built straight from ``data/params/adipose.toml`` so that these tests do not
depend on the other parameter groups. Published anchors (see the toml notes and
notes/submodels.md section 2):

- fasting NEFA of optimally healthy controls 378 (95 % CI 302-473) umol/L, basal lipolysis LIP0
  23.4 (17.5-29.2) umol/L/min, K_NEFA 6.7 (5.4-8.2) %/min, FSIGT suppression 78.1 (71.8-84.4) %
  (pmc7099405_nefa_mm, Table 3);
- FSIGT: basal FFA 491 +- 183 umol/L, nadir 139 +- 63 umol/L (sumner2004, abstract);
- FFA minimal-model clearance c_f 0.08 +- 0.05 /min in white women (chow2011, abstract);
- palmitate Ra suppressed 79 +- 1 % at high-physiological insulin (conte2012, abstract).
"""

from __future__ import annotations

import dataclasses
import tomllib
from importlib import resources

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from insulinsim.parameters import Adipose
from insulinsim.physiology import adipose

I_B = 25.6  # pmol/L, fasting insulin of the healthy meal model (Dalla Man 2007)


def _table() -> dict:
    path = resources.files("insulinsim") / "data" / "params" / "adipose.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _params() -> Adipose:
    table = _table()
    names = [f.name for f in dataclasses.fields(Adipose)]
    return Adipose(**{n: jnp.asarray(float(table[n]["value"])) for n in names})


P = _params()


def _f(x) -> float:
    return float(np.asarray(x))


def test_toml_keys_equal_class_fields():
    names = {f.name for f in dataclasses.fields(Adipose)}
    assert set(_table()) == names


def test_basal_steady_state():
    F_b = adipose.basal_ffa(I_B, P)
    assert _f(adipose.ffa_derivative(F_b, adipose.lipolysis(I_B, P), P)) == pytest.approx(
        0.0, abs=1e-12
    )
    assert _f(adipose.antilipolytic_insulin_derivative(I_B, I_B, P)) == 0.0
    # the two calibrated parameters reproduce their target F_b = 378 umol/L
    assert _f(F_b) == pytest.approx(378.0, rel=1e-3)


def test_fasting_ffa_in_published_healthy_range():
    F_b = _f(adipose.basal_ffa(I_B, P))
    # pmc7099405_nefa_mm Table 3: 95 % CI of healthy controls (the calibration target's CI)
    assert 302.0 <= F_b <= 473.0
    # sumner2004: 491 +- 183 umol/L (mean +- SD), an independent cohort
    assert 491.0 - 183.0 <= F_b <= 491.0 + 183.0


def test_basal_fluxes_agree_with_nefa_minimal_model():
    ra_b = _f(adipose.lipolysis(I_B, P))
    # LIP0 = 23.4 (17.5-29.2) umol/L/min in healthy controls (pmc7099405_nefa_mm); not fitted
    assert 17.5 <= ra_b <= 29.2
    k = _f(P.ffa_clearance)
    assert 0.08 - 0.05 <= k <= 0.08 + 0.05  # chow2011, white women, mean +- SD
    assert 0.054 <= k <= 0.082  # K_NEFA 95 % CI, pmc7099405_nefa_mm


def test_lipolysis_falls_monotonically_with_insulin_action():
    y = jnp.linspace(0.0, 3000.0, 3001)
    r = np.asarray(jax.jit(adipose.lipolysis)(y, P))
    assert np.all(np.diff(r) < 0.0)
    assert r[0] == pytest.approx(_f(P.lipolysis_floor + P.lipolysis_max))
    assert r[-1] > _f(P.lipolysis_floor)
    # negative action is no action
    assert _f(adipose.lipolysis(-5.0, P)) == pytest.approx(r[0])
    # half of the suppressible part at the IC50
    half = _f(P.lipolysis_floor + 0.5 * P.lipolysis_max)
    assert _f(adipose.lipolysis(P.lipolysis_ic50, P)) == pytest.approx(half, rel=1e-12)


def test_step_suppression_matches_high_physiological_insulin():
    # conte2012: palmitate Ra suppressed 79 +- 1 % at high-physiological insulin. The floor was
    # calibrated to this number, so this checks the calibration (tolerance 3 points), with the
    # step held long enough for remote insulin and FFA to settle (integrated, not assumed).
    I_step = 480.0  # pmol/L (80 uU/mL), a high-physiological clamp level
    F_b = _f(adipose.basal_ffa(I_B, P))
    rhs = jax.jit(
        lambda t, x: jnp.stack(
            [
                adipose.antilipolytic_insulin_derivative(x[0], I_step, P),
                adipose.ffa_derivative(x[1], adipose.lipolysis(x[0], P), P),
            ]
        )
    )
    sol = solve_ivp(
        lambda t, x: np.asarray(rhs(t, jnp.asarray(x))),
        (0.0, 900.0),
        [I_B, F_b],
        method="LSODA",
        rtol=1e-9,
        atol=1e-9,
    )
    assert sol.success
    suppression = 1.0 - sol.y[1, -1] / F_b
    assert suppression == pytest.approx(0.79, abs=0.03)
    ra_suppression = 1.0 - _f(adipose.lipolysis(I_step, P)) / _f(adipose.lipolysis(I_B, P))
    assert suppression == pytest.approx(ra_suppression, abs=1e-4)


# dallaman2007_fig1_insulin (shared/validation/reference.json): mean plasma insulin of 204
# healthy subjects after the 1 g/kg mixed meal, pmol/L (third-party digitisation of Fig. 1)
_MEAL_T = np.array([0, 15, 30, 45, 60, 90, 120, 150, 180, 240, 300, 360, 420], dtype=float)
_MEAL_I = np.array(
    [26.0, 113.7, 332.0, 315.2, 358.4, 337.4, 257.3, 182.3, 121.4, 79.7, 59.6, 44.5, 33.9]
)


def test_meal_insulin_suppresses_ffa_like_published_tests():
    # Prediction, not a fit: drive the FFA model with the published meal insulin curve. FFA
    # nadirs in healthy people: FSIGT 78.1 (71.8-84.4) % (pmc7099405_nefa_mm) and
    # 1 - 139/491 = 72 % (sumner2004). Protocols differ (i.v. glucose vs meal), so the test
    # accepts 70-85 %.
    I0 = float(_MEAL_I[0])
    F0 = _f(adipose.basal_ffa(I0, P))

    def rhs(t, x):
        I = float(np.interp(t, _MEAL_T, _MEAL_I))
        dY = adipose.antilipolytic_insulin_derivative(x[0], I, P)
        dF = adipose.ffa_derivative(x[1], adipose.lipolysis(x[0], P), P)
        return [_f(dY), _f(dF)]

    t_eval = np.arange(0.0, 421.0, 1.0)
    sol = solve_ivp(rhs, (0.0, 420.0), [I0, F0], t_eval=t_eval, max_step=1.0, rtol=1e-8)
    assert sol.success
    F = sol.y[1]
    nadir = 1.0 - F.min() / F0
    assert 0.70 <= nadir <= 0.85
    assert F[0] == pytest.approx(F0)


def test_scipy_matches_analytic_solution_under_constant_action():
    # With constant insulin action the FFA equation is linear:
    # F(t) = F_ss + (F_0 - F_ss) exp(-k_F t), F_ss = Ra / k_F.
    k = _f(P.ffa_clearance)
    F0 = _f(adipose.basal_ffa(I_B, P))
    for action in (60.0, 250.0, 5.0):
        ra = _f(adipose.lipolysis(action, P))
        sol = solve_ivp(
            lambda t, x, ra=ra: [_f(adipose.ffa_derivative(x[0], ra, P))],
            (0.0, 200.0),
            [F0],
            t_eval=np.linspace(0.0, 200.0, 41),
            rtol=1e-10,
            atol=1e-10,
        )
        exact = ra / k + (F0 - ra / k) * np.exp(-k * sol.t)
        np.testing.assert_allclose(sol.y[0], exact, rtol=1e-7)

    # the remote insulin is linear too: Y(t) = I + (Y_0 - I) exp(-k_Y t)
    kY = _f(P.antilipolytic_rate)
    sol = solve_ivp(
        lambda t, x: [_f(adipose.antilipolytic_insulin_derivative(x[0], 300.0, P))],
        (0.0, 300.0),
        [I_B],
        t_eval=np.linspace(0.0, 300.0, 31),
        rtol=1e-10,
        atol=1e-10,
    )
    np.testing.assert_allclose(sol.y[0], 300.0 + (I_B - 300.0) * np.exp(-kY * sol.t), rtol=1e-7)


def test_other_appearance_adds():
    F = 300.0
    base = _f(adipose.ffa_derivative(F, 20.0, P))
    assert _f(adipose.ffa_derivative(F, 20.0, P, other_appearance=3.0)) == pytest.approx(base + 3)


def test_vmap_over_a_population():
    pop = jax.tree_util.tree_map(lambda v: jnp.stack([v, 2.0 * v]), P)
    out = jax.vmap(adipose.basal_ffa, in_axes=(None, 0))(I_B, pop)
    assert out.shape == (2,)
    assert _f(out[0]) == pytest.approx(_f(adipose.basal_ffa(I_B, P)))
    grad = jax.grad(lambda y: adipose.lipolysis(y, P))(I_B)
    assert _f(grad) < 0.0
    # finite gradient in the Hill exponent at zero action
    g0 = jax.grad(lambda h: adipose.lipolysis(0.0, dataclasses.replace(P, lipolysis_hill=h)))(2.0)
    assert np.isfinite(_f(g0))
