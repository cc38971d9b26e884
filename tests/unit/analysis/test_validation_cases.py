"""The validation machinery: tolerances can fail, records are looked up strictly, the case
functions turn model numbers into rows (with fake simulations: nothing is solved here)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import xarray as xr

from insulinsim.analysis import _validation as V
from insulinsim.errors import InputError

# ---------------------------------------------------------------------------- a fake record set

FAKE = {
    "series_rel": {
        "id": "series_rel",
        "quantity": "glucose",
        "value": [100.0, 150.0, 120.0],
        "x": [0, 30, 60],
        "sd": [5.0, 20.0, 15.0],
        "unit": "mg/dL",
        "tolerance": {"type": "relative", "value": 0.1},
        "source": {"citation": "Doe J. A paper. 2020", "locator": "Table 1", "url": "https://x"},
    },
    "elements_abs": {
        "id": "elements_abs",
        "quantity": "peaks",
        "value": [180, 50],
        "labels": ["peak", "time of peak"],
        "unit": "[mg/dL, min]",
        "tolerance": {"type": "absolute", "value": [15, 10]},
        "source": {"citation": "Roe R. Another paper. 2021", "url": "https://y"},
    },
    "a_range": {
        "id": "a_range",
        "quantity": "share",
        "value": [80, 90],
        "unit": "%",
        "tolerance": {"type": "range", "low": 75, "high": 92},
        "source": {"citation": "Poe P. 2019"},
    },
}


# ------------------------------------------------------------------------------- tolerances


@pytest.mark.parametrize(
    ("model", "published", "tol", "i", "ok"),
    [
        (110.0, 100.0, {"type": "relative", "value": 0.1}, None, True),
        (110.5, 100.0, {"type": "relative", "value": 0.1}, None, False),
        (-89.0, -100.0, {"type": "relative", "value": 0.1}, None, False),  # |published|
        (195.0, 180.0, {"type": "absolute", "value": 15}, None, True),
        (195.1, 180.0, {"type": "absolute", "value": 15}, None, False),
        (64.0, 50.0, {"type": "absolute", "value": [15, 10]}, 1, False),  # per element
        (64.0, 50.0, {"type": "absolute", "value": [15, 10]}, 0, True),
        (75.0, math.nan, {"type": "range", "low": 75, "high": 92}, None, True),
        (92.5, math.nan, {"type": "range", "low": 75, "high": 92}, None, False),
        (math.nan, 100.0, {"type": "relative", "value": 0.1}, None, False),  # NaN never passes
    ],
)
def test_within_applies_the_record_tolerance(model, published, tol, i, ok):
    passed, desc = V.within(model, published, tol, i)
    assert passed is ok
    assert desc


def test_tolerance_descriptions_and_intervals():
    assert V.within(1.0, 1.0, {"type": "relative", "value": 0.15})[1] == "±15%"
    assert V.within(1.0, 1.0, {"type": "absolute", "value": 0.3})[1] == "±0.3"
    assert V.within(80.0, 0.0, {"type": "range", "low": 75, "high": 92})[1] == "[75, 92]"
    assert V.tolerance_interval(200.0, {"type": "relative", "value": 0.1}) == (180.0, 220.0)
    assert V.tolerance_interval(50.0, {"type": "absolute", "value": [15, 10]}, 1) == (40, 60)
    with pytest.raises(ValueError, match="unhandled tolerance"):
        V.within(1.0, 1.0, {"type": "exact"})


def test_a_wrong_model_value_fails_its_row_and_only_it():
    rows = V.element_rows(FAKE, "elements_abs", [181.0, 75.0])
    assert [r.passed for r in rows] == [True, False]
    assert [r.result for r in rows] == ["pass", "FAIL"]
    assert rows[1].quantity == "time of peak"
    assert (rows[1].published, rows[1].model, rows[1].tolerance) == ("50.0", "75.0", "±10.0")
    assert rows[1].record == "elements_abs"
    assert rows[1].source.startswith("Roe R. Another paper")
    assert rows[1].url == "https://y"


def test_series_rows_interpolate_the_model_at_the_published_times():
    t = np.array([0.0, 20.0, 40.0, 60.0])
    good = V.series_rows(FAKE, "series_rel", "g", t, np.array([100.0, 140.0, 160.0, 120.0]))
    assert all(r.passed for r in good)  # 150 at 30 min by interpolation
    assert [r.quantity for r in good] == ["g t=0 min", "g t=30 min", "g t=60 min"]
    bad = V.series_rows(FAKE, "series_rel", "g", t, np.array([100.0, 140.0, 160.0, 140.0]))
    assert [r.passed for r in bad] == [True, True, False]
    assert bad[0].source == "Doe J. A paper. 2020 [Table 1]"


def test_context_rows_are_not_scored():
    row = V.ValidationRow("q", "-", "1", "-", True, "a_range", scored=False)
    assert row.result == "info"
    case = V.ValidationCase(
        "k", "t", "d", (row, V.ValidationRow("q", "1", "2", "±0", False, "a_range")), (), ()
    )
    assert (case.n_scored, case.n_failed, case.passed) == (1, 1, False)


# --------------------------------------------------------------------------- the record set


def test_unknown_record_id_errors_with_close_ids():
    with pytest.raises(V.RecordNotFound, match=r"'elements_ab'.*did you mean elements_abs"):
        V.record(FAKE, "elements_ab")
    with pytest.raises(LookupError, match="not in the reference set"):
        V.element_rows(FAKE, "no_such_record", [1.0])


def test_load_reference_reads_records_by_id(tmp_path):
    path = tmp_path / "reference.json"
    path.write_text(json.dumps(list(FAKE.values())), encoding="utf-8")
    assert V.load_reference(path) == FAKE


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (None, r"(?i)no file at"),
        ("{not json", "a readable JSON file"),
        ('{"id": "x"}', "a JSON list of records"),
        ('[{"value": 1}]', "a JSON list of records"),
        ('[{"id": "a"}, {"id": "a"}]', r"(?i).a. repeats"),
    ],
)
def test_bad_reference_files_are_refused_naming_the_path(tmp_path, text, match):
    path = tmp_path / "ref.json"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match) as e:
        V.load_reference(path)
    assert str(path) in str(e.value)


def test_find_reference_looks_beside_the_working_folder_first(tmp_path):
    here = tmp_path / "repo"
    here.mkdir()
    target = tmp_path / "shared" / "validation" / "reference.json"
    target.parent.mkdir(parents=True)
    target.write_text("[]", encoding="utf-8")
    assert V.find_reference(here) == target.resolve()


def test_find_reference_names_every_path_tried(tmp_path, monkeypatch):
    monkeypatch.setattr(V, "_repository_root", lambda start: tmp_path / "b" / "root")
    with pytest.raises(InputError, match=r"(?i)tried") as e:
        V.find_reference(tmp_path / "a" / "cwd")
    msg = str(e.value)
    assert str(tmp_path / "a" / "shared" / "validation" / "reference.json") in msg
    assert str(tmp_path / "b" / "shared" / "validation" / "reference.json") in msg
    assert "--reference" in msg


# ---------------------------------------------------------------- cases with fake simulations


class FakeSims:
    """An OGTT 'result' whose curves are given: nothing is solved."""

    def __init__(self, glucose: dict[str, np.ndarray], basal_egp: float = 1.92):
        t = np.arange(0.0, 181.0)
        names = list(glucose)
        g = np.stack([glucose[n] for n in names])
        self._ogtt = xr.Dataset(
            {
                "glucose": (("person", "time"), g, {"units": "mg/dL"}),
                "insulin": (("person", "time"), np.full_like(g, 150.0), {"units": "pmol/L"}),
                "basal_egp": ("person", np.full(len(names), basal_egp)),
                "basal_glucose": ("person", g[:, 0]),
                "basal_insulin": ("person", np.full(len(names), 25.0)),
            },
            coords={"person": names, "time": t},
        )

    def ogtt(self):
        return self._ogtt


def _through(rec: dict, scale_at: dict[int, float] | None = None) -> np.ndarray:
    """A glucose curve through the published points (optionally scaled at some of them)."""
    y = np.asarray(rec["value"], dtype=np.float64).copy()
    for i, f in (scale_at or {}).items():
        y[i] *= f
    return np.interp(np.arange(0.0, 181.0), np.asarray(rec["x"], dtype=np.float64), y)


def test_ohashi_case_passes_on_the_published_curve_and_fails_a_wrong_point(reference):
    rec = reference["ogtt75_ohashi_igt_glucose"]
    ok = V.run_case("ohashi_igt", FakeSims({"igt": _through(rec)}), reference)
    assert ok.passed and ok.n_scored == len(rec["value"])
    assert all(r.record == rec["id"] and r.case == "ohashi_igt" for r in ok.rows)
    assert rec["id"] in ok.records and "ogtt75_ohashi_igt_insulin" in ok.records
    bad = V.run_case("ohashi_igt", FakeSims({"igt": _through(rec, {3: 1.2})}), reference)
    assert [r.passed for r in bad.rows] == [True, True, True, False, True]  # 20 % > 15 %
    assert bad.n_failed == 1 and not bad.passed
    # the figure: the model curve and the published points with SD and tolerance band
    glucose = bad.panels[0]
    assert glucose.curves[0].y.dtype == np.float64
    pts = glucose.published[0]
    assert pts.record == rec["id"] and pts.err_low is not None
    np.testing.assert_allclose(pts.tol_high, np.asarray(rec["value"]) * 1.15)


def test_basal_glucose_use_fails_when_the_model_is_off(reference):
    rec = reference["phys_basal_glucose_use"]
    flat = {"healthy": np.full(181, 90.0)}
    good = V.run_case("basal_glucose_use", FakeSims(flat, basal_egp=rec["value"]), reference)
    assert good.passed
    off = rec["value"] + 2.0 * rec["tolerance"]["value"]
    bad = V.run_case("basal_glucose_use", FakeSims(flat, basal_egp=off), reference)
    assert not bad.passed and bad.rows[0].result == "FAIL"


def test_the_registry():
    assert len(V.CASES) >= 20
    for key, spec in V.CASES.items():
        assert spec.key == key and spec.title and spec.description, key
    with pytest.raises(InputError, match="--case"):
        V.run_case("no_such_case", FakeSims({"healthy": np.full(181, 90.0)}), FAKE)
    with pytest.raises(InputError, match="--case"):
        V.run_validation(FAKE, FakeSims({"healthy": np.full(181, 90.0)}), ["nope"])


def test_figure_data_is_float64():
    p = V.Points("x", [1, 2], [3, 4], tol_low=[0, 1], tol_high=[5, 6])
    assert p.x.dtype == p.y.dtype == p.tol_low.dtype == np.float64
    c = V.Curve("c", np.arange(3, dtype=np.int32), np.ones(3, dtype=np.float32))
    assert c.x.dtype == c.y.dtype == np.float64


def test_a_case_figure_renders(reference):
    from insulinsim.plotting._validation import validation_png

    rec = reference["ogtt75_ohashi_igt_glucose"]
    case = V.run_case("ohashi_igt", FakeSims({"igt": _through(rec, {1: 0.5})}), reference)
    png = validation_png(case)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
