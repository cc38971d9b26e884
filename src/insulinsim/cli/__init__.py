"""The ``insulinsim`` command line (front end): a thin layer over the public API."""

from insulinsim.cli._app import app, main

__all__ = ["app", "main"]
