"""The ``insulinsim`` command line (front end): a thin layer over the public API.

Each group of commands lives in its own module and registers itself on the shared Typer
``app`` of :mod:`insulinsim.cli._app` when imported here.
"""

from insulinsim.cli import _assess, _cohort, _serve, _validate  # noqa: F401  (register commands)
from insulinsim.cli._app import app, main

__all__ = ["app", "main"]
