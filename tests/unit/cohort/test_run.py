"""Cohort runs in this process: every person exactly once, resume without recomputing, clear
errors for bad settings, a full disk and a folder holding another cohort.

All runs share one compiled program (64 people per chunk, 0.5 years in 90-day steps), which
the CLI tests and the survey validation use too.
"""

from __future__ import annotations

import errno
import json
import os

import numpy as np
import pandas as pd
import pytest

from insulinsim.cohort import CohortSpec, CohortStore, run_cohort, simulate_chunk
from insulinsim.cohort import _dask as cohort_dask
from insulinsim.errors import InputError

SPEC = CohortSpec(n=150, years=0.5, seed=11, step_days=90.0, chunk_size=64)  # 3 chunks


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cohort") / "full"
    seen = []
    summary = run_cohort(out, SPEC, workers=0, on_chunk=seen.append)
    return out, summary, seen


def _read(out):
    return (
        pd.read_parquet(out / "people").sort_values("person", ignore_index=True),
        pd.read_parquet(out / "trajectory").sort_values(["person", "time"], ignore_index=True),
    )


def test_every_person_once_with_every_step(full_run):
    out, summary, seen = full_run
    people, traj = _read(out)
    assert people["person"].tolist() == list(range(SPEC.n))
    steps = int(SPEC.years * 365.25 / SPEC.step_days) + 1
    assert len(traj) == SPEC.n * steps
    assert traj.groupby("person").size().eq(steps).all()
    assert summary["computed"] == 3 and summary["resumed"] == 0
    manifest = json.loads((out / "cohort.json").read_text())
    assert manifest["state"] == "complete" and manifest["n_chunks"] == 3
    assert set(manifest["units"]) >= set(traj.columns) - {"chunk"}
    # progress: one report at the start and one per chunk, people counted up to N
    assert [p.people_done for p in seen] == [0, 64, 128, 150]


def test_results_depend_only_on_the_spec(full_run):
    out, _, _ = full_run
    people, traj = simulate_chunk(SPEC.to_json(), 1)
    stored = pd.read_parquet(CohortStore(out).part("trajectory", 1))
    pd.testing.assert_frame_equal(stored, traj, check_dtype=False)
    assert people["person"].tolist() == list(range(64, 128))


def test_trajectories_are_staged_and_in_range(full_run):
    out, _, _ = full_run
    people, traj = _read(out)
    assert people["status"].eq("ok").all(), people["status"].value_counts()
    assert traj["valid"].all()
    assert traj["stage"].between(0, 4).all()
    assert set(traj["ada_category"]) <= {"normal", "prediabetes", "diabetes"}
    first = traj[traj["time"] == 0].set_index("person")
    np.testing.assert_allclose(first["age"], people.set_index("person")["age"])


def test_interrupted_run_resumes_without_recomputing_or_duplicating(full_run, tmp_path):
    out = tmp_path / "c"

    def stop_after_first(p):
        if p.chunks_done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_cohort(out, SPEC, workers=0, on_chunk=stop_after_first)
    store = CohortStore(out)
    assert store.done(SPEC) == {0}
    assert json.loads((out / "cohort.json").read_text())["state"] == "running"
    stamp = store.part("trajectory", 0).stat().st_mtime_ns
    # a temporary file left by a killed writer is cleaned up, never read
    (out / "trajectory" / ".part-000001.parquet.tmp").write_bytes(b"half")

    summary = run_cohort(out, SPEC, workers=0)
    assert summary["resumed"] == 1 and summary["computed"] == 2
    assert store.part("trajectory", 0).stat().st_mtime_ns == stamp
    assert not list((out / "trajectory").glob(".*"))
    for a, b in zip(_read(out), _read(full_run[0]), strict=True):
        pd.testing.assert_frame_equal(a, b)
    # a finished cohort run again computes nothing
    assert run_cohort(out, SPEC, workers=0)["computed"] == 0


def test_a_damaged_part_is_recomputed_not_read(full_run, tmp_path):
    import shutil

    out = tmp_path / "c"
    shutil.copytree(full_run[0], out)
    part = CohortStore(out).part("trajectory", 2)
    part.write_bytes(part.read_bytes()[:100])  # truncated: no footer
    summary = run_cohort(out, SPEC, workers=0)
    assert summary["computed"] == 1 and summary["resumed"] == 2
    for a, b in zip(_read(out), _read(full_run[0]), strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_disk_full_stops_cleanly_and_the_run_resumes(tmp_path, monkeypatch):
    out = tmp_path / "c"
    real = pd.DataFrame.to_parquet
    calls = {"n": 0}

    def fill_up(self, path, *a, **k):
        calls["n"] += 1
        if calls["n"] > 2:  # the second chunk's people part
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, path, *a, **k)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", fill_up)
    with pytest.raises(InputError) as e:
        run_cohort(out, SPEC, workers=0)
    assert e.value.field == "--out"
    assert "after 1 of 3 chunks" in str(e.value) and "resume" in str(e.value)
    assert CohortStore(out).done(SPEC) == {0}
    hidden = [f for d in ("people", "trajectory") for f in (out / d).glob(".*")]
    assert hidden == []  # nothing half-written
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    assert run_cohort(out, SPEC, workers=0)["computed"] == 2
    assert pd.read_parquet(out / "people")["person"].sort_values().tolist() == list(range(150))


def test_too_little_space_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10, 9, 1))
    with pytest.raises(InputError, match="MB free"):
        run_cohort(tmp_path / "c", SPEC, workers=0)
    assert not (tmp_path / "c").exists()


def test_a_folder_with_another_cohort_or_other_files_is_refused(full_run, tmp_path):
    out, _, _ = full_run
    other = CohortSpec(n=150, years=0.5, seed=12, step_days=90.0, chunk_size=64)
    with pytest.raises(InputError, match="different cohort"):
        run_cohort(out, other, workers=0)
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="empty or new folder"):
        run_cohort(tmp_path, SPEC, workers=0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n": 0}, "--n"),
        ({"n": 2.5}, "--n"),
        ({"years": 0.0}, "--years"),
        ({"years": 36.0}, "--years"),
        ({"chunk_size": 0}, "--chunk-size"),
        ({"step_days": 400.0}, "--step-days"),
        ({"seed": -1}, "--seed"),
        ({"physiology_scale": 1.5}, "--physiology-scale"),
    ],
)
def test_spec_out_of_range_names_field_range_and_unit(kwargs, field):
    args = {"n": 10, "years": 1.0} | kwargs
    with pytest.raises(InputError) as e:
        CohortSpec(**args)
    assert e.value.field == field
    assert e.value.allowed


def test_scheduler_address_is_checked(monkeypatch):
    with pytest.raises(InputError, match="tcp://HOST:PORT"):
        with cohort_dask.open_client("localhost:8786"):
            pass
    monkeypatch.setattr(cohort_dask, "CONNECT_TIMEOUT_S", 2)
    with pytest.raises(InputError) as e:
        with cohort_dask.open_client("tcp://127.0.0.1:9"):  # discard port: nothing listens
            pass
    assert e.value.field == "--scheduler" and "reachable" in e.value.allowed


def test_worker_count_is_checked():
    with pytest.raises(InputError, match="--workers"):
        with cohort_dask.open_client(None, workers=-2):
            pass


def test_spec_round_trips_through_json():
    assert CohortSpec.from_json(SPEC.to_json()) == SPEC
    assert SPEC.n_chunks == 3 and SPEC.chunk_bounds(2) == (128, 150)
    assert os.path.basename(str(CohortStore("x").part("people", 7))) == "part-000007.parquet"
