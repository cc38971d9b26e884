"""Write simulation results to CSV, Parquet or NetCDF with units and provenance; read them back.

A file is written to a temporary name beside its target and renamed only when complete, so
a failed run never leaves a half-written file.

Layout of each format:

- **NetCDF** (``.nc``, ``.netcdf``): the Dataset itself; ``units`` as variable attributes and
  the provenance as global attributes.
- **Parquet** (``.parquet``): the tidy table of :func:`to_tidy` (``person, time_min, quantity,
  value, unit``); the rest of the Dataset (provenance and other attributes, the person order,
  per-person variables such as ``status`` and the basal values) as JSON under the key
  ``insulinsim`` of the Arrow schema metadata.
- **CSV** (``.csv``): the same tidy table, every float written with ``%.17g`` (so it reads
  back bit for bit), and the same JSON in a sidecar file ``FILE.csv.meta.json`` next to it.
  The CSV itself stays a plain table that any tool reads; keep the two files together.

Provenance (global attributes of the Dataset that :func:`read_result` returns):
``insulinsim_version`` (from the installed package metadata), ``parameter_hash``
(:func:`parameter_hash` of the parameter set(s) simulated, when given or already carried by
the Dataset), ``seed`` (when given, e.g. of a sampled population), ``protocol`` and
``created_utc`` (ISO 8601, UTC).
"""

from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import importlib.metadata
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from insulinsim._files import write_atomically
from insulinsim.errors import InputError
from insulinsim.parameters import Parameters, group_fields

__all__ = [
    "FORMATS",
    "METADATA_KEY",
    "PROVENANCE_KEYS",
    "SIDECAR_SUFFIX",
    "package_version",
    "parameter_hash",
    "provenance",
    "read_result",
    "sidecar_path",
    "to_tidy",
    "write_result",
]

FORMATS = {".csv": "csv", ".parquet": "parquet", ".nc": "netcdf", ".netcdf": "netcdf"}
METADATA_KEY = "insulinsim"  # Parquet schema-metadata key (and the sidecar's "format")
SIDECAR_SUFFIX = ".meta.json"  # CSV metadata: FILE.csv -> FILE.csv.meta.json
PROVENANCE_KEYS = ("insulinsim_version", "parameter_hash", "seed", "protocol", "created_utc")
_FORMAT_VERSION = 1
_TIDY_COLUMNS = ["person", "time_min", "quantity", "value", "unit"]


# ----------------------------------------------------------------------------- provenance


def package_version() -> str:
    """The installed insulinsim version (package metadata; the source version if not
    installed)."""
    try:
        return importlib.metadata.version("insulinsim")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - source tree only
        from insulinsim import __version__

        return __version__


def _people(params: Parameters | Sequence[Parameters]) -> list[Parameters]:
    if isinstance(params, Parameters):
        return [params]
    people = list(params)
    if not people or not all(isinstance(p, Parameters) for p in people):
        raise TypeError("params must be a Parameters or a non-empty sequence of Parameters")
    return people


def parameter_hash(params: Parameters | Sequence[Parameters]) -> str:
    """A stable SHA-256 of parameter values: ``"sha256:<64 hex digits>"``.

    The hash covers every field of every group (:func:`insulinsim.parameters.group_fields`,
    in declaration order) as little-endian float64, person by person; one person, a list of
    people and the same people stacked as a population (leading ``person`` axis) hash alike.
    It changes with any value, the number or the order of people, and with the field names.
    """
    people = _people(params)
    sizes = [int(np.size(p.body.BW)) for p in people]
    h = hashlib.sha256(f"insulinsim-parameters-v1;n={sum(sizes)}".encode())
    for group, (_, names) in group_fields().items():
        for name in names:
            cols = []
            for p, n in zip(people, sizes, strict=True):
                a = np.asarray(getattr(getattr(p, group), name), dtype=np.float64)
                cols.append(np.full(n, a) if a.ndim == 0 else a.reshape(n, -1))
            values = np.concatenate([c.reshape(c.shape[0], -1) for c in cols])
            h.update(f";{group}.{name}{values.shape[1:]}=".encode())
            h.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    return "sha256:" + h.hexdigest()


def provenance(
    ds: xr.Dataset,
    params: Parameters | Sequence[Parameters] | None = None,
    seed: int | None = None,
    protocol: str | None = None,
) -> dict[str, Any]:
    """The provenance attributes written with a result (see the module docstring).

    Values already carried by ``ds.attrs`` (a result read back) are kept unless given anew;
    ``parameter_hash`` and ``seed`` are left out when unknown.
    """
    out: dict[str, Any] = {"insulinsim_version": package_version()}
    if params is not None:
        out["parameter_hash"] = parameter_hash(params)
    elif ds.attrs.get("parameter_hash"):
        out["parameter_hash"] = str(ds.attrs["parameter_hash"])
    if seed is None and ds.attrs.get("seed") is not None:
        seed = ds.attrs["seed"]
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
            raise InputError("seed", seed, "an integer")
        out["seed"] = int(seed)
    out["protocol"] = str(protocol if protocol is not None else ds.attrs.get("protocol", ""))
    out["created_utc"] = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    return out


# ---------------------------------------------------------------------------------- write


def to_tidy(ds: xr.Dataset) -> pd.DataFrame:
    """One row per person, time and quantity: ``person, time_min, quantity, value, unit``."""
    frames = []
    for name, var in ds.data_vars.items():
        if var.dims != ("person", "time"):
            continue
        df = var.to_dataframe(name="value").reset_index()
        df = df.rename(columns={"time": "time_min"})[["person", "time_min", "value"]]
        df.insert(2, "quantity", name)
        df["unit"] = var.attrs.get("units", "")
        frames.append(df)
    if not frames:
        raise InputError("result", list(ds.data_vars), "at least one (person, time) variable")
    return pd.concat(frames, ignore_index=True)


def _plain(x: Any) -> Any:
    """A JSON-ready copy of an attribute value or an array of values."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return [_plain(v) for v in x.tolist()] if x.ndim else _plain(x.item())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, bytes):
        return x.decode("utf-8")
    return x


def _metadata(ds: xr.Dataset, attrs: dict[str, Any]) -> dict[str, Any]:
    """Everything of ``ds`` that the tidy table does not hold, as JSON-ready data."""
    variables = []
    for name, var in ds.data_vars.items():
        entry = {
            "name": name,
            "dims": list(var.dims),
            "dtype": "object" if var.dtype.kind in "OUS" else var.dtype.str,
            "attrs": _plain(dict(var.attrs)),
        }
        if var.dims != ("person", "time"):
            entry["values"] = _plain(var.values)
        variables.append(entry)
    coords = {}
    for name, c in ds.coords.items():
        coords[name] = {
            "dims": list(c.dims),
            "dtype": c.dtype.str if c.dtype != object else "object",
            "attrs": _plain(dict(c.attrs)),
        }
        if name != "time":
            coords[name]["values"] = _plain(c.values)
    return {
        "format": "insulinsim-result",
        "format_version": _FORMAT_VERSION,
        "attrs": _plain(attrs),
        "coords": coords,
        "variables": variables,
    }


def sidecar_path(path: str | os.PathLike) -> Path:
    """The metadata file of a CSV result: ``FILE.csv`` -> ``FILE.csv.meta.json``."""
    p = Path(path)
    return p.with_name(p.name + SIDECAR_SUFFIX)


def _format_of(path: str | os.PathLike, field: str) -> str:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(
            field,
            str(path),
            "a file ending in " + ", ".join(FORMATS),
            "choose the format by the file extension",
        )
    return fmt


def write_result(
    ds: xr.Dataset,
    path: str | os.PathLike,
    *,
    params: Parameters | Sequence[Parameters] | None = None,
    seed: int | None = None,
    protocol: str | None = None,
) -> Path:
    """Write a result to ``path``; the format follows the extension (.csv, .parquet, .nc).

    Parameters
    ----------
    ds : xarray.Dataset
        A result of :func:`insulinsim.simulate` (``person`` x ``time`` variables with
        ``units``; per-person variables such as ``status``).
    path : path
        Target file; a CSV also gets its metadata sidecar ``path + ".meta.json"``.
    params : Parameters or sequence of Parameters, optional
        The parameter set(s) simulated, for the ``parameter_hash`` provenance attribute.
    seed : int, optional
        The random seed behind the result (a sampled population), if any.
    protocol : str, optional
        Protocol name (default: ``ds.attrs["protocol"]``).

    Returns
    -------
    pathlib.Path
        The path written. :func:`read_result` reads it back to the same Dataset, with the
        provenance as global attributes.
    """
    p = Path(path)
    fmt = _format_of(p, "--out")
    attrs = {**{k: v for k, v in ds.attrs.items() if k not in PROVENANCE_KEYS}}
    attrs.update(provenance(ds, params, seed, protocol))
    if fmt == "netcdf":
        out = ds.copy()
        out.attrs = attrs
        for name in out.data_vars:
            if out[name].dtype == object:
                out[name] = out[name].astype(str)
        write_atomically(p, lambda tmp: out.to_netcdf(tmp, engine="h5netcdf"))
        return p
    table = to_tidy(ds)
    meta = json.dumps(_metadata(ds, attrs))
    if fmt == "parquet":

        def write_parquet(tmp: str) -> None:
            t = pa.Table.from_pandas(table, preserve_index=False)
            old = t.schema.metadata or {}
            t = t.replace_schema_metadata({**old, METADATA_KEY.encode(): meta.encode()})
            pq.write_table(t, tmp)

        write_atomically(p, write_parquet)
        return p

    def write_csv(tmp: str) -> None:
        table.to_csv(tmp, index=False, float_format="%.17g")
        # the sidecar is renamed into place just before the table, so a failed table write
        # leaves neither file
        write_atomically(sidecar_path(p), lambda t: Path(t).write_text(meta, encoding="utf-8"))

    write_atomically(p, write_csv)
    return p


# ----------------------------------------------------------------------------------- read


def _no_metadata(path: Path, where: str) -> InputError:
    return InputError(
        "path",
        str(path),
        "a result written by insulinsim.io.write_result",
        f"no insulinsim metadata ({where})",
    )


def _parse_meta(text: str | bytes, path: Path, where: str) -> dict:
    try:
        meta = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _no_metadata(path, f"{where} is not JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != "insulinsim-result":
        raise _no_metadata(path, f"{where} does not describe an insulinsim result")
    if meta.get("format_version", 0) > _FORMAT_VERSION:
        raise InputError(
            "path",
            str(path),
            f"metadata format version <= {_FORMAT_VERSION}",
            "read it with a newer insulinsim",
        )
    return meta


def _array(values: Any, dtype: str) -> np.ndarray:
    if dtype == "object":
        return np.array(values, dtype=object)
    return np.asarray(values, dtype=np.dtype(dtype))


def _from_tidy(df: pd.DataFrame, meta: dict, path: Path) -> xr.Dataset:
    missing = [c for c in _TIDY_COLUMNS if c not in df.columns]
    if missing:
        raise InputError("path", str(path), "a tidy result table", f"missing columns {missing}")
    cmeta = meta["coords"]
    people = _array(cmeta["person"]["values"], cmeta["person"]["dtype"])
    times = pd.unique(df["time_min"].to_numpy(dtype=np.float64))
    coords: dict[str, Any] = {
        "person": ("person", people, cmeta["person"]["attrs"]),
        "time": ("time", _array(times, cmeta["time"]["dtype"]), cmeta["time"]["attrs"]),
    }
    for name, c in cmeta.items():
        if name not in ("person", "time"):
            coords[name] = (tuple(c["dims"]), _array(c["values"], c["dtype"]), c["attrs"])
    data = {}
    groups = dict(tuple(df.groupby("quantity", sort=False)))
    for v in meta["variables"]:
        if "values" in v:
            values = _array(v["values"], v["dtype"])
        else:
            part = groups.get(v["name"])
            if part is None:
                raise InputError(
                    "path", str(path), "a complete result table", f"no rows of {v['name']}"
                )
            grid = part.pivot(index="person", columns="time_min", values="value")
            grid = grid.reindex(index=people.astype(str), columns=times)
            values = grid.to_numpy(dtype=np.float64).astype(np.dtype(v["dtype"]))
        data[v["name"]] = (tuple(v["dims"]), values, v["attrs"])
    return xr.Dataset(data, coords=coords, attrs=meta["attrs"])


def _read_netcdf(path: Path) -> xr.Dataset:
    with xr.open_dataset(path, engine="h5netcdf") as f:
        ds = f.load()
    if "insulinsim_version" not in ds.attrs:
        raise _no_metadata(path, "no insulinsim_version global attribute")
    ds.attrs = {k: _plain(v) for k, v in ds.attrs.items()}
    # strings as in a simulated result: numpy strings in coordinates, objects in variables
    for name, c in ds.coords.items():
        if c.dtype.kind in "OS":
            ds = ds.assign_coords({name: c.astype(str)})
    for name, v in ds.data_vars.items():
        if v.dtype.kind in "US":
            ds[name] = v.astype(object)
    for name in ds.data_vars:
        ds[name].encoding = {}
    for name in ds.coords:
        ds[name].encoding = {}
    return ds


def read_result(path: str | os.PathLike) -> xr.Dataset:
    """Read a result written by :func:`write_result` (CSV with its sidecar, Parquet or
    NetCDF) back into the Dataset: same values (bit for bit), dims, ``units`` and other
    attributes, per-person variables and provenance global attributes.

    Raises
    ------
    InputError
        Unknown extension, or a file without insulinsim metadata (a CSV without its
        ``.meta.json`` sidecar, a Parquet file without the ``insulinsim`` schema metadata,
        a NetCDF file without the ``insulinsim_version`` attribute).
    FileNotFoundError
        No file at ``path``.
    """
    p = Path(path)
    fmt = _format_of(p, "path")
    if not p.is_file():
        raise FileNotFoundError(errno.ENOENT, "result file not found", str(p))
    if fmt == "netcdf":
        return _read_netcdf(p)
    if fmt == "parquet":
        try:
            table = pq.read_table(p)
        except pa.ArrowException as e:
            raise InputError("path", str(p), "a Parquet file", str(e)) from None
        raw = (table.schema.metadata or {}).get(METADATA_KEY.encode())
        if raw is None:
            raise _no_metadata(p, f"no '{METADATA_KEY}' key in the Parquet schema metadata")
        meta = _parse_meta(raw, p, "the Parquet schema metadata")
        return _from_tidy(table.to_pandas(), meta, p)
    side = sidecar_path(p)
    if not side.is_file():
        raise _no_metadata(p, f"no sidecar file {side}")
    meta = _parse_meta(side.read_text(encoding="utf-8"), p, f"sidecar {side.name}")
    # every column as text, the numbers then parsed by Python's correctly rounded float():
    # "%.17g" text gives back the float64 bit for bit
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    for col in ("time_min", "value"):
        if col in df.columns:
            text = df[col].to_numpy(dtype=object)
            df[col] = np.array([float(x) if x else np.nan for x in text], dtype=np.float64)
    return _from_tidy(df, meta, p)
