"""Benchmark of cohort runs: person-years per second against N and the number of workers.

Compiles the chunk program once in this process (compile time reported apart), times one chunk
in this process as the baseline, then runs cohorts of each N on local Dask clusters of each
worker count. Each cluster's workers are warmed first (they load the program from the
persistent compilation cache), so the timings are of simulation, Parquet writing and Dask
overhead, not of compilation. Prints throughput, its ratio to the baseline, and the projected
time of 10,000 people x 10 years at the best rate. No assertions: timings depend on the
machine and its load (printed).

    python benchmarks/bench_cohort.py [--n 512 1024] [--workers 1 2] [--years 2]
                                      [--chunk 256] [--step-days 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from insulinsim.cohort import CohortSpec, open_client, run_cohort, simulate_chunk


def _warm(spec_json: str) -> float:
    t = time.perf_counter()
    simulate_chunk(spec_json, 0)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="+", default=[512, 1024])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--years", type=float, default=2.0)
    ap.add_argument("--chunk", type=int, default=256)
    ap.add_argument("--step-days", type=float, default=30.0)
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")

    def spec(n: int) -> CohortSpec:
        return CohortSpec(
            n=n, years=args.years, seed=1, step_days=args.step_days, chunk_size=args.chunk
        )

    one = spec(args.chunk)
    t = time.perf_counter()
    simulate_chunk(one.to_json(), 0)
    print(f"compile + first chunk in this process: {time.perf_counter() - t:.1f} s")
    tmp = Path(tempfile.mkdtemp(prefix="bench_cohort_"))
    try:
        r = run_cohort(tmp / "baseline", one, workers=0)
        base = r["person_years_per_s"]
        print(
            f"baseline: one chunk of {args.chunk} in this process, {args.years:g} years, "
            f"step {args.step_days:g} d: {r['seconds']:.1f} s, {base:.1f} person-years/s"
        )
        best = base
        print(f"{'N':>7} {'workers':>7} {'seconds':>8} {'person-years/s':>15} {'x baseline':>10}")
        for w in args.workers:
            with open_client(workers=w) as client:
                warm = client.run(_warm, one.to_json())
                print(f"  {w} worker(s) warmed: {', '.join(f'{v:.0f} s' for v in warm.values())}")
                for n in args.n:
                    out = tmp / f"n{n}_w{w}"
                    r = run_cohort(out, spec(n), client=client)
                    rate = r["person_years_per_s"]
                    best = max(best, rate)
                    print(f"{n:>7} {w:>7} {r['seconds']:>8.1f} {rate:>15.1f} {rate / base:>10.2f}")
                    shutil.rmtree(out)
        print(
            f"projected 10,000 people x 10 years at {best:.0f} person-years/s: "
            f"{1e5 / best / 60:.1f} min"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
