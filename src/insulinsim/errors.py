"""The one error type for bad user input, with one message format.

Every refusal names the field, the value given, the allowed range with its unit, and the fix,
so that a command-line user sees a one-line message and a programme can inspect the fields.
"""

from __future__ import annotations

__all__ = ["InputError", "check_range"]


class InputError(ValueError):
    """Bad input: a value outside its allowed range, an unknown name or a missing unit.

    Attributes
    ----------
    field : str
        Where the value came from (``"ogtt.glucose_g"``, ``"--set"``, ``"preset"``...).
    value : object
        The offending value, as given.
    allowed : str
        The allowed range or the allowed names, with the unit.
    fix : str
        What to do instead.
    """

    def __init__(self, field: str, value: object, allowed: str, fix: str = "") -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.fix = fix
        msg = f"{field}: got {value!r}; allowed: {allowed}"
        if fix:
            msg += f". {fix[:1].upper()}{fix[1:]}"
        super().__init__(msg)


def check_range(
    field: str, value: float, low: float, high: float, unit: str, *, fix: str = ""
) -> float:
    """Return ``float(value)`` if ``low <= value <= high`` (and finite), else raise InputError."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(field, value, f"a number in [{low:g}, {high:g}] {unit}", fix) from None
    if not (low <= v <= high):  # also rejects NaN
        raise InputError(field, value, f"[{low:g}, {high:g}] {unit}", fix)
    return v
