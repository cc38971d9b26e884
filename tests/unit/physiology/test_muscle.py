"""Muscle share of insulin-dependent uptake (DeFronzo 2004)."""

from __future__ import annotations

import pytest

from insulinsim import person
from insulinsim.physiology import muscle


def test_share_of_uptake():
    p = person("healthy").muscle
    assert float(muscle.glucose_uptake(4.0, p)) == pytest.approx(4.0 * float(p.share_muscle))
    # record phys_postprandial_peripheral_partition: 80-85 % to muscle
    assert 0.80 <= float(p.share_muscle) <= 0.85
