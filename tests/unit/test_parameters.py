"""Parameter data files: provenance, bibliography, reference records, transcription, errors."""

from __future__ import annotations

import math

import _sims
import pytest

from insulinsim import InputError, parameter_info, person
from insulinsim.parameters import OBTAINED, PRESETS, bibliography

# Table I prints alpha and beta of k_empt as a and c for one reference meal; the model
# recomputes them from b, d and the dose of each meal (see data/params/gut.toml, note on b).
UNUSED_TABLE_I = {"dallaman2007_param_a", "dallaman2007_param_c"}


@pytest.mark.parametrize("preset", PRESETS)
def test_every_parameter_has_provenance(preset):
    for key, info in parameter_info(preset).items():
        for field in ("unit", "source", "locator", "obtained"):
            assert getattr(info, field), f"{preset}: {key} lacks {field}"
        assert info.obtained in OBTAINED, key
        assert math.isfinite(info.value), key


@pytest.mark.parametrize("preset", PRESETS)
def test_every_source_is_in_the_bibliography(preset):
    bib = bibliography()
    missing = {i.key: i.source for i in parameter_info(preset).values() if i.source not in bib}
    assert not missing, f"sources missing from references.bib: {missing}"


@pytest.mark.parametrize("preset", PRESETS)
def test_every_record_exists(preset):
    ref = _sims.reference()
    missing = {
        i.key: i.record
        for i in parameter_info(preset).values()
        if i.record is not None and i.record not in ref
    }
    assert not missing, f"record ids not in reference.json: {missing}"


def _table_i_records():
    return sorted(r for r in _sims.reference() if r.startswith("dallaman2007_param_"))


@pytest.mark.parametrize("rid", _table_i_records())
def test_table_i_transcription(rid):
    """Healthy = normal column (index 0), t2d = T2D column (index 1) of Table I."""
    if rid in UNUSED_TABLE_I:
        pytest.skip(f"{rid}: dose-specific coefficient, recomputed from b, d and the meal dose")
    rec = _sims.reference()[rid]
    for preset, col in (("healthy", 0), ("t2d", 1)):
        infos = [i for i in parameter_info(preset).values() if i.record == rid]
        if not infos:  # t2d inherits the healthy entry when both columns agree
            name = rid.removeprefix("dallaman2007_param_")
            infos = [
                i
                for i in parameter_info(preset).values()
                if i.name == name and i.source == "dallaman2007"
            ]
        assert len(infos) == 1, f"{preset}: {rid} maps to {[i.key for i in infos]}"
        info = infos[0]
        assert info.value == pytest.approx(rec["value"][col], rel=1e-12), (
            f"{preset} {info.key} = {info.value}, Table I {rec['labels'][col]} = "
            f"{rec['value'][col]}"
        )
        assert info.unit == rec["unit"], f"{info.key}: unit {info.unit} vs {rec['unit']}"


def test_t2d_basal_secretion_follows_table_i():
    p = person("t2d")
    expected = (float(p.insulin.m_6) - 0.6) / float(p.insulin.m_5)  # HE_b = 0.6
    assert float(p.pancreas.S_b) == pytest.approx(expected, rel=1e-12)


def test_unknown_preset_is_refused():
    with pytest.raises(InputError) as e:
        person("athlete")
    assert e.value.field == "preset"
    assert "healthy" in str(e.value) and "t2d" in str(e.value)


def test_unknown_parameter_is_refused():
    with pytest.raises(InputError) as e:
        person("healthy", {"glucose.V_mxx": 0.01})
    assert "glucose.V_mxx" in str(e.value)
    with pytest.raises(InputError) as e:
        person("healthy", {"V_mx": 0.01})
    assert "glucose.V_mx" in str(e.value)  # the hint names the right key


@pytest.mark.parametrize("value", [5.0, -0.047, math.nan, math.inf, "abc"])
def test_absurd_override_is_refused(value):
    with pytest.raises(InputError) as e:
        person("healthy", {"glucose.V_mx": value})
    msg = str(e.value)
    assert "glucose.V_mx" in msg
    assert "[0, 4.7]" in msg and "mg/kg/min per pmol/l" in msg  # range with its unit


def test_fraction_override_range():
    with pytest.raises(InputError) as e:
        person("healthy", {"muscle.share_muscle": 1.5})
    assert "[0, 1]" in str(e.value)


def test_valid_override_is_applied():
    assert float(person("healthy", {"glucose.V_mx": 0.02}).glucose.V_mx) == 0.02
