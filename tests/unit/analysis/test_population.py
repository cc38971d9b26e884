"""Virtual people: counter-based seeding, plausibility, the published inputs, the model inputs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from insulinsim.analysis._population import (
    POPULATION_COLUMNS,
    POPULATION_FACTORS,
    people_deviations,
    people_inputs,
    population_distributions,
    population_table,
    sample_people,
)
from insulinsim.errors import InputError
from insulinsim.parameters import bibliography, person
from insulinsim.physiology import body
from insulinsim.protocols import Scenario, scenario_from_dict


@pytest.fixture(scope="module")
def big():
    return sample_people(20_000, seed=5, physiology_scale=1.0)


def test_same_seed_same_people_and_any_chunking_gives_the_same_cohort():
    whole = sample_people(2500, seed=9)
    assert whole.equals(sample_people(2500, seed=9))
    # chunks that straddle the 1024-person random-number blocks, in any order
    parts = [
        sample_people(hi - lo, 9, start=lo) for lo, hi in ((1700, 2500), (0, 700), (700, 1700))
    ]
    for (lo, hi), part in zip(((1700, 2500), (0, 700), (700, 1700)), parts, strict=True):
        assert part.equals(whole.iloc[lo:hi].reset_index(drop=True))
    assert not whole.equals(sample_people(2500, seed=10))


def test_physiology_scale_changes_only_the_multipliers():
    a = sample_people(300, seed=3, physiology_scale=0.0)
    b = sample_people(300, seed=3, physiology_scale=1.0)
    other = [c for c in POPULATION_COLUMNS if not c.startswith("insulin_")]
    assert a[other].equals(b[other])
    assert np.all(a["insulin_sensitivity"] == 1.0)
    assert b["insulin_sensitivity"].std() > 0.3


def test_columns_units_and_plausibility_bounds(big):
    assert list(big.columns) == list(POPULATION_COLUMNS)
    b = population_table()["plausibility"]
    for col, key in (("height", "height_cm"), ("bmi", "bmi"), ("weight", "weight_kg")):
        assert big[col].between(*b[key]).all(), col
    assert big["waist"].between(*b["waist_cm"]).all()
    np.testing.assert_allclose(big["weight"], big["bmi"] * (big["height"] / 100) ** 2)
    comp = person().composition
    waist = body.waist_circumference(
        big["weight"].to_numpy(),
        big["height"].to_numpy(),
        big["age"].to_numpy(),
        big["male"].to_numpy(float),
        comp,
    )
    np.testing.assert_allclose(big["waist"], np.asarray(waist), rtol=1e-12)
    for f in POPULATION_FACTORS:
        assert f in big.columns


def test_the_draws_reproduce_the_published_inputs(big):
    """Sampling tolerance: 20,000 people give a binomial SE of at most 0.35 points; the
    bounds below add the known approximation of each fit (stated in population.toml)."""
    t = population_table()
    ages = np.digitize(big["age"], [45.0, 65.0])
    shares = np.bincount(ages, minlength=3) / len(big)
    np.testing.assert_allclose(shares, t["age"]["shares"], atol=0.015)
    assert abs((~big["male"]).mean() - t["sex"]["female_share"]) < 0.015
    for sex, m in (("male", big["male"]), ("female", ~big["male"])):
        b = t["bmi"][sex]
        got = [(big.loc[m, "bmi"] >= x).mean() for x in b["thresholds"]]
        # the log-normal fits the three shares to within 2.1 points (population.toml note)
        np.testing.assert_allclose(got, b["share_at_or_above"], atol=0.035)
        assert abs(big.loc[m, "bmi"].mean() - b["mean_check"]) < 1.0
        h = t["height"][sex]
        assert abs(big.loc[m, "height"].mean() - h["mean"]) < 0.5
    assert abs(big["daily_steps"].mean() / t["daily_steps"]["mean"] - 1) < 0.05
    # steps fall with BMI category, as published
    cat = np.digitize(big["bmi"], [25.0, 30.0])
    means = [big.loc[cat == k, "daily_steps"].mean() for k in range(3)]
    assert means[0] > means[1] > means[2]
    sl = t["sleep_duration"]
    assert abs((big["sleep_duration"] >= 7).mean() - sl["share_at_or_above"]) < 0.015
    su = t["sugar_share"]
    assert abs((big["sugar_share"] > 0).mean() - su["drinker_share"]) < 0.015
    sf = t["saturated_fat_share"]
    assert abs((big["saturated_fat_share"] < 10).mean() - sf["share_below"]) < 0.02
    fh = t["family_history"]["shares"]
    assert abs((big["family_history"] > 0).mean() - (fh[1] + fh[2])) < 0.015


def test_physiological_multipliers_have_the_derived_spread_and_correlation(big):
    s_s, s_a, rho = population_distributions()["physiology"]
    assert rho < 0  # Kahn's hyperbola
    ls, la = np.log(big["insulin_sensitivity"]), np.log(big["insulin_secretion"])
    # truncation at 2.5 sd shrinks the sd by ~4 %
    assert ls.std() == pytest.approx(s_s, rel=0.06)
    assert la.std() == pytest.approx(s_a, rel=0.06)
    assert np.corrcoef(ls, la)[0, 1] == pytest.approx(rho, abs=0.03)
    # published log-sd of the disposition index (record minmod_DI_groups)
    t = population_table()["physiology_correlation"]
    s_d = np.sqrt(np.log1p((t["disposition_sd"] / t["disposition_mean"]) ** 2))
    assert (ls + la).std() == pytest.approx(s_d, rel=0.08)


def test_fits_are_computed_from_the_stored_numbers():
    d = population_distributions()
    mu, sigma = d["bmi"]["male"]
    assert np.exp(mu + sigma**2 / 2) == pytest.approx(29.1, abs=0.3)
    mean, sd = d["satfat"]
    assert norm.cdf(10.0, mean, sd) == pytest.approx(0.34, abs=1e-9)


def test_people_inputs_set_size_sex_and_physiology():
    people = sample_people(6, seed=2, physiology_scale=1.0)
    inp = people_inputs(people, pal=1.7)
    base = person("healthy")
    np.testing.assert_allclose(inp.params.body.BW, people["weight"])
    np.testing.assert_allclose(inp.params.body.height, people["height"])
    np.testing.assert_array_equal(inp.params.gonads.male, people["male"].astype(float))
    np.testing.assert_allclose(
        inp.params.glucose.V_mx, float(base.glucose.V_mx) * people["insulin_sensitivity"]
    )
    np.testing.assert_allclose(
        inp.params.pancreas.S_b, float(base.pancreas.S_b) * people["insulin_secretion"]
    )
    np.testing.assert_allclose(inp.params.insulin.V_I, float(base.insulin.V_I))
    assert inp.pal.tolist() == [1.7] * 6
    assert set(inp.factors) == set(POPULATION_FACTORS)


def test_scenario_courses_replace_personal_levels_and_interventions_add():
    people = sample_people(3, seed=4)
    inp = people_inputs(people)
    sc = scenario_from_dict(
        {
            "scenario": {"name": "t", "years": 2},
            "risk": [{"factor": "daily_steps", "value": 3000, "start": 0, "stop": 2}],
            "intervention": [{"name": "metformin", "start": 1}],
        }
    )
    t = np.array([0.0, 1.5])
    names, devs = people_deviations(sc, inp.factors, t)
    assert devs.shape == (3, 2, len(names))
    steps = devs[:, :, names.index("daily_steps")]
    np.testing.assert_allclose(steps, 7000.0)  # 10000 - 3000, whatever each person walks
    sleep = devs[:, :, names.index("sleep_duration")]
    np.testing.assert_allclose(sleep[:, 0], np.maximum(7.5 - people["sleep_duration"], 0))
    met = devs[:, :, names.index("metformin")]
    np.testing.assert_allclose(met, [[0.0, 1.0]] * 3)
    base = Scenario(name="none", years=1)
    _, d0 = people_deviations(base, inp.factors, t)
    fh = d0[:, 0, names.index("family_history")]
    np.testing.assert_allclose(fh, people["family_history"])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n": -1, "seed": 0}, "n"),
        ({"n": 5, "seed": -3}, "seed"),
        ({"n": 5, "seed": 1.5}, "seed"),
        ({"n": 5, "seed": 0, "start": -1}, "start"),
        ({"n": 5, "seed": 0, "preset": "nobody"}, "preset"),
        ({"n": 5, "seed": 0, "physiology_scale": 2.0}, "physiology_scale"),
    ],
)
def test_bad_arguments_name_the_field(kwargs, field):
    with pytest.raises(InputError) as e:
        sample_people(**kwargs)
    assert e.value.field == field


def test_level_outside_the_factor_range_is_refused():
    inp = people_inputs(sample_people(2, seed=1))
    factors = dict(inp.factors, daily_steps=np.array([100.0, 5000.0]))
    with pytest.raises(InputError, match="daily_steps"):
        people_deviations(Scenario(name="x", years=1), factors, [0.0])


def test_every_entry_cites_a_known_source():
    t = population_table()
    keys = set(bibliography())
    for name, entry in t.items():
        if name == "population":
            continue
        entries = entry.values() if name in ("height", "bmi") else [entry]
        for e in entries:
            assert e["source"] in keys, f"{name}: {e['source']}"
            assert {"locator", "obtained", "note"} <= set(e) or name == "bmi", name
            assert e.get("obtained", "derived") in (
                "measured",
                "fitted",
                "derived",
                "assumed",
                "calibrated",
            )
