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
from insulinsim.model.reference import dallaman2007 as oracle  # noqa: E402
from insulinsim.parameters import parameter_info  # noqa: E402
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
    """One person by LSODA on the jitted JAX rhs, segment by segment between breakpoints."""
    p = jax.tree.map(lambda x: x[i], pop)
    b = basal_state(p)
    sched = build_schedule(proto, p.body.BW, p.body.height)
    args = FastArgs(params=p, basal=b, schedule=sched)
    y0, unravel = ravel_pytree(initial_state(p, b))
    f = jax.jit(lambda t, x: ravel_pytree(rhs(t, unravel(x), args))[0])
    f(0.0, y0).block_until_ready()
    fun = lambda t, x: np.asarray(f(t, x))  # noqa: E731
    ts = np.asarray(proto.times())
    y = np.asarray(y0)
    for a, e in itertools.pairwise(np.asarray(sched.edges)):
        mid = ts[(ts > a) & (ts <= e)]
        sol = solve_ivp(
            fun, (a, e), y, method="LSODA", rtol=rtol, atol=atol, t_eval=np.union1d(mid, [e])
        )
        y = sol.y[:, -1]


def scipy_numpy_day(proto, rtol=1e-6, atol=1e-6):
    """One healthy person by LSODA on the plain-NumPy meal-model oracle (no JAX in the loop).

    ``insulinsim.model.reference.dallaman2007`` is the same meal model without glucagon,
    exercise and insulin therapy (inactive on a standard day except glucagon): the classic
    SciPy implementation a user would write, as the fair baseline.
    """
    p = {i.name: i.value for i in parameter_info("healthy").values()}
    b = oracle.basal(p)
    x = np.zeros(len(oracle.STATE))
    for k, v in (
        ("G_p", "G_pb"),
        ("G_t", "G_tb"),
        ("I_l", "I_lb"),
        ("I_p", "I_pb"),
        ("I_po", "I_pob"),
        ("I_1", "I_b"),
        ("I_d", "I_b"),
    ):
        x[oracle.STATE.index(k)] = b[v]
    ts = np.asarray(proto.times())
    edges = sorted({0.0, *proto.breakpoints(), proto.t_end_min})
    for a, e in itertools.pairwise(edges):
        meal = [ev for ev in proto.events if ev.time_min <= a]
        eating = [ev for ev in meal if a < ev.end_min]
        rate = sum(ev.carbs_g * 1000.0 / ev.duration_min for ev in eating)
        dose = meal[-1].carbs_g * 1000.0 if meal else 0.0
        mid = ts[(ts > a) & (ts <= e)]
        sol = solve_ivp(
            oracle.rhs,
            (a, e),
            x,
            method="LSODA",
            rtol=rtol,
            atol=atol,
            t_eval=np.union1d(mid, [e]),
            args=(p, b, rate, dose),
        )
        x = sol.y[:, -1]


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
        "default (Bosh3 step grid), 1 device": SolverSettings(devices=1),
        f"default (Bosh3 step grid), {len(jax.devices())} devices": SolverSettings(),
        "adaptive Tsit5 rtol=atol=1e-6 (old default)": SolverSettings.adaptive(devices=1),
    }
    ref_settings = SolverSettings.adaptive(rtol=1e-10, atol=1e-10, dt0=0.1)
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

    # SciPy LSODA baselines, per person, in the same process
    n_sp = 3 if cli.quick else 5
    for i in range(n_sp):  # warm-up compiles every person's rhs once
        scipy_day(pop, i, proto)
    sp_jax = statistics.median(timed(lambda i=i: scipy_day(pop, i, proto), 1) for i in range(n_sp))
    sp_np = timed(lambda: scipy_numpy_day(proto), n_sp)
    print(f"\nSciPy solve_ivp LSODA rtol=atol=1e-6, one person at a time (median of {n_sp}):")
    print(f"  on the plain-NumPy meal-model oracle: {sp_np * 1e3:8.1f} ms/person-day")
    print(f"  on the jitted JAX rhs (a call per step): {sp_jax * 1e3:8.1f} ms/person-day")
    best_name, best = max(
        ((k[0], v) for k, v in results.items() if k[1] == max(n_sizes) and "old" not in k[0]),
        key=lambda kv: kv[1],
    )
    single = max(v for k, v in results.items() if k[1] == 1 and "old" not in k[0])
    print(
        f"\nbest batched setting at N={max(n_sizes)} ({best_name}): {best:.0f} person-days/s ="
        f" {best * sp_np / days:.0f}x the NumPy LSODA baseline per person-day"
        f" ({best * sp_jax / days:.0f}x the JAX-rhs LSODA baseline)"
    )
    print(
        f"single person-day (N=1, warm, whole simulate() call, best setting): "
        f"{1e3 * days / single:.1f} ms"
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
