"""The fast model solved by diffrax (``simulate``) against scipy's Radau on the same rhs.

scipy integrates ``insulinsim.model.rhs`` (flattened with ``jax.flatten_util.ravel_pytree``,
jit-compiled, with its exact Jacobian from ``jax.jacfwd``) at rtol = atol = 1e-10, segment by
segment between the schedule's breakpoints, with each segment's inputs frozen (so the
integrator never sees a discontinuity). ``simulate`` at its default settings must agree to
diffrax with tight tolerances must agree with it to 1e-5 relative in glucose and insulin (the
two integrate the same equations); ``simulate`` at its fast default settings must keep glucose
within 0.1 mg/dL (the claim in ``SolverSettings``' docstring).
"""

from __future__ import annotations

import functools

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree
from scipy.integrate import solve_ivp

from insulinsim import person, protocols
from insulinsim.model import AbstractSchedule, FastArgs, Inputs, basal_state, fluxes, initial_state
from insulinsim.model import rhs as model_rhs
from insulinsim.protocols import build_schedule

RTOL = 1e-5


class Frozen(AbstractSchedule):
    """The inputs of one schedule segment, constant in time."""

    values: Inputs

    def inputs(self, t) -> Inputs:
        return self.values


@functools.cache
def scipy_solve(preset: str, protocol) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, glucose, insulin) on the protocol's output grid, by Radau at 1e-10."""
    p = person(preset)
    b = basal_state(p)
    y0 = initial_state(p, b)
    flat0, unravel = ravel_pytree(y0)
    sched = build_schedule(protocol, float(p.body.BW), float(p.body.height))

    def f(t, y, frozen):
        return ravel_pytree(model_rhs(t, unravel(y), FastArgs(p, b, frozen)))[0]

    def obs(t, y, frozen):
        fl = fluxes(t, unravel(y), FastArgs(p, b, frozen))
        return jnp.stack([fl.glucose_mg_dl, fl.insulin_pmol_l])

    f_jit = jax.jit(f)
    jac_jit = jax.jit(jax.jacfwd(f, argnums=1))
    obs_jit = jax.jit(jax.vmap(obs, in_axes=(0, 1, None), out_axes=1))

    edges = np.asarray(sched.edges)
    ts = np.asarray(protocol.times())
    out = np.empty((2, ts.size))
    y = np.asarray(flat0)
    for k in range(edges.size - 1):
        t0, t1 = edges[k], edges[k + 1]
        frozen = Frozen(sched.inputs(jnp.asarray(0.5 * (t0 + t1))))
        sel = (ts >= t0) & ((ts < t1) | (k == edges.size - 2))
        sol = solve_ivp(
            lambda t, y, fr=frozen: np.asarray(f_jit(t, jnp.asarray(y), fr)),
            (t0, t1),
            y,
            method="Radau",
            rtol=1e-10,
            atol=1e-10,
            jac=lambda t, y, fr=frozen: np.asarray(jac_jit(t, jnp.asarray(y), fr)),
            t_eval=ts[sel],
            dense_output=False,
        )
        assert sol.success, sol.message
        if sel.any():
            out[:, sel] = np.asarray(obs_jit(jnp.asarray(sol.t), jnp.asarray(sol.y), frozen))
        y = (
            sol.y[:, -1]
            if sol.t.size and sol.t[-1] == t1
            else _final(f_jit, jac_jit, frozen, t0, t1, y)
        )
    return ts, out[0], out[1]


def _final(f_jit, jac_jit, frozen, t0, t1, y):
    sol = solve_ivp(
        lambda t, y: np.asarray(f_jit(t, jnp.asarray(y), frozen)),
        (t0, t1),
        y,
        method="Radau",
        rtol=1e-10,
        atol=1e-10,
        jac=lambda t, y: np.asarray(jac_jit(t, jnp.asarray(y), frozen)),
    )
    assert sol.success, sol.message
    return sol.y[:, -1]


def _compare(ds, preset, protocol, name, rtol=RTOL):
    ts, g_ref, i_ref = scipy_solve(preset, protocol)
    d = ds.sel(person=preset)
    np.testing.assert_array_equal(d.time.values, ts)
    ref = {"glucose": g_ref, "insulin": i_ref}[name]
    rel = np.abs(d[name].values - ref) / np.abs(ref)
    worst, t = float(rel.max()), float(ts[rel.argmax()])
    print(
        f"{protocol.name} {preset} {name}: worst relative difference vs scipy Radau 1e-10: "
        f"{worst:.2e} at t = {t:g} min"
    )
    assert worst <= rtol, f"{name} differs by {worst:.2e} (relative) at t = {t:g} min"


def _abs_diff(ds, preset, protocol, name):
    ts, g_ref, i_ref = scipy_solve(preset, protocol)
    d = ds.sel(person=preset)
    np.testing.assert_array_equal(d.time.values, ts)
    ref = {"glucose": g_ref, "insulin": i_ref}[name]
    return np.abs(d[name].values - ref), ref


@pytest.mark.parametrize("preset", ["healthy", "t2d"])
def test_default_settings_ogtt_within_accuracy_contract(sim_ogtt, preset):
    """The fast default (shared step grid) against Radau at 1e-10: glucose within 0.1 mg/dL,
    insulin within 1 % (the grid trades the last digits for speed; see SolverSettings)."""
    dg, _ = _abs_diff(sim_ogtt, preset, protocols.ogtt(), "glucose")
    di, i_ref = _abs_diff(sim_ogtt, preset, protocols.ogtt(), "insulin")
    print(f"ogtt {preset}: max |dG| {dg.max():.2e} mg/dL, max |dI|/I {(di / i_ref).max():.2e}")
    assert dg.max() <= 0.1
    assert (di / i_ref).max() <= 0.01


def test_default_settings_day_within_accuracy_contract(sim_day):
    dg, _ = _abs_diff(sim_day, "healthy", protocols.standard_day(), "glucose")
    di, i_ref = _abs_diff(sim_day, "healthy", protocols.standard_day(), "insulin")
    print(f"day healthy: max |dG| {dg.max():.2e} mg/dL, max |dI|/I {(di / i_ref).max():.2e}")
    assert dg.max() <= 0.1
    assert (di / i_ref).max() <= 0.01


@pytest.mark.parametrize("name", ["glucose", "insulin"])
def test_tight_diffrax_ogtt_matches_scipy(sim_ogtt_tight, name):
    """diffrax (adaptive, 1e-10) and scipy Radau (1e-10) solve the same equations: 1e-5."""
    _compare(sim_ogtt_tight, "healthy", protocols.ogtt(), name)


@pytest.mark.parametrize("name", ["glucose", "insulin"])
def test_tight_diffrax_matches_scipy(sim_day_tight, name):
    """Both integrators at 1e-10 agree to 1e-8: the two solve the same equations."""
    _compare(sim_day_tight, "healthy", protocols.standard_day(), name, rtol=1e-8)


def test_standard_day_converged(sim_day, sim_day_tight):
    """Default settings vs rtol = atol = 1e-10: glucose within 0.1 mg/dL over the day."""
    diff = np.abs(sim_day.glucose.values - sim_day_tight.glucose.values).max(axis=1)
    per = dict(zip(sim_day.person.values.tolist(), diff.round(5).tolist(), strict=True))
    print("max |glucose - tight| per preset (mg/dL):", per)
    assert diff.max() <= 0.1


def test_frozen_schedule_is_the_schedule():
    """The segment-wise inputs used above are those ``build_schedule`` gives mid-segment."""
    proto = protocols.standard_day()
    s = build_schedule(proto, 78.0, 170.0)
    mid = jnp.asarray(480.5)
    fr = Frozen(s.inputs(mid))
    assert eqx.tree_equal(fr.inputs(0.0), s.inputs(mid))
