"""Throughput and accuracy of the fast model's batched solver, with a SciPy LSODA baseline.

Run ``python benchmarks/bench_fast.py`` (``--quick`` for a short run). Compile and run time
are reported apart; run times are medians of several repeats (the machine is shared).
The process asks for ``--devices`` host CPU devices (default: one per core) before JAX starts,
so the sharded path is measured beside the single-device one.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="fewer people and repeats")
parser.add_argument("--seed", type=int, default=0, help="seed of the population")
parser.add_argument(
    "--devices",
    type=int,
    default=os.cpu_count() or 1,
    help="host CPU devices to create (default: one per core)",
)
cli = parser.parse_args()

import jax  # noqa: E402

# the device count must be set before the backend starts
jax.config.update("jax_num_cpu_devices", cli.devices)

import equinox as eqx  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from jax.flatten_util import ravel_pytree  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

import insulinsim  # noqa: E402
from insulinsim import protocols  # noqa: E402
from insulinsim.model import FastArgs, basal_state, initial_state, rhs  # noqa: E402
from insulinsim.protocols import build_schedule  # noqa: E402
from insulinsim.solve import SolverSettings, simulate, stack_people  # noqa: E402

SIGMA = 0.25  # lognormal spread of V_mx, k_p3 and beta


def population(n: int, seed: int):
    """``n`` healthy people with V_mx, k_p3 and beta scaled by lognormal(0, SIGMA) factors."""
    rng = np.random.default_rng(seed)
    pop = jax.tree.map(lambda x: jnp.repeat(x, n, axis=0), stack_people(insulinsim.person()))
    f = jnp.asarray(np.exp(SIGMA * rng.standard_normal((3, n))))
    return eqx.tree_at(
        lambda p: (p.glucose.V_mx, p.liver.k_p3, p.pancreas.beta),
        pop,
        (pop.glucose.V_mx * f[0], pop.liver.k_p3 * f[1], pop.pancreas.beta * f[2]),
    )


def take(pop, n):
    return jax.tree.map(lambda x: x[:n], pop)


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def scipy_day(pop, i, proto, rtol=1e-6, atol=1e-6):
    """One person by LSODA, segment by segment between breakpoints; returns glucose on ts."""
    p = jax.tree.map(lambda x: x[i], pop)
    b = basal_state(p)
    sched = build_schedule(proto, p.body.BW, p.body.height)
    args = FastArgs(params=p, basal=b, schedule=sched)
    y0, unravel = ravel_pytree(initial_state(p, b))
    f = jax.jit(lambda t, x: ravel_pytree(rhs(t, unravel(x), args))[0])
    f(0.0, y0).block_until_ready()
    fun = lambda t, x: np.asarray(f(t, x))  # noqa: E731
    ts = np.asarray(proto.times())
    edges = np.asarray(sched.edges)
    y = np.asarray(y0)
    n_out = 0
    for a, e in itertools.pairwise(edges):
        mid = ts[(ts > a) & (ts <= e)]
        sol = solve_ivp(
            fun, (a, e), y, method="LSODA", rtol=rtol, atol=atol, t_eval=np.union1d(mid, [e])
        )
        y = sol.y[:, -1]
        n_out += mid.size
    return n_out


def main():
    n_sizes = [1, 100, 1000] if cli.quick else [1, 100, 10_000]
    repeats = 3 if cli.quick else 5
    proto = protocols.standard_day()
    days = proto.t_end_min / 1440.0
    pop = population(max(n_sizes), cli.seed)

    print("machine: ", platform.machine(), f"{os.cpu_count()} cores,", platform.processor() or "")
    print(f"jax {jax.__version__}, scipy {scipy.__version__}, devices: {jax.devices()}")
    print(
        f"protocol: standard_day ({days:g} day, {len(proto.times())} outputs), population:"
        f" healthy x lognormal(0, {SIGMA}) on V_mx, k_p3, beta, seed {cli.seed}"
    )
    cache = insulinsim.solve.enable_compilation_cache()
    print(f"compilation cache: {cache}\n")

    configs = {
        "default (grid, Tsit5), 1 device": SolverSettings(devices=1),
        f"default (grid, Tsit5), {len(jax.devices())} devices": SolverSettings(),
        "adaptive Tsit5 rtol=atol=1e-6 (old default)": SolverSettings(grid=None, devices=1),
    }
    ref_settings = SolverSettings(grid=None, rtol=1e-10, atol=1e-10, dt0=0.1)
    n_acc = 100 if cli.quick else 1000
    ref = simulate(take(pop, n_acc), proto, settings=ref_settings).glucose.values

    print(
        f"{'settings':46s} {'N':>6s} {'compile+1st s':>13s} {'run s':>9s} "
        f"{'person-days/s':>14s} {'ms/person-day':>13s}"
    )
    results = {}
    for name, s in configs.items():
        for n in n_sizes:
            if "old" in name and n > 1000 and not cli.quick:
                n_run = 1000  # the old default is too slow for 10,000 in a benchmark
            else:
                n_run = n
            sub = take(pop, n_run)
            t = time.perf_counter()
            simulate(sub, proto, settings=s)
            first = time.perf_counter() - t
            run = timed(lambda sub=sub, s=s: simulate(sub, proto, settings=s), repeats)
            rate = n_run * days / run
            results[(name, n)] = rate
            print(
                f"{name:46s} {n_run:6d} {first:13.2f} {run:9.4f} {rate:14.0f} {1e3 / rate:13.3f}",
                flush=True,
            )

    # SciPy LSODA baseline: same model, same rhs jitted for one person, per person
    n_sp = 3 if cli.quick else 5
    for i in range(n_sp):  # warm-up compiles every person's rhs once
        scipy_day(pop, i, proto)
    sp = statistics.median(timed(lambda i=i: scipy_day(pop, i, proto), 1) for i in range(n_sp))
    print(
        f"\nSciPy solve_ivp LSODA rtol=atol=1e-6 per person, median of {n_sp}: "
        f"{sp * 1e3:.1f} ms/person-day = {days / sp:.1f} person-days/s"
    )
    best = max(results[k] for k in results if k[1] == max(n_sizes) and "old" not in k[0])
    print(
        f"speed-up of the best batched setting at N={max(n_sizes)} over LSODA: "
        f"{best * sp / days:.0f}x per person-day"
    )

    print(
        f"\naccuracy: max |glucose - reference| (mg/dL), {n_acc} people, reference adaptive "
        "Tsit5 rtol=atol=1e-10"
    )
    for name, s in list(configs.items())[1:]:
        g = simulate(take(pop, n_acc), proto, settings=s).glucose.values
        print(f"  {name:46s} {np.abs(g - ref).max():.2e}")
    for pname, pr in [("ogtt", protocols.ogtt()), ("clamp", protocols.clamp())]:
        r = simulate(take(pop, n_acc), pr, settings=ref_settings).glucose.values
        g = simulate(take(pop, n_acc), pr).glucose.values
        print(f"  default settings, {pname:37s} {np.abs(g - r).max():.2e}")


if __name__ == "__main__":
    main()
