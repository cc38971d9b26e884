"""Fixtures of the explorer tests: the app, an in-process client and a live server.

The live server is uvicorn in a background thread on a free loopback port; the simulations
are compiled (or loaded from the persistent compilation cache) once per session before the
first test that needs them, so each test afterwards runs on warm programs.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings

import pytest

from insulinsim.web import create_app

# starlette's TestClient warns that it wraps httpx; the warning is about the test tool
_TESTCLIENT_WARNING = "ignore:Using `httpx` with `starlette.testclient`"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def web_app():
    return create_app()


@pytest.fixture(scope="session")
def client(web_app):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    with TestClient(web_app) as c:
        yield c


@pytest.fixture(scope="session")
def warm():
    """Compile every program of the explorer once (timed, so slow starts are visible)."""
    from insulinsim.web import _sim

    t0 = time.perf_counter()
    _sim.warm_up(lambda msg: None)
    return time.perf_counter() - t0


@pytest.fixture(scope="session")
def live_server(warm):
    """The explorer on a free loopback port, served by uvicorn in a background thread."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="explorer-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30.0
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the explorer's test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10.0)
