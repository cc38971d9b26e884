"""Test configuration shared by the whole suite.

- float64 everywhere, strict dtype promotion and rank promotion raising (STYLE.md: tests run
  with strict dtype and rank promotion); warnings are errors (pyproject ``filterwarnings``).
- Shared simulations live in ``tests/_sims.py`` (cached per process) and are exposed here as
  session fixtures. Each distinct protocol structure / batch size / solver setting compiles a
  new program, so the suite keeps them few.
- Under pytest-xdist (``-n 2``) the default ``load`` distribution would make every worker
  compile every shared program. Tests that use a shared simulation carry an ``xdist_group``
  mark (added below from the fixtures they request), and the default distribution is switched
  to ``loadgroup`` so each group runs on one worker. An explicit ``--dist`` other than ``load``
  is left alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_numpy_dtype_promotion", "strict")
jax.config.update("jax_numpy_rank_promotion", "raise")

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))

import _sims  # noqa: E402

# fixture name -> xdist group: tests sharing a compiled program run on the same worker
_GROUPS = {
    "sim_ogtt": "ogtt",
    "sim_meal78": "meal",
    "sim_meal91": "meal",
    "sim_day": "day",
    "sim_day_tight": "day",
    "sim_ogtt_tight": "ogtt",
    "sim_fasting": "fasting",
}


def pytest_configure(config: pytest.Config) -> None:
    if getattr(config.option, "numprocesses", None) and config.getoption("dist") == "load":
        config.option.dist = "loadgroup"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        groups = sorted({_GROUPS[f] for f in getattr(item, "fixturenames", ()) if f in _GROUPS})
        if groups:
            item.add_marker(pytest.mark.xdist_group(groups[0]))


@pytest.fixture(scope="session")
def reference() -> dict[str, dict]:
    """Published reference records by id (``shared/validation/reference.json``)."""
    return _sims.reference()


@pytest.fixture(scope="session")
def sim_ogtt():
    return _sims.ogtt()


@pytest.fixture(scope="session")
def sim_meal78():
    return _sims.meal(78.0)


@pytest.fixture(scope="session")
def sim_meal91():
    return _sims.meal(91.0)


@pytest.fixture(scope="session")
def sim_day():
    return _sims.day()


@pytest.fixture(scope="session")
def sim_day_tight():
    return _sims.day_tight()


@pytest.fixture(scope="session")
def sim_ogtt_tight():
    return _sims.ogtt_tight()


@pytest.fixture(scope="session")
def sim_fasting():
    return _sims.fasting()
