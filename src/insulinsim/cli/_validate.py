"""``insulinsim`` commands: validate (registered on the shared Typer app)."""

from __future__ import annotations
