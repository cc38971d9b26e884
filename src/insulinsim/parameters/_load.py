"""Load parameter sets and named person presets from the data files.

Data layout (``insulinsim/data``):

- ``params/<group>.toml``: one table per parameter with ``value``, ``unit``, ``description``,
  ``source`` (a key of ``references.bib``), ``locator`` (where in the source), ``obtained``
  (measured | fitted | derived | assumed | calibrated), optional ``record`` (an id of the shared
  validation reference set) and ``note`` (how it was derived). These are the ``healthy`` values.
- ``presets/<name>.toml``: a ``[preset]`` table (``description``, ``inherits``) and overrides as
  ``[<group>.<name>]`` tables in the same format, each with its own source.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import tomllib
from collections.abc import Mapping
from importlib import resources

import jax.numpy as jnp

from insulinsim.errors import InputError
from insulinsim.parameters._types import Parameters, group_fields

__all__ = [
    "EVIDENCE",
    "OBTAINED",
    "PRESETS",
    "ParamInfo",
    "bibliography",
    "cite",
    "parameter_info",
    "person",
    "preset_description",
]

PRESETS: tuple[str, ...] = ("healthy", "insulin_resistant", "igt", "t2d", "t1d")
OBTAINED = frozenset({"measured", "fitted", "derived", "assumed", "calibrated"})
# strength of the evidence behind an effect size (optional ``evidence`` key of an entry)
EVIDENCE = frozenset({"trial", "observational", "experimental", "mechanistic", "claim"})
_REQUIRED = ("value", "unit", "source", "locator", "obtained")


@dataclasses.dataclass(frozen=True)
class ParamInfo:
    """One parameter value with its provenance."""

    group: str
    name: str
    value: float
    unit: str
    description: str
    source: str
    locator: str
    obtained: str
    record: str | None = None
    note: str | None = None
    evidence: str | None = None

    @property
    def key(self) -> str:
        return f"{self.group}.{self.name}"


def _data_dir():
    return resources.files("insulinsim") / "data"


def _entry(group: str, name: str, table: Mapping, where: str, defaults=None) -> ParamInfo:
    missing = [k for k in _REQUIRED if k not in table]
    if missing:
        raise ValueError(f"{where}: parameter {group}.{name} lacks {missing}")
    if table.get("evidence") is not None and table["evidence"] not in EVIDENCE:
        raise ValueError(f"{where}: {group}.{name}.evidence must be one of {sorted(EVIDENCE)}")
    if table["obtained"] not in OBTAINED:
        raise ValueError(f"{where}: {group}.{name}.obtained must be one of {sorted(OBTAINED)}")
    description = table.get("description") or (defaults.description if defaults else "")
    return ParamInfo(
        group=group,
        name=name,
        value=float(table["value"]),
        unit=str(table["unit"]),
        description=description,
        source=str(table["source"]),
        locator=str(table["locator"]),
        obtained=str(table["obtained"]),
        record=table.get("record"),
        note=table.get("note"),
        evidence=table.get("evidence"),
    )


@functools.cache
def _defaults() -> dict[str, ParamInfo]:
    out: dict[str, ParamInfo] = {}
    for group, (_, names) in group_fields().items():
        path = _data_dir() / "params" / f"{group}.toml"
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        extra = set(table) - set(names)
        lacking = set(names) - set(table)
        if extra or lacking:
            raise ValueError(f"{path}: unexpected {sorted(extra)}, missing {sorted(lacking)}")
        for name in names:
            out[f"{group}.{name}"] = _entry(group, name, table[name], str(path))
    return out


@functools.cache
def _preset_table(name: str) -> dict:
    if name not in PRESETS:
        raise InputError("preset", name, "one of " + ", ".join(PRESETS))
    path = _data_dir() / "presets" / f"{name}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@functools.cache
def _preset_infos(name: str) -> dict[str, ParamInfo]:
    table = dict(_preset_table(name))
    meta = table.pop("preset")
    parent = meta.get("inherits")
    infos = dict(_preset_infos(parent)) if parent else dict(_defaults())
    where = f"presets/{name}.toml"
    for group, entries in table.items():
        for pname, entry in entries.items():
            key = f"{group}.{pname}"
            if key not in infos:
                raise ValueError(f"{where}: unknown parameter {key}")
            info = _entry(group, pname, entry, where, infos[key])
            if info.unit != infos[key].unit:
                raise ValueError(f"{where}: {key} unit {info.unit!r} != {infos[key].unit!r}")
            infos[key] = info
    return infos


def preset_description(name: str) -> str:
    """The one-paragraph description of a named preset."""
    return _preset_table(name)["preset"]["description"]


def parameter_info(preset: str = "healthy") -> dict[str, ParamInfo]:
    """Every parameter of a preset with value, unit, source and derivation, by ``group.name``."""
    return dict(_preset_infos(preset))


def person(preset: str = "healthy", overrides: Mapping[str, float] | None = None) -> Parameters:
    """Build the parameters of a named preset, optionally with some values replaced.

    Parameters
    ----------
    preset : str
        One of :data:`PRESETS`.
    overrides : mapping of ``"group.name"`` to float, optional
        Replacement values in the parameter's own unit (see :func:`parameter_info`). Each must
        be finite and within [0, 100 x the preset's value] (or [0, 1] for fractions), so that a
        typo in the exponent is refused rather than simulated.

    Raises
    ------
    InputError
        Unknown preset or parameter name, or a value out of range.
    """
    infos = _preset_infos(preset)
    values = {k: v.value for k, v in infos.items()}
    for key, raw in (overrides or {}).items():
        if key not in infos:
            close = [k for k in infos if k.split(".")[-1] == key.split(".")[-1]]
            hint = f"did you mean {close[0]}?" if close else "see `insulinsim params` for names"
            raise InputError("--set", key, "a parameter name as group.name", hint)
        info = infos[key]
        hi = 1.0 if info.unit in ("dimensionless", "fraction") else 100.0 * abs(info.value)
        hi = max(hi, 1e-12)
        try:
            v = float(raw)
        except (TypeError, ValueError):
            v = math.nan
        if not (math.isfinite(v) and 0.0 <= v <= hi):
            raise InputError(
                f"--set {key}",
                raw,
                f"[0, {hi:g}] {info.unit}",
                f"the {preset} value is {info.value:g} {info.unit}",
            )
        values[key] = v
    groups = {}
    for group, (cls, names) in group_fields().items():
        groups[group] = cls(**{n: jnp.asarray(values[f"{group}.{n}"]) for n in names})
    return Parameters(**groups)


@functools.cache
def bibliography() -> dict[str, str]:
    """Map each key of ``references.bib`` to its BibTeX entry text."""
    text = (_data_dir() / "references.bib").read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"@\w+\{([^,]+),", text):
        start = m.start()
        end = text.find("\n@", start + 1)
        out[m.group(1).strip()] = text[start : end if end > 0 else len(text)].strip()
    return out


def cite(preset: str = "healthy") -> list[str]:
    """The bibliography keys behind a preset's parameters (sorted, unique)."""
    return sorted({info.source for info in _preset_infos(preset).values()})
