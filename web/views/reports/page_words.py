"""How report figures read on the page, in the user's language: a table cell and a share.
The exports (``web.views.reports.export``), official documents, keep their Indonesian."""

from typing import Any

from flask_babel import format_decimal, gettext

from engine.reports.basis import BAND_LABELS
from web.i18n import N_
from web.time_words import clock_minutes_text, standard_text, working_text
from web.views.reports.export import Spent, TimeStandard, Words, cell_text

# Words Alur itself writes in report cells (row labels, yes/no, the heatmap's bands): on
# the page in the user's language; the exports keep them Indonesian.
CELL_WORDS = frozenset({
    N_("Semua layanan"), N_("kategori"), N_("prioritas"), N_("backlog akhir periode"),
    N_("ya"), N_("tidak"), N_("tanpa prioritas"), *BAND_LABELS.values(),
    # A ticket's priorities, as Kotak Masuk names them ("critical" to an English reader).
    N_("kritis"), N_("mayor"), N_("minor")})


def page_cell(value: Any) -> str:
    """A report cell on the page (template filter ``angka_laporan``): a fraction in the
    user's language with one or two decimals as the figure has them (``2.309,9``; uptime
    ``99,46``, which its 99,5 % target must not hide), one of ``CELL_WORDS`` or a ``Words`` in the
    user's language, a ``TimeStandard`` in words (``1 jam``, ``1 hari kerja``), anything else as
    the exports hold it (``cell_text``)."""
    if isinstance(value, TimeStandard):
        return standard_text(value, value.round_the_clock)
    if isinstance(value, Spent):
        return clock_minutes_text(value) if value.round_the_clock else working_text(value)
    if isinstance(value, Words):
        return value.page()
    if isinstance(value, float):
        return format_decimal(value, format="#,##0.0#")
    if isinstance(value, str) and value in CELL_WORDS:
        return gettext(value)
    return cell_text(value)


def page_minutes(minutes: float | None) -> str:
    """``2 jam 5 menit kerja`` for office minutes in the user's language, ``—`` for None."""
    return "—" if minutes is None else working_text(minutes)


def page_percent(share: float | None) -> str:
    """``83,3%`` (PUEBI: the sign joins the number) for a share of 0.8333 in the user's language, ``—`` for None."""
    return "—" if share is None else format_decimal(100 * share, format="#,##0.0") + "%"
