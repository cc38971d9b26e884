"""Where the chunks run: a Dask cluster on this machine by default, or an existing one.

``--scheduler tcp://HOST:PORT`` connects to a running ``dask scheduler`` whose workers have the
same insulinsim installed. Workers only compute: each returns its chunk's tables to this process,
which writes them (so the workers need no access to ``--out``).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator

from insulinsim.errors import InputError, check_range

__all__ = ["check_address", "default_workers", "open_client"]

_ADDRESS = re.compile(r"^(tcp|tls)://[^\s:/]+:\d{1,5}$")
CONNECT_TIMEOUT_S = 10


def default_workers() -> int:
    """One single-threaded worker process per core, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


def check_address(scheduler: str) -> str:
    """Refuse a scheduler address that is not ``tcp://HOST:PORT`` (or ``tls://``)."""
    if not isinstance(scheduler, str) or not _ADDRESS.match(scheduler):
        raise InputError(
            "--scheduler",
            scheduler,
            "an address tcp://HOST:PORT (or tls://HOST:PORT)",
            "give the address `dask scheduler` printed, or omit --scheduler for a local cluster",
        )
    return scheduler


@contextlib.contextmanager
def open_client(scheduler: str | None = None, workers: int | None = None) -> Iterator:
    """A ``distributed.Client``: to ``scheduler`` if given, else to a new local cluster.

    The local cluster has ``workers`` single-threaded worker processes, each under a nanny
    that restarts it if it dies (its running chunk is then computed again elsewhere).

    Raises
    ------
    InputError
        A malformed or unreachable scheduler address, or a worker count out of range.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        check_address(scheduler)
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as e:
            raise InputError(
                "--scheduler",
                scheduler,
                f"a Dask scheduler reachable within {CONNECT_TIMEOUT_S} s",
                f"{type(e).__name__}: is `dask scheduler` running there, and the port open? "
                "Omit --scheduler to use a local cluster",
            ) from None
        try:
            if not client.scheduler_info().get("workers"):
                client.wait_for_workers(1, timeout=60)
            yield client
        finally:
            client.close()
        return

    n = (
        default_workers()
        if workers is None
        else int(check_range("--workers", workers, 1, 256, "workers"))
    )
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
