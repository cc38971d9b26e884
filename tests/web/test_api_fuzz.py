"""Property-based fuzzing of the explorer's API from its OpenAPI schema (schemathesis):
valid and invalid requests alike never get a 5xx, and every 4xx carries a message.

The request layer (validation, bounds, error messages, assessment) runs for real; the four
simulations are replaced by stubs that record their arguments, because each new step size
compiles a new program (minutes) and each valid years request simulates 2 x 40 years. The real
simulations are exercised by test_api.py and test_browser.py.

The counts of requests and status codes are written to the terminal (``-s``) at the end.
"""

from __future__ import annotations

import collections
import warnings

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from insulinsim.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    import fastapi.testclient  # noqa: F401  (schemathesis's ASGI transport imports it)

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)
SEEN: collections.Counter = collections.Counter()
EXAMPLES = 40


@pytest.fixture(scope="module", autouse=True)
def _summary():
    from insulinsim.web import _sim

    mp = pytest.MonkeyPatch()
    mp.setattr(_sim, "day_view", lambda people, protocol: {"people": list(people)})
    mp.setattr(_sim, "receptor_view", lambda *a: {"args": list(a)})

    def record(*a):
        return {"args": [list(x) if isinstance(x, tuple) else x for x in a]}

    mp.setattr(_sim, "years_view", record)
    mp.setattr(_sim, "person_view", record)
    yield
    mp.undo()
    total = sum(SEEN.values())
    print(f"\nAPI fuzzing: {total} requests; status codes: {dict(sorted(SEEN.items()))}")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case):
    response = case.call(timeout=60)
    code = response.status_code
    SEEN[f"{case.method} {case.path} {code}"] += 1
    assert code < 500, (case.body, response.text)
    if 400 <= code < 500:
        detail = response.json()["detail"]
        assert isinstance(detail, dict) and detail["message"], response.text
