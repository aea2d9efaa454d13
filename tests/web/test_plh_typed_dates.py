"""A Plh/Plt date and time typed on a page without a date picker is read as the official
meant it, or refused (web.views.substitutions): Python's own reading took "16.30" for 16:00
and a fraction of a second, ending a Plh half an hour early, and "2026-12-31 16" or
"20261231" as whole hours or days (the regression probes)."""

from datetime import datetime

import pytest

from web.views.substitutions import _typed_moment


@pytest.mark.parametrize(("typed", "meant"), [
    ("2026-12-31T16:30", datetime(2026, 12, 31, 16, 30)),  # a date picker's
    ("2026-12-31T16:30:00.000", datetime(2026, 12, 31, 16, 30)),
    ("2026-12-31 16.30", datetime(2026, 12, 31, 16, 30)),  # as Alur writes a time
    ("2026-12-31 16:30:59", datetime(2026, 12, 31, 16, 30, 59)),
    ("31-12-2026 7.05", datetime(2026, 12, 31, 7, 5)),  # day first
    ("31/12/2026  16,30 WIB", datetime(2026, 12, 31, 16, 30)),
    ("2026-12-31 16.30 Wib", datetime(2026, 12, 31, 16, 30)),
])
def test_a_date_and_time_typed_as_officials_write_them_is_read_whole(app, typed, meant):
    with app.test_request_context():
        assert _typed_moment(typed) == meant


@pytest.mark.parametrize("typed", ["2026-12-31 16", "20261231", "2026-12-31 24.00",
                                   "2026-12-31 16.60", "2026-02-30 08.00", "besok 08.00",
                                   "2026-12-31 16.30 WITA"])
def test_a_date_and_time_that_cannot_be_read_as_meant_is_refused(app, typed):
    with app.test_request_context(), pytest.raises(ValueError):
        _typed_moment(typed)
