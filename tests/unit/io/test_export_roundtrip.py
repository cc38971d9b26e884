"""Results written to CSV, Parquet and NetCDF read back to the same Dataset: values bit for
bit, dims, units, per-person variables and provenance (version, parameter hash, seed,
protocol, creation time)."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json

import jax
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from insulinsim import person
from insulinsim.errors import InputError
from insulinsim.io import (
    METADATA_KEY,
    PROVENANCE_KEYS,
    parameter_hash,
    read_result,
    sidecar_path,
    write_result,
)

SUFFIXES = (".csv", ".parquet", ".nc")

# floats that a lossy text format would change: thirds, tenths, the extremes, a subnormal
AWKWARD = np.array(
    [
        [0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 5e-324, 1.7976931348623157e308],
        [np.pi, -0.0, 123456789.123456789, np.nextafter(1.0, 2.0), np.nan, np.inf],
    ],
    dtype=np.float64,
)


@pytest.fixture
def result() -> xr.Dataset:
    t = np.array([0.0, 0.1, 0.2, 30.0, 60.000000000000007, 1e5], dtype=np.float64)
    return xr.Dataset(
        {
            "glucose": (
                ("person", "time"),
                AWKWARD,
                {"units": "mg/dL", "long_name": "plasma glucose"},
            ),
            "insulin": (("person", "time"), AWKWARD[::-1] / 7.0, {"units": "pmol/L"}),
            "status": ("person", np.array(["ok", "failed: solver stopped"], dtype=object)),
            "n_steps": ("person", np.array([118, 4096], dtype=np.int64), {"long_name": "steps"}),
            "basal_glucose": ("person", np.array([91.8, 1.0 / 7.0]), {"units": "mg/dL"}),
        },
        coords={"person": ["healthy", "NA"], "time": ("time", t, {"units": "min"})},
        attrs={"protocol": "ogtt", "model": "insulinsim fast model"},
    )


def _bits_equal(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and np.array_equal(a.view(np.int64), b.view(np.int64))


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_round_trip_is_exact_with_units_and_provenance(result, tmp_path, suffix):
    params = [person("healthy"), person("t2d")]
    path = write_result(result, tmp_path / f"r{suffix}", params=params, seed=42)
    back = read_result(path)

    assert list(back.data_vars) == list(result.data_vars)
    assert back.sizes == result.sizes
    for name in result.data_vars:
        assert back[name].dims == result[name].dims, name
        assert back[name].attrs == result[name].attrs, name
        if result[name].dtype.kind == "f":
            assert _bits_equal(back[name].values, result[name].values), name
        else:
            assert back[name].dtype == result[name].dtype, name
            assert back[name].values.tolist() == result[name].values.tolist(), name
    assert _bits_equal(back.time.values, result.time.values)
    assert back.time.attrs == {"units": "min"}
    assert back.person.values.tolist() == ["healthy", "NA"]
    assert back.person.dtype.kind == "U"

    a = back.attrs
    assert set(PROVENANCE_KEYS) <= set(a)
    assert a["insulinsim_version"] == importlib.metadata.version("insulinsim")
    assert a["parameter_hash"] == parameter_hash(params)
    assert a["seed"] == 42
    assert a["protocol"] == "ogtt"
    assert a["model"] == "insulinsim fast model"
    created = dt.datetime.fromisoformat(a["created_utc"])
    assert created.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=5)

    # writing what was read keeps the provenance (new creation time only)
    again = read_result(write_result(back, tmp_path / f"again{suffix}"))
    for k in ("parameter_hash", "seed", "protocol", "insulinsim_version"):
        assert again.attrs[k] == a[k]
    again.attrs, back.attrs = {}, {}
    xr.testing.assert_identical(again, back)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_three_formats_read_back_alike(result, tmp_path, suffix):
    ref = read_result(write_result(result, tmp_path / "ref.nc", seed=1))
    back = read_result(write_result(result, tmp_path / f"r{suffix}", seed=1))
    for ds in (ref, back):
        ds.attrs.pop("created_utc")
    xr.testing.assert_identical(back, ref)


def test_seed_and_hash_are_left_out_when_unknown(result, tmp_path):
    back = read_result(write_result(result, tmp_path / "r.parquet"))
    assert "seed" not in back.attrs and "parameter_hash" not in back.attrs
    assert back.attrs["protocol"] == "ogtt"


def test_real_simulation_round_trips(sim_ogtt, tmp_path):
    """The shared OGTT of all presets (27 person x time variables, status, basal values)."""
    params = [person(n) for n in sim_ogtt.person.values]
    for suffix in SUFFIXES:
        back = read_result(write_result(sim_ogtt, tmp_path / f"ogtt{suffix}", params=params))
        for name, var in sim_ogtt.data_vars.items():
            if var.dtype.kind == "f":
                assert _bits_equal(back[name].values, var.values), (suffix, name)
            else:
                assert back[name].values.tolist() == var.values.tolist(), (suffix, name)
            assert back[name].attrs == var.attrs, (suffix, name)
        assert back.attrs["parameter_hash"] == parameter_hash(params)


def test_csv_is_a_plain_table_with_a_json_sidecar(result, tmp_path):
    path = write_result(result, tmp_path / "r.csv", seed=3)
    df = pd.read_csv(path)
    assert list(df.columns) == ["person", "time_min", "quantity", "value", "unit"]
    meta = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    assert meta["format"] == "insulinsim-result"
    assert meta["attrs"]["seed"] == 3
    assert sidecar_path(path).name == "r.csv.meta.json"


def test_parquet_carries_its_metadata_in_the_schema(result, tmp_path):
    import pyarrow.parquet as pq

    path = write_result(result, tmp_path / "r.parquet", seed=3)
    raw = pq.read_schema(path).metadata[METADATA_KEY.encode()]
    assert json.loads(raw)["attrs"]["seed"] == 3


def test_parameter_hash_is_stable_and_sensitive():
    h = parameter_hash(person("healthy"))
    assert h.startswith("sha256:") and len(h) == len("sha256:") + 64
    assert parameter_hash(person("healthy")) == h  # new objects, same values
    assert parameter_hash([person("healthy")]) == h  # one person alone or in a list
    two = [person("healthy"), person("t2d")]
    stacked = jax.tree.map(lambda *xs: np.stack([np.asarray(x) for x in xs]), *two)
    assert parameter_hash(stacked) == parameter_hash(two)  # a population, leading axis
    assert parameter_hash(two[::-1]) != parameter_hash(two)  # order matters
    assert parameter_hash(person("healthy", {"glucose.V_mx": 0.03})) != h
    assert parameter_hash(person("t2d")) != h


@pytest.mark.parametrize("suffix", [".xlsx", ".json", ""])
def test_unknown_extension_is_refused(result, tmp_path, suffix):
    with pytest.raises(InputError, match=r"allowed: a file ending in \.csv"):
        read_result(tmp_path / f"r{suffix}")
    with pytest.raises(InputError, match="--out"):
        write_result(result, tmp_path / f"r{suffix}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_missing_file_names_the_path(tmp_path, suffix):
    path = tmp_path / f"nothing{suffix}"
    with pytest.raises(FileNotFoundError, match="nothing"):
        read_result(path)


def test_files_without_insulinsim_metadata_are_refused(result, tmp_path):
    # a CSV without its sidecar
    path = write_result(result, tmp_path / "r.csv")
    sidecar_path(path).unlink()
    with pytest.raises(InputError, match=r"No insulinsim metadata \(no sidecar file"):
        read_result(path)
    # a sidecar that is not insulinsim's
    sidecar_path(path).write_text('{"hello": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="No insulinsim metadata"):
        read_result(path)
    # Parquet and NetCDF files written by other tools
    pd.DataFrame({"a": [1.0]}).to_parquet(tmp_path / "other.parquet")
    with pytest.raises(InputError, match="No insulinsim metadata"):
        read_result(tmp_path / "other.parquet")
    result.drop_vars("status").to_netcdf(tmp_path / "other.nc", engine="h5netcdf")
    with pytest.raises(InputError, match="No insulinsim metadata"):
        read_result(tmp_path / "other.nc")


def test_failed_csv_write_leaves_neither_table_nor_sidecar(result, tmp_path, monkeypatch):
    def boom(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(OSError, match="disk full"):
        write_result(result, tmp_path / "r.csv")
    assert list(tmp_path.iterdir()) == []


def test_bad_seed_is_refused(result, tmp_path):
    with pytest.raises(InputError, match="seed"):
        write_result(result, tmp_path / "r.nc", seed="abc")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
