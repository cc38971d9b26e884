"""The multirate driver: years of a person's life, one compiled program for 1 or N people.

Every ``step_days`` (30 by default) the slow state is frozen, one standard three-meal day and
one 75-g OGTT of the fast model are solved on the shared step grid of
:func:`insulinsim.solve.simulate` (Bosh3), and the day's summaries advance the slow state (see
:mod:`insulinsim.model._slow`). The whole run of a chunk of people is one ``jax.lax.scan``
over steps inside one ``vmap``: one person for 30 years is one call, and so are 4096 people.

The healthy reference (the ``healthy`` preset's standard day, which normalises the slow laws so
that this person is at steady state) is solved once per process.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from insulinsim.model import TARGETS, Effects, Phenomenological, Reference
from insulinsim.model import _slow as slow
from insulinsim.parameters import Parameters, person
from insulinsim.physiology import body, glycation, lipids
from insulinsim.protocols import Schedule, build_schedule, ogtt, standard_day
from insulinsim.protocols._scenario import (
    Scenario,
    effects_table,
    factor_deviations,
    insulin_titration,
    therapy_on,
)
from insulinsim.solve._simulate import (
    StepGrid,
    _make_grid,
    _rk_on_grid,
    enable_compilation_cache,
    stack_people,
)

__all__ = [
    "ProgressSettings",
    "day_parameters_at",
    "in_model_range",
    "progress",
    "progress_reference",
]

_DAY_SAMPLE_MIN = 10.0
_OGTT_TIMES = (0.0, 30.0, 120.0)


@dataclasses.dataclass(frozen=True)
class ProgressSettings:
    """How to step the slow clock.

    Attributes
    ----------
    step_days : float
        Days between representative days (the slow step).
    substep_days : float
        Sub-step of the body-composition balance inside a slow step.
    chunk_size : int
        People per compiled call.
    grid : StepGrid
        The fast model's step grid (see :class:`insulinsim.solve.StepGrid`).
    carry_fast_state : bool
        Start each representative day from the previous day's end instead of the basal
        state (with ``step_days = 1`` this is the brute-force, fully coupled reference).
    """

    step_days: float = 30.0
    substep_days: float = 5.0
    chunk_size: int = 2048
    grid: StepGrid = dataclasses.field(default_factory=StepGrid)
    carry_fast_state: bool = False

    def __post_init__(self):
        if not 1.0 <= self.step_days <= 365.0:
            raise ValueError(f"step_days = {self.step_days}: allowed [1, 365] days")


class _Fast(eqx.Module):
    """The two fast protocols of a step, built once."""

    day_edges: jax.Array
    day_values: object
    day_ts: jax.Array
    day_grid: object
    ogtt_edges: jax.Array
    ogtt_values: object
    ogtt_ts: jax.Array
    ogtt_grid: object


@functools.cache
def _fast(grid: StepGrid) -> _Fast:
    day = standard_day(sample_every_min=_DAY_SAMPLE_MIN)
    test = ogtt(t_end_min=120.0)
    d_s = build_schedule(day, 78.0, 170.0)
    o_s = build_schedule(test, 78.0, 170.0)
    d_ts = np.asarray(day.times())
    o_ts = np.asarray(_OGTT_TIMES)
    return _Fast(
        d_s.edges,
        d_s.values,
        jnp.asarray(d_ts),
        _make_grid(d_ts, np.asarray(d_s.edges), grid),
        o_s.edges,
        o_s.values,
        jnp.asarray(o_ts),
        _make_grid(o_ts, np.asarray(o_s.edges), grid),
    )


def _scaled(values, carbs_rel):
    """Day inputs with the meals scaled by the day's carbohydrate relative to the standard."""
    return eqx.tree_at(
        lambda v: (v.ingestion_mg_min, v.meal_dose_mg),
        values,
        (values.ingestion_mg_min * carbs_rel, values.meal_dose_mg * carbs_rel),
    )


def _solve_day(p, fast: _Fast, carbs_rel, grid: StepGrid, y0=None):
    """(fluxes at the day's samples, max error estimate, basal state, state at the end)."""
    sched = Schedule(fast.day_edges, _scaled(fast.day_values, carbs_rel))
    tab = _tableau()
    return _rk_on_grid(
        p,
        sched,
        fast.day_ts,
        fast.day_grid,
        tab,
        grid.rtol,
        grid.atol,
        Phenomenological(),
        y0,
        final=True,
        throw=False,
    )


def _solve_ogtt(p, fast: _Fast, grid: StepGrid):
    sched = Schedule(fast.ogtt_edges, fast.ogtt_values)
    tab = _tableau()
    return _rk_on_grid(
        p,
        sched,
        fast.ogtt_ts,
        fast.ogtt_grid,
        tab,
        grid.rtol,
        grid.atol,
        Phenomenological(),
        throw=False,
    )


def _tableau():
    return diffrax.Bosh3().tableau


# ---------------------------------------------------------------- the healthy reference


@functools.cache
def progress_reference(grid: StepGrid = StepGrid()) -> Reference:  # noqa: B008
    """The healthy person's standard day, which normalises the slow laws (FFA, lipogenic drive,
    mean insulin for the receptor pool, the signalling read-out, basal secretion)."""
    enable_compilation_cache()
    p = person("healthy")
    fast = _fast(grid)
    ys, _, _, _ = jax.jit(lambda p: _solve_day(p, fast, 1.0, grid))(p)
    I = np.asarray(ys.insulin_pmol_l)[:-1]
    S = np.asarray(ys.secretion_pmol_kg_min)[:-1]
    sm, sl, rm, rl = slow.reference_signalling(p, float(I.mean()))
    f = lambda v: jnp.asarray(float(v))  # noqa: E731
    return Reference(
        mean_secretion_pmol_min=f(S.mean() * float(p.body.BW)),
        ffa=f(np.mean(np.asarray(ys.ffa_umol_l)[:-1])),
        lipogenic=f(np.mean(np.asarray(ys.action_lipogenic)[:-1])),
        mean_insulin=f(I.mean()),
        surface_muscle=f(sm),
        surface_liver=f(sl),
        response_muscle=f(rm),
        response_liver=f(rl),
    )


# ---------------------------------------------------------------- one person over the steps


class _Static(eqx.Module):
    effects: Effects
    ref: Reference
    fast: _Fast
    grid: StepGrid = eqx.field(static=True)
    dt: float = eqx.field(static=True)
    n_sub: int = eqx.field(static=True)
    age_index: int = eqx.field(static=True)
    age_reference: float = eqx.field(static=True)
    carry: bool = eqx.field(static=True)
    titration: tuple = eqx.field(static=True)
    keep_day_parameters: bool = eqx.field(static=True, default=False)


def _record(p0, s, mods, sens, p_day, b, ys_o, summ, intake, pal, age, ref: Reference):
    BW = slow.body_weight(s, mods)
    h = p0.body.height
    bmi = BW / (h / 100.0) ** 2
    vat = body.visceral_fat(s.fat, age, p0.gonads.male, p0.composition) * mods["visceral_share"]
    waist = body.waist_circumference(BW, h, age, p0.gonads.male, p0.composition)
    kw = dict(
        bmi=bmi,
        waist_cm=waist,
        fasting_insulin_pmol_l=b.I_b,
        liver_fat_pct=s.liver_fat,
        age_y=age,
        male=p0.gonads.male,
        p=p0.lipids,
    )
    sbp, dbp = lipids.blood_pressure(**kw)
    G_o, I_o = ys_o.glucose_mg_dl, ys_o.insulin_pmol_l
    return {
        "age": age,
        "fasting_glucose": b.G_b,
        "glucose_30": G_o[1],
        "glucose_2h": G_o[2],
        "fasting_insulin": b.I_b,
        "insulin_30": I_o[1],
        "insulin_2h": I_o[2],
        "mean_glucose": summ.mean_glucose,
        "mean_insulin": summ.mean_insulin,
        "hba1c": s.a1c,
        "beta_mass": 100.0 * s.beta,
        "beta_function": 100.0 * s.sigma,
        "glucose_sensing_shift": s.gamma,
        "secretory_capacity": 100.0 * slow.capacity(s),
        "surface_receptors_muscle": sens.surface_muscle,
        "surface_receptors_liver": sens.surface_liver,
        "sensitivity_muscle": sens.muscle * mods["muscle_sensitivity"],
        "sensitivity_liver": sens.liver * mods["hepatic_sensitivity"],
        "cytokine_exposure": sens.cytokine,
        "lipid_exposure_muscle": sens.lipid_muscle,
        "lipid_exposure_liver": sens.lipid_liver,
        "weight": BW,
        "fat_mass": s.fat,
        "lean_mass": s.lean + mods["lean_mass"],
        "visceral_fat": vat,
        "waist": waist,
        "bmi": bmi,
        "liver_fat": s.liver_fat,
        "imcl": s.imcl,
        "ffa": summ.ffa,
        "energy_intake": intake,
        "pal": pal,
        "glucosuria": summ.glucosuria_g_day,
        "triglycerides": lipids.triglycerides(**kw) * mods["triglycerides"],
        "hdl": lipids.hdl(**kw) + mods["hdl"],
        "sbp": sbp + mods["sbp"],
        "dbp": dbp,
        "insulin_dose": s.insulin_dose,
        "basal_secretion": p_day.pancreas.S_b,
    }


def _person_run(p0: Parameters, age0, pal0, devs, therapy, times_days, st: _Static):
    """One person over all steps: (records per step, max grid error)."""
    eff, ref, fast, grid = st.effects, st.ref, st.fast, st.grid
    start, step_u, interval, target = st.titration

    def devs_at(k, age):
        d = devs[k]
        if st.age_index >= 0:
            d = d.at[st.age_index].set(jnp.maximum(age - st.age_reference, 0.0))
        return d

    # the reference's mean insulin sets the first day's receptor pool; that day's mean glucose
    # and insulin then set the starting HbA1c and receptor pool
    s = slow.initial_slow_state(p0, age0, devs_at(0, age0)[eff.factor], ref.mean_insulin, 0.0, 0.0)
    intake0, K_energy = body.baseline(
        s.fat, s.lean, age0, p0.gonads.male, p0.body.height, pal0, p0.composition
    )

    def evaluate(s, k, y_prev):
        age = age0 + times_days[k] / 365.25
        mods = slow.modifiers(s.lags, eff)
        sens = slow.sensitivity(p0, s, mods, ref, age, pal0)
        p = slow.day_parameters(p0, s, mods, sens, ref)
        intake = intake0 + mods["energy_intake"]
        carbs_rel = jnp.maximum(intake / intake0, 0.2)
        ys, err, b, y_end = _solve_day(p, fast, carbs_rel, grid, y_prev if st.carry else None)
        ys_o, err_o, _ = _solve_ogtt(p, fast, grid)
        cut = lambda x: x[:-1]  # noqa: E731
        summ = slow.day_summary(
            cut(ys.glucose_mg_dl),
            cut(ys.insulin_pmol_l),
            cut(ys.secretion_pmol_kg_min),
            cut(ys.ffa_umol_l),
            cut(ys.action_lipogenic),
            cut(ys.excretion_kidney_mg_kg_min),
            b.G_b,
            s.G_b0,
            p.body.BW,
            s.beta,
            mods["beta_function"],
            ref,
            p0,
        )
        err = jnp.maximum(err, err_o)
        return age, mods, sens, p, intake, carbs_rel, ys, err, b, ys_o, summ, y_end

    # settle HbA1c, mean insulin, the sensing shift and beta-cell function on the first day
    first = evaluate(s, 0, None)
    summ0, y_first = first[-2], first[-1]
    s = eqx.tree_at(
        lambda s: (
            s.a1c,
            s.mean_insulin,
            s.gamma,
            s.gamma_prev,
            s.gamma_target_prev,
            s.gamma0,
            s.sigma,
            s.sigma0,
        ),
        s,
        (
            glycation.hba1c_steady(summ0.mean_glucose, p0.glycation),
            summ0.mean_insulin,
            summ0.gamma_target,
            summ0.gamma_target,
            summ0.gamma_target,
            summ0.gamma_target,
            summ0.sigma_target,
            summ0.sigma_target,
        ),
    )

    def step(carry, k):
        s, y_prev, err_max = carry
        age, mods, sens, p, _, carbs_rel, _, err, b, ys_o, summ, y_end = evaluate(s, k, y_prev)
        net_intake = slow.energy_intake(p0, mods, summ, intake0)
        pal = pal0 + mods["physical_activity"]
        rec = _record(p0, s, mods, sens, p, b, ys_o, summ, net_intake, pal, age, ref)
        titr = (therapy[k], start, step_u, interval, target, b.G_b)
        s_new = slow.slow_update(
            p0,
            s,
            mods,
            summ,
            ref,
            devs_at(k, age),
            eff,
            intake0,
            K_energy,
            pal0,
            carbs_rel,
            st.dt,
            st.n_sub,
            titr,
        )
        out = (rec, p) if st.keep_day_parameters else rec
        return (s_new, y_end, jnp.maximum(err_max, err)), out

    (_, _, err_max), recs = jax.lax.scan(
        step, (s, y_first, jnp.asarray(0.0)), jnp.arange(times_days.shape[0])
    )
    return recs, err_max


@eqx.filter_jit
def _run_chunk(params, age0, pal0, devs, therapy, times_days, st: _Static, devs_axis=None):
    """People of one chunk; ``devs_axis=0`` when each has their own factor deviations."""
    one = lambda p, a, q, d: _person_run(p, a, q, d, therapy, times_days, st)  # noqa: E731
    return jax.vmap(one, in_axes=(0, 0, 0, devs_axis))(params, age0, pal0, devs)


def _effects_arrays(names: tuple[str, ...]) -> Effects:
    table = effects_table()
    rows = [e for n in names for e in table[n].effects]
    E, T = max(len(rows), 1), len(TARGETS)
    factor = np.zeros(E, dtype=np.int32)
    log_c, lin_c = np.zeros((E, T)), np.zeros((E, T))
    tau, sat = np.ones(E), np.full(E, np.inf)
    for i, e in enumerate(rows):
        factor[i] = names.index(e.factor)
        j = TARGETS.index(e.target)
        if e.form == "log_per_unit":
            log_c[i, j] = e.value
        else:
            lin_c[i, j] = e.value
        tau[i] = max(e.onset_days, 1e-3)
        sat[i] = e.saturation
    return Effects(
        jnp.asarray(factor),
        jnp.asarray(log_c),
        jnp.asarray(lin_c),
        jnp.asarray(tau),
        jnp.asarray(sat),
    )


def progress(
    people: Parameters | list[Parameters],
    scenario: Scenario,
    *,
    ages: float | np.ndarray | None = None,
    settings: ProgressSettings | None = None,
    names: list[str] | None = None,
    on_chunk: Callable[[int], None] | None = None,
    pal: float | np.ndarray | None = None,
    deviations: tuple[tuple[str, ...], np.ndarray] | None = None,
    pad_to: int | None = None,
    return_day_parameters: bool = False,
) -> xr.Dataset | tuple[xr.Dataset, Parameters]:
    """Simulate years of a scenario for one or many people (multirate).

    Parameters
    ----------
    people : Parameters or list of Parameters
        One person or many (a leading ``person`` axis); ``gonads.male`` sets the sex.
    scenario : Scenario
        Risk factors, interventions and therapy over time (:func:`load_scenario`).
    ages : float or array, optional
        Age at the start (years; default the scenario's).
    settings : ProgressSettings, optional
    names : list of str, optional
        A label per person.
    on_chunk : callable, optional
        Called with the number of people finished after each chunk (progress bars).
    pal : float or array, optional
        Physical activity level at the start, per person (default the scenario's).
    deviations : (factor names, array person x time x factor), optional
        Each person's own risk-factor deviations at every step (virtual populations), in
        place of the scenario's course shared by everyone (:func:`factor_deviations`).
    pad_to : int, optional
        Run every chunk at this many people (a fixed shape: one compiled program for chunks
        of any size); default the chunk size rounded to a power of two.
    return_day_parameters : bool, optional
        Also return the fast model's parameters of every step's representative day: the person
        as they are at that time, to simulate any protocol with (:func:`simulate`, default
        phenomenological action, which is the action the years model uses).

    Returns
    -------
    xarray.Dataset
        ``person`` x ``time`` (years from the start) with the clinical read-outs, the slow
        state and the mechanisms (receptors, sensitivity, exposures) as variables with units;
        ``status`` per person; attrs ``scenario`` and ``step_days``.
    Parameters
        Only with ``return_day_parameters``: leaves with leading ``person`` x ``time`` axes
        (pick one with :func:`day_parameters_at`).
    """
    settings = settings or ProgressSettings()
    enable_compilation_cache()
    pop = stack_people(people)
    n = int(np.shape(pop.body.BW)[0])
    names = list(names) if names is not None else [f"p{i}" for i in range(n)]
    if len(names) != n:
        raise ValueError(f"names has {len(names)} entries for {n} people")
    ages = np.broadcast_to(np.asarray(scenario.age if ages is None else ages, float), (n,))
    dt = float(settings.step_days)
    n_steps = int(np.floor(scenario.years * 365.25 / dt + 1e-9)) + 1
    times_days = np.arange(n_steps) * dt
    if deviations is None:
        factor_names, devs = factor_deviations(scenario, times_days / 365.25)
    else:
        factor_names, devs = tuple(deviations[0]), np.asarray(deviations[1], dtype=float)
        want = (n, n_steps, len(factor_names))
        if devs.shape != want:
            raise ValueError(f"deviations has shape {devs.shape}, expected {want}")
    per_person = deviations is not None
    therapy = therapy_on(scenario, times_days / 365.25)
    effects = _effects_arrays(factor_names)
    table = effects_table()
    age_index = factor_names.index("age") if "age" in factor_names else -1
    t = insulin_titration()
    titration = tuple(
        float(t.get(k, d))
        for k, d in (
            ("start_dose", 0.1),
            ("step", 2.0),
            ("interval_days", 3.0),
            ("fasting_target", 130.0),
        )
    )
    st = _Static(
        effects=effects,
        ref=progress_reference(settings.grid),
        fast=_fast(settings.grid),
        grid=settings.grid,
        dt=dt,
        n_sub=max(1, round(dt / settings.substep_days)),
        age_index=age_index,
        age_reference=float(table["age"].reference) if age_index >= 0 else 0.0,
        carry=settings.carry_fast_state,
        titration=titration,
        keep_day_parameters=bool(return_day_parameters),
    )
    pal0 = np.broadcast_to(np.asarray(scenario.pal if pal is None else pal, float), (n,))
    size = (
        int(pad_to) if pad_to else min(settings.chunk_size, max(1, int(2 ** np.ceil(np.log2(n)))))
    )
    chunks = []
    for lo in range(0, n, size):
        idx = np.minimum(np.arange(lo, lo + size), n - 1)  # pad the last chunk
        take = lambda x, i=idx: jnp.asarray(np.asarray(x)[i])  # noqa: E731
        recs, err = _run_chunk(
            jax.tree.map(take, pop),
            take(ages),
            take(pal0),
            take(devs) if per_person else jnp.asarray(devs),
            jnp.asarray(therapy),
            jnp.asarray(times_days),
            st,
            0 if per_person else None,
        )
        keep = min(size, n - lo)
        chunks.append(jax.tree.map(lambda x, k=keep: np.asarray(x)[:k], (recs, err)))
        if on_chunk is not None:
            on_chunk(lo + keep)
    outs = jax.tree.map(lambda *x: np.concatenate(x), *[c[0] for c in chunks])
    recs, days = outs if return_day_parameters else (outs, None)
    err = np.concatenate([c[1] for c in chunks])
    ds = _to_dataset(recs, err, times_days / 365.25, names, scenario, settings)
    return (ds, days) if return_day_parameters else ds


def day_parameters_at(days: Parameters, person_index: int, step: int) -> Parameters:
    """One person's fast-model parameters at one step of a run of :func:`progress` with
    ``return_day_parameters=True`` (``step`` indexes the dataset's ``time``)."""
    n_people, n_steps = np.shape(days.body.BW)
    if not (0 <= person_index < n_people and -n_steps <= step < n_steps):
        raise IndexError(
            f"person {person_index}, step {step}: the run has {n_people} people and {n_steps} steps"
        )
    return jax.tree.map(lambda x: jnp.asarray(np.asarray(x)[person_index, step]), days)


PROGRESS_META: dict[str, tuple[str, str]] = {
    "age": ("years", "age"),
    "fasting_glucose": ("mg/dL", "fasting plasma glucose"),
    "glucose_30": ("mg/dL", "plasma glucose 30 min into a 75-g OGTT"),
    "glucose_2h": ("mg/dL", "2-h plasma glucose of a 75-g OGTT"),
    "fasting_insulin": ("pmol/L", "fasting plasma insulin"),
    "insulin_30": ("pmol/L", "plasma insulin 30 min into a 75-g OGTT"),
    "insulin_2h": ("pmol/L", "2-h plasma insulin of a 75-g OGTT"),
    "mean_glucose": ("mg/dL", "mean plasma glucose over the representative day"),
    "mean_insulin": ("pmol/L", "mean plasma insulin over the representative day"),
    "hba1c": ("%", "HbA1c (NGSP)"),
    "beta_mass": ("% of healthy reference", "beta-cell mass"),
    "beta_function": ("% of healthy reference", "beta-cell function (sigma)"),
    "glucose_sensing_shift": ("dimensionless", "shift of beta-cell glucose sensing (gamma)"),
    "secretory_capacity": ("% of the first day", "beta-cell capacity (mass x function)"),
    "surface_receptors_muscle": ("% of healthy reference", "surface insulin receptors, muscle"),
    "surface_receptors_liver": ("% of healthy reference", "surface insulin receptors, liver"),
    "sensitivity_muscle": ("relative to healthy", "peripheral (muscle) insulin sensitivity"),
    "sensitivity_liver": ("relative to healthy", "hepatic insulin sensitivity"),
    "cytokine_exposure": ("dimensionless", "inflammatory-cytokine exposure (inhibitors.toml)"),
    "lipid_exposure_muscle": ("dimensionless", "ectopic-lipid exposure, muscle"),
    "lipid_exposure_liver": ("dimensionless", "ectopic-lipid exposure, liver"),
    "weight": ("kg", "body weight"),
    "fat_mass": ("kg", "fat mass"),
    "lean_mass": ("kg", "lean (fat-free) mass"),
    "visceral_fat": ("kg", "visceral adipose tissue"),
    "waist": ("cm", "waist circumference"),
    "bmi": ("kg/m^2", "body-mass index"),
    "liver_fat": ("%", "intrahepatic triglyceride"),
    "imcl": ("relative to healthy", "intramyocellular lipid"),
    "ffa": ("umol/L", "mean plasma FFA over the day"),
    "energy_intake": ("kcal/day", "energy intake net of glucosuria"),
    "pal": ("dimensionless", "physical activity level"),
    "glucosuria": ("g/day", "urinary glucose"),
    "triglycerides": ("mg/dL", "fasting triglycerides"),
    "hdl": ("mg/dL", "HDL cholesterol"),
    "sbp": ("mmHg", "systolic blood pressure"),
    "dbp": ("mmHg", "diastolic blood pressure"),
    "insulin_dose": ("U/day", "basal insulin therapy"),
    "basal_secretion": ("pmol/kg/min", "basal insulin secretion"),
}


# below this fasting glucose the model lacks the counter-regulation (adrenaline, cortisol,
# growth hormone) that keeps a living person out of severe hypoglycaemia: a steady state there
# is an artefact, not a prediction (level 3 hypoglycaemia is < 54 mg/dL, ADA 2017)
_FASTING_FLOOR_MG_DL = 40.0


def in_model_range(fasting_glucose, glucose_2h) -> np.ndarray:
    """Where a trajectory's glucose is within the range the fast model is solved in (finite,
    fasting glucose above 40 mg/dL, below the 1000 mg/dL ceiling of the basal-state search)."""
    f, g2 = np.asarray(fasting_glucose), np.asarray(glucose_2h)
    g = np.stack([f, g2])
    ok = np.isfinite(g) & (g > 0.0) & (g < 999.0)
    return np.all(ok, axis=0) & (np.nan_to_num(f) > _FASTING_FLOOR_MG_DL)


def _to_dataset(recs, err, years, names, scenario: Scenario, settings) -> xr.Dataset:
    data = {}
    for k, v in recs.items():
        unit, desc = PROGRESS_META[k]
        data[k] = xr.Variable(("person", "time"), v, {"units": unit, "long_name": desc})
    status = []
    for i in range(len(names)):
        ok = in_model_range(recs["fasting_glucose"][i], recs["glucose_2h"][i])
        if not ok.all():
            t = years[np.argmin(ok)]
            status.append(f"failed: glucose out of the model's range from year {t:.1f}")
        elif err[i] > 1.0:
            status.append(f"warning: fast-model step-grid error estimate {err[i]:.3g} > 1")
        else:
            status.append("ok")
    data["status"] = xr.Variable("person", np.array(status, dtype=object))
    return xr.Dataset(
        data,
        coords={"person": ("person", names), "time": ("time", years, {"units": "years"})},
        attrs={
            "scenario": scenario.name,
            "step_days": settings.step_days,
            "model": "insulinsim slow model (multirate)",
        },
    )
