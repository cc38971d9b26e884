"""The cohort folder: a manifest and one Parquet part per chunk, each written atomically.

Layout of ``DIR``::

    cohort.json                     the manifest: spec, units, number of chunks, state
    people/part-000012.parquet      one row per person of chunk 12 (drawn attributes, status)
    trajectory/part-000012.parquet  one row per person and step of chunk 12

A chunk is finished exactly when its ``trajectory`` part exists: each part is written to a
hidden temporary file beside it and renamed when complete (``os.replace``), the people part
first. A run that stops (interrupted, killed, disk full) leaves only finished parts and hidden
temporary files, which the next run removes; it then computes only the chunks without a part.
A chunk is written under its own fixed name, so computing it twice (a retried task) replaces
identical bytes and never duplicates a person. Both folders read as Parquet datasets
(``pandas.read_parquet(DIR / "trajectory")``; hidden files are skipped).
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from insulinsim import __version__
from insulinsim._files import write_atomically
from insulinsim.cohort._simulate import CohortSpec, units
from insulinsim.errors import InputError

__all__ = ["CohortStore"]

MANIFEST = "cohort.json"
_FORMAT = 1
# Parquet bytes per person-step, measured on zstd-compressed parts (about 60 B) with a margin
_BYTES_PER_PERSON_STEP = 150
_BYTES_PER_PERSON = 400


def _disk_full(e: OSError) -> bool:
    return e.errno in (errno.ENOSPC, errno.EDQUOT)


class CohortStore:
    """The folder of one cohort run."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # ------------------------------------------------------------------ manifest
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def manifest(self) -> dict:
        if not self.manifest_path.is_file():
            raise InputError(
                "DIR",
                str(self.root),
                f"a cohort folder (with {MANIFEST})",
                "run `insulinsim cohort ... --out DIR` first",
            )
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def spec(self) -> CohortSpec:
        return CohortSpec(**self.manifest()["spec"])

    def check(self, spec: CohortSpec) -> bool:
        """Check, writing nothing, that the folder is new or empty or holds the same cohort
        (and, for a new cohort, that the disk has room). Returns True to resume."""
        if self.root.exists() and not self.root.is_dir():
            raise InputError("--out", str(self.root), "a folder (not a file)")
        if self.manifest_path.is_file():
            old = self.manifest()
            if old.get("spec") != json.loads(spec.to_json()):
                raise InputError(
                    "--out",
                    str(self.root),
                    "an empty folder or one holding the same cohort",
                    f"it holds a different cohort ({_describe(old['spec'])}); "
                    "use another --out or repeat that command to resume it",
                )
            return True
        if self.root.exists() and any(self.root.iterdir()):
            raise InputError(
                "--out", str(self.root), "an empty or new folder", "choose a new folder"
            )
        self.check_space(spec, spec.n)
        return False

    def open(self, spec: CohortSpec) -> bool:
        """Create the folder for ``spec``, or clean up an earlier run of the same cohort.

        Returns True when an earlier run of the same cohort is resumed.
        """
        if self.check(spec):
            self.clean()
            self.done(spec, verify=True)
            return True
        self._write_manifest(spec, state="running")
        return False

    def _write_manifest(self, spec: CohortSpec, *, state: str, extra: dict | None = None):
        doc = {
            "format": _FORMAT,
            "insulinsim": __version__,
            "spec": json.loads(spec.to_json()),
            "n_chunks": spec.n_chunks,
            "units": units(),
            "state": state,
            "updated": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            **(extra or {}),
        }

        def write(tmp):
            Path(tmp).write_text(json.dumps(doc, indent=1), encoding="utf-8")

        self._guard(lambda: write_atomically(self.manifest_path, write), spec)

    def finish(self, spec: CohortSpec, extra: dict | None = None):
        self._write_manifest(spec, state="complete", extra=extra)

    # ------------------------------------------------------------------ parts
    def part(self, kind: str, k: int) -> Path:
        return self.root / kind / f"part-{k:06d}.parquet"

    def done(self, spec: CohortSpec, *, verify: bool = False) -> set[int]:
        """Chunks whose trajectory part exists (finished).

        With ``verify``, a part whose Parquet footer cannot be read, or whose row count is not
        that of its chunk, is removed (with its people part) and counted as not done: damage
        from outside the run is recomputed, never read as data.
        """
        folder = self.root / "trajectory"
        if not folder.is_dir():
            return set()
        steps = spec.n_steps
        out = set()
        for f in folder.glob("part-*.parquet"):
            k = int(f.stem.split("-")[1])
            if not 0 <= k < spec.n_chunks:
                continue
            if verify:
                lo, hi = spec.chunk_bounds(k)
                try:
                    ok = pq.read_metadata(f).num_rows == (hi - lo) * steps
                    ok = ok and pq.read_metadata(self.part("people", k)).num_rows == hi - lo
                except (OSError, pa.ArrowException):
                    ok = False
                if not ok:
                    f.unlink(missing_ok=True)
                    self.part("people", k).unlink(missing_ok=True)
                    continue
            out.add(k)
        return out

    def clean(self) -> int:
        """Remove temporary files left by an interrupted run; returns how many."""
        n = 0
        for kind in ("people", "trajectory"):
            folder = self.root / kind
            if folder.is_dir():
                for f in folder.glob(".part-*"):
                    f.unlink(missing_ok=True)
                    n += 1
        for f in self.root.glob(f".{Path(MANIFEST).stem}.*"):
            f.unlink(missing_ok=True)
            n += 1
        return n

    def write_chunk(self, spec: CohortSpec, k: int, people: pd.DataFrame, traj: pd.DataFrame):
        """Write chunk ``k`` (people part first, then the trajectory part that marks it done)."""
        for kind, df in (("people", people), ("trajectory", traj)):
            path = self.part(kind, k)

            def write(tmp, df=df):
                df.to_parquet(tmp, index=False, compression="zstd")

            self._guard(lambda path=path, write=write: write_atomically(path, write), spec)

    def check_space(self, spec: CohortSpec, n_people: int) -> None:
        steps = spec.n_steps
        need = n_people * (steps * _BYTES_PER_PERSON_STEP + _BYTES_PER_PERSON)
        probe = self.root if self.root.exists() else _existing_parent(self.root)
        free = shutil.disk_usage(probe).free
        if free < need:
            raise InputError(
                "--out",
                str(self.root),
                f"a disk with about {need / 1e6:.0f} MB free for {n_people} people "
                f"({free / 1e6:.0f} MB free)",
                "free space, choose another disk, or lower --n or --years",
            )

    def _guard(self, fn, spec: CohortSpec):
        try:
            return fn()
        except OSError as e:
            if not _disk_full(e):
                raise
            done = len(self.done(spec))
            raise InputError(
                "--out",
                str(self.root),
                "a disk with free space",
                f"the disk filled after {done} of {spec.n_chunks} chunks; nothing is half-"
                "written: free space and run the same command again to resume",
            ) from None

    # ------------------------------------------------------------------ reading
    def read(self, kind: str, columns=None, filters=None) -> pd.DataFrame:
        folder = self.root / kind
        if not folder.is_dir() or not any(folder.glob("part-*.parquet")):
            raise InputError("DIR", str(self.root), f"a cohort folder with {kind} parts")
        return pd.read_parquet(folder, columns=columns, filters=filters)

    def times(self) -> list[float]:
        """The simulated times (years), read from one part."""
        f = next((self.root / "trajectory").glob("part-*.parquet"))
        return sorted(set(pq.read_table(f, columns=["time"]).column("time").to_pylist()))


def _existing_parent(p: Path) -> Path:
    p = p.absolute()
    while not p.exists():
        p = p.parent
    return p


def _describe(spec: dict) -> str:
    return (
        f"n={spec.get('n')}, years={spec.get('years')}, seed={spec.get('seed')}, "
        f"scenario={(spec.get('scenario') or {}).get('name')!r}"
    )
