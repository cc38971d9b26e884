"""``insulinsim serve``: the offline web explorer (registered on the shared Typer app)."""

from __future__ import annotations
