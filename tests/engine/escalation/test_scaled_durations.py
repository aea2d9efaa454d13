"""The later escalation levels' durations: the step's Waktu multiplied, written so that
the duration parser reads it back (a fraction times the level is not a float's tail)."""

import pytest

from engine.process.levels import scale_duration
from engine.time.duration import parse_duration


@pytest.mark.parametrize(("duration", "factor", "scaled"), [
    ("PT30M", 2, "PT60M"), ("PT0.3H", 3, "PT0.9H"), ("PT1.2H", 3, "PT3.6H"),
    ("PT0.7H", 3, "PT2.1H"), ("P1DT0.1H", 3, "P3DT0.3H"), ("P2W", 2, "P4W")])
def test_a_scaled_duration_is_read_back(duration, factor, scaled):
    assert scale_duration(duration, factor) == scaled
    assert parse_duration(scaled)
