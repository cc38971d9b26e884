"""A worker killed mid-run loses and duplicates no one.

A local Dask cluster of two single-threaded worker processes, each under a nanny, runs a small
cohort; as soon as the first chunk is written, the process of a worker that is computing
another chunk is killed (SIGKILL). The scheduler gives its chunk to a surviving or restarted
worker (or the run submits it again); every person must then be in the output exactly once,
with every step.
"""

from __future__ import annotations

import os
import signal
import time

import pandas as pd
import pytest

from insulinsim.cohort import CohortSpec, run_cohort, simulate_chunk

# the compiled program of test_run.py (64 people per chunk, 0.5 years in 90-day steps)
SPEC = CohortSpec(n=320, years=0.5, seed=21, step_days=90.0, chunk_size=64)  # 5 chunks


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    # compile here once (shared with test_run.py): the workers then load the program from the
    # persistent compilation cache instead of both compiling it on the same cores
    simulate_chunk(SPEC.to_json(), 0)
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=50,
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def _kill_a_busy_worker(client, pids: dict[str, int]) -> int | None:
    busy = [w for w, keys in client.processing().items() if keys and w in pids]
    if not busy:
        return None
    os.kill(pids[busy[0]], signal.SIGKILL)
    return pids[busy[0]]


def _dead(pid: int, wait_s: float = 10.0) -> bool:
    end = time.monotonic() + wait_s
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a killed child of the nanny stays a zombie until reaped
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split()[2] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.1)
    return False


def test_worker_killed_mid_run_loses_and_duplicates_no_one(client, tmp_path):
    killed = []
    pids = client.run(os.getpid)

    def on_chunk(p):
        if p.chunks_done >= 1 and not killed:
            pid = _kill_a_busy_worker(client, pids)
            if pid is not None:
                killed.append(pid)

    summary = run_cohort(tmp_path / "c", SPEC, client=client, on_chunk=on_chunk)
    assert killed, "no worker was busy when the first chunk finished: nothing was killed"
    assert _dead(killed[0])
    people = pd.read_parquet(tmp_path / "c" / "people")
    traj = pd.read_parquet(tmp_path / "c" / "trajectory")
    assert sorted(people["person"]) == list(range(SPEC.n))
    steps = int(SPEC.years * 365.25 / SPEC.step_days) + 1
    counts = traj.groupby("person").size()
    assert counts.index.tolist() == list(range(SPEC.n))
    assert counts.eq(steps).all()
    assert not traj.duplicated(["person", "time"]).any()
    assert summary["computed"] == SPEC.n_chunks
