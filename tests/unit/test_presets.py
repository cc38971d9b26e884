"""Basal states of the named presets (solved by ``insulinsim.model.basal_state``)."""

from __future__ import annotations

import _sims
import jax
import pytest

from insulinsim import person
from insulinsim.model import FastArgs, basal_state, initial_state, rhs
from insulinsim.protocols import build_schedule


@pytest.fixture(scope="module")
def basal():
    return {n: basal_state(person(n)) for n in _sims.NAMES}


def test_healthy_basal_reproduces_published(basal, reference):
    """dallaman2007_basal_values_normal: G_b, I_b, EGP_b within (5, 5, 0.1)."""
    rec = reference["dallaman2007_basal_values_normal"]
    b = basal["healthy"]
    model = [float(b.G_b), float(b.I_b), float(b.EGP_b)]
    tol = rec["tolerance"]["value"]
    print("basal model", model, "published", rec["value"])
    for lab, m, pub, t in zip(rec["labels"], model, rec["value"], tol, strict=True):
        assert abs(m - pub) <= t, f"{lab}: model {m:.3f} vs published {pub} (±{t})"


@pytest.mark.parametrize("name", _sims.NAMES)
def test_basal_state_is_a_steady_state(name, basal):
    p = person(name)
    b = basal[name]
    y0 = initial_state(p, b)
    args = FastArgs(params=p, basal=b, schedule=build_schedule(_sims.fasting_protocol(), 78, 170))
    dy = rhs(0.0, y0, args)
    scale = jax.tree.map(lambda x: abs(float(x)) + 1.0, y0)
    worst = max(jax.tree.leaves(jax.tree.map(lambda d, s: abs(float(d)) / s, dy, scale)))
    assert worst < 1e-9, dy


def test_insulin_resistant_fasting_glucose_is_healthy(basal):
    h, r = basal["healthy"], basal["insulin_resistant"]
    assert float(r.G_b) == pytest.approx(float(h.G_b), abs=0.5)
    assert float(r.I_b) > float(h.I_b)


def test_t1d_fasting_glucose(basal):
    assert float(basal["t1d"].G_b) == pytest.approx(105.0, abs=0.5)


def test_t1d_has_no_secretion(sim_ogtt):
    p = person("t1d")
    assert float(p.pancreas.S_b) == 0.0
    sec = sim_ogtt.secretion.sel(person="t1d").values
    assert abs(sec).max() == 0.0
