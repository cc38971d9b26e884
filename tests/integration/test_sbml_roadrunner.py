"""The SBML export, simulated by libroadrunner, against insulinsim's own solver.

libroadrunner reads only the exported XML and integrates it with CVODE (BDF) at rtol 1e-10
and an absolute tolerance of 1e-12 per state; ``simulate`` integrates ``insulinsim.model.rhs``
with diffrax's adaptive Tsit5 at rtol = atol = 1e-10. Two engines, two integrators and a
hand transcription of every equation: agreement within 1e-4 relative (measured: about 1e-8)
means the export is the same model, not an approximation of it.

The absolute tolerance is set as a vector because libroadrunner multiplies a scalar one by
each state's value whenever it (re)starts the integrator (sys-bio/roadrunner#1349): a state
at a tiny nonzero value (glucagon action X_H decays to ~1e-28 after a meal) then gets an
absolute tolerance of ~1e-40 and CVODE stalls.
"""

from __future__ import annotations

import functools
import math

import libsbml
import numpy as np
import pytest
import roadrunner
import xarray as xr

from insulinsim import InputError, SolverSettings, parameter_info, person, protocols, simulate
from insulinsim.io._sbml import SBML_IDS, export_sbml, write_sbml
from insulinsim.model import Mechanistic

PRESETS_CHECKED = ("healthy", "t2d")
RTOL = 1e-4
TIGHT = SolverSettings.adaptive(rtol=1e-10, atol=1e-10)
PROTOCOLS = {"meal": protocols.meal_test, "clamp": protocols.clamp, "ogtt": protocols.ogtt}
# compared over the whole time course; glucose and insulin purely relative, the others
# relative to their largest value (GIR and the meal's Ra start at exactly zero)
STRICT = ("glucose", "insulin")
OTHERS = (
    "glucagon",
    "ffa",
    "egp",
    "ra_meal",
    "gir",
    "secretion",
    "uptake_muscle",
    "uptake_adipose",
    "excretion_kidney",
    "hepatic_extraction",
)


@functools.cache
def exported(preset: str, protocol: str) -> str:
    return export_sbml(person(preset), PROTOCOLS[protocol]())


def roadrunner_run(xml: str, times, names=STRICT + OTHERS, rtol=1e-10, atol=1e-12) -> dict:
    """Simulate SBML text with a fresh libroadrunner instance (CVODE); outputs by name."""
    rr = roadrunner.RoadRunner(xml)
    rr.integrator.relative_tolerance = rtol
    if atol is not None:
        rr.integrator.absolute_tolerance = [atol] * rr.model.getNumRateRules()
    rr.timeCourseSelections = ["time"] + [SBML_IDS[n] for n in names]
    res = np.asarray(rr.simulate(times=np.asarray(times, dtype=float)))
    return {"time": res[:, 0], **{n: res[:, i + 1] for i, n in enumerate(names)}}


@functools.cache
def roadrunner_result(preset: str, protocol: str) -> dict:
    return roadrunner_run(exported(preset, protocol), PROTOCOLS[protocol]().times())


@functools.cache
def insulinsim_result(protocol: str) -> xr.Dataset:
    people = [person(p) for p in PRESETS_CHECKED]
    ds = simulate(people, PROTOCOLS[protocol](), settings=TIGHT, names=list(PRESETS_CHECKED))
    assert (ds.status.values == "ok").all(), ds.status.values
    return ds


def differences(rr: dict, ds: xr.Dataset) -> dict[str, float]:
    """Worst difference per output: relative (STRICT) or relative to the output's largest
    value (absolute, in the output's unit, where that is zero: the GIR of a meal)."""
    np.testing.assert_array_equal(rr["time"], ds.time.values)
    out = {}
    for name in STRICT + OTHERS:
        ref, got = ds[name].values, rr[name]
        scale = np.abs(ref) if name in STRICT else (np.max(np.abs(ref)) or 1.0)
        out[name] = float(np.max(np.abs(got - ref) / scale))
    return out


def check_agreement(preset: str, protocol: str, ds: xr.Dataset) -> None:
    rr = roadrunner_result(preset, protocol)
    diff = differences(rr, ds.sel(person=preset))
    print(f"{protocol} {preset}: worst difference roadrunner vs simulate:", diff)
    bad = {k: v for k, v in diff.items() if not v <= RTOL}
    assert not bad, f"{protocol} {preset}: export and simulate differ (> {RTOL:g}): {bad}"
    # the protocol did something, in both engines (events fired)
    if protocol == "clamp":
        assert rr["gir"][-1] > 1.0 and rr["insulin"][-1] > 3.0 * rr["insulin"][0]
    else:
        assert np.ptp(rr["glucose"]) > 20.0 and rr["ra_meal"].max() > 1.0


@pytest.mark.xdist_group("sbml")
@pytest.mark.parametrize("protocol", ["meal", "clamp"])
@pytest.mark.parametrize("preset", PRESETS_CHECKED)
def test_roadrunner_matches_simulate(preset, protocol):
    check_agreement(preset, protocol, insulinsim_result(protocol))


@pytest.mark.parametrize("preset", PRESETS_CHECKED)
def test_roadrunner_matches_simulate_ogtt(sim_ogtt_tight, preset):
    # the suite's shared OGTT at rtol = atol = 1e-10 (tests/_sims.py), same settings as above
    check_agreement(preset, "ogtt", sim_ogtt_tight)


@pytest.mark.xdist_group("sbml")
def test_cross_check_detects_a_one_percent_change():
    """The comparison can fail: k_abs 1 % off in the XML is seen far above the tolerance."""
    doc = libsbml.readSBMLFromString(exported("healthy", "meal"))
    k_abs = doc.getModel().getParameter("k_abs")
    k_abs.setValue(k_abs.getValue() * 1.01)
    rr = roadrunner_run(libsbml.writeSBMLToString(doc), protocols.meal_test().times())
    diff = differences(rr, insulinsim_result("meal").sel(person="healthy"))
    assert diff["glucose"] > 10 * RTOL


def _issues(xml: str) -> list[libsbml.SBMLError]:
    doc = libsbml.readSBMLFromString(xml)
    doc.checkConsistency()
    return [doc.getError(i) for i in range(doc.getNumErrors())]


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_export_is_consistent_sbml_with_consistent_units(protocol):
    issues = _issues(exported("t2d", protocol))
    errors = [e.getMessage() for e in issues if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
    units = [
        e.getMessage() for e in issues if e.getCategory() == libsbml.LIBSBML_CAT_UNITS_CONSISTENCY
    ]
    assert errors == []
    assert units == []  # every expression's units check, literals included


def test_every_parameter_has_a_unit_and_the_model_parameters_their_source():
    doc = libsbml.readSBMLFromString(exported("t2d", "clamp"))
    model = doc.getModel()
    info = parameter_info("t2d")
    assert model.getNumParameters() > 100
    n_sourced = 0
    for i in range(model.getNumParameters()):
        p = model.getParameter(i)
        assert p.isSetUnits(), p.getId()
        unit = p.getUnits()
        assert unit == "dimensionless" or model.getUnitDefinition(unit) is not None, unit
        assert p.isSetNotes(), p.getId()
        ann = p.getAnnotation()
        prov = None
        for j in range(ann.getNumChildren() if ann is not None else 0):
            if ann.getChild(j).getName() == "provenance":
                prov = ann.getChild(j)
        if prov is None:
            continue
        key = prov.getAttrValue("parameter")
        assert prov.getAttrValue("source") == info[key].source, key
        assert prov.getAttrValue("unit") == info[key].unit, key
        assert math.isclose(p.getValue(), info[key].value, rel_tol=1e-14), key
        n_sourced += 1
    assert n_sourced >= 60  # every model parameter the equations use


def test_user_value_is_not_credited_to_a_source():
    doc = libsbml.readSBMLFromString(
        export_sbml(person("healthy", {"glucose.V_mx": 0.03}), protocols.ogtt())
    )
    p = doc.getModel().getParameter("V_mx")
    assert p.getValue() == 0.03
    assert 'obtained="user"' in p.getAnnotationString()
    assert "isDescribedBy" not in p.getAnnotationString()


def test_clamp_runs_at_roadrunner_default_tolerances():
    """Regression: a clamp starts exactly on its anti-windup switch (error = command = 0).
    Written as a piecewise, libroadrunner (>= 2.6) root-found its condition on solver noise,
    restarted with absolute tolerances scaled by the near-zero integral, and stalled
    (CV_TOO_MUCH_WORK at t = 0.03 min) at its default tolerances. The export writes the step
    without a piecewise."""
    times = protocols.clamp().times()
    rr = roadrunner_run(exported("healthy", "clamp"), times, ("glucose",), rtol=1e-6, atol=None)
    ref = roadrunner_result("healthy", "clamp")["glucose"]
    assert np.max(np.abs(rr["glucose"] - ref) / ref) < 1e-4


def test_mechanistic_action_is_refused_with_the_supported_option():
    for action in ("mechanistic", Mechanistic()):
        with pytest.raises(InputError, match="phenomenological"):
            export_sbml(person("healthy"), insulin_action=action)


def test_write_sbml_writes_the_export(tmp_path):
    path = write_sbml("healthy", tmp_path / "ogtt.xml", protocols.ogtt(), name="OGTT")
    doc = libsbml.readSBMLFromFile(str(path))
    assert doc.getNumErrors() == 0
    assert doc.getModel().getName() == "OGTT"
    assert doc.getModel().getNumEvents() == 1  # the 1-min glucose drink ends
    assert libsbml.writeSBMLToString(doc) == exported("healthy", "ogtt").replace(
        "insulinsim fast model: healthy, ogtt", "OGTT"
    )
