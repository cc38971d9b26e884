"""Write simulation results to CSV, Parquet or NetCDF, atomically.

A file is written to a temporary name beside its target and renamed only when complete, so
a failed run never leaves a half-written file. Units travel with the data: as ``units``
attributes in NetCDF, as a ``unit`` column in the tidy CSV/Parquet tables.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import xarray as xr

from insulinsim._files import write_atomically
from insulinsim.errors import InputError

__all__ = ["FORMATS", "to_tidy", "write_result"]

FORMATS = {".csv": "csv", ".parquet": "parquet", ".nc": "netcdf", ".netcdf": "netcdf"}


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
    return pd.concat(frames, ignore_index=True)


def write_result(ds: xr.Dataset, path: str | os.PathLike) -> Path:
    """Write a result to ``path``; the format follows the extension (.csv, .parquet, .nc)."""
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(
            "--out",
            str(path),
            "a file ending in " + ", ".join(FORMATS),
            "choose the format by the file extension",
        )
    if fmt == "csv":
        write_atomically(p, lambda tmp: to_tidy(ds).to_csv(tmp, index=False))
    elif fmt == "parquet":
        write_atomically(p, lambda tmp: to_tidy(ds).to_parquet(tmp, index=False))
    else:
        out = ds.copy()
        for name in out.data_vars:
            if out[name].dtype == object:
                out[name] = out[name].astype(str)
        write_atomically(p, lambda tmp: out.to_netcdf(tmp, engine="h5netcdf"))
    return p
