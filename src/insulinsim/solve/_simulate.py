"""Batched solving of the fast model with diffrax: one compiled program for 1 or N people.

The only module that imports diffrax. People are rows of the same arrays (a
:class:`~insulinsim.parameters.Parameters` with a leading ``person`` axis); they are solved in
fixed-size chunks with ``jax.vmap`` so that the compiled program is reused whatever N is.
Every start and end of a protocol event is a breakpoint that every step lands on.

Two ways to step, chosen by :attr:`SolverSettings.grid`:

* :class:`StepGrid` (default): the explicit Runge-Kutta tableau of ``settings.solver`` on one
  step grid shared by the whole batch, fine just after each breakpoint (where inputs switch
  and transients are fast) and at most ``max_step_min`` elsewhere. Under ``vmap`` an adaptive
  solver's while-loop runs until the slowest person is done and pays the controller's and
  the interpolation's bookkeeping on every step; a shared grid has neither cost and was about
  4x faster per simulated day (``benchmarks/bench_fast.py``). The solver's embedded error
  estimate is still computed as a guard: every person whose estimate exceeds the grid's
  tolerance (an instability, a protocol the grid does not suit) is solved again adaptively.
* ``grid=None``: diffrax's adaptive PID controller with ``rtol``/``atol``.

A person whose solve fails is reported in the result's ``status`` with the time it stopped;
the rest of the batch is unaffected. With several devices (``jax.devices()``, e.g. CPU
devices from ``jax.config.update("jax_num_cpu_devices", n)``) each chunk is split across
them along the person axis.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from pathlib import Path

import diffrax
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import xarray as xr

from insulinsim.model import (
    FLUX_META,
    AbstractInsulinAction,
    AbstractSchedule,
    FastArgs,
    Inputs,
    Phenomenological,
    basal_state,
    fluxes,
    initial_state,
    rhs,
)
from insulinsim.parameters import Parameters
from insulinsim.protocols import Protocol, build_schedule

__all__ = [
    "SolverSettings",
    "StepGrid",
    "enable_compilation_cache",
    "fixed_grid",
    "simulate",
    "solve_on_grid",
    "stack_people",
]

jax.config.update("jax_enable_x64", True)


def enable_compilation_cache(path: str | os.PathLike | None = None) -> Path:
    """Turn on JAX's persistent compilation cache (default ``~/.cache/insulinsim/jax``).

    Compiled solver programs are then reused across processes: a second run of the same
    protocol and batch size skips compilation. ``INSULINSIM_CACHE_DIR`` overrides the path.
    """
    default = Path(os.environ.get("INSULINSIM_CACHE_DIR", Path.home() / ".cache/insulinsim/jax"))
    p = Path(path) if path is not None else default
    p.mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(p))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return p


@dataclasses.dataclass(frozen=True)
class StepGrid:
    """A step grid shared by all people: graded after each breakpoint, capped elsewhere.

    After every change of inputs the steps start at ``first_step_min`` and grow by ``growth``
    per step up to ``max_step_min``; every breakpoint is a grid point. A person whose
    scaled local error estimate (RMS over the state of ``err / (atol + rtol |y|)``) exceeds 1
    on any step is solved again with the adaptive controller.

    ``max_step_min`` is bounded by stability, not accuracy: the fast model's largest
    eigenvalue is the insulin liver-plasma exchange, about -0.9/min for the healthy preset and
    -1.45/min for t2d at the basal state. With the default Bosh3, t2d people (with V_mx, k_p3
    and beta spread by a lognormal(0, 0.25)) blew up on a standard day at 1.8 min and stayed
    stable at 1.6 min, hence the default; a person outside that margin is caught by the error
    check (its estimate grows by orders of magnitude) and solved again adaptively. Output
    times are not grid points: each is interpolated inside its step (cubic Hermite on the
    values and slopes at both ends), so dense sampling costs no extra steps.

    The error check is a guard against such failures, not the accuracy control: the grading
    after breakpoints sets the accuracy, measured against a tight adaptive reference in
    ``tests/integration`` and ``benchmarks/bench_fast.py`` (glucose within 0.02 mg/dL for
    a standard day, an OGTT and a clamp). Bosh3's embedded estimate is of its second-order
    companion and peaks on the first steps of a meal, where the stomach fills from zero (the
    scaled estimate reaches ~0.3 for a 75-g OGTT at 0.1), while an unstable person's estimate
    grows by orders of magnitude: hence the loose 0.1.
    """

    max_step_min: float = 1.6
    first_step_min: float = 0.25
    growth: float = 1.5
    rtol: float = 0.1
    atol: float = 0.1

    def __post_init__(self):
        if not 0.0 < self.first_step_min <= self.max_step_min:
            raise ValueError(
                f"StepGrid: need 0 < first_step_min <= max_step_min, got first_step_min="
                f"{self.first_step_min} min, max_step_min={self.max_step_min} min"
            )
        if self.growth < 1.0:
            raise ValueError(f"StepGrid.growth = {self.growth}: must be >= 1 (1 = uniform)")


@dataclasses.dataclass(frozen=True)
class SolverSettings:
    """How to integrate: solver, step grid or tolerances, chunking and devices.

    The defaults (Bosh3 on a shared step grid) keep glucose within 0.1 mg/dL of a
    tight-tolerance reference for a standard day, an OGTT and a clamp (tested in
    ``tests/integration``; measured in ``benchmarks/bench_fast.py``). Bosh3 needs three
    right-hand-side evaluations a step against Tsit5's six and, on this memory-bound batched
    loop, ran about 3x faster per simulated day at the same glucose accuracy.

    ``rtol`` and ``atol`` act only on the adaptive path: use :meth:`adaptive` for a
    tolerance-controlled solve (for example a tight reference).

    Attributes
    ----------
    solver : diffrax.AbstractSolver
        An explicit Runge-Kutta solver with an embedded error estimate (Bosh3, Tsit5,
        Dopri5, ...) for the step grid; any diffrax solver when ``grid`` is None.
    grid : StepGrid or None
        Step on a shared grid (default), or None for diffrax's adaptive controller.
    rtol, atol : float
        Tolerances of the adaptive controller (used when ``grid`` is None and for people the
        grid's error check sends back).
    dt0 : float
        First adaptive step (min).
    max_steps : int
        Adaptive steps before a person is reported as failed.
    chunk_size : int
        People per compiled call (rounded to a power of two for small batches).
    devices : int or None
        How many of ``jax.devices()`` to split each chunk over (None: all).
    """

    solver: diffrax.AbstractSolver = dataclasses.field(default_factory=diffrax.Bosh3)
    grid: StepGrid | None = dataclasses.field(default_factory=StepGrid)
    rtol: float = 1e-6
    atol: float = 1e-6
    dt0: float = 0.5
    max_steps: int = 200_000
    chunk_size: int = 8192
    devices: int | None = None

    @classmethod
    def adaptive(cls, rtol: float = 1e-6, atol: float = 1e-6, **kwargs) -> SolverSettings:
        """Diffrax's adaptive PID controller (Tsit5) at the given tolerances, no step grid."""
        kwargs.setdefault("solver", diffrax.Tsit5())
        return cls(grid=None, rtol=rtol, atol=atol, **kwargs)


def stack_people(people: list[Parameters] | Parameters) -> Parameters:
    """Stack single-person parameter sets into one population (leading ``person`` axis).

    The leaves are float64 NumPy arrays: batches are sliced on the host, and only the chunk
    being solved is sent to the device.
    """
    if isinstance(people, Parameters):
        leaves = jax.tree.leaves(people)
        if leaves and np.ndim(leaves[0]) == 0:
            return jax.tree.map(lambda x: np.asarray(x, dtype=np.float64)[None], people)
        return jax.tree.map(lambda x: np.asarray(x, dtype=np.float64), people)
    return jax.tree.map(lambda *xs: np.array(xs, dtype=np.float64), *people)


class _HeldInputs(AbstractSchedule):
    """The inputs of one grid step: constant over the step, so a stage evaluated at the
    step's end never sees the next interval's inputs."""

    values: Inputs

    def inputs(self, t) -> Inputs:
        return self.values


class _Grid(eqx.Module):
    """Steps ``[t0[i], t0[i] + h[i]]`` with input interval ``seg[i]``; output time ``ts[j]``
    lies inside step ``bounds[j] - 1`` and is interpolated there."""

    t0: jax.Array
    h: jax.Array
    seg: jax.Array
    first_in_seg: jax.Array  # bool: inputs changed at t0[i] (FSAL value is stale)
    bounds: jax.Array


def _make_grid(ts: np.ndarray, edges: np.ndarray, g: StepGrid) -> _Grid:
    # the step may grow by ``growth`` per step, i.e. linearly with the time since the last
    # change of inputs; breakpoints are cut points the grid must contain, output times are not
    # (they are interpolated inside their step)
    cuts = np.unique(np.asarray(edges, dtype=float))
    knots = [cuts[0]]
    for a, b in itertools.pairwise(cuts):
        since = edges[np.searchsorted(edges, a, side="right") - 1]
        t = a
        while b - t > 1e-9:
            h = min(g.max_step_min, g.first_step_min + (g.growth - 1.0) * (t - since))
            if b - t <= h:
                t = b
            elif b - t < 2.0 * h:
                t = t + 0.5 * (b - t)  # two equal steps rather than one and a sliver
            else:
                t = t + h
            knots.append(t)
    knots = np.asarray(knots)
    t0, h = knots[:-1], np.diff(knots)
    seg = np.clip(np.searchsorted(edges, t0, side="right") - 1, 0, len(edges) - 2)
    first = np.concatenate([[True], seg[1:] != seg[:-1]])
    # output ts[j] lies in step bounds[j] - 1, i.e. after bounds[j] steps the state is past it
    bounds = np.maximum(np.searchsorted(knots, np.asarray(ts, dtype=float), side="left"), 1)
    return _Grid(
        jnp.asarray(t0), jnp.asarray(h), jnp.asarray(seg), jnp.asarray(first), jnp.asarray(bounds)
    )


def _start(p, s, action, throw: bool = True):
    """Basal state, initial state and arguments of one person."""
    b = basal_state(p, throw=throw)
    ref = action.basal(p, b.I_b)
    y0 = initial_state(p, b, ref)
    return b, y0, FastArgs(params=p, basal=b, schedule=s, action=action, cell_basal=ref)


def _rk_on_grid(
    p, s, ts, grid: _Grid, tableau, rtol, atol, action, y_start=None, final=False, throw=True
):
    """One person on the shared grid with an explicit FSAL Runge-Kutta tableau.

    ``y_start`` replaces the basal state as the initial state (the basal state still sets the
    model's references); with ``final`` the state at the last output time is returned too;
    with ``throw=False`` a basal glucose outside the search bracket is not an error (the slow
    model reports such a person as failed).
    """
    b, y0, full = _start(p, s, action, throw)
    if y_start is not None:
        y0 = y_start
    axpy = lambda y, h, ks, w: jax.tree.map(  # noqa: E731
        lambda y_, *k_: y_ + h * sum(wi * ki for wi, ki in zip(w, k_, strict=True) if wi != 0.0),
        y,
        *ks,
    )

    def step(i, carry):
        y, k_first, err_max, _ = carry
        t0, h = grid.t0[i], grid.h[i]
        args = eqx.tree_at(
            lambda a: a.schedule,
            full,
            _HeldInputs(jax.tree.map(lambda v: v[grid.seg[i]], s.values)),
        )
        # the predicate is shared by the batch, so under vmap this stays a branch
        k1 = jax.lax.cond(grid.first_in_seg[i], lambda: rhs(t0, y, args), lambda: k_first)
        ks = [k1]
        for c, a in zip(tableau.c, tableau.a_lower, strict=True):
            ks.append(rhs(t0 + c * h, axpy(y, h, ks, a), args))
        y1 = axpy(y, h, ks, tableau.b_sol)
        err = axpy(jax.tree.map(jnp.zeros_like, y), h, ks, tableau.b_error)
        ratios = jax.tree.map(
            lambda e, u, v: (e / (atol + rtol * jnp.maximum(jnp.abs(u), jnp.abs(v)))) ** 2,
            err,
            y,
            y1,
        )
        leaves = jax.tree.leaves(ratios)
        scaled = jnp.sqrt(sum(jnp.sum(x) for x in leaves) / sum(x.size for x in leaves))
        err_max = jnp.maximum(err_max, jnp.where(jnp.isfinite(scaled), scaled, jnp.inf))
        # FSAL: ks[-1] is f(t0 + h, y1), the slope at the step's end
        return y1, ks[-1], err_max, (y, k1)

    def interval(carry, j):
        # run up to the step containing ts[j], then interpolate inside it (cubic Hermite on
        # the values and slopes at both ends: third order, like the default method)
        y, k_end, err_max, last, n_done = carry
        y, k_end, err_max, last = jax.lax.fori_loop(
            n_done, grid.bounds[j], step, (y, k_end, err_max, last)
        )
        i = grid.bounds[j] - 1
        h = grid.h[i]
        u = (ts[j] - grid.t0[i]) / h
        w = (
            2 * u**3 - 3 * u**2 + 1,
            (u**3 - 2 * u**2 + u) * h,
            3 * u**2 - 2 * u**3,
            (u**3 - u**2) * h,
        )
        y_t = jax.tree.map(
            lambda a0, d0, a1, d1: w[0] * a0 + w[1] * d0 + w[2] * a1 + w[3] * d1,
            last[0],
            last[1],
            y,
            k_end,
        )
        return (y, k_end, err_max, last, grid.bounds[j]), fluxes(ts[j], y_t, full)

    carry0 = (y0, y0, jnp.zeros_like(b.G_b), (y0, y0), jnp.asarray(0))
    (y_end, _, err_max, _, _), ys = jax.lax.scan(interval, carry0, jnp.arange(1, ts.shape[0]))
    ys = jax.tree.map(lambda a, o: jnp.concatenate([a[None], o]), fluxes(ts[0], y0, full), ys)
    if final:  # the last output time is the last grid point, so y_end is the state there
        return ys, err_max, b, y_end
    return ys, err_max, b


def fixed_grid(ts, edges, grid: StepGrid):
    """The fixed step grid of :func:`solve_on_grid` for output times ``ts`` (min) and input
    breakpoints ``edges`` (a schedule's ``edges``), built once outside any traced code."""
    return _make_grid(np.asarray(ts, dtype=float), np.asarray(edges, dtype=float), grid)


def solve_on_grid(p, schedule, ts, grid, solver, rtol, atol, action):
    """One person on a fixed grid (:func:`fixed_grid`) with an explicit Runge-Kutta method:
    differentiable in ``p`` by forward or reverse mode, for fitting.

    Returns ``(fluxes at ts, largest scaled local error estimate, basal state)``; an error
    estimate above 1 means the fixed steps were too coarse for this person (reject the point).
    A basal glucose outside the search bracket is not an error here (``throw=False``).
    """
    return _rk_on_grid(p, schedule, ts, grid, solver.tableau, rtol, atol, action, throw=False)


@eqx.filter_jit
def _solve_chunk_grid(params, schedule, ts, grid, solver, rtol, atol, action):
    tableau = solver.tableau
    axes = type(schedule)(edges=None, values=0)  # edges are shared by everyone
    one = lambda p, s: _rk_on_grid(p, s, ts, grid, tableau, rtol, atol, action)  # noqa: E731
    return jax.vmap(one, in_axes=(0, axes))(params, schedule)


@eqx.filter_jit
def _solve_chunk(params, schedule, ts, jump_ts, settings_static, rtol, atol, dt0, action):
    solver, max_steps = settings_static

    def one(p, s):
        b, y0, args = _start(p, s, action)
        controller = diffrax.ClipStepSizeController(
            diffrax.PIDController(rtol=rtol, atol=atol), jump_ts=jump_ts
        )
        sol = diffrax.diffeqsolve(
            diffrax.ODETerm(rhs),
            solver,
            ts[0],
            ts[-1],
            dt0,
            y0,
            args=args,
            saveat=diffrax.SaveAt(ts=ts, fn=fluxes),
            stepsize_controller=controller,
            max_steps=max_steps,
            throw=False,
        )
        ok = sol.result == diffrax.RESULTS.successful
        return sol.ys, ok, sol.stats["num_steps"], b

    axes = type(schedule)(edges=None, values=0)  # edges are shared by everyone
    return jax.vmap(one, in_axes=(0, axes))(params, schedule)


def _check_grid_solver(solver) -> None:
    tableau = getattr(solver, "tableau", None)
    if (
        not isinstance(solver, diffrax.AbstractERK)
        or tableau is None
        or tableau.b_error is None
        or not tableau.fsal
        or not tableau.ssal
    ):
        raise ValueError(
            f"SolverSettings: the step grid needs an explicit Runge-Kutta solver with an "
            f"embedded error estimate (Tsit5, Dopri5, Bosh3), got {type(solver).__name__}; "
            f"pass grid=None to use it with the adaptive controller"
        )


def _chunk_size(n: int, max_size: int, n_dev: int) -> int:
    """People per compiled call: a power of two up to 512, then a multiple of 512.

    Few distinct sizes keep the number of compiled programs small, and sizing the chunks to
    the batch (10,000 people: two chunks of 5,120, not 8,192 + 8,192) wastes little on padding.
    """
    n_chunks = -(-n // max_size)
    per = -(-n // n_chunks)
    size = 1 << max(per - 1, 0).bit_length() if per <= 512 else -(-per // 512) * 512
    return -(-max(size, n_dev) // n_dev) * n_dev  # whole rows per device


def _mesh(settings: SolverSettings):
    devices = jax.devices()
    n = len(devices) if settings.devices is None else max(1, min(settings.devices, len(devices)))
    if n == 1:
        return None
    return jax.sharding.Mesh(np.asarray(devices[:n]), ("person",))


def simulate(
    people: Parameters | list[Parameters],
    protocol: Protocol,
    *,
    settings: SolverSettings | None = None,
    names: list[str] | None = None,
    action: AbstractInsulinAction | None = None,
) -> xr.Dataset:
    """Simulate a protocol for one or many people.

    Parameters
    ----------
    people : Parameters or list of Parameters
        One person, a list of people, or a population with a leading ``person`` axis.
    protocol : Protocol
        What is done to them (see :mod:`insulinsim.protocols`).
    settings : SolverSettings, optional
        Solver and tolerances.
    names : list of str, optional
        A label per person (default ``p0, p1, ...``).
    action : AbstractInsulinAction, optional
        How insulin acts on the tissues: :class:`~insulinsim.model.Phenomenological`
        (default, the published meal model) or :class:`~insulinsim.model.Mechanistic`
        (receptor binding, trafficking and signalling per tissue).

    Returns
    -------
    xarray.Dataset
        Dimensions ``person`` x ``time`` (min); one variable per concentration and organ flux
        with ``units`` and ``long_name`` attributes; per-person ``status`` ("ok" or the failure
        with its time), ``n_steps`` and basal values.

    Examples
    --------
    >>> from insulinsim import person, protocols, simulate
    >>> ds = simulate(person("healthy"), protocols.ogtt())
    >>> float(ds.glucose.sel(time=120.0).item()) < 140.0
    True
    """
    settings = settings or SolverSettings()
    action = Phenomenological() if action is None else action
    if not isinstance(action, AbstractInsulinAction):
        raise TypeError(
            f"action must be an insulin-action option such as Phenomenological() or "
            f"Mechanistic(), got {type(action).__name__}"
        )
    enable_compilation_cache()
    pop = stack_people(people)
    n = int(np.shape(pop.body.BW)[0])
    names = list(names) if names is not None else [f"p{i}" for i in range(n)]
    if len(names) != n:
        raise ValueError(f"names has {len(names)} entries for {n} people")
    ts = jnp.asarray(protocol.times(), dtype=jnp.float64)
    jump_ts = jnp.asarray(protocol.breakpoints() or (float(ts[-1]),), dtype=jnp.float64)
    schedule = build_schedule(protocol, np.asarray(pop.body.BW), np.asarray(pop.body.height))

    mesh = _mesh(settings)
    n_dev = 1 if mesh is None else mesh.size
    if settings.grid is not None:
        _check_grid_solver(settings.solver)
        grid = _make_grid(np.asarray(ts), np.asarray(schedule.edges), settings.grid)

    # people the grid's error check sends back are solved by Tsit5 under the PID controller
    adaptive_solver = settings.solver if settings.grid is None else diffrax.Tsit5()

    def solve(rows, adaptive):
        rows = np.asarray(rows)
        size = _chunk_size(len(rows), settings.chunk_size, n_dev)
        idx = np.concatenate([rows, np.full(-len(rows) % size, rows[0])])
        out = None
        for start in range(0, len(idx), size):
            sel = idx[start : start + size]
            take = lambda x, i=sel: np.asarray(x)[i]  # noqa: E731
            chunk_pop = jax.tree.map(take, pop)
            chunk_values = jax.tree.map(take, schedule.values)
            if mesh is not None:
                person = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec("person"))
                chunk_pop, chunk_values = jax.device_put((chunk_pop, chunk_values), person)
            chunk_schedule = eqx.tree_at(lambda s: s.values, schedule, chunk_values)
            if adaptive:
                res = _solve_chunk(
                    chunk_pop,
                    chunk_schedule,
                    ts,
                    jump_ts,
                    (adaptive_solver, settings.max_steps),
                    settings.rtol,
                    settings.atol,
                    settings.dt0,
                    action,
                )
            else:
                g = settings.grid
                ys, err_max, basal = _solve_chunk_grid(
                    chunk_pop, chunk_schedule, ts, grid, settings.solver, g.rtol, g.atol, action
                )
                steps = jnp.full(err_max.shape, grid.h.shape[0])
                res = (ys, err_max <= 1.0, steps, basal)
            keep = min(size, len(rows) - start)
            if out is None:  # one host buffer per output, filled chunk by chunk
                out = jax.tree.map(
                    lambda x: np.empty((len(rows), *np.shape(x)[1:]), np.asarray(x).dtype), res
                )
            for dst, src in zip(jax.tree.leaves(out), jax.tree.leaves(res), strict=True):
                dst[start : start + keep] = np.asarray(src)[:keep]
        return out

    ys, ok, steps, basal = solve(np.arange(n), adaptive=settings.grid is None)
    if settings.grid is not None and not ok.all():
        # the grid was too coarse for these people: solve them again adaptively
        redo = np.flatnonzero(~ok)
        r_ys, r_ok, r_steps, r_basal = solve(redo, adaptive=True)
        for full, part in ((ys, r_ys), (basal, r_basal)):
            for a, b in zip(jax.tree.leaves(full), jax.tree.leaves(part), strict=True):
                a[redo] = b
        ok[redo], steps[redo] = r_ok, r_steps
    return _to_dataset(ys, ok, steps, basal, np.asarray(ts), protocol, names)


def _to_dataset(ys, ok, steps, basal, ts, protocol, names) -> xr.Dataset:
    data = {}
    for field, (name, unit, desc) in FLUX_META.items():
        if getattr(ys, field) is None:  # an output of the other insulin-action option
            continue
        data[name] = xr.Variable(
            ("person", "time"), getattr(ys, field), {"units": unit, "long_name": desc}
        )
    glucose = ys.glucose_mg_dl
    status = []
    for i in range(len(names)):
        if ok[i] and np.all(np.isfinite(glucose[i])):
            status.append("ok")
        else:
            bad = np.flatnonzero(~np.isfinite(glucose[i]))
            t_fail = ts[bad[0]] if bad.size else ts[-1]
            status.append(f"failed: solver stopped before t = {t_fail:g} min")
    data["status"] = xr.Variable("person", np.array(status, dtype=object))
    data["n_steps"] = xr.Variable("person", steps, {"long_name": "accepted + rejected steps"})
    data["basal_glucose"] = xr.Variable("person", basal.G_b, {"units": "mg/dL"})
    data["basal_insulin"] = xr.Variable("person", basal.I_b, {"units": "pmol/L"})
    data["basal_egp"] = xr.Variable("person", basal.EGP_b, {"units": "mg/kg/min"})
    return xr.Dataset(
        data,
        coords={"person": ("person", names), "time": ("time", ts, {"units": "min"})},
        attrs={"protocol": protocol.name, "model": "insulinsim fast model"},
    )
