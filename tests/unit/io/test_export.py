"""Results written to CSV, Parquet and NetCDF read back to the same numbers, with units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from insulinsim.errors import InputError
from insulinsim.io import to_tidy, write_result


@pytest.fixture
def result() -> xr.Dataset:
    t = np.array([0.0, 30.0, 60.0])
    g = np.array([[90.0, 140.5, 120.25], [160.0, 220.0, 260.125]])
    return xr.Dataset(
        {
            "glucose": (("person", "time"), g, {"units": "mg/dL"}),
            "insulin": (("person", "time"), g * 2.0, {"units": "pmol/L"}),
            "status": ("person", np.array(["ok", "ok"], dtype=object)),
        },
        coords={"person": ["a", "b"], "time": ("time", t, {"units": "min"})},
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tidy_tables_round_trip(result, tmp_path, suffix):
    path = write_result(result, tmp_path / f"r{suffix}")
    df = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
    assert list(df.columns) == ["person", "time_min", "quantity", "value", "unit"]
    g = df[df.quantity == "glucose"].pivot(index="person", columns="time_min", values="value")
    np.testing.assert_array_equal(g.to_numpy(), result.glucose.values)
    assert set(df[df.quantity == "insulin"].unit) == {"pmol/L"}


def test_netcdf_round_trip_keeps_units(result, tmp_path):
    path = write_result(result, tmp_path / "r.nc")
    back = xr.open_dataset(path, engine="h5netcdf")
    np.testing.assert_array_equal(back.glucose.values, result.glucose.values)
    assert back.glucose.attrs["units"] == "mg/dL"
    assert back.status.values.tolist() == ["ok", "ok"]
    back.close()


def test_unknown_extension_is_refused_and_nothing_written(result, tmp_path):
    with pytest.raises(InputError, match="--out"):
        write_result(result, tmp_path / "r.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_file(result, tmp_path, monkeypatch):
    def boom(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(OSError):
        write_result(result, tmp_path / "r.csv")
    assert list(tmp_path.iterdir()) == []


def test_tidy_has_one_row_per_person_time_quantity(result):
    assert len(to_tidy(result)) == 2 * 3 * 2
