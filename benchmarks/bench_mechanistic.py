"""Cost of the mechanistic insulin action against the phenomenological one (same process).

Run: ``python benchmarks/bench_mechanistic.py [N]`` (default N = 256 people, one standard day).
Prints person-days per second of each option after compilation and their ratio; the issue's
target is a ratio of at most 5.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from insulinsim import person, protocols, simulate
from insulinsim.model import Mechanistic, Phenomenological
from insulinsim.solve import stack_people


def _population(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    base = stack_people([person("healthy")] * n)
    spread = lambda x: x * rng.lognormal(0.0, 0.2, size=x.shape)  # noqa: E731
    return base.__class__(
        **{
            **base.__dict__,
            "glucose": base.glucose.__class__(
                **{**base.glucose.__dict__, "V_mx": spread(base.glucose.V_mx)}
            ),
        }
    )


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
