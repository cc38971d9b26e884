"""Fitting models to one person's test data, with standard errors and identifiability checks.

Two fits:

* :func:`fit_minimal_model`: the Bergman minimal model of glucose kinetics (Bergman et al.
  1979, 1981) fitted to the glucose of a frequently sampled intravenous glucose tolerance test
  (FSIGT), with the measured insulin as a known forcing function, as MINMOD does (Pacini &
  Bergman 1986). Returns S_I, S_G, p_2, G_0, AIRg and DI = S_I x AIRg.
* :func:`fit_ogtt` (one person) and :func:`fit_ogtt_batch` (many, in one compiled program):
  the fast model (Dalla Man, Rizza & Cobelli 2007, phenomenological insulin action) fitted to
  the glucose and insulin of an OGTT or meal test, estimating log-multipliers of peripheral
  insulin sensitivity (``V_mx``), hepatic insulin sensitivity (``k_p3``), beta-cell
  responsivity (``K``, ``beta``) and posthepatic insulin clearance (``m_2``, ``m_4``), plus the
  person's basal glucose and insulin. The fitted person is always at basal steady state at the
  fitted basal values (:func:`individual_parameters`).

Both fits minimise weighted residuals ``(model - data) / SD`` (SD = CV x value, ``data/
fit.toml``) by Levenberg-Marquardt (optimistix) with forward-mode Jacobians through the ODE
solver. Basal glucose is estimated together with the rest, from the fasting samples and the
curve, so that its error is part of everyone's error. The covariance of the log estimates is
``s^2 (J^T J)^-1`` with the a-posteriori variance ``s^2 = RSS / (n - p)``; 95% intervals use
Student's t with ``n - p`` degrees of freedom and are mapped back to the parameter scale (so
they are asymmetric and positive). :func:`fit_ogtt` adds by default a weak Gaussian prior on
the log-multipliers (SD 1, centred on the base person; without it hepatic sensitivity went to
zero for 15 of 100 simulated people): its covariance is the Laplace approximation
``(J^T J / s^2 + diag(1 / prior_sd^2))^-1``. Identifiability warnings flag strong
correlations, CVs above 100%, a near-singular J^T J and estimates that mostly restate the
prior. Coverage of the intervals is checked on simulated people in
``tests/validation/test_fit_recovery.py``.

References
----------
bergman1979, bergman1981, pacini1986, dallaman2002, dallaman2007 (keys of references.bib).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optimistix as optx
import scipy.stats

from insulinsim.errors import InputError, check_range
from insulinsim.model import Phenomenological
from insulinsim.parameters import Parameters, group_fields, person
from insulinsim.physiology import brain, glucose, kidney
from insulinsim.protocols import Protocol, build_schedule, ogtt
from insulinsim.solve import StepGrid, enable_compilation_cache, fixed_grid, solve_on_grid
from insulinsim.units import PMOL_L_PER_UU_ML_INSULIN

jax.config.update("jax_enable_x64", True)

__all__ = [
    "DEFAULT_ESTIMATE",
    "HANDLES",
    "FitError",
    "MinimalModelFit",
    "ModelFit",
    "fit_constant",
    "fit_minimal_model",
    "fit_ogtt",
    "fit_ogtt_batch",
    "individual_parameters",
]


class FitError(RuntimeError):
    """A fit that did not converge (or whose solution is not usable); the message says why."""


# --- constants -------------------------------------------------------------------------------


@functools.cache
def _table() -> dict:
    path = resources.files("insulinsim") / "data" / "fit.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def fit_constant(name: str) -> Any:
    """A value of ``data/fit.toml`` (measurement CVs, minimal-model conventions, thresholds).

    Parameters
    ----------
    name : str
        Entry name, e.g. ``"glucose_cv"``.

    Returns
    -------
    float
        The value in the entry's stated unit.
    """
    try:
        return _table()[name]["value"]
    except KeyError:
        raise InputError("fit constant", name, "one of " + ", ".join(sorted(_table()))) from None


# Fixed steps for the fast model inside a fit. The default simulation grid (1.6 min) sits close
# to Bosh3's stability limit (h lambda ~ -2.5 on the real axis) for the t2d preset (see
# StepGrid); a fit may raise the insulin clearance, which speeds up the stiffest eigenvalue
# (insulin liver-plasma exchange, -0.9/min for healthy) in proportion, so the fit steps at most
# 0.5 min: stable up to about 5x the healthy clearance (a trial point beyond is rejected, see
# _ogtt_core). Against a tight adaptive solve of a 75-g OGTT (healthy, t2d,
# insulin_resistant) the samples were within 0.002 mg/dL and 0.02 pmol/L at 0.5 min steps.
_FIT_GRID = StepGrid(max_step_min=0.5, first_step_min=0.1, growth=1.5)
# Levenberg-Marquardt: relative and absolute tolerance on the log parameters and the step
# limit. The minimal model is smooth in its parameters. The fast model on a fixed grid is only
# piecewise smooth (e.g. secretion reads max(dG/dt, 0), whose kink moves across the steps as
# the parameters change), so near its optimum Levenberg-Marquardt crawls in steps of 1e-5
# with the loss changing in its 7th digit; 1e-5 on log parameters whose standard errors are
# 1e-2 or more stops there. Fits of simulated OGTTs took 10-50 steps.
_LM_TOL_MM = 1e-8
_LM_TOL = 1e-5
_LM_MAX_STEPS = 200


# --- the fast model: which parameters a fit may move -----------------------------------------

HANDLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "V_mx": ("peripheral (muscle and adipose) insulin sensitivity", ("glucose.V_mx",)),
    "k_p3": ("hepatic insulin sensitivity (suppression of EGP)", ("liver.k_p3",)),
    "beta_cell": (
        "beta-cell responsivity, dynamic and static together",
        ("pancreas.K", "pancreas.beta"),
    ),
    "K": ("dynamic (first-phase) beta-cell responsivity", ("pancreas.K",)),
    "beta": ("static (second-phase) beta-cell responsivity", ("pancreas.beta",)),
    "clearance": (
        "posthepatic insulin clearance (plasma-to-liver transfer and peripheral degradation)",
        ("insulin.m_2", "insulin.m_4"),
    ),
}
"""Estimable log-multipliers of the fast model: name -> (meaning, parameters it scales)."""

DEFAULT_ESTIMATE: tuple[str, ...] = ("V_mx", "k_p3", "beta_cell", "clearance")
_BASAL = ("G_b", "I_b")  # always estimated: basal glucose (mg/dL) and insulin (pmol/L)
# The search box (log scale): multipliers within exp(+-4) = 0.018-55 x base; basal glucose
# 40-400 mg/dL and insulin 3-3000 pmol/L. An estimate near the edge of the box is reported as
# not converged: the data pushed it out of the model's range.
_BOX = {
    "handle": (-4.0, 4.0),
    "G_b": (math.log(40.0), math.log(400.0)),
    "I_b": (math.log(3.0), math.log(3000.0)),
}


def _search_box(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    box = [_BOX.get(n, _BOX["handle"]) for n in names]
    return np.array([b[0] for b in box]), np.array([b[1] for b in box])


def _get(p: Parameters, key: str):
    g, n = key.split(".")
    return getattr(getattr(p, g), n)


def _set(p: Parameters, values: Mapping[str, Any]) -> Parameters:
    keys = list(values)
    return eqx.tree_at(lambda q: tuple(_get(q, k) for k in keys), p, tuple(values[k] for k in keys))


def individual_parameters(
    base: Parameters,
    multipliers: Mapping[str, Any] | None = None,
    *,
    fasting_glucose_mg_dl,
    fasting_insulin_pmol_l,
) -> Parameters:
    """A person at basal steady state at given fasting values, with scaled sensitivities.

    The handles of :data:`HANDLES` multiply their parameters; then three parameters that the
    meal model derives from the basal state are derived again (Dalla Man, Rizza & Cobelli
    2007, Sec. III):

    * basal secretion ``S_b`` from the insulin steady state at ``I_b`` with hepatic extraction
      held at ``HE_b`` (``m_3 = HE_b m_1 / (1 - HE_b)``)::

          S_b = (V_I I_b det - (m_1 + m_3) Ra_Ib) / m_1,  det = (m_1 + m_3)(m_2 + m_4) - m_1 m_2

      and ``m_6 = HE_b + m_5 S_b`` so that ``HE(S_b) = HE_b``. A clearance multiplier thus
      scales the metabolic clearance rate ``S_b / I_b`` exactly;
    * ``k_p1`` from the glucose balance at ``G_pb = V_G G_b``: EGP_b = U_ii + E + U_id(G_tb)
      with tissue glucose ``G_tb`` at its own steady state (``V_m0`` unchanged), and
      ``k_p1 = EGP_b + k_p2 G_pb + k_p3 I_b + k_p4 I_pob`` (``I_pob = S_b / gamma``).

    :func:`insulinsim.model.basal_state` then returns ``G_b`` and ``I_b`` (tested), so every
    protocol starts this person at rest at their own fasting values.

    Parameters
    ----------
    base : Parameters
        The person whose other parameters are kept (one person, scalar leaves).
    multipliers : mapping of str to float, optional
        Multipliers (dimensionless, > 0) by handle name (see :data:`HANDLES`); default none.
    fasting_glucose_mg_dl : float
        Basal plasma glucose (mg/dL).
    fasting_insulin_pmol_l : float
        Basal plasma insulin (pmol/L).

    Returns
    -------
    Parameters
        The individual's parameters. Traceable by JAX (used inside fits and under ``vmap``).

    References
    ----------
    dallaman2007
    """
    multipliers = dict(multipliers or {})
    unknown = sorted(set(multipliers) - set(HANDLES))
    if unknown:
        raise InputError("multipliers", unknown, "names among " + ", ".join(HANDLES))
    scaled: dict[str, Any] = {}
    for name, m in multipliers.items():
        for key in HANDLES[name][1]:
            scaled[key] = scaled.get(key, _get(base, key)) * m
    p = _set(base, scaled) if scaled else base

    pi, pg = p.insulin, p.glucose
    G_b = jnp.asarray(fasting_glucose_mg_dl, dtype=jnp.float64)
    I_b = jnp.asarray(fasting_insulin_pmol_l, dtype=jnp.float64)
    # insulin: S_b that gives I_b with hepatic extraction HE_b
    m_3 = pi.HE_b * pi.m_1 / (1.0 - pi.HE_b)
    det = (pi.m_1 + m_3) * (pi.m_2 + pi.m_4) - pi.m_1 * pi.m_2
    Ra_Ib = p.subcutaneous.basal_rate
    S_b = (pi.V_I * I_b * det - (pi.m_1 + m_3) * Ra_Ib) / pi.m_1
    m_6 = pi.HE_b + pi.m_5 * S_b
    I_pob = S_b / p.pancreas.gamma
    # glucose: tissue steady state k_1 G_p = k_2 G_t + V_m0 G_t / (K_m0 + G_t), then EGP_b
    G_pb = pg.V_G * G_b
    B = pg.V_m0 + pg.k_2 * pg.K_m0 - pg.k_1 * G_pb
    G_tb = (-B + jnp.sqrt(B * B + 4.0 * pg.k_2 * pg.k_1 * G_pb * pg.K_m0)) / (2.0 * pg.k_2)
    EGP_b = (
        brain.uptake(G_pb, pg.V_G, p.brain)
        + kidney.excretion(G_pb, p.kidney)
        + glucose.insulin_dependent_utilization(G_tb, 0.0, pg)
    )
    pl = p.liver
    k_p1 = EGP_b + pl.k_p2 * G_pb + pl.k_p3 * I_b + pl.k_p4 * I_pob
    return _set(p, {"pancreas.S_b": S_b, "insulin.m_6": m_6, "liver.k_p1": k_p1})


def _theta_params(theta, base: Parameters, names: tuple[str, ...]) -> Parameters:
    """Parameters from log values: handle log-multipliers, then log G_b, log I_b (last two)."""
    v = jnp.exp(theta)
    mult = {n: v[i] for i, n in enumerate(names) if n in HANDLES}
    return individual_parameters(
        base,
        mult,
        fasting_glucose_mg_dl=v[names.index("G_b")],
        fasting_insulin_pmol_l=v[names.index("I_b")],
    )


# --- shared statistics -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Stats:
    cov: np.ndarray  # covariance of the log estimates
    se: np.ndarray  # standard errors of the log estimates (= CV of the estimates)
    corr: np.ndarray
    t_quantile: float
    rss: float
    dof: int
    sigma2: float
    eig_ratio: float
    warnings: tuple[str, ...]


def _statistics(
    theta, r, J, names: Sequence[str], n_obs: int, prior_sd: np.ndarray | None = None
) -> _Stats:
    """Covariance of the log estimates, correlations and identifiability warnings.

    ``r`` and ``J`` are the weighted data residuals and their Jacobian (``n_obs`` finite
    observations). Without a prior the covariance is ``s^2 (J^T J)^-1`` with the
    a-posteriori variance ``s^2 = RSS / (n_obs - p)``. With a Gaussian prior on some log
    parameters (``prior_sd``, inf where there is none) it is the Laplace approximation of
    the posterior, ``(J^T J / s^2 + diag(1 / prior_sd^2))^-1``, and an estimate whose
    posterior variance is not well below its prior variance is flagged.
    """
    theta, r, J = (np.asarray(x, dtype=float) for x in (theta, r, J))
    p = len(theta)
    dof = n_obs - p
    rss = float(r @ r)
    sigma2 = rss / dof
    JTJ = J.T @ J
    lam, vec = np.linalg.eigh(JTJ)  # identifiability from the data alone
    eig_ratio = float(lam[0] / lam[-1]) if lam[-1] > 0 else 0.0
    warnings: list[str] = []
    if eig_ratio < fit_constant("min_eigen_ratio"):
        w = np.argsort(-np.abs(vec[:, 0]))[:2]
        warnings.append(
            f"J^T J is near-singular (eigenvalue ratio {eig_ratio:.1e}): the data fix only a "
            f"combination of {names[w[0]]} and {names[w[1]]}; their standard errors are not "
            f"reliable. Fix one of them (estimate=...) or add samples"
        )
    prior_prec = np.zeros(p) if prior_sd is None else 1.0 / np.asarray(prior_sd) ** 2
    precision = JTJ / sigma2 + np.diag(prior_prec)
    lam, vec = np.linalg.eigh(precision)
    with np.errstate(divide="ignore"):
        inv_lam = np.where(lam > lam[-1] * 1e-15, 1.0 / np.where(lam > 0, lam, 1.0), np.inf)
    if np.all(np.isfinite(inv_lam)):
        cov = (vec * inv_lam) @ vec.T
    else:  # exactly singular: report infinite errors for the directions involved
        cov = np.linalg.pinv(precision)
        bad = np.abs(vec[:, ~np.isfinite(inv_lam)]).max(axis=1) > 1e-6
        cov[bad, :] = np.inf
        cov[:, bad] = np.inf
    se = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(se, se)
    corr[~np.isfinite(corr)] = np.nan
    np.fill_diagonal(corr, 1.0)
    cv_max = fit_constant("max_cv_percent")
    for i, n in enumerate(names):
        if not 100.0 * se[i] <= cv_max:
            warnings.append(
                f"{n} is not identifiable from these data: CV {100.0 * se[i]:.0f}% "
                f"(above {cv_max:g}%)"
            )
    if prior_sd is not None:
        ratio_max = fit_constant("prior_dominated_variance_ratio")
        for i, n in enumerate(names):
            if np.isfinite(prior_sd[i]) and se[i] ** 2 > ratio_max * prior_sd[i] ** 2:
                warnings.append(
                    f"{n} is determined mainly by the prior: its SE on the log scale "
                    f"{se[i]:.2f} is more than {np.sqrt(ratio_max):g} x the prior SD "
                    f"{prior_sd[i]:g}, so the data say little about it"
                )
    r_max = fit_constant("max_abs_correlation")
    for i in range(p):
        for j in range(i + 1, p):
            if abs(corr[i, j]) > r_max:
                warnings.append(
                    f"{names[i]} and {names[j]} are correlated {corr[i, j]:+.3f} "
                    f"(|r| > {r_max:g}): the data determine mainly a combination of the two"
                )
    t = float(scipy.stats.t.ppf(0.975, dof))
    return _Stats(cov, se, corr, t, rss, dof, sigma2, eig_ratio, tuple(warnings))


def _sd(values: np.ndarray, cv: float, floor: float = 0.0) -> np.ndarray:
    return np.maximum(cv * np.abs(values), floor)


def _as_series(name: str, x, n: int | None = None) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 1 or (n is not None and a.shape[0] != n):
        want = "a 1-D array" if n is None else f"a 1-D array of {n} values (one per time)"
        raise InputError(name, f"shape {a.shape}", want)
    return a


# --- the minimal model -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MinimalModelFit:
    """Minimal-model indices of one FSIGT with their precision.

    Attributes
    ----------
    SI : float
        Insulin sensitivity S_I = p_3 / p_2 (x10^-4 min^-1 per uU/mL).
    SG : float
        Glucose effectiveness (1/min).
    p2 : float
        Rate constant of remote insulin action (1/min).
    G0 : float
        Glucose extrapolated to t = 0 after the bolus (mg/dL).
    AIRg : float
        Acute insulin response: AUC of insulin above basal over 0-10 min, trapezoid
        (uU/mL * min).
    DI : float
        Disposition index S_I x AIRg (x10^-4 min^-1 per uU/mL x uU/mL * min).
    Gb : float
        Basal glucose (mg/dL), estimated with the rest from the fasting samples and the curve
        (the minimal model's steady state), so that its error enters every other error.
    Ib : float
        Basal insulin (uU/mL): the mean of the samples at t <= 0 (insulin is a known input).
    se, cv_percent, ci95 : dict
        Standard error (parameter units), coefficient of variation (%) and 95% interval
        (Student t on the log scale) of ``SG``, ``SI``, ``p2``, ``G0``, ``Gb`` and ``DI``
        (AIRg is read from the data, so DI's error is S_I's).
    correlation : ndarray
        Correlation of the log estimates, order ``names``.
    converged : bool
        Levenberg-Marquardt met its tolerance and the solution is finite. When False the
        numbers are not estimates (for example S_G running to zero, a known failure of the
        minimal model in diabetes).
    n_steps : int
        Levenberg-Marquardt steps.
    rss, dof : float, int
        Weighted residual sum of squares and its degrees of freedom (samples - 5).
    warnings : tuple of str
        Identifiability warnings (see ``data/fit.toml``).
    fit_times_min, fitted_glucose_mg_dl : ndarray
        The fitted samples' times (from ``t_first_min`` on) and the model there.
    """

    SI: float
    SG: float
    p2: float
    G0: float
    AIRg: float
    DI: float
    Gb: float
    Ib: float
    se: dict[str, float]
    cv_percent: dict[str, float]
    ci95: dict[str, tuple[float, float]]
    correlation: np.ndarray
    converged: bool
    n_steps: int
    rss: float
    dof: int
    warnings: tuple[str, ...]
    fit_times_min: np.ndarray
    fitted_glucose_mg_dl: np.ndarray
    names: tuple[str, ...] = ("SG", "SI", "p2", "G0", "Gb")
    units: dict[str, str] = dataclasses.field(
        default_factory=lambda: {
            "SI": "x10^-4 min^-1 per uU/mL",
            "SG": "1/min",
            "p2": "1/min",
            "G0": "mg/dL",
            "AIRg": "uU/mL*min",
            "DI": "x10^-4 min^-1 per uU/mL * uU/mL*min",
            "Gb": "mg/dL",
            "Ib": "uU/mL",
        }
    )

    @property
    def air_mean_increment_uu_ml(self) -> float:
        """AIRg as the mean insulin increment over the window (uU/mL): AUC / 10 min."""
        return self.AIRg / fit_constant("airg_window")

    def to_dict(self) -> dict:
        """JSON-ready summary (numbers and lists only)."""
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["correlation"] = self.correlation.tolist()
        d["fit_times_min"] = self.fit_times_min.tolist()
        d["fitted_glucose_mg_dl"] = self.fitted_glucose_mg_dl.tolist()
        d["ci95"] = {k: list(v) for k, v in self.ci95.items()}
        d["names"] = list(self.names)
        d["warnings"] = list(self.warnings)
        return d


@eqx.filter_jit
def _mm_solve(theta0, t_ins, dI, t_fit, g_obs, g_sd, n_basal):
    """Levenberg-Marquardt on the minimal model; theta = log(SG, SI [1e-4], p2, G0, Gb).

    The first ``n_basal`` observations are fasting samples (model value Gb); the rest are
    the samples at ``t_fit``.
    """
    interp = diffrax.LinearInterpolation(ts=t_ins, ys=dI)

    def glucose_at(theta):
        SG, SI4, p2, G0, Gb = (jnp.exp(theta[i]) for i in range(5))
        p3 = SI4 * 1e-4 * p2

        def f(t, y, args):
            G, X = y[0], y[1]
            return jnp.stack([-(SG + X) * G + SG * Gb, -p2 * X + p3 * interp.evaluate(t)])

        controller = diffrax.ClipStepSizeController(
            diffrax.PIDController(rtol=1e-9, atol=1e-9), jump_ts=t_ins
        )
        sol = diffrax.diffeqsolve(
            diffrax.ODETerm(f),
            diffrax.Tsit5(),
            t_ins[0],
            t_fit[-1],
            0.1,
            jnp.stack([G0, jnp.zeros_like(G0)]),
            saveat=diffrax.SaveAt(ts=t_fit),
            stepsize_controller=controller,
            adjoint=diffrax.ForwardMode(),
            max_steps=100_000,
            throw=False,
        )
        return jnp.concatenate([jnp.full((n_basal,), Gb), sol.ys[:, 0]])

    def residuals(theta, _):
        return (glucose_at(theta) - g_obs) / g_sd

    solver = optx.LevenbergMarquardt(rtol=_LM_TOL_MM, atol=_LM_TOL_MM)
    sol = optx.least_squares(residuals, solver, theta0, max_steps=_LM_MAX_STEPS, throw=False)
    ok = sol.result == optx.RESULTS.successful
    J = jax.jacfwd(residuals)(sol.value, None)
    return (
        sol.value,
        ok,
        sol.stats["num_steps"],
        residuals(sol.value, None),
        J,
        glucose_at(sol.value)[n_basal:],
    )


def fit_minimal_model(
    times_min,
    glucose_mg_dl,
    insulin_pmol_l,
    *,
    t_first_min: float | None = None,
    glucose_cv: float | None = None,
) -> MinimalModelFit:
    """Fit the Bergman minimal model to an FSIGT (glucose fitted, insulin as forcing).

    .. math::

        dG/dt = -(S_G + X) G + S_G G_b,  G(0) = G_0
        dX/dt = -p_2 X + p_3 (I(t) - I_b),  X(0) = 0,  S_I = p_3 / p_2

    ``I(t)`` is the measured insulin, linearly interpolated (with ``I(0) = I_b`` unless a
    sample at t = 0 is given), and ``I_b`` the mean of the insulin samples at t <= 0. S_G,
    S_I, p_2, G_0 and G_b are estimated (on the log scale) by weighted least squares on the
    fasting glucose samples (t <= 0, model value G_b) and those from ``t_first_min`` (8 min)
    on, with SD = 2% of each value (``data/fit.toml``) and the a-posteriori variance. AIRg is
    the trapezoidal AUC of insulin above basal over 0-10 min, DI = S_I x AIRg.

    Parameters
    ----------
    times_min : array_like, shape (time,)
        Sample times (min); the glucose bolus is at t = 0; at least one sample at t <= 0.
    glucose_mg_dl : array_like, shape (time,)
        Plasma glucose (mg/dL).
    insulin_pmol_l : array_like, shape (time,)
        Plasma insulin (pmol/L); converted to uU/mL (``units.PMOL_L_PER_UU_ML_INSULIN``).
    t_first_min : float, optional
        First sample time fitted (min); default 8.
    glucose_cv : float, optional
        CV of a glucose measurement (default 0.02). With the a-posteriori variance it only
        matters when different samples have different CVs.

    Returns
    -------
    MinimalModelFit
        With ``converged`` False when Levenberg-Marquardt did not meet its tolerance; such a
        result's numbers are not estimates.

    References
    ----------
    bergman1979, bergman1981, pacini1986

    Examples
    --------
    >>> import numpy as np
    >>> from insulinsim import person, protocols, simulate
    >>> ds = simulate(person("healthy"), protocols.fsigt())
    >>> t = np.array([0, 2, 3, 4, 5, 6, 8, 10, 14, 19, 22, 25, 30, 40, 50, 70, 90, 120, 180.0])
    >>> s = ds.sel(time=t).isel(person=0)
    >>> fit = fit_minimal_model(t, s.glucose.values, s.insulin.values)
    >>> fit.converged
    True
    """
    t = _as_series("times_min", times_min)
    g = _as_series("glucose_mg_dl", glucose_mg_dl, t.size)
    ins = _as_series("insulin_pmol_l", insulin_pmol_l, t.size) / PMOL_L_PER_UU_ML_INSULIN
    if not np.all(np.diff(t) > 0):
        raise InputError("times_min", "not increasing", "strictly increasing sample times (min)")
    if not (np.all(np.isfinite(g)) and np.all(g > 0) and np.all(np.isfinite(ins))):
        raise InputError("glucose_mg_dl/insulin_pmol_l", "non-finite or <= 0", "finite, > 0")
    basal = t <= 0.0
    if not basal.any():
        raise InputError(
            "times_min",
            float(t[0]),
            "at least one sample at t <= 0 min",
            "give the fasting (pre-bolus) sample as t = 0 or negative times",
        )
    t_first = fit_constant("mm_first_sample") if t_first_min is None else float(t_first_min)
    cv = fit_constant("glucose_cv") if glucose_cv is None else float(glucose_cv)
    Gb, Ib = float(g[basal].mean()), float(ins[basal].mean())  # Gb: starting value

    # insulin forcing from t = 0: the pre-bolus value is basal
    post = t > 0.0
    t_ins = np.concatenate([[0.0], t[post]])
    i_ins = np.concatenate([[ins[t == 0.0][0] if (t == 0.0).any() else Ib], ins[post]])
    fit_mask = t >= t_first
    t_fit, g_fit = t[fit_mask], g[fit_mask]
    if t_fit.size < 6:
        raise InputError(
            "times_min",
            f"{t_fit.size} samples at t >= {t_first:g} min",
            "at least 6 glucose samples after the mixing phase (5 parameters are estimated)",
        )

    # AIRg: trapezoidal AUC of the insulin increment over the window
    w = fit_constant("airg_window")
    tw = np.concatenate([t_ins[t_ins < w], [w]])
    iw = np.interp(tw, t_ins, i_ins) - Ib
    air = float(np.trapezoid(iw, tw))

    # start: G0 from the first glucose after the bolus
    G0_start = float(g[post][0]) if post.any() else Gb * 3.0
    theta0 = np.log(
        [
            fit_constant("mm_start_SG"),
            fit_constant("mm_start_SI"),
            fit_constant("mm_start_p2"),
            max(G0_start, Gb * 1.5),
        ]
    )
    n_basal = int(basal.sum())
    theta, ok, steps, r, J, g_hat = _mm_solve(
        jnp.asarray(np.append(theta0, np.log(Gb))),
        jnp.asarray(t_ins),
        jnp.asarray(i_ins - Ib),
        jnp.asarray(t_fit),
        jnp.asarray(np.concatenate([g[basal], g_fit])),
        jnp.asarray(_sd(np.concatenate([g[basal], g_fit]), cv)),
        n_basal,
    )
    theta, r, J = np.asarray(theta), np.asarray(r), np.asarray(J)
    converged = bool(ok) and bool(np.all(np.isfinite(r))) and bool(np.all(np.isfinite(J)))
    names = ("SG", "SI", "p2", "G0", "Gb")
    st = _statistics(theta, r, J, names, n_basal + t_fit.size)
    val = dict(zip(names, np.exp(theta), strict=True))
    se = {n: float(val[n] * st.se[i]) for i, n in enumerate(names)}
    cvp = {n: float(100.0 * st.se[i]) for i, n in enumerate(names)}
    with np.errstate(over="ignore"):  # an unidentifiable estimate has an infinite bound
        ci = {
            n: (
                float(np.exp(theta[i] - st.t_quantile * st.se[i])),
                float(np.exp(theta[i] + st.t_quantile * st.se[i])),
            )
            for i, n in enumerate(names)
        }
    SI = float(val["SI"])
    se["DI"], cvp["DI"] = se["SI"] * air, cvp["SI"]
    ci["DI"] = (ci["SI"][0] * air, ci["SI"][1] * air)
    return MinimalModelFit(
        SI=SI,
        SG=float(val["SG"]),
        p2=float(val["p2"]),
        G0=float(val["G0"]),
        AIRg=air,
        DI=SI * air,
        Gb=float(val["Gb"]),
        Ib=Ib,
        se=se,
        cv_percent=cvp,
        ci95=ci,
        correlation=st.corr,
        converged=converged,
        n_steps=int(steps),
        rss=st.rss,
        dof=st.dof,
        warnings=st.warnings,
        fit_times_min=t_fit,
        fitted_glucose_mg_dl=np.asarray(g_hat),
    )


# --- the fast model --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ModelFit:
    """The fast model fitted to one person's OGTT or meal test.

    Estimates live on the log scale: ``log_estimate`` (handle log-multipliers relative to
    ``base``, then log basal glucose and insulin) with covariance ``log_covariance``.

    Attributes
    ----------
    names : tuple of str
        Estimated quantities: handles of :data:`HANDLES`, then ``"G_b"`` and ``"I_b"``.
    log_estimate : ndarray, shape (names,)
    log_covariance : ndarray, shape (names, names)
    base : Parameters
        The person whose other parameters were kept.
    protocol : str
        Name of the test that was fitted.
    times_min, glucose_mg_dl, insulin_pmol_l : ndarray
        The data (NaN marks a missing value).
    fitted_glucose_mg_dl, fitted_insulin_pmol_l : ndarray
        The fitted model at the sample times.
    rss, dof, sigma2 : float, int, float
        Weighted residual sum of squares of the data (prior terms excluded), its degrees of
        freedom (finite samples - estimated quantities) and the a-posteriori variance
        RSS / dof (about 1 when the data scatter as ``data/fit.toml`` assumes; well above 1
        when the model does not describe the data).
    t_quantile : float
        Student t quantile (0.975, dof) used for the 95% intervals.
    n_steps : int
        Levenberg-Marquardt steps.
    warnings : tuple of str
        Identifiability warnings (strong correlation, CV above 100%, near-singular J^T J, an
        estimate that mostly restates the prior).
    prior_sd : float or None
        SD of the Gaussian prior on each log-multiplier, or None for plain least squares.

    Examples
    --------
    Forecast with the uncertainty of the fit (see :meth:`sample`)::

        fit = fit_ogtt(t, glucose, insulin)
        people = fit.sample(100, seed=1)        # a population, leading person axis
        ds = simulate(people, protocols.ogtt())
        json.dump(fit.to_dict(), open("fit.json", "w"))
    """

    names: tuple[str, ...]
    log_estimate: np.ndarray
    log_covariance: np.ndarray
    base: Parameters
    protocol: str
    times_min: np.ndarray
    glucose_mg_dl: np.ndarray
    insulin_pmol_l: np.ndarray
    fitted_glucose_mg_dl: np.ndarray
    fitted_insulin_pmol_l: np.ndarray
    rss: float
    dof: int
    sigma2: float
    t_quantile: float
    n_steps: int
    warnings: tuple[str, ...]
    prior_sd: float | None = None

    # estimates ----------------------------------------------------------------------------
    @property
    def estimates(self) -> dict[str, float]:
        """Multipliers (dimensionless) of the handles; ``G_b`` in mg/dL, ``I_b`` in pmol/L."""
        return {n: float(np.exp(v)) for n, v in zip(self.names, self.log_estimate, strict=True)}

    @property
    def standard_errors(self) -> dict[str, float]:
        """Standard errors on the estimates' scale (delta method: value x SE of the log)."""
        se = np.sqrt(np.diag(self.log_covariance))
        return {
            n: float(np.exp(v) * s)
            for n, v, s in zip(self.names, self.log_estimate, se, strict=True)
        }

    @property
    def cv_percent(self) -> dict[str, float]:
        """Coefficient of variation of each estimate (%): 100 x SE of its log."""
        se = np.sqrt(np.diag(self.log_covariance))
        return {n: float(100.0 * s) for n, s in zip(self.names, se, strict=True)}

    @property
    def ci95(self) -> dict[str, tuple[float, float]]:
        """95% confidence intervals on the estimates' scale (t interval of the log)."""
        se = np.sqrt(np.diag(self.log_covariance))
        out = {}
        with np.errstate(over="ignore"):  # an unidentifiable estimate has an infinite bound
            for n, v, s in zip(self.names, self.log_estimate, se, strict=True):
                h = self.t_quantile * s
                out[n] = (float(np.exp(v - h)), float(np.exp(v + h)))
        return out

    @property
    def correlation(self) -> np.ndarray:
        """Correlation matrix of the log estimates (order ``names``)."""
        se = np.sqrt(np.diag(self.log_covariance))
        with np.errstate(invalid="ignore", divide="ignore"):
            c = self.log_covariance / np.outer(se, se)
        np.fill_diagonal(c, 1.0)
        return c

    @property
    def values(self) -> dict[str, float]:
        """The fitted model parameters in their own units, by ``group.name``."""
        p = self.params
        keys = [k for n in self.names if n in HANDLES for k in HANDLES[n][1]]
        keys += ["pancreas.S_b", "insulin.m_6", "liver.k_p1"]
        return {k: float(_get(p, k)) for k in keys}

    @property
    def identifiable(self) -> bool:
        """True when no identifiability warning was raised."""
        return not self.warnings

    # parameters for simulation ------------------------------------------------------------
    @property
    def params(self) -> Parameters:
        """The fitted person (scalar leaves), for :func:`insulinsim.solve.simulate` and
        :func:`insulinsim.solve.progress`."""
        return _theta_params(jnp.asarray(self.log_estimate), self.base, self.names)

    def sample(self, n: int, seed: int) -> Parameters:
        """Draw ``n`` people from the estimates' normal distribution on the log scale.

        Each draw goes through :func:`individual_parameters`, so every sampled person is at
        basal steady state at their own sampled basal values.

        Parameters
        ----------
        n : int
            Number of draws (>= 1).
        seed : int
            Seed of the NumPy random generator (explicit: STYLE.md rule 10).

        Returns
        -------
        Parameters
            A population with a leading ``person`` axis of length ``n`` (float64 NumPy leaves,
            as :func:`insulinsim.solve.stack_people` makes them).
        """
        n = int(n)
        if n < 1:
            raise InputError("n", n, "an integer >= 1", "the number of parameter sets to draw")
        if not np.all(np.isfinite(self.log_covariance)):
            raise FitError(
                "ModelFit.sample: the covariance is not finite (an unidentifiable parameter); "
                "fit again with fewer parameters (estimate=...)"
            )
        rng = np.random.default_rng(seed)
        draws = rng.multivariate_normal(
            self.log_estimate, self.log_covariance, size=n, method="eigh"
        )
        pop = _sample_params(jnp.asarray(draws), self.base, self.names)
        return jax.tree.map(lambda x: np.asarray(x, dtype=np.float64), pop)

    # serialisation ------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """JSON-ready form; :meth:`from_dict` restores an equal fit."""
        groups = group_fields()
        base = {
            f"{g}.{n}": float(getattr(getattr(self.base, g), n))
            for g, (_, names) in groups.items()
            for n in names
        }
        nan_list = lambda a: [None if not np.isfinite(x) else float(x) for x in a]  # noqa: E731
        return {
            "kind": "insulinsim.ModelFit",
            "version": 1,
            "names": list(self.names),
            "log_estimate": [float(x) for x in self.log_estimate],
            "log_covariance": [
                [float(x) if np.isfinite(x) else None for x in row] for row in self.log_covariance
            ],
            "estimates": self.estimates,
            "ci95": {k: list(v) for k, v in self.ci95.items()},
            "cv_percent": self.cv_percent,
            "units": {"G_b": "mg/dL", "I_b": "pmol/L", "other": "multiplier of base"},
            "base": base,
            "protocol": self.protocol,
            "times_min": [float(x) for x in self.times_min],
            "glucose_mg_dl": nan_list(self.glucose_mg_dl),
            "insulin_pmol_l": nan_list(self.insulin_pmol_l),
            "fitted_glucose_mg_dl": [float(x) for x in self.fitted_glucose_mg_dl],
            "fitted_insulin_pmol_l": [float(x) for x in self.fitted_insulin_pmol_l],
            "rss": self.rss,
            "dof": self.dof,
            "sigma2": self.sigma2,
            "t_quantile": self.t_quantile,
            "n_steps": self.n_steps,
            "warnings": list(self.warnings),
            "prior_sd": self.prior_sd,
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> ModelFit:
        """Rebuild a fit from :meth:`to_dict` output (for example read from a JSON file)."""
        if d.get("kind") != "insulinsim.ModelFit" or d.get("version") != 1:
            raise InputError(
                "fit file",
                d.get("kind"),
                "an insulinsim.ModelFit, version 1",
                "write it with ModelFit.to_dict()",
            )
        base_d = d["base"]
        groups = {}
        for g, (klass, names) in group_fields().items():
            missing = [n for n in names if f"{g}.{n}" not in base_d]
            if missing:
                raise InputError(
                    "fit file: base",
                    f"{g}.{missing[0]} missing",
                    "every parameter of the base person",
                )
            groups[g] = klass(**{n: jnp.asarray(float(base_d[f"{g}.{n}"])) for n in names})
        arr = lambda k: np.array([np.nan if x is None else x for x in d[k]], float)  # noqa: E731
        cov = np.array([[np.inf if x is None else x for x in row] for row in d["log_covariance"]])
        return cls(
            names=tuple(d["names"]),
            log_estimate=np.asarray(d["log_estimate"], float),
            log_covariance=cov,
            base=Parameters(**groups),
            protocol=str(d["protocol"]),
            times_min=arr("times_min"),
            glucose_mg_dl=arr("glucose_mg_dl"),
            insulin_pmol_l=arr("insulin_pmol_l"),
            fitted_glucose_mg_dl=arr("fitted_glucose_mg_dl"),
            fitted_insulin_pmol_l=arr("fitted_insulin_pmol_l"),
            rss=float(d["rss"]),
            dof=int(d["dof"]),
            sigma2=float(d["sigma2"]),
            t_quantile=float(d["t_quantile"]),
            n_steps=int(d["n_steps"]),
            warnings=tuple(d["warnings"]),
            prior_sd=None if d.get("prior_sd") is None else float(d["prior_sd"]),
        )


@eqx.filter_jit
def _ogtt_solve_batch(
    u0,
    g_obs,
    i_obs,
    g_sd,
    i_sd,
    prior_w,
    lo,
    hi,
    base,
    schedule,
    ts,
    grid,
    obs_idx,
    names,
    solver,
):
    one = lambda *a: _ogtt_core(  # noqa: E731
        *a, prior_w, lo, hi, base, schedule, ts, grid, obs_idx, names, solver
    )
    return jax.vmap(one)(u0, g_obs, i_obs, g_sd, i_sd)


@eqx.filter_jit
def _sample_params(draws, base, names):
    return jax.vmap(lambda th: _theta_params(th, base, names))(draws)


def _dense_jacobian(fn):
    """``fn`` with its JVP given as ``J @ dtheta``, J from ``jax.jacfwd`` at the primal point.

    Levenberg-Marquardt needs the whole Jacobian anyway. More importantly, optimistix fills
    the linearisation of the first (not yet evaluated) step with zeros; linearising through
    the basal-state root-find (an implicit derivative with a checked linear solve) would then
    raise on that placeholder. With this rule the linearisation holds only J.
    """

    @jax.custom_jvp
    def f(theta):
        return fn(theta)

    @f.defjvp
    def f_jvp(primals, tangents):
        (theta,), (dtheta,) = primals, tangents
        J, out = jax.jacfwd(lambda x: (lambda y: (y, y))(fn(x)), has_aux=True)(theta)
        return out, J @ dtheta

    return f


def _squash(u, lo, hi):
    """Map unbounded u smoothly into (lo, hi) (identity near the middle of the box)."""
    mid, half = 0.5 * (lo + hi), 0.5 * (hi - lo)
    return mid + half * jnp.tanh((u - mid) / half)


def _unsquash(theta, lo, hi):
    mid, half = 0.5 * (lo + hi), 0.5 * (hi - lo)
    return mid + half * np.arctanh((theta - mid) / half)


def _ogtt_core(
    u0,
    g_obs,
    i_obs,
    g_sd,
    i_sd,
    prior_w,
    lo,
    hi,
    base,
    schedule,
    ts,
    grid,
    obs_idx,
    names,
    solver,
):
    """Levenberg-Marquardt on the fast model, forward-mode Jacobians through the grid solver.

    The search runs on unbounded u with theta = _squash(u) inside a wide box, so that no trial
    step leaves the range where the model is defined; the Jacobian returned is with respect to
    theta (the log parameters) at the solution.
    """
    g_ok, i_ok = jnp.isfinite(g_obs), jnp.isfinite(i_obs)
    g_obs0, i_obs0 = jnp.where(g_ok, g_obs, 0.0), jnp.where(i_ok, i_obs, 0.0)
    g_rtol, g_atol = _FIT_GRID.rtol, _FIT_GRID.atol

    def model(theta):
        p = _theta_params(theta, base, names)
        ys, err_max, _ = solve_on_grid(
            p, schedule, ts, grid, solver, g_rtol, g_atol, Phenomenological()
        )
        G, I = ys.glucose_mg_dl[obs_idx], ys.insulin_pmol_l[obs_idx]
        rg = jnp.where(g_ok, (G - g_obs0) / g_sd, 0.0)
        ri = jnp.where(i_ok, (I - i_obs0) / i_sd, 0.0)
        # prior pseudo-observations theta / prior_sd (weight 0 where there is no prior)
        r = jnp.concatenate([rg, ri, prior_w * theta])
        # a trial point where the fixed steps are unstable (its error estimate above 1) gets
        # a huge residual, so Levenberg-Marquardt rejects the step and shrinks its region
        r = jnp.where(err_max <= 1.0, r, 1e6)
        return r, (r, G, I, err_max)

    res = _dense_jacobian(lambda theta: model(theta)[0])
    lm = optx.LevenbergMarquardt(rtol=_LM_TOL, atol=_LM_TOL)
    sol = optx.least_squares(
        lambda u, _: res(_squash(u, lo, hi)), lm, u0, max_steps=_LM_MAX_STEPS, throw=False
    )
    ok = sol.result == optx.RESULTS.successful
    theta = _squash(sol.value, lo, hi)
    J, (r, G, I, err_max) = jax.jacfwd(model, has_aux=True)(theta)
    return theta, ok, sol.stats["num_steps"], r, J, G, I, err_max


def fit_ogtt(
    times_min,
    glucose_mg_dl,
    insulin_pmol_l,
    *,
    base: Parameters | None = None,
    protocol: Protocol | None = None,
    estimate: Sequence[str] = DEFAULT_ESTIMATE,
    glucose_cv: float | None = None,
    insulin_cv: float | None = None,
    prior: bool = True,
    prior_sd: float | None = None,
) -> ModelFit:
    """Fit the fast model to one person's OGTT (or meal test): sensitivities, secretion,
    clearance.

    The person is ``base`` with the handles in ``estimate`` multiplied (log-multipliers are
    estimated; :data:`HANDLES`) and basal glucose and insulin estimated, the other parameters
    re-derived so that the person rests at those basal values (:func:`individual_parameters`).
    Residuals are ``(model - data) / SD`` with SD = CV x |data| (glucose CV 2%, insulin CV 6%
    with a floor of 1.2 pmol/L; ``data/fit.toml``), minimised by Levenberg-Marquardt with
    forward-mode Jacobians through the fixed-grid Runge-Kutta solver. Samples at t <= 0 are
    fasting samples (the basal state). By default each log-multiplier has a weak Gaussian
    prior N(0, 1) (maximum a posteriori): from plasma glucose and insulin alone hepatic
    sensitivity is practically not identifiable (without the prior its estimate ran to zero
    for 15 of 100 simulated people). Secretion (``beta_cell``) and clearance trade off
    strongly without C-peptide: expect their correlation warning.

    Parameters
    ----------
    times_min : array_like, shape (time,)
        Sample times (min after the start of the drink or meal); at least one at t <= 0.
    glucose_mg_dl : array_like, shape (time,)
        Plasma glucose (mg/dL); NaN for a missing value.
    insulin_pmol_l : array_like, shape (time,)
        Plasma insulin (pmol/L); NaN for a missing value.
    base : Parameters, optional
        The person to start from (default ``person("healthy")``); its body weight sets the
        dose per kg.
    protocol : Protocol, optional
        The test (default :func:`insulinsim.protocols.ogtt`, 75 g); its events at t >= 0 are
        used, up to the last sample.
    estimate : sequence of str
        Handles to estimate (default ``V_mx``, ``k_p3``, ``beta_cell``, ``clearance``);
        ``beta_cell`` may be replaced by ``K`` and/or ``beta``.
    glucose_cv, insulin_cv : float, optional
        Measurement CVs (default from ``data/fit.toml``).
    prior : bool
        Put the weak Gaussian prior on the log-multipliers (default); False for plain
        (maximum-likelihood) least squares.
    prior_sd : float, optional
        SD of that prior on the log scale (default 1, ``data/fit.toml``).

    Returns
    -------
    ModelFit
        Estimates, standard errors, 95% intervals, correlations, identifiability warnings,
        the fitted :class:`Parameters` (``.params``) and draws for forecasting (``.sample``).

    Raises
    ------
    InputError
        Bad data (shapes, units, no fasting sample, fewer samples than parameters) or unknown
        handle names.
    FitError
        Levenberg-Marquardt did not converge, or the solution is not usable (non-finite
        residuals, or the solver's error check failed at the solution).

    References
    ----------
    dallaman2007

    Examples
    --------
    >>> from insulinsim.units import insulin_uu_ml_to_pmol_l
    >>> t = [0, 30, 60, 90, 120]
    >>> glucose = [86.2, 143.0, 137.4, 120.0, 111.9]  # Ohashi et al. 2018, NGT means
    >>> insulin = insulin_uu_ml_to_pmol_l(np.array([6.1, 50.5, 51.7, 43.4, 38.6]))
    >>> fit = fit_ogtt(t, glucose, insulin)
    >>> sorted(fit.estimates)
    ['G_b', 'I_b', 'V_mx', 'beta_cell', 'clearance', 'k_p3']
    """
    fits = _fit_ogtt_rows(
        times_min,
        np.asarray(glucose_mg_dl, float)[None],
        np.asarray(insulin_pmol_l, float)[None],
        base,
        protocol,
        estimate,
        glucose_cv,
        insulin_cv,
        prior,
        prior_sd,
    )
    if isinstance(fits[0], FitError):
        raise fits[0]
    return fits[0]


def fit_ogtt_batch(
    times_min,
    glucose_mg_dl,
    insulin_pmol_l,
    *,
    base: Parameters | None = None,
    protocol: Protocol | None = None,
    estimate: Sequence[str] = DEFAULT_ESTIMATE,
    glucose_cv: float | None = None,
    insulin_cv: float | None = None,
    prior: bool = True,
    prior_sd: float | None = None,
) -> list[ModelFit | FitError]:
    """:func:`fit_ogtt` for many people sampled at the same times, in one compiled program.

    The fits run side by side under ``jax.vmap`` (one Levenberg-Marquardt per person; the loop
    runs until the slowest has converged), which amortises the per-step cost of the solver
    over the batch. A person whose fit fails does not stop the others (STYLE.md rule 9): their
    entry is the :class:`FitError` that :func:`fit_ogtt` would have raised, not raised.

    Parameters
    ----------
    times_min : array_like, shape (time,)
        Sample times shared by everyone (min).
    glucose_mg_dl, insulin_pmol_l : array_like, shape (person, time)
        Plasma glucose (mg/dL) and insulin (pmol/L); NaN for a missing value.
    base, protocol, estimate, glucose_cv, insulin_cv
        As for :func:`fit_ogtt` (shared by everyone).

    Returns
    -------
    list of ModelFit or FitError
        One entry per person, in order.
    """
    g = np.asarray(glucose_mg_dl, float)
    ins = np.asarray(insulin_pmol_l, float)
    if g.ndim != 2 or ins.shape != g.shape:
        raise InputError(
            "glucose_mg_dl/insulin_pmol_l",
            f"shapes {g.shape} and {ins.shape}",
            "two arrays of the same shape (person, time)",
        )
    return _fit_ogtt_rows(
        times_min,
        g,
        ins,
        base,
        protocol,
        estimate,
        glucose_cv,
        insulin_cv,
        prior,
        prior_sd,
    )


def _check_estimate(estimate: Sequence[str]) -> tuple[str, ...]:
    estimate = tuple(estimate)
    unknown = [n for n in estimate if n not in HANDLES]
    if unknown or len(set(estimate)) != len(estimate) or not estimate:
        raise InputError(
            "estimate",
            list(estimate),
            "distinct names among " + ", ".join(HANDLES),
        )
    if "beta_cell" in estimate and ({"K", "beta"} & set(estimate)):
        raise InputError(
            "estimate",
            list(estimate),
            "beta_cell, or K and/or beta, not both",
            "beta_cell scales K and beta together",
        )
    return estimate


def _check_person(t, g, ins, names, gcv, icv, lo, hi):
    """Validate one person's data; weights and the starting point (log scale)."""
    for name, a, a_lo, a_hi, unit in (
        ("glucose_mg_dl", g, 20.0, 800.0, "mg/dL"),
        ("insulin_pmol_l", ins, 0.0, 20000.0, "pmol/L"),
    ):
        bad = np.isfinite(a) & ~((a >= a_lo) & (a <= a_hi))
        if bad.any():
            raise InputError(
                name,
                float(a[bad][0]),
                f"[{a_lo:g}, {a_hi:g}] {unit} (NaN for missing)",
                "check the units (insulin in pmol/L: 1 uU/mL = 6 pmol/L)",
            )
    fasting = t <= 0.0
    g_f, i_f = g[fasting & np.isfinite(g)], ins[fasting & np.isfinite(ins)]
    if g_f.size == 0 or i_f.size == 0:
        raise InputError("fasting sample", "missing", "a fasting glucose and insulin at t <= 0")
    n_obs = int(np.isfinite(g).sum() + np.isfinite(ins).sum())
    if n_obs <= len(names):
        raise InputError(
            "samples",
            n_obs,
            f"more than {len(names)} finite values (one per estimated quantity)",
            "estimate fewer parameters (estimate=...) or give more samples",
        )
    theta0 = np.zeros(len(names))
    theta0[-2:] = np.log([g_f.mean(), max(i_f.mean(), 1.0)])
    if not np.all((theta0 > lo) & (theta0 < hi)):
        raise InputError(
            "fasting sample",
            f"glucose {g_f.mean():g} mg/dL, insulin {i_f.mean():g} pmol/L",
            f"glucose in ({np.exp(lo[-2]):g}, {np.exp(hi[-2]):g}) mg/dL and insulin in "
            f"({np.exp(lo[-1]):g}, {np.exp(hi[-1]):g}) pmol/L",
        )
    g_sd = _sd(np.where(np.isfinite(g), g, 1.0), gcv)
    i_sd = _sd(np.where(np.isfinite(ins), ins, 1.0), icv, fit_constant("insulin_sd_floor"))
    return _unsquash(theta0, lo, hi), g_sd, i_sd, n_obs


def _fit_ogtt_rows(
    times_min, g, ins, base, protocol, estimate, glucose_cv, insulin_cv, prior, prior_sd
):
    enable_compilation_cache()
    estimate = _check_estimate(estimate)
    t = _as_series("times_min", times_min)
    if g.ndim != 2 or g.shape[1] != t.size or ins.shape != g.shape:
        raise InputError(
            "glucose_mg_dl/insulin_pmol_l",
            f"shapes {g.shape[1:]} and {ins.shape[1:]}",
            f"one value per sample time ({t.size})",
        )
    if not np.all(np.diff(t) > 0):
        raise InputError("times_min", "not increasing", "strictly increasing sample times (min)")
    if not (t <= 0.0).any():
        raise InputError(
            "times_min",
            float(t[0]),
            "at least one sample at t <= 0 min",
            "give the fasting sample as t = 0",
        )
    if t[-1] <= 0.0:
        raise InputError("times_min", float(t[-1]), "samples after t = 0 min")
    base = person("healthy") if base is None else base
    if np.ndim(base.body.BW) != 0:
        raise InputError("base", "a population", "one person (scalar parameters)")
    if not (float(base.pancreas.K) > 0.0 or float(base.pancreas.beta) > 0.0):
        raise InputError(
            "base",
            "no endogenous insulin secretion (pancreas.K = pancreas.beta = 0)",
            "a person whose beta cells respond to glucose",
            "fit_ogtt derives basal secretion from fasting insulin; it cannot fit type 1 "
            "diabetes (preset t1d)",
        )
    protocol = ogtt() if protocol is None else protocol
    names = (*estimate, *_BASAL)
    lo, hi = _search_box(names)
    gcv = fit_constant("glucose_cv") if glucose_cv is None else float(glucose_cv)
    icv = fit_constant("insulin_cv") if insulin_cv is None else float(insulin_cv)
    if prior:
        sd = fit_constant("prior_sd") if prior_sd is None else prior_sd
        sd = check_range("prior_sd", sd, 0.01, 100.0, "(log scale)")
        prior_sds = np.array([sd if n in HANDLES else np.inf for n in names])
    else:
        prior_sds = np.full(len(names), np.inf)
    n_prior = int(np.isfinite(prior_sds).sum())
    rows = [_check_person(t, g[k], ins[k], names, gcv, icv, lo, hi) for k in range(g.shape[0])]
    u0, g_sd, i_sd = (np.stack([r[i] for r in rows]) for i in range(3))

    # the test up to the last sample; output times are 0 and the samples after it
    t_end = float(t[-1])
    events = tuple(e for e in protocol.events if e.time_min < t_end)
    proto = dataclasses.replace(protocol, events=events, t_end_min=t_end, sample_times_min=())
    ts = np.unique(np.concatenate([[0.0], t[t > 0.0]]))
    obs_idx = np.searchsorted(ts, np.maximum(t, 0.0))
    schedule = build_schedule(proto, float(base.body.BW), float(base.body.height))
    grid = fixed_grid(ts, schedule.edges, _FIT_GRID)
    shared = (
        jnp.asarray(lo),
        jnp.asarray(hi),
        base,
        schedule,
        jnp.asarray(ts),
        grid,
        jnp.asarray(obs_idx),
    )
    solver = diffrax.Bosh3()  # the default method of simulate
    per = (jnp.asarray(u0), jnp.asarray(g), jnp.asarray(ins), jnp.asarray(g_sd), jnp.asarray(i_sd))
    shared = (jnp.asarray(1.0 / prior_sds), *shared)
    # one person is a batch of one: a single compiled program serves both entry points
    out = [np.asarray(x) for x in _ogtt_solve_batch(*per, *shared, names, solver)]
    fits = []
    for k in range(g.shape[0]):
        res = tuple(x[k] for x in out)
        fits.append(
            _finish(
                res,
                names,
                lo,
                hi,
                rows[k][3],
                prior_sds,
                n_prior,
                base,
                protocol,
                t,
                g[k],
                ins[k],
            )
        )
    return fits


def _finish(
    out, names, lo, hi, n_obs, prior_sds, n_prior, base, protocol, t, g, ins
) -> ModelFit | FitError:
    theta, ok, steps, r, J, G, I, err_max = out
    est = dict(zip(names, np.exp(theta).round(4), strict=True))
    if not bool(ok):
        return FitError(
            f"fit_ogtt did not converge in {int(steps)} Levenberg-Marquardt steps (estimating "
            f"{', '.join(names)}; last point {est}); the data may not determine these "
            f"parameters: estimate fewer (estimate=...), or check the units and the protocol"
        )
    if not (np.all(np.isfinite(r)) and np.all(np.isfinite(J))):
        return FitError(f"fit_ogtt: non-finite residuals or Jacobian at the solution {est}")
    edge = [
        n
        for n, v, a, b in zip(names, theta, lo, hi, strict=True)
        if min(v - a, b - v) < 0.01 * (b - a)
    ]
    if edge:
        return FitError(
            f"fit_ogtt: {', '.join(edge)} went to the edge of the search range ({est}); the "
            f"data do not determine it: fix it (leave it out of estimate=...) or check the data"
        )
    if not float(err_max) <= 1.0:
        return FitError(
            f"fit_ogtt: the step grid's error check failed at the solution (scaled error "
            f"{float(err_max):.3g} > 1): the fitted parameters {est} make the model too stiff "
            f"for the fixed steps, so they are not reliable"
        )
    n_rows = 2 * t.size  # glucose and insulin rows; the prior rows follow
    st = _statistics(theta, r[:n_rows], J[:n_rows], names, n_obs, prior_sds if n_prior else None)
    return ModelFit(
        names=names,
        log_estimate=theta,
        log_covariance=st.cov,
        base=base,
        protocol=protocol.name,
        times_min=t,
        glucose_mg_dl=g,
        insulin_pmol_l=ins,
        fitted_glucose_mg_dl=G,
        fitted_insulin_pmol_l=I,
        rss=st.rss,
        dof=st.dof,
        sigma2=st.sigma2,
        t_quantile=st.t_quantile,
        n_steps=int(steps),
        warnings=st.warnings,
        prior_sd=float(prior_sds[0]) if n_prior else None,
    )
