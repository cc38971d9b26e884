"""Fitting the fast model to one OGTT: basal consistency, recovery, round trip, sampling.

The fits here share one compiled program (one person, the five OGTT sample times 0-120 min)
with ``tests/validation/test_fit_groups.py``; compiling it takes about 40 s.
"""

from __future__ import annotations

import json
import math
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from insulinsim import person, protocols, simulate
from insulinsim.analysis._fit import (
    HANDLES,
    FitError,
    ModelFit,
    fit_ogtt,
    individual_parameters,
)
from insulinsim.errors import InputError
from insulinsim.model import FastArgs, basal_state, initial_state, rhs
from insulinsim.parameters import OBTAINED, bibliography
from insulinsim.protocols import Protocol, build_schedule
from insulinsim.units import PMOL_L_PER_UU_ML_INSULIN

# fits of one person at the five OGTT times share one compiled program (about 40 s): keep the
# two test files that use it on one pytest-xdist worker
pytestmark = pytest.mark.xdist_group("fit_ogtt_5_samples")
REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "validation" / "reference.json"
T = np.array([0.0, 30.0, 60.0, 90.0, 120.0])
TRUTH = {"V_mx": 0.7, "k_p3": 1.2, "beta_cell": 1.3, "clearance": 0.8}


@cache
def _records() -> dict:
    return {r["id"]: r for r in json.loads(REFERENCE.read_text(encoding="utf-8"))}


# --- data file ---------------------------------------------------------------------------------


def test_fit_toml_has_provenance_for_every_number():
    table = tomllib.loads(
        (resources.files("insulinsim") / "data" / "fit.toml").read_text(encoding="utf-8")
    )
    bib = bibliography()
    for name, entry in table.items():
        for key in ("value", "unit", "source", "locator", "obtained", "description"):
            assert key in entry, f"fit.toml [{name}] lacks {key}"
        assert entry["source"] in bib, f"fit.toml [{name}]: {entry['source']} not in the bib"
        assert entry["obtained"] in OBTAINED
        if "record" in entry:
            assert entry["record"] in _records(), f"fit.toml [{name}]: unknown record"


# --- the individual's parameters ---------------------------------------------------------------


def _zero_inputs_args(p):
    """FastArgs of ``p`` with no meal, infusion or exercise (a protocol without events)."""
    sched = build_schedule(Protocol("rest", (), 60.0), float(p.body.BW), float(p.body.height))
    b = basal_state(p)
    return b, FastArgs(params=p, basal=b, schedule=sched)


@pytest.mark.parametrize(
    ("preset", "mult", "G_b", "I_b"),
    [
        ("healthy", {}, 85.0, 20.0),
        ("healthy", {"V_mx": 0.4, "k_p3": 2.0, "beta_cell": 0.5, "clearance": 1.7}, 110.0, 60.0),
        ("t2d", {"V_mx": 1.5, "K": 0.3, "beta": 2.0, "clearance": 0.6}, 150.0, 45.0),
        ("insulin_resistant", {"k_p3": 0.3}, 100.0, 80.0),
    ],
)
def test_individual_rests_at_the_given_fasting_values(preset, mult, G_b, I_b):
    p = individual_parameters(
        person(preset), mult, fasting_glucose_mg_dl=G_b, fasting_insulin_pmol_l=I_b
    )
    b, args = _zero_inputs_args(p)
    assert float(b.G_b) == pytest.approx(G_b, rel=1e-10)
    assert float(b.I_b) == pytest.approx(I_b, rel=1e-12)
    # a true steady state: every derivative of the model vanishes at the initial state
    dy = rhs(0.0, initial_state(p, b), args)
    for name, v in zip(type(dy).__dataclass_fields__, jax.tree.leaves(dy), strict=False):
        assert abs(float(v)) < 1e-9, name
    # hepatic extraction stays at its basal value HE_b
    assert float(p.insulin.m_6 - p.insulin.m_5 * p.pancreas.S_b) == pytest.approx(
        float(p.insulin.HE_b)
    )


@pytest.mark.parametrize("preset", ["healthy", "t2d"])
def test_own_basal_values_reproduce_the_published_derived_parameters(preset):
    """With no multipliers and the preset's own basal state, the re-derived S_b, m_6 and k_p1
    are the preset's (Dalla Man et al. 2007 derive them the same way)."""
    base = person(preset)
    b = basal_state(base)
    p = individual_parameters(base, fasting_glucose_mg_dl=b.G_b, fasting_insulin_pmol_l=b.I_b)
    for group, name in (("pancreas", "S_b"), ("insulin", "m_6"), ("liver", "k_p1")):
        got = float(getattr(getattr(p, group), name))
        want = float(getattr(getattr(base, group), name))
        assert got == pytest.approx(want, rel=1e-8), f"{group}.{name}"


def test_clearance_multiplier_scales_the_metabolic_clearance_rate():
    base = person("healthy")
    mcr = []
    for c in (1.0, 2.5):
        p = individual_parameters(
            base, {"clearance": c}, fasting_glucose_mg_dl=92.0, fasting_insulin_pmol_l=30.0
        )
        mcr.append(float(p.pancreas.S_b) / 30.0)
    assert mcr[1] / mcr[0] == pytest.approx(2.5, rel=1e-12)


def test_individual_parameters_is_traceable():
    base = person("healthy")
    f = jax.jit(
        lambda v: (
            individual_parameters(
                base, {"V_mx": v}, fasting_glucose_mg_dl=90.0, fasting_insulin_pmol_l=25.0
            ).liver.k_p1
        )
    )
    # V_mx does not enter k_p1 at basal (no insulin action above basal): derivative 0
    assert float(jax.grad(f)(jnp.asarray(0.8))) == pytest.approx(0.0, abs=1e-12)


# --- fits --------------------------------------------------------------------------------------


@cache
def _truth_data():
    p = individual_parameters(
        person("healthy"), TRUTH, fasting_glucose_mg_dl=95.0, fasting_insulin_pmol_l=35.0
    )
    ds = simulate(p, protocols.ogtt()).sel(time=T).isel(person=0)
    return ds.glucose.values, ds.insulin.values


@cache
def _fit():
    g, i = _truth_data()
    return fit_ogtt(T, g, i)


def test_noise_free_data_give_back_the_person():
    g, i = _truth_data()
    fit = fit_ogtt(T, g, i, prior=False)
    # limited by the difference between simulate's step grid and the fit's (< 0.01 mg/dL)
    for name, value in TRUTH.items():
        assert fit.estimates[name] == pytest.approx(value, rel=0.01), name
    assert fit.estimates["G_b"] == pytest.approx(95.0, rel=1e-3)
    assert fit.estimates["I_b"] == pytest.approx(35.0, rel=1e-3)
    assert fit.prior_sd is None
    # secretion and clearance trade off in insulin alone: the warning names them
    assert any("beta_cell and clearance" in w for w in fit.warnings)


def test_fit_reports_consistent_statistics():
    fit = _fit()
    names = fit.names
    assert names == ("V_mx", "k_p3", "beta_cell", "clearance", "G_b", "I_b")
    assert fit.prior_sd == 1.0
    se = fit.standard_errors
    for n in names:
        lo, hi = fit.ci95[n]
        assert lo < fit.estimates[n] < hi
        assert se[n] == pytest.approx(fit.estimates[n] * fit.cv_percent[n] / 100.0)
    c = fit.correlation
    assert np.allclose(c, c.T) and np.allclose(np.diag(c), 1.0)
    assert fit.dof == 10 - 6
    assert fit.fitted_glucose_mg_dl.shape == T.shape


def test_fitted_person_rests_at_the_fitted_basal_values():
    fit = _fit()
    b = basal_state(fit.params)
    assert float(b.G_b) == pytest.approx(fit.estimates["G_b"], rel=1e-10)
    assert float(b.I_b) == pytest.approx(fit.estimates["I_b"], rel=1e-10)
    assert set(fit.values) >= {"glucose.V_mx", "liver.k_p3", "pancreas.K", "pancreas.S_b"}


def test_json_round_trip():
    fit = _fit()
    back = ModelFit.from_dict(json.loads(json.dumps(fit.to_dict())))
    assert back.names == fit.names
    assert back.estimates == pytest.approx(fit.estimates)
    np.testing.assert_allclose(back.log_covariance, fit.log_covariance)
    assert back.ci95 == fit.ci95
    assert back.warnings == fit.warnings
    for a, b in zip(jax.tree.leaves(back.params), jax.tree.leaves(fit.params), strict=True):
        assert float(a) == pytest.approx(float(b), rel=1e-12)


def test_from_dict_refuses_other_files():
    with pytest.raises(InputError, match="ModelFit"):
        ModelFit.from_dict({"kind": "something else"})


def test_sample_draws_people_from_the_estimated_normal():
    fit = _fit()
    a, b = fit.sample(400, seed=5), fit.sample(400, seed=5)
    assert np.shape(a.glucose.V_mx) == (400,)
    np.testing.assert_array_equal(a.glucose.V_mx, b.glucose.V_mx)
    assert not np.array_equal(a.glucose.V_mx, fit.sample(400, seed=6).glucose.V_mx)
    # log V_mx multiplier: mean and SD of 400 draws within 4 standard errors of the estimate
    i = fit.names.index("V_mx")
    logs = np.log(a.glucose.V_mx / float(fit.base.glucose.V_mx))
    sd = math.sqrt(fit.log_covariance[i, i])
    assert abs(logs.mean() - fit.log_estimate[i]) < 4 * sd / math.sqrt(400)
    assert logs.std(ddof=1) == pytest.approx(sd, rel=4 * math.sqrt(1 / 800))
    # every draw rests at its own basal values: the model's derivatives vanish there
    for k in (0, 1):
        one = jax.tree.map(lambda x, k=k: jnp.asarray(x[k]), a)
        b0, args = _zero_inputs_args(one)
        dy = rhs(0.0, initial_state(one, b0), args)
        assert max(abs(float(v)) for v in jax.tree.leaves(dy)) < 1e-9
    with pytest.raises(InputError):
        fit.sample(0, seed=1)


def test_without_prior_the_ohashi_ngt_means_do_not_converge():
    """Plain least squares on the five-point NGT mean curve sends hepatic sensitivity to
    zero (record ogtt75_ohashi_ngt_glucose/insulin): fit_ogtt raises instead of returning."""
    g = _records()["ogtt75_ohashi_ngt_glucose"]["value"]
    i = np.asarray(_records()["ogtt75_ohashi_ngt_insulin"]["value"]) * PMOL_L_PER_UU_ML_INSULIN
    with pytest.raises(FitError, match=r"did not converge|edge of the search range"):
        fit_ogtt(T, g, i, prior=False)


# --- input checks (no solve) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"times_min": [30.0, 60.0, 90.0]}, "t <= 0"),
        ({"insulin_pmol_l": [-5.0, 300.0, 200.0]}, "insulin_pmol_l"),
        ({"glucose_mg_dl": [5.5, 8.0, 7.0]}, "glucose_mg_dl"),
        ({"estimate": ("V_mx", "S_I")}, "estimate"),
        ({"estimate": ("beta_cell", "K")}, "not both"),
        ({"times_min": [0.0, 60.0]}, "one value per sample time"),
    ],
)
def test_bad_input_is_refused_before_solving(kwargs, match):
    args = {
        "times_min": [0.0, 60.0, 120.0],
        "glucose_mg_dl": [90.0, 150.0, 120.0],
        "insulin_pmol_l": [40.0, 300.0, 200.0],
    }
    args.update(kwargs)
    est = args.pop("estimate", ("V_mx",))
    with pytest.raises(InputError, match=match):
        fit_ogtt(args["times_min"], args["glucose_mg_dl"], args["insulin_pmol_l"], estimate=est)


def test_refuses_a_person_without_secretion():
    with pytest.raises(InputError, match="t1d"):
        fit_ogtt(T, [90.0, 150, 140, 120, 100], [40.0, 300, 250, 200, 150], base=person("t1d"))


def test_too_few_samples_for_the_parameters():
    with pytest.raises(InputError, match="more than 6"):
        fit_ogtt([0.0, 60.0, 120.0], [90.0, 150.0, 120.0], [40.0, 300.0, 200.0])


def test_handles_name_their_parameters():
    for name, (meaning, keys) in HANDLES.items():
        assert meaning and keys, name
        for key in keys:
            group, field = key.split(".")
            assert hasattr(getattr(person("healthy"), group), field), key
