"""Insulin-independent uptake by brain and red cells (Dalla Man et al. 2007, eq. 20)."""

from __future__ import annotations

import jax.numpy as jnp

from insulinsim import person
from insulinsim.physiology import brain


def test_constant_uptake_above_saturation():
    p = person("healthy")
    V_G = float(p.glucose.V_G)
    G = jnp.array([float(p.brain.G_sat), 90.0, 400.0])  # mg/dL
    u = brain.uptake(G * V_G, V_G, p.brain)
    assert u.shape == G.shape
    assert bool(jnp.all(jnp.abs(u - float(p.brain.F_cns)) < 1e-12))


def test_uptake_falls_in_proportion_below_saturation():
    p = person("healthy")
    V_G, G_sat, F = float(p.glucose.V_G), float(p.brain.G_sat), float(p.brain.F_cns)
    G = jnp.array([0.0, 0.25 * G_sat, 0.5 * G_sat])
    u = brain.uptake(G * V_G, V_G, p.brain)
    assert jnp.allclose(u, F * jnp.array([0.0, 0.25, 0.5]), rtol=1e-12, atol=0.0)
