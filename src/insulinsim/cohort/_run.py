"""Run a cohort: chunks on Dask (or in this process), results streamed to Parquet, resumable.

Memory stays bounded whatever N is: at most ``2 x workers`` chunks are in flight, and each
finished chunk is written and dropped before the next is collected. A chunk whose task fails or
whose worker dies is submitted again (up to ``retries`` times); since a chunk is computed from
the spec alone and written under its own name, no person is lost or written twice.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

from insulinsim.cohort._simulate import CohortSpec, simulate_chunk
from insulinsim.cohort._store import CohortStore
from insulinsim.errors import InputError

__all__ = ["CohortProgress", "run_cohort"]


@dataclasses.dataclass(frozen=True)
class CohortProgress:
    """What a progress callback sees after each finished chunk."""

    people_done: int
    people_total: int
    chunks_done: int
    chunks_total: int
    person_years_per_s: float
    chunk: int
    resubmitted: int


def run_cohort(
    out: str | Path,
    spec: CohortSpec,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    retries: int = 3,
    on_chunk: Callable[[CohortProgress], None] | None = None,
    client=None,
) -> dict:
    """Simulate the cohort ``spec`` into the folder ``out`` (resuming an earlier run there).

    Parameters
    ----------
    out : path
        The cohort folder (see :mod:`insulinsim.cohort._store` for its layout).
    spec : CohortSpec
    scheduler : str, optional
        ``tcp://HOST:PORT`` of an existing Dask scheduler.
    workers : int, optional
        Worker processes of the local cluster (default: one per core, at most 8); ``0`` runs
        the chunks one by one in this process, without Dask.
    retries : int
        How many times a failed chunk is submitted again before the run stops.
    on_chunk : callable, optional
        Called with a :class:`CohortProgress` after each chunk is written (and once at the
        start with the chunks already done).
    client : distributed.Client, optional
        Use this client (and its cluster) instead of opening one.

    Returns
    -------
    dict
        ``chunks`` (total), ``computed`` (this run), ``resumed`` (already done),
        ``resubmitted``, ``seconds``, ``person_years_per_s``.

    Raises
    ------
    InputError
        A folder holding another cohort, a full disk, an unreachable scheduler.
    """
    store = CohortStore(out)
    # a bad folder or a full disk is refused before a cluster starts
    resuming = store.check(spec)
    pending = not resuming or len(store.done(spec, verify=True)) < spec.n_chunks
    use_dask = pending and not (workers == 0 and scheduler is None and client is None)
    if client is not None:
        ctx = contextlib.nullcontext(client)
    elif use_dask:
        from insulinsim.cohort._dask import open_client

        ctx = open_client(scheduler, workers)
    else:
        ctx = contextlib.nullcontext(None)
    with ctx as c:
        resumed = store.open(spec)
        done = store.done(spec)
        todo = [k for k in range(spec.n_chunks) if k not in done]
        n_done_people = sum(hi - lo for lo, hi in map(spec.chunk_bounds, done))
        if resumed and todo:
            store.check_space(spec, spec.n - n_done_people)
        state = {"people": n_done_people, "chunks": len(done), "resub": 0, "py": 0.0}
        t0 = time.perf_counter()

        def report(k: int):
            if on_chunk is None:
                return
            dt = max(time.perf_counter() - t0, 1e-9)
            on_chunk(
                CohortProgress(
                    people_done=state["people"],
                    people_total=spec.n,
                    chunks_done=state["chunks"],
                    chunks_total=spec.n_chunks,
                    person_years_per_s=state["py"] / dt,
                    chunk=k,
                    resubmitted=state["resub"],
                )
            )

        def written(k: int, people, traj):
            store.write_chunk(spec, k, people, traj)
            lo, hi = spec.chunk_bounds(k)
            state["people"] += hi - lo
            state["chunks"] += 1
            state["py"] += (hi - lo) * spec.years
            report(k)

        report(-1)
        spec_json = spec.to_json()
        if todo and c is None:
            for k in todo:
                written(k, *simulate_chunk(spec_json, k))
        elif todo:
            _run_dask(c, spec, spec_json, todo, retries, written, state)
    seconds = time.perf_counter() - t0
    summary = {
        "chunks": spec.n_chunks,
        "computed": len(todo),
        "resumed": len(done),
        "resubmitted": state["resub"],
        "seconds": seconds,
        "person_years_per_s": state["py"] / seconds if seconds > 0 else 0.0,
    }
    missing = set(range(spec.n_chunks)) - store.done(spec)
    if missing:  # cannot happen unless parts were deleted during the run
        raise RuntimeError(f"cohort incomplete: chunks {sorted(missing)[:10]} have no part")
    store.finish(spec, extra={"last_run": summary})
    return summary


def _run_dask(client, spec: CohortSpec, spec_json: str, todo, retries, written, state):
    from distributed import as_completed

    n_workers = max(
        1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
    )
    window = 2 * n_workers
    queue = list(todo)
    attempts: dict[int, int] = {}
    digest = spec.digest()

    def submit(k):
        attempts[k] = attempts.get(k, 0) + 1
        fut = client.submit(
            simulate_chunk,
            spec_json,
            k,
            key=f"insulinsim-cohort-{digest}-{k:06d}-{attempts[k]}",
            retries=1,
        )
        futures[fut] = k
        return fut

    futures: dict = {}
    ac = as_completed([submit(queue.pop(0)) for _ in range(min(window, len(queue)))])
    for fut in ac:
        k = futures.pop(fut)
        try:
            people, traj = fut.result()
        except InputError:  # deterministic: the same chunk would fail again
            raise
        except Exception:
            if attempts[k] > retries:
                raise
            state["resub"] += 1
            ac.add(submit(k))
            continue
        finally:
            fut.release()
        written(k, people, traj)
        del people, traj
        if queue:
            ac.add(submit(queue.pop(0)))
