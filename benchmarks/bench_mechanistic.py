"""Cost of the mechanistic insulin action against the phenomenological one (same process).

Run: ``python benchmarks/bench_mechanistic.py [N]`` (default N = 256 people, one standard day).
Prints person-days per second of each option after compilation and their ratio; the issue's
target is a ratio of at most 5.
"""

from __future__ import annotations

import sys
import time

import equinox as eqx
import numpy as np

from insulinsim import person, protocols, simulate
from insulinsim.model import Mechanistic, Phenomenological
from insulinsim.solve import stack_people


def _population(n: int, seed: int = 0):
    """n healthy people with V_mx spread by a lognormal(0, 0.2), so the batch is not uniform."""
    rng = np.random.default_rng(seed)
    base = stack_people([person("healthy")] * n)
    v_mx = base.glucose.V_mx * rng.lognormal(0.0, 0.2, size=n)
    return eqx.tree_at(lambda p: p.glucose.V_mx, base, v_mx)


def main(n: int = 256) -> None:
    pop = _population(n)
    day = protocols.standard_day()
    rates = {}
    for option in (Phenomenological(), Mechanistic()):
        simulate(pop, day, action=option)  # compile
        t0 = time.perf_counter()
        ds = simulate(pop, day, action=option)
        dt = time.perf_counter() - t0
        ok = int((ds.status.values == "ok").sum())
        rates[type(option).__name__] = n / dt
        print(
            f"{type(option).__name__:>16}: {n} people x 1 day in {dt:.2f} s "
            f"= {n / dt:,.0f} person-days/s ({ok}/{n} ok)"
        )
    ratio = rates["Phenomenological"] / rates["Mechanistic"]
    print(f"mechanistic / phenomenological cost ratio: {ratio:.2f}x (target <= 5x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 256)
