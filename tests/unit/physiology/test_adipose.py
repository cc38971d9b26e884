"""Adipose share of insulin-dependent uptake (DeFronzo 2004)."""

from __future__ import annotations

import pytest

from insulinsim import person
from insulinsim.physiology import adipose


def test_share_of_uptake():
    p = person("healthy")
    assert float(adipose.glucose_uptake(4.0, p.adipose)) == pytest.approx(
        4.0 * float(p.adipose.share_adipose)
    )
    # record phys_postprandial_peripheral_partition: 4-5 % to adipose tissue
    assert 0.04 <= float(p.adipose.share_adipose) <= 0.05
    assert float(p.adipose.share_adipose) + float(p.muscle.share_muscle) <= 1.0
