"""The composed fast model against the single-file Dalla Man 2007 oracle.

``insulinsim.model.reference.dallaman2007`` is written straight from the paper with plain
floats; ``insulinsim.model`` wires the organ modules. With the glucagon action switched off
(``glucagon.xi = 0``: the oracle has no glucagon) both must give the same meal response. Both
are solved with tight tolerances, so a difference is a wiring error, not a numerical one.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import insulinsim as ins
from insulinsim import protocols
from insulinsim.model.reference import dallaman2007 as oracle
from insulinsim.parameters import parameter_info

MEAL_G = 78.0
TIMES = np.arange(0.0, 421.0, 5.0)


def _oracle_curves(preset: str):
    p = {info.name: info.value for info in parameter_info(preset).values()}
    b = oracle.basal(p)
    x0 = np.zeros(len(oracle.STATE))
    x0[oracle.STATE.index("G_p")] = b["G_pb"]
    x0[oracle.STATE.index("G_t")] = b["G_tb"]
    x0[oracle.STATE.index("I_l")] = b["I_lb"]
    x0[oracle.STATE.index("I_p")] = b["I_pb"]
    x0[oracle.STATE.index("I_po")] = b["I_pob"]
    x0[oracle.STATE.index("I_1")] = x0[oracle.STATE.index("I_d")] = b["I_b"]
    D = MEAL_G * 1000.0
    # the library spreads the meal over 1 min (protocols.Meal.duration_min)
    first = solve_ivp(
        oracle.rhs, (0.0, 1.0), x0, method="Radau", rtol=1e-11, atol=1e-11, args=(p, b, D / 1.0, D)
    )
    rest = solve_ivp(
        oracle.rhs,
        (1.0, TIMES[-1]),
        first.y[:, -1],
        method="Radau",
        t_eval=TIMES[1:],
        rtol=1e-11,
        atol=1e-11,
        args=(p, b, 0.0, D),
    )
    x = np.concatenate([x0[:, None], rest.y], axis=1)
    G = x[oracle.STATE.index("G_p")] / p["V_G"]
    I = x[oracle.STATE.index("I_p")] / p["V_I"]
    return G, I


@pytest.fixture(scope="module")
def library_curves():
    people = [ins.person(n, {"glucagon.xi": 0.0}) for n in ("healthy", "t2d")]
    tight = ins.SolverSettings.adaptive(rtol=1e-10, atol=1e-10)
    proto = protocols.Protocol("meal", (protocols.Meal(0.0, MEAL_G),), 420.0, 5.0)
    return ins.simulate(people, proto, settings=tight, names=["healthy", "t2d"])


@pytest.mark.parametrize("preset", ["healthy", "t2d"])
def test_composed_model_matches_the_single_file_oracle(preset, library_curves):
    G_ref, I_ref = _oracle_curves(preset)
    got = library_curves.sel(person=preset)
    np.testing.assert_allclose(got.glucose.values, G_ref, rtol=1e-6)
    np.testing.assert_allclose(got.insulin.values, I_ref, rtol=1e-6)
