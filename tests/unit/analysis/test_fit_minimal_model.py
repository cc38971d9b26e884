"""The Bergman minimal-model fit recovers known S_I and S_G from synthetic FSIGT data.

The data are generated with SciPy's ``solve_ivp`` (LSODA-free, RK45 at tight tolerances),
independently of the diffrax solve inside :func:`insulinsim.analysis._fit.fit_minimal_model`:

    dG/dt = -(S_G + X) G + S_G G_b,  dX/dt = -p_2 X + p_3 (I(t) - I_b),  S_I = p_3 / p_2

with the insulin forcing I(t) the linear interpolation of the sampled insulin (what the fit
assumes), so that the only errors are the added measurement noise and the solvers' tolerances.
References: bergman1979, bergman1981 (keys of references.bib).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.integrate
import scipy.stats

from insulinsim.analysis._fit import FitError, fit_constant, fit_minimal_model
from insulinsim.errors import InputError
from insulinsim.units import PMOL_L_PER_UU_ML_INSULIN

# a standard FSIGT sampling schedule (Bergman et al. 1981 / MINMOD): fasting, then 2-180 min
T = np.array(
    [
        -10,
        -1,
        2,
        3,
        4,
        5,
        6,
        8,
        10,
        12,
        14,
        16,
        19,
        22,
        23,
        24,
        25,
        27,
        30,
        40,
        50,
        60,
        70,
        80,
        90,
        100,
        120,
        140,
        160,
        180,
    ],
    dtype=float,
)
TRUE = {"SG": 0.02, "SI": 3.0, "p2": 0.025, "G0": 280.0}  # SI in 1e-4 /min per uU/mL
GB, IB = 90.0, 10.0  # mg/dL, uU/mL


def _insulin_uu_ml(t):
    """A first-phase peak after the glucose bolus and the 20-min insulin injection (uU/mL)."""
    t = np.asarray(t, float)
    first = 90.0 * np.where(t > 0, (t / 3.0) * np.exp(1.0 - t / 3.0), 0.0)
    second = 25.0 * np.where(t > 0, 1.0 - np.exp(-t / 30.0), 0.0) * np.exp(-t / 90.0)
    injected = 180.0 * np.where(t >= 20.0, np.exp(-(t - 20.0) / 6.0), 0.0)
    return IB + first + second + injected


def _glucose(truth=TRUE):
    """Glucose at the sample times by SciPy, insulin forcing = interpolated samples."""
    post = T > 0
    t_ins = np.concatenate([[0.0], T[post]])
    i_ins = np.concatenate([[IB], _insulin_uu_ml(T[post])])
    SG, SI, p2, G0 = truth["SG"], truth["SI"] * 1e-4, truth["p2"], truth["G0"]

    def f(t, y):
        dI = np.interp(t, t_ins, i_ins) - IB
        return [-(SG + y[1]) * y[0] + SG * GB, -p2 * y[1] + SI * p2 * dI]

    # integrate piecewise between the insulin samples (kinks of the forcing)
    sol = scipy.integrate.solve_ivp(
        f,
        (0.0, T[-1]),
        [G0, 0.0],
        t_eval=T[post],
        rtol=1e-11,
        atol=1e-11,
        method="DOP853",
        max_step=0.5,
    )
    g = np.empty(T.size)
    g[~post] = GB
    g[post] = sol.y[0]
    return g


def _insulin_pmol_l():
    i = _insulin_uu_ml(T)
    i[T <= 0] = IB
    return i * PMOL_L_PER_UU_ML_INSULIN


def test_recovers_parameters_without_noise():
    fit = fit_minimal_model(T, _glucose(), _insulin_pmol_l())
    assert fit.converged
    # limited only by the two solvers' tolerances
    for name, value in TRUE.items():
        assert getattr(fit, name) == pytest.approx(value, rel=1e-4), name
    assert fit.Gb == pytest.approx(GB)
    assert fit.Ib == pytest.approx(IB)
    assert fit.DI == pytest.approx(fit.SI * fit.AIRg)
    assert json.loads(json.dumps(fit.to_dict()))["SI"] == pytest.approx(fit.SI)


def test_airg_is_the_trapezoid_of_the_insulin_increment_over_10_min():
    fit = fit_minimal_model(T, _glucose(), _insulin_pmol_l())
    # samples at 0 (basal), 2, 3, 4, 5, 6, 8, 10 min
    t = np.array([0, 2, 3, 4, 5, 6, 8, 10.0])
    inc = _insulin_uu_ml(t) - IB
    inc[0] = 0.0
    expected = sum(0.5 * (inc[k] + inc[k + 1]) * (t[k + 1] - t[k]) for k in range(len(t) - 1))
    assert fit_constant("airg_window") == 10.0
    assert fit.AIRg == pytest.approx(expected, rel=1e-12)
    assert fit.air_mean_increment_uu_ml == pytest.approx(expected / 10.0)


def test_confidence_intervals_cover_the_truth():
    """95% intervals over 100 noise realisations (glucose CV 2%, the assumed error model).

    Tolerance: with exact coverage 0.95 the number of covering intervals out of 100 is
    Binomial(100, 0.95). Too few covering intervals (over-confident errors) is the failure
    that matters; the test accepts 88 or more, which exact 95% coverage misses with
    probability 0.17% per parameter (four parameters: 0.7% in all). Too many (over-cautious
    errors) cannot be told from exact coverage with 100 draws (P(100 of 100) = 0.6%); the
    calibration of the errors is checked by test_standard_errors_match_the_spread_of_estimates.
    """
    rng = np.random.default_rng(20240611)
    g0, ins = _glucose(), _insulin_pmol_l()
    n = 100
    hits = {k: 0 for k in ("SI", "SG", "p2", "G0")}
    for _ in range(n):
        g = g0 * (1.0 + fit_constant("glucose_cv") * rng.standard_normal(g0.size))
        fit = fit_minimal_model(T, g, ins)
        assert fit.converged
        for k in hits:
            lo, hi = fit.ci95[k]
            hits[k] += lo <= TRUE[k] <= hi
    lowest = scipy.stats.binom.ppf(0.002, n, 0.95)
    assert lowest == 88.0
    assert all(h >= lowest for h in hits.values()), hits


def test_standard_errors_match_the_spread_of_estimates():
    """The Jacobian SE of log S_I agrees with the scatter of log S_I over noise draws."""
    rng = np.random.default_rng(7)
    g0, ins = _glucose(), _insulin_pmol_l()
    logs, cvs = [], []
    for _ in range(40):
        g = g0 * (1.0 + 0.02 * rng.standard_normal(g0.size))
        fit = fit_minimal_model(T, g, ins)
        logs.append(np.log(fit.SI))
        cvs.append(fit.cv_percent["SI"] / 100.0)
    # 40 draws: the SD of the sample SD is about 11%; allow 35%
    assert np.std(logs, ddof=1) == pytest.approx(np.median(cvs), rel=0.35)


def test_needs_a_fasting_sample():
    with pytest.raises(InputError, match="t <= 0"):
        fit_minimal_model(T[2:], _glucose()[2:], _insulin_pmol_l()[2:])


def test_rejects_mismatched_lengths():
    with pytest.raises(InputError, match="one per time"):
        fit_minimal_model(T, _glucose()[:-1], _insulin_pmol_l())


def test_fit_error_is_a_runtime_error():
    assert issubclass(FitError, RuntimeError)
