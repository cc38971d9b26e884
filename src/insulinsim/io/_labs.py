"""Read a person's laboratory results into one validated object in the internal units.

Three sources give the same :class:`LabResults`:

- :func:`read_labs_csv`: a *tidy* CSV, one value per row::

      subject_id,time_min,analyte,value,unit
      p1,0,glucose,5.4,mmol/L
      p1,,hba1c,5.6,%

  or a *wide* CSV, one sample time per row, units in the column names::

      subject_id,time_min,glucose [mmol/L],insulin [uU/mL],hba1c [%],sex
      p1,0,5.4,9,5.6,female
      p1,30,8.1,62,,

  A header with an ``analyte`` column is tidy, any other wide. Lines starting with ``#`` are
  comments.
- :func:`read_fhir`: a FHIR R4 ``Bundle`` of ``Observation`` (and ``Patient``) resources, or a
  single ``Observation``; analytes by LOINC code, units by UCUM code.
- :func:`labs_from_flags`: value-with-unit strings from the command line (``"5.4 mmol/L"``).

Every analyte, accepted unit, conversion factor, LOINC code and plausible range is declared once
in ``data/labs.toml`` with its source; values are converted to the internal units here, at the
edge (glucose mg/dL, insulin and C-peptide pmol/L, HbA1c % NGSP, lipids mg/dL, lengths cm,
pressures mmHg, weight kg, age years, SHBG and testosterone nmol/L). A reader returns every
subject or raises :class:`LabDataError` naming the file and line (or the FHIR entry), the field,
the value and the allowed range with its unit, and the fix: nothing is ever half-read.

Conventions
-----------
- Glucose, insulin and C-peptide are *timed*: each value has a sample time in minutes after the
  fasting sample, which is time 0. A fasting value alone is a one-sample series at 0 min. The
  fasting sample is required for each timed analyte given (the indices need it).
- Tidy rows may come in any order; wide rows of one subject must have strictly increasing
  ``time_min``. A repeated (subject, time, analyte) is refused in both, as is a second value of a
  per-person analyte, except that wide files may repeat the same per-person value on each row.
- FHIR sample times are the minutes from the subject's earliest glucose draw (from their
  earliest timed draw when there is no glucose), taken from ``effectiveDateTime``
  (``effectiveInstant`` or ``effectivePeriod.start``); times without a zone are read as UTC. A
  LOINC code that names a time (fasting, 1 h or 2 h after 75 g) supplies the time when the
  Observation has none, and is checked against it (within 15 min) when it has one.
  ``Patient.birthDate`` gives the age in completed years on the date of the first draw (or of the
  earliest Observation); ``Patient.gender`` gives the sex (``other`` and ``unknown`` leave it
  unset). Observations with status ``entered-in-error`` or ``cancelled`` are skipped, and so
  are those whose LOINC codes are not in ``labs.toml`` unless ``strict=True``. Blood-pressure
  panels (85354-9) are read through their systolic and diastolic components.

References
----------
LOINC (``loinc``), UCUM (``ucum``), HL7 FHIR R4 (``hl7_fhir_r4``); conversion factors as cited in
``data/labs.toml`` (``iupac_glucose``, ``knopp2019``, ``cpeptide_molar_mass``, ``hoelzel2004``,
``haney2007``, ``testosterone_molar_mass``).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from insulinsim import units as _units
from insulinsim._files import write_atomically
from insulinsim.errors import InputError

__all__ = [
    "LAB_ANALYTES",
    "LabDataError",
    "LabResults",
    "labs_from_flags",
    "read_fhir",
    "read_labs_csv",
    "write_labs_csv",
]

_LOINC_SYSTEM = "http://loinc.org"
_UCUM_SYSTEM = "http://unitsofmeasure.org"
_SKIPPED_STATUS = frozenset({"entered-in-error", "cancelled"})
_CODE_TIME_TOLERANCE_MIN = 15.0  # OGTT protocols allow a few minutes either side of a sample
_TIMED = ("glucose", "insulin", "cpeptide")


class LabDataError(InputError):
    """Lab results that cannot be read: a malformed file, an unknown analyte or unit, an
    implausible value, a duplicate, a missing fasting sample or out-of-order times.

    An :class:`~insulinsim.errors.InputError` whose ``field`` names where the problem is
    (``"labs.csv line 7, insulin"``, ``"bundle.json entry[3] Observation/ins-30"``).
    """


# --- the table ------------------------------------------------------------------------------------


def _norm_unit(text: str) -> str:
    return str(text).strip().replace(" ", "").replace("µ", "u").replace("μ", "u").lower()


def _norm_name(text: str) -> str:
    return str(text).strip().lower().replace(" ", "_")


@dataclass(frozen=True)
class _Unit:
    code: str
    factor: float | None
    convert: Callable[[float], float] | None

    def to_internal(self, v: float) -> float:
        if self.factor is not None:
            return v * self.factor
        assert self.convert is not None
        return float(self.convert(v))


@dataclass(frozen=True)
class _Analyte:
    name: str
    field: str
    unit: str
    timed: bool
    category: tuple[str, ...]
    low: float
    high: float
    units: Mapping[str, _Unit]  # normalised spelling -> unit
    spellings: tuple[str, ...]  # accepted unit strings as written in labs.toml
    loinc: Mapping[str, float | None]  # code -> sample time it names (min) or None

    def accepted_units(self) -> str:
        return ", ".join(self.spellings)

    def allowed(self, unit: _Unit | None = None) -> str:
        text = f"[{self.low:g}, {self.high:g}] {self.unit}"
        if unit is not None and unit.factor not in (None, 1.0):
            text += f" = [{self.low / unit.factor:.4g}, {self.high / unit.factor:.4g}] {unit.code}"
        return text


@functools.cache
def _table() -> dict[str, Any]:
    path = resources.files("insulinsim") / "data" / "labs.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@functools.cache
def _analytes() -> dict[str, _Analyte]:
    out = {}
    for name, entry in _table()["analytes"].items():
        units: dict[str, _Unit] = {}
        spellings: list[str] = []
        for code, u in entry.get("units", {}).items():
            convert = getattr(_units, u["convert"]) if "convert" in u else None
            factor = _named_factor(name, code, u)
            unit = _Unit(code, factor, convert)
            for spelling in (code, *u.get("aliases", ())):
                units[_norm_unit(spelling)] = unit
                spellings.append(spelling)
        low, high = entry["range"]["value"] if "range" in entry else (math.nan, math.nan)
        loinc = {code: c.get("time_min") for code, c in entry.get("loinc", {}).items()}
        out[name] = _Analyte(
            name=name,
            field=entry["field"],
            unit=entry["unit"],
            timed=bool(entry["timed"]),
            category=tuple(entry.get("category", ())),
            low=float(low),
            high=float(high),
            units=units,
            spellings=tuple(spellings),
            loinc=loinc,
        )
    return out


def _named_factor(analyte: str, code: str, entry: Mapping[str, Any]) -> float | None:
    """The factor of a unit; where units.py names the constant, that constant (one number)."""
    if "convert" in entry:
        return None
    named = {
        ("glucose", "mmol/L"): _units.MG_DL_PER_MMOL_L_GLUCOSE,
        ("insulin", "u[IU]/mL"): _units.PMOL_L_PER_UU_ML_INSULIN,
    }
    value = float(entry["value"])
    if (analyte, code) in named and named[analyte, code] != value:
        raise RuntimeError(f"labs.toml {analyte} {code} = {value} disagrees with units.py")
    return named.get((analyte, code), value)


@functools.cache
def _names() -> dict[str, str]:
    """Normalised analyte name or alias -> analyte."""
    out = {}
    for name, entry in _table()["analytes"].items():
        for spelling in (name, *entry.get("aliases", ())):
            out[_norm_name(spelling)] = name
    return out


@functools.cache
def _loinc() -> dict[str, str]:
    return {code: a.name for a in _analytes().values() for code in a.loinc}


@functools.cache
def _time_range() -> tuple[float, float]:
    low, high = _table()["time"]["range"]["value"]
    return float(low), float(high)


LAB_ANALYTES: tuple[str, ...] = tuple(_table()["analytes"])
"""Analyte names accepted in files and flags (aliases are listed in ``data/labs.toml``)."""


def _analyte(name: str, where: str) -> _Analyte:
    key = _names().get(_norm_name(name))
    if key is None:
        raise LabDataError(
            where,
            name,
            "one of " + ", ".join(LAB_ANALYTES),
            "use an analyte name of data/labs.toml",
        )
    return _analytes()[key]


# --- the validated result -------------------------------------------------------------------------


Series = tuple[float | None, ...]


class LabResults(BaseModel):
    """One person's lab results in the internal units, checked against ``data/labs.toml``.

    Glucose, insulin and C-peptide share the sample times ``times_min`` (0 = fasting); an entry
    is ``None`` where that analyte was not measured at that time. All other fields hold one
    value per person; ``None`` means not given.

    Parameters
    ----------
    subject_id : str
        Identifier of the person, as in the source.
    age_years : float, optional
        Age at the test, completed years.
    sex : {"male", "female"}, optional
    height_cm, weight_kg, waist_cm : float, optional
        Height (cm), body weight (kg), waist circumference (cm).
    sbp_mmhg, dbp_mmhg : float, optional
        Systolic and diastolic blood pressure, mmHg.
    hba1c_percent : float, optional
        HbA1c, % (NGSP).
    tg_mg_dl, hdl_mg_dl : float, optional
        Fasting triglycerides and HDL cholesterol, mg/dL.
    shbg_nmol_l, testosterone_nmol_l : float, optional
        Sex-hormone-binding globulin and total testosterone, nmol/L.
    times_min : tuple of float
        Sample times, min, strictly increasing from 0 (the fasting sample); empty if no glucose,
        insulin or C-peptide was given.
    glucose_mg_dl : tuple of float or None, optional
        Plasma glucose at ``times_min``, mg/dL.
    insulin_pmol_l, cpeptide_pmol_l : tuple of float or None, optional
        Plasma insulin and C-peptide at ``times_min``, pmol/L.

    Examples
    --------
    >>> lab = LabResults(subject_id="p1", times_min=(0.0, 120.0), glucose_mg_dl=(95.0, 150.0))
    >>> lab.fasting_glucose_mg_dl
    95.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject_id: str
    age_years: float | None = None
    sex: Literal["male", "female"] | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    waist_cm: float | None = None
    sbp_mmhg: float | None = None
    dbp_mmhg: float | None = None
    hba1c_percent: float | None = None
    tg_mg_dl: float | None = None
    hdl_mg_dl: float | None = None
    shbg_nmol_l: float | None = None
    testosterone_nmol_l: float | None = None
    times_min: tuple[float, ...] = ()
    glucose_mg_dl: Series | None = None
    insulin_pmol_l: Series | None = None
    cpeptide_pmol_l: Series | None = None

    @model_validator(mode="after")
    def _check(self) -> LabResults:
        if not self.subject_id.strip():
            raise LabDataError("subject_id", self.subject_id, "a non-empty identifier")
        for a in _analytes().values():
            if a.timed or a.category:
                continue
            v = getattr(self, a.field)
            if v is not None and not (a.low <= v <= a.high):
                raise LabDataError(a.field, v, a.allowed(), "check the value and its unit")
        if self.sbp_mmhg is not None and self.dbp_mmhg is not None:
            if self.dbp_mmhg >= self.sbp_mmhg:
                raise LabDataError(
                    "dbp_mmhg",
                    self.dbp_mmhg,
                    f"below the systolic pressure {self.sbp_mmhg:g} mmHg",
                    "check that systolic and diastolic are not swapped",
                )
        self._check_series()
        return self

    def _check_series(self) -> None:
        t = self.times_min
        low, high = _time_range()
        if any(not (low <= x <= high) for x in t):
            raise LabDataError("times_min", t, f"times in [{low:g}, {high:g}] min")
        if any(b <= a for a, b in itertools.pairwise(t)):
            raise LabDataError(
                "times_min", t, "strictly increasing times, min", "sort and de-duplicate the times"
            )
        given = {n: getattr(self, _analytes()[n].field) for n in _TIMED}
        given = {n: s for n, s in given.items() if s is not None}
        if t and not given:
            raise LabDataError("times_min", t, "no times without glucose, insulin or C-peptide")
        if given and (not t or t[0] != 0.0):
            raise LabDataError(
                "times_min",
                t,
                "times starting at 0 min (the fasting sample)",
                "add the fasting (0 min) sample",
            )
        for name, s in given.items():
            a = _analytes()[name]
            if len(s) != len(t):
                raise LabDataError(a.field, f"{len(s)} values", f"{len(t)} values, one per time")
            if s[0] is None:
                raise LabDataError(
                    a.field,
                    "no value at 0 min",
                    f"a fasting (0 min) {name} value",
                    f"add the fasting {name} sample, or leave {name} out",
                )
            for x, v in zip(t, s, strict=True):
                if v is not None and not (a.low <= v <= a.high):
                    raise LabDataError(
                        f"{a.field} at {x:g} min", v, a.allowed(), "check the value and its unit"
                    )
        for i, x in enumerate(t):
            if all(s[i] is None for s in given.values()):
                raise LabDataError("times_min", x, "times with at least one value")

    # --- convenience ---

    def _fasting(self, series: Series | None) -> float | None:
        return series[0] if series else None

    @property
    def fasting_glucose_mg_dl(self) -> float | None:
        """Fasting (0 min) plasma glucose, mg/dL, or None."""
        return self._fasting(self.glucose_mg_dl)

    @property
    def fasting_insulin_pmol_l(self) -> float | None:
        """Fasting (0 min) plasma insulin, pmol/L, or None."""
        return self._fasting(self.insulin_pmol_l)

    @property
    def fasting_cpeptide_pmol_l(self) -> float | None:
        """Fasting (0 min) plasma C-peptide, pmol/L, or None."""
        return self._fasting(self.cpeptide_pmol_l)

    def series(self, analyte: Literal["glucose", "insulin", "cpeptide"]):
        """Sample times (min) and values (internal unit) where ``analyte`` was measured.

        Returns
        -------
        (ndarray, ndarray)
            Float64 arrays of equal length, empty if the analyte was not given.
        """
        if analyte not in _TIMED:
            raise LabDataError("series.analyte", analyte, "one of " + ", ".join(_TIMED))
        s = getattr(self, _analytes()[analyte].field) or ()
        pairs = [(x, v) for x, v in zip(self.times_min, s, strict=False) if v is not None]
        return (
            np.array([x for x, _ in pairs], dtype=np.float64),
            np.array([v for _, v in pairs], dtype=np.float64),
        )


# --- collecting values from any source ------------------------------------------------------------


@dataclass
class _Value:
    value: float | str
    where: str


class _Collector:
    """Values of one source by subject; refuses duplicates; builds all subjects or none."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.timed: dict[str, dict[tuple[str, float], _Value]] = {}
        self.single: dict[str, dict[str, _Value]] = {}
        self.first_where: dict[str, str] = {}

    def _subject(self, sid: str, where: str) -> None:
        if sid not in self.first_where:
            self.first_where[sid] = where
            self.timed[sid] = {}
            self.single[sid] = {}

    def add_timed(self, sid: str, a: _Analyte, t: float, v: float, where: str) -> None:
        self._subject(sid, where)
        key = (a.name, t)
        if key in self.timed[sid]:
            raise LabDataError(
                f"{where}, {a.name}",
                v,
                f"one {a.name} value per subject and time (subject {sid!r}, {t:g} min)",
                f"remove the duplicate of {self.timed[sid][key].where}",
            )
        self.timed[sid][key] = _Value(v, where)

    def add_single(
        self, sid: str, a: _Analyte, v: float | str, where: str, *, same_ok: bool = False
    ) -> None:
        self._subject(sid, where)
        old = self.single[sid].get(a.name)
        if old is not None:
            if same_ok and old.value == v:
                return
            raise LabDataError(
                f"{where}, {a.name}",
                v,
                f"one {a.name} value per subject (subject {sid!r} has {old.value!r})",
                f"remove the duplicate of {old.where}",
            )
        self.single[sid][a.name] = _Value(v, where)

    def build(self) -> dict[str, LabResults]:
        if not self.first_where:
            raise LabDataError(self.source, "no values", "at least one lab value")
        out = {}
        for sid in self.first_where:
            fields: dict[str, Any] = {}
            for name, val in self.single[sid].items():
                fields[_analytes()[name].field] = val.value
            timed = self.timed[sid]
            times = sorted({t for _, t in timed})
            if times:
                fields["times_min"] = tuple(times)
                for name in _TIMED:
                    s = tuple(timed[name, t].value if (name, t) in timed else None for t in times)
                    if any(v is not None for v in s):
                        fields[_analytes()[name].field] = s
            out[sid] = _make(f"{self.source}, subject {sid!r}", subject_id=sid, **fields)
        return out


def _make(where: str, **fields: Any) -> LabResults:
    """Build a LabResults, turning a validation failure into a LabDataError naming ``where``."""
    try:
        return LabResults(**fields)
    except ValidationError as e:
        err = e.errors()[0]
        inner = err.get("ctx", {}).get("error")
        if isinstance(inner, InputError):
            raise LabDataError(
                f"{where}, {inner.field}", inner.value, inner.allowed, inner.fix
            ) from None
        loc = ".".join(str(x) for x in err.get("loc", ()))
        raise LabDataError(f"{where}, {loc}", err.get("input"), err.get("msg", "")) from None


# --- values and units -----------------------------------------------------------------------------


def _number(text: Any, where: str) -> float:
    if isinstance(text, bool):
        v = math.nan
    else:
        try:
            v = float(str(text).strip())
        except ValueError:
            v = math.nan
    if not math.isfinite(v):
        raise LabDataError(
            where, text, "a finite number", "write the number with a decimal point and no unit"
        )
    return v


def _lookup_unit(a: _Analyte, unit_text: str, where: str) -> _Unit:
    if not str(unit_text).strip():
        raise LabDataError(
            f"{where}, unit",
            unit_text,
            f"a unit for {a.name}: {a.accepted_units()}",
            f"give the unit of {a.name}",
        )
    unit = a.units.get(_norm_unit(unit_text))
    if unit is None:
        raise LabDataError(
            f"{where}, unit",
            unit_text,
            f"a unit for {a.name}: {a.accepted_units()}",
            "convert the value to one of these units",
        )
    return unit


def _checked(a: _Analyte, v: float, unit: _Unit, given: str, where: str) -> float:
    x = unit.to_internal(v)
    if not (a.low <= x <= a.high):
        shown = given if unit.factor == 1.0 else f"{given} (= {x:.6g} {a.unit})"
        raise LabDataError(
            f"{where}, {a.name}", shown, a.allowed(unit), "check the value and its unit"
        )
    return x


def _convert(a: _Analyte, value_text: Any, unit_text: str, where: str) -> float:
    v = _number(value_text, f"{where}, {a.name} value")
    unit = _lookup_unit(a, unit_text, where)
    return _checked(a, v, unit, f"{value_text} {unit_text}".strip(), where)


def _sex(text: Any, where: str) -> str:
    s = str(text).strip().lower()
    out = {"male": "male", "m": "male", "female": "female", "f": "female"}.get(s)
    if out is None:
        raise LabDataError(f"{where}, sex", text, "male or female (or M, F)")
    return out


def _time(text: Any, where: str) -> float:
    t = _number(text, f"{where}, time_min")
    low, high = _time_range()
    if not (low <= t <= high):
        raise LabDataError(
            f"{where}, time_min",
            text,
            f"[{low:g}, {high:g}] min after the fasting sample",
            "give sample times in minutes, the fasting sample at 0",
        )
    return t


# --- CSV ------------------------------------------------------------------------------------------

_TIDY = ("subject_id", "time_min", "analyte", "value", "unit")
_COLUMN = re.compile(r"^(?P<name>[^\[\]]+?)\s*(?:\[(?P<unit>.*)\])?\s*$")


def _csv_rows(path: Path) -> Iterable[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabDataError("labs file", str(path), "an existing CSV file") from None
    except UnicodeDecodeError:
        raise LabDataError(path.name, "undecodable bytes", "UTF-8 text") from None
    # blank out comment lines, keeping the line numbers of the others
    lines = ["" if ln.lstrip().startswith("#") else ln for ln in text.splitlines()]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, [cell.strip() for cell in row]
    except csv.Error as e:
        raise LabDataError(f"{path.name} line {reader.line_num}", str(e), "valid CSV") from None


def read_labs_csv(path: str | os.PathLike) -> dict[str, LabResults]:
    """Read lab results from a tidy or wide CSV file (the layout is told by the header).

    Parameters
    ----------
    path : str or path-like
        A UTF-8 CSV file. Tidy: columns ``subject_id, time_min, analyte, value, unit``
        (``time_min`` empty for per-person analytes; it may be left out if there are none).
        Wide: ``subject_id``, ``time_min`` and one column per analyte named ``name [unit]``
        (``sex`` has no unit); per-person values on any row of the subject.

    Returns
    -------
    dict of str to LabResults
        One entry per subject, in order of first appearance, in the internal units.

    Raises
    ------
    LabDataError
        Naming the line and field: malformed file, unknown analyte or column, missing or
        unaccepted unit, implausible value, duplicate, non-increasing wide times, missing
        fasting sample.

    Examples
    --------
    >>> from importlib import resources
    >>> p = resources.files("insulinsim") / "data" / "examples" / "labs_tidy.csv"
    >>> labs = read_labs_csv(p)
    >>> round(labs["example-01"].fasting_glucose_mg_dl, 4)  # 5.6 mmol/L x 18.016
    100.8896
    """
    p = Path(path)
    rows = iter(_csv_rows(p))
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise LabDataError(p.name, "empty file", "a header row and data rows") from None
    names = [h.lower() for h in header]
    if "analyte" in names:
        return _read_tidy(p, header_line, names, rows)
    return _read_wide(p, header_line, header, rows)


def _check_width(p: Path, line: int, row: list[str], width: int) -> None:
    if len(row) != width:
        raise LabDataError(
            f"{p.name} line {line}",
            f"{len(row)} fields",
            f"{width} fields, as in the header",
            "check for a missing or extra comma",
        )


def _read_tidy(
    p: Path, header_line: int, names: list[str], rows: Iterable[tuple[int, list[str]]]
) -> dict[str, LabResults]:
    unknown = [n for n in names if n not in _TIDY]
    missing = [n for n in _TIDY if n not in names and n != "time_min"]
    if unknown or missing or len(set(names)) != len(names):
        raise LabDataError(
            f"{p.name} line {header_line}",
            ",".join(names),
            "the tidy header " + ",".join(_TIDY) + " (time_min may be left out)",
            "rename or remove the columns " + ", ".join(unknown + missing),
        )
    col = {n: i for i, n in enumerate(names)}
    out = _Collector(p.name)
    for line, row in rows:
        _check_width(p, line, row, len(names))
        where = f"{p.name} line {line}"
        sid = row[col["subject_id"]]
        if not sid:
            raise LabDataError(f"{where}, subject_id", sid, "a non-empty subject identifier")
        a = _analyte(row[col["analyte"]], f"{where}, analyte")
        t_text = row[col["time_min"]] if "time_min" in col else ""
        value, unit = row[col["value"]], row[col["unit"]]
        if a.timed:
            if not t_text:
                raise LabDataError(
                    f"{where}, time_min",
                    t_text,
                    f"the sample time of {a.name}, min",
                    "give time_min (0 for the fasting sample)",
                )
            out.add_timed(sid, a, _time(t_text, where), _convert(a, value, unit, where), where)
            continue
        if t_text:
            raise LabDataError(
                f"{where}, time_min",
                t_text,
                f"empty: {a.name} is one value per person",
                "leave time_min empty",
            )
        v = _sex(value, where) if a.category else _convert(a, value, unit, where)
        out.add_single(sid, a, v, where)
    return out.build()


def _read_wide(
    p: Path, header_line: int, header: list[str], rows: Iterable[tuple[int, list[str]]]
) -> dict[str, LabResults]:
    hwhere = f"{p.name} line {header_line}"
    if "subject_id" not in [_norm_name(h) for h in header]:
        raise LabDataError(
            hwhere,
            ",".join(header),
            "a tidy header (" + ",".join(_TIDY) + ") or a wide header with subject_id, "
            "time_min and 'analyte [unit]' columns",
            "add the subject_id column",
        )
    columns: list[tuple[_Analyte, _Unit | None] | str] = []
    seen: set[str] = set()
    for h in header:
        m = _COLUMN.match(h)
        key = _norm_name(m["name"]) if m else h
        if key in ("subject_id", "time_min") and (m is None or m["unit"] is None):
            if key in seen:
                raise LabDataError(f"{hwhere}, column {h!r}", h, f"one {key} column")
            columns.append(key)
            seen.add(key)
            continue
        if m is None:
            raise LabDataError(f"{hwhere}, column {h!r}", h, "a column named 'analyte [unit]'")
        a = _analyte(m["name"], f"{hwhere}, column {h!r}")
        if a.name in seen:
            raise LabDataError(f"{hwhere}, column {h!r}", h, f"one column for {a.name}")
        seen.add(a.name)
        if a.category:
            columns.append((a, None))
        elif m["unit"] is None:
            raise LabDataError(
                f"{hwhere}, column {h!r}",
                h,
                f"a unit in the column name, e.g. '{a.name} [{a.spellings[0]}]'; "
                f"accepted units: {a.accepted_units()}",
                "write the unit in brackets after the analyte name",
            )
        else:
            columns.append((a, _lookup_unit(a, m["unit"], f"{hwhere}, column {h!r}")))
    if any(isinstance(c, tuple) and c[0].timed for c in columns) and "time_min" not in seen:
        raise LabDataError(hwhere, ",".join(header), "a time_min column for timed analytes")
    out = _Collector(p.name)
    last_time: dict[str, tuple[float, str]] = {}
    for line, row in rows:
        _check_width(p, line, row, len(header))
        where = f"{p.name} line {line}"
        named = {c: v for c, v in zip(columns, row, strict=True) if isinstance(c, str)}
        sid = named.get("subject_id", "")
        if not sid:
            raise LabDataError(f"{where}, subject_id", sid, "a non-empty subject identifier")
        t_text = named.get("time_min", "")
        t = None
        if t_text:
            t = _time(t_text, where)
            if sid in last_time and t <= last_time[sid][0]:
                prev, prev_where = last_time[sid]
                raise LabDataError(
                    f"{where}, time_min",
                    t_text,
                    f"a time after {prev:g} min ({prev_where}); "
                    "rows of one subject in strictly increasing time",
                    "sort each subject's rows by time_min and remove repeated times",
                )
            last_time[sid] = (t, where)
        for c, h, text in zip(columns, header, row, strict=True):
            if isinstance(c, str) or not text:
                continue
            a, unit = c
            if a.category:
                out.add_single(sid, a, _sex(text, where), where, same_ok=True)
                continue
            assert unit is not None
            v = _checked(a, _number(text, f"{where}, {h}"), unit, f"{text} {unit.code}", where)
            if not a.timed:
                out.add_single(sid, a, v, where, same_ok=True)
            elif t is None:
                raise LabDataError(
                    f"{where}, time_min",
                    t_text,
                    f"the sample time of the {a.name} value",
                    "give time_min (0 for the fasting sample)",
                )
            else:
                out.add_timed(sid, a, t, v, where)
    return out.build()


def write_labs_csv(
    labs: Mapping[str, LabResults] | Iterable[LabResults],
    path: str | os.PathLike,
    *,
    wide: bool = False,
) -> Path:
    """Write lab results, in the internal units, as a tidy (default) or wide CSV.

    :func:`read_labs_csv` reads the file back to equal :class:`LabResults`. The file is written
    atomically (nothing is left behind if writing fails).

    Parameters
    ----------
    labs : mapping of str to LabResults, or iterable of LabResults
        As returned by the readers.
    path : str or path-like
        The CSV file to write.
    wide : bool
        One row per sample time with units in the column names, instead of one row per value.

    Returns
    -------
    Path
        The file written.
    """
    items = list(labs.values()) if isinstance(labs, Mapping) else list(labs)
    table = _wide_rows(items) if wide else _tidy_rows(items)

    def write(tmp: str) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(table)

    return write_atomically(Path(path), write)


def _text(v: float | str | None) -> str:
    if v is None:
        return ""
    return v if isinstance(v, str) else repr(float(v))


def _tidy_rows(items: list[LabResults]) -> list[list[str]]:
    rows = [list(_TIDY)]
    for lab in items:
        for i, t in enumerate(lab.times_min):
            for name in _TIMED:
                a = _analytes()[name]
                s = getattr(lab, a.field)
                if s is not None and s[i] is not None:
                    rows.append([lab.subject_id, _text(t), name, _text(s[i]), a.unit])
        for a in _analytes().values():
            v = None if a.timed else getattr(lab, a.field)
            if v is not None:
                rows.append([lab.subject_id, "", a.name, _text(v), a.unit])
    return rows


def _wide_rows(items: list[LabResults]) -> list[list[str]]:
    used = [
        a for a in _analytes().values() if any(getattr(lab, a.field) is not None for lab in items)
    ]
    header = ["subject_id", "time_min"] + [
        a.name if a.category else f"{a.name} [{a.unit}]" for a in used
    ]
    rows = [header]
    for lab in items:
        singles = [None if a.timed else getattr(lab, a.field) for a in used]
        if not lab.times_min:
            rows.append([lab.subject_id, ""] + [_text(v) for v in singles])
        for i, t in enumerate(lab.times_min):
            cells = []
            for a, single in zip(used, singles, strict=True):
                if a.timed:
                    s = getattr(lab, a.field)
                    cells.append("" if s is None else _text(s[i]))
                else:
                    cells.append(_text(single) if i == 0 else "")
            rows.append([lab.subject_id, _text(t), *cells])
    return rows


# --- FHIR -----------------------------------------------------------------------------------------


@dataclass
class _Timed:
    analyte: _Analyte
    value: float
    when: dt.datetime | None
    code_time: float | None
    where: str


def read_fhir(
    source: str | os.PathLike | Mapping[str, Any], *, strict: bool = False
) -> dict[str, LabResults]:
    """Read lab results from a FHIR R4 Bundle of Observations, or from one Observation.

    Parameters
    ----------
    source : str, path-like or mapping
        A JSON file, or the parsed resource. A ``Bundle`` (any type) whose entries are
        ``Observation`` and ``Patient`` resources (others are ignored), or one ``Observation``.
    strict : bool
        Refuse Observations whose LOINC codes are not in ``data/labs.toml`` instead of skipping
        them.

    Returns
    -------
    dict of str to LabResults
        One entry per subject (the id of ``subject.reference``, ``Patient/<id>``), in the
        internal units; sample times as described in the module docstring.

    Raises
    ------
    LabDataError
        Naming the entry (``entry[3] Observation/<id>``) and field.

    Examples
    --------
    >>> from importlib import resources
    >>> p = resources.files("insulinsim") / "data" / "examples" / "labs_fhir_bundle.json"
    >>> lab = read_fhir(p)["example-01"]
    >>> lab.times_min
    (0.0, 30.0, 60.0, 90.0, 120.0)
    """
    if isinstance(source, Mapping):
        name, resource = "FHIR resource", source
    else:
        p = Path(source)
        name = p.name
        try:
            resource = json.loads(p.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise LabDataError("FHIR file", str(source), "an existing JSON file") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise LabDataError(name, str(e), "a FHIR R4 resource in JSON") from None
    kind = resource.get("resourceType") if isinstance(resource, Mapping) else None
    if kind == "Bundle":
        entries = []
        for i, e in enumerate(resource.get("entry") or []):
            if not isinstance(e, Mapping) or not isinstance(e.get("resource"), Mapping):
                raise LabDataError(f"{name} entry[{i}]", e, "an entry with a resource")
            entries.append((f"{name} entry[{i}]", e.get("fullUrl"), e["resource"]))
    elif kind == "Observation":
        entries = [(name, None, resource)]
    else:
        raise LabDataError(f"{name}, resourceType", kind, "Bundle or Observation (FHIR R4 JSON)")
    patients: dict[str, Mapping[str, Any]] = {}
    for _, full_url, res in entries:
        if res.get("resourceType") == "Patient":
            if res.get("id"):
                patients[f"Patient/{res['id']}"] = res
            if full_url:
                patients[full_url] = res
    out = _Collector(name)
    timed: dict[str, list[_Timed]] = {}
    dates: dict[str, list[dt.date]] = {}
    ages: dict[str, tuple[float, str]] = {}
    for where, _, res in entries:
        if res.get("resourceType") != "Observation" or res.get("status") in _SKIPPED_STATUS:
            continue
        where = f"{where} Observation/{res.get('id', '?')}"
        items = _observation_items(res, where, strict)
        if not items:
            continue
        sid = _subject_id(res, patients, where)
        when = _effective(res, where)
        if when is not None:
            d = when.date() if isinstance(when, dt.datetime) else when
            dates.setdefault(sid, []).append(d)
        for a, code, qty, iwhere in items:
            v = _quantity(a, qty, iwhere)
            if a.timed:
                moment = when if isinstance(when, dt.datetime) else None
                timed.setdefault(sid, []).append(_Timed(a, v, moment, a.loinc[code], iwhere))
            else:
                out.add_single(sid, a, v, iwhere)
                if a.name == "age":
                    ages[sid] = (v, iwhere)
    # age is taken on the day of the test: the first glucose draw, else the earliest date
    test_day = {sid: min(d) for sid, d in dates.items()}
    for sid, obs in timed.items():
        anchor = _anchor(obs)
        if anchor is not None:
            test_day[sid] = anchor.date()
        for o in obs:
            out.add_timed(sid, o.analyte, _sample_time(o, anchor), o.value, o.where)
    _patient_fields(out, patients, test_day, ages)
    return out.build()


def _observation_items(
    res: Mapping[str, Any], where: str, strict: bool
) -> list[tuple[_Analyte, str, Any, str]]:
    """(analyte, LOINC code, valueQuantity, where) of the Observation and its components."""
    parts = [(res, where)] + [
        (c, f"{where}.component[{j}]")
        for j, c in enumerate(res.get("component") or [])
        if isinstance(c, Mapping)
    ]
    items = []
    for part, pwhere in parts:
        codes = [
            c.get("code")
            for c in (part.get("code") or {}).get("coding") or []
            if isinstance(c, Mapping) and c.get("system") == _LOINC_SYSTEM
        ]
        known = {c: _loinc()[c] for c in codes if c in _loinc()}
        if len(set(known.values())) > 1:
            raise LabDataError(
                f"{pwhere}, code", sorted(known), "LOINC codes of one analyte", "keep one code"
            )
        if known:
            # a code that names the sample time (fasting, 2 h) is the more specific one
            timed = [c for c in known if _analytes()[known[c]].loinc[c] is not None]
            code = (timed or list(known))[0]
            items.append((_analytes()[known[code]], code, part.get("valueQuantity"), pwhere))
    if strict and not items:
        raise LabDataError(
            f"{where}, code",
            [c.get("code") for c in (res.get("code") or {}).get("coding") or []],
            "a LOINC code of data/labs.toml: " + ", ".join(sorted(_loinc())),
            "remove the Observation or call read_fhir(..., strict=False) to skip it",
        )
    return items


def _subject_id(res: Mapping[str, Any], patients: Mapping[str, Any], where: str) -> str:
    ref = (res.get("subject") or {}).get("reference")
    if not ref or not isinstance(ref, str):
        raise LabDataError(f"{where}, subject.reference", ref, "a reference such as 'Patient/<id>'")
    patient = patients.get(ref)
    if patient is not None and patient.get("id"):
        return str(patient["id"])
    return ref.rsplit("/", 1)[-1].removeprefix("urn:uuid:")


def _effective(res: Mapping[str, Any], where: str) -> dt.datetime | dt.date | None:
    text = (
        res.get("effectiveDateTime")
        or res.get("effectiveInstant")
        or (res.get("effectivePeriod") or {}).get("start")
    )
    if text is None:
        return None
    try:
        if len(str(text)) <= 10:
            return dt.date.fromisoformat(str(text)) if len(str(text)) == 10 else None
        when = dt.datetime.fromisoformat(str(text))
    except ValueError:
        raise LabDataError(
            f"{where}, effectiveDateTime", text, "an ISO 8601 date-time (FHIR dateTime)"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _quantity(a: _Analyte, qty: Any, where: str) -> float:
    if not isinstance(qty, Mapping) or "value" not in qty:
        raise LabDataError(
            f"{where}, valueQuantity",
            qty,
            f"a valueQuantity with value and unit ({a.accepted_units()})",
            "give the result as a Quantity",
        )
    if qty.get("comparator"):
        raise LabDataError(
            f"{where}, valueQuantity.comparator",
            qty["comparator"],
            "no comparator (an exact result)",
            "give a number; censored results (below a detection limit) are not read",
        )
    value = qty["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LabDataError(f"{where}, valueQuantity.value", value, "a number")
    system = qty.get("system")
    unit = qty.get("code") if qty.get("code") and system in (None, _UCUM_SYSTEM) else None
    unit = unit or qty.get("unit") or ""
    return _checked(a, float(value), _lookup_unit(a, unit, where), f"{value} {unit}", where)


def _anchor(obs: list[_Timed]) -> dt.datetime | None:
    glucose = [o.when for o in obs if o.when is not None and o.analyte.name == "glucose"]
    anywhere = [o.when for o in obs if o.when is not None]
    return min(glucose or anywhere) if anywhere else None


def _sample_time(o: _Timed, anchor: dt.datetime | None) -> float:
    low, high = _time_range()
    if o.when is None or anchor is None:
        if o.code_time is None:
            raise LabDataError(
                f"{o.where}, effectiveDateTime",
                None,
                "a date-time with the time of day, or a LOINC code that names the sample time",
                "add effectiveDateTime to the Observation",
            )
        return o.code_time
    t = round((o.when - anchor).total_seconds() / 60.0, 6)
    if not (low <= t <= high):
        raise LabDataError(
            f"{o.where}, effectiveDateTime",
            o.when.isoformat(),
            f"a draw [{low:g}, {high:g}] min after the subject's first glucose draw "
            f"({anchor.isoformat()})",
            "give one subject's timed Observations from one test",
        )
    if o.code_time is not None and abs(t - o.code_time) > _CODE_TIME_TOLERANCE_MIN:
        raise LabDataError(
            f"{o.where}, effectiveDateTime",
            f"{t:g} min after the first glucose draw",
            f"{o.code_time:g} ± {_CODE_TIME_TOLERANCE_MIN:g} min, the time its LOINC code names",
            "check the draw time or the code",
        )
    return t


def _patient_fields(
    out: _Collector,
    patients: Mapping[str, Mapping[str, Any]],
    test_day: Mapping[str, dt.date],
    ages: Mapping[str, tuple[float, str]],
) -> None:
    a_age, a_sex = _analytes()["age"], _analytes()["sex"]
    for sid in list(out.first_where):
        patient = patients.get(f"Patient/{sid}") or next(
            (p for p in patients.values() if p.get("id") == sid), None
        )
        if patient is None:
            continue
        where = f"{out.source} Patient/{sid}"
        gender = patient.get("gender")
        if gender in ("male", "female"):
            out.add_single(sid, a_sex, gender, where, same_ok=True)
        birth = patient.get("birthDate")
        if not birth:
            continue
        try:
            born = dt.date.fromisoformat(str(birth))
        except ValueError:
            raise LabDataError(
                f"{where}, birthDate",
                birth,
                "a full date YYYY-MM-DD",
                "give the full birth date or an Age Observation (LOINC 30525-0)",
            ) from None
        on = test_day.get(sid)
        if on is None:
            raise LabDataError(
                f"{where}, birthDate",
                birth,
                "a birth date with dated Observations (age is taken on the test date)",
                "add effectiveDateTime to the Observations or give an Age Observation",
            )
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        if sid in ages:
            given, awhere = ages[sid]
            if abs(given - years) > 1.0:
                raise LabDataError(
                    f"{awhere}, age",
                    given,
                    f"{years} years (from birthDate {birth} on {on.isoformat()}) ± 1",
                    "correct the age or the birth date",
                )
            continue
        _checked(a_age, float(years), a_age.units["a"], f"{years} a", where)
        out.add_single(sid, a_age, float(years), where)


# --- command-line flags ---------------------------------------------------------------------------

_NUMBERS = re.compile(
    r"^\s*(?P<nums>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
    r"(?:\s*,\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)*)\s*(?P<unit>.*?)\s*$"
)


def labs_from_flags(
    *,
    subject_id: str = "cli",
    times_min: str | Sequence[float] | None = None,
    **values: str | None,
) -> LabResults:
    """Lab results from command-line values with units, e.g. ``glucose="5.4 mmol/L"``.

    Parameters
    ----------
    subject_id : str
        Identifier of the person.
    times_min : str or sequence of float, optional
        Sample times in minutes (``"0,30,60,90,120"``) for timed analytes given as a list of
        values; without it a timed analyte takes one value, the fasting (0 min) sample.
    **values : str or None
        Analyte name (or alias, see ``data/labs.toml``) to a value with its unit:
        ``"5.4 mmol/L"``, ``"5.6 %"``, ``"96 kg"``; a timed analyte may give one value per time,
        ``"5.1, 8.9, 9.4, 7.8, 6.5 mmol/L"``; ``sex="female"``. ``None`` or ``""`` is skipped. A
        bare number is accepted only where exactly one accepted unit makes it plausible
        (``"52"`` for age); where two do (``"96"`` kg or lb) it is refused.

    Returns
    -------
    LabResults
        In the internal units.

    Raises
    ------
    LabDataError
        Naming the flag (``--insulin``), the value and the allowed range or units.

    Examples
    --------
    >>> lab = labs_from_flags(glucose="5.4 mmol/L", insulin="9 uU/mL", hba1c="5.6 %")
    >>> round(lab.fasting_glucose_mg_dl, 4), lab.fasting_insulin_pmol_l, lab.hba1c_percent
    (97.2864, 54.0, 5.6)
    """
    times = _flag_times(times_min)
    out = _Collector("flags")
    for key, text in values.items():
        if text is None or not str(text).strip():
            continue
        where = f"--{key.replace('_', '-')}"
        a = _analyte(key, where)
        if a.category:
            out.add_single(subject_id, a, _sex(text, where), where)
            continue
        m = _NUMBERS.match(str(text))
        if m is None:
            raise LabDataError(
                where, text, f"a number and its unit ({a.accepted_units()})", "e.g. '5.4 mmol/L'"
            )
        nums = [float(x) for x in m["nums"].split(",")]
        unit = _flag_unit(a, nums, m["unit"], text, where)
        converted = [_checked(a, v, unit, f"{v:g} {unit.code}", where) for v in nums]
        if not a.timed:
            if len(nums) != 1:
                raise LabDataError(where, text, f"one value: {a.name} is one value per person")
            out.add_single(subject_id, a, converted[0], where)
            continue
        at = times if len(nums) > 1 or times is not None else (0.0,)
        if at is None or len(at) != len(nums):
            raise LabDataError(
                where,
                text,
                f"one value per sample time ({0 if at is None else len(at)} times in --times-min)",
                "give --times-min with one time per value",
            )
        for t, v in zip(at, converted, strict=True):
            out.add_timed(subject_id, a, t, v, where)
    return out.build()[subject_id]


def _flag_times(times_min: str | Sequence[float] | None) -> tuple[float, ...] | None:
    if times_min is None or (isinstance(times_min, str) and not times_min.strip()):
        return None
    parts = times_min.split(",") if isinstance(times_min, str) else list(times_min)
    return tuple(_time(x, "--times-min") for x in parts)


def _flag_unit(a: _Analyte, nums: list[float], unit_text: str, text: str, where: str) -> _Unit:
    if unit_text:
        return _lookup_unit(a, unit_text, where)
    distinct = {id(u): u for u in a.units.values()}.values()
    plausible = [u for u in distinct if all(a.low <= u.to_internal(v) <= a.high for v in nums)]
    if len(plausible) == 1:
        return plausible[0]
    if plausible:
        raise LabDataError(
            where,
            text,
            "a value with its unit, e.g. "
            + " or ".join(f"'{nums[0]:g} {u.code}'" for u in plausible),
            "this number is plausible in " + " and ".join(u.code for u in plausible),
        )
    raise LabDataError(
        where,
        text,
        f"{a.allowed()} (or with a unit: {a.accepted_units()})",
        "check the value and give its unit",
    )
