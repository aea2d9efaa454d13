"""The download parameters of the report pages: ``format`` (``csv`` or ``xlsx``), ``sep``
(the CSV separator) and ``tabel`` (the table a CSV holds, from 1), refused with a 400
naming the parameter on every page of the reports blueprint alike.

A report marked ``downloadable`` takes them; ``sep`` and ``tabel`` without ``format`` are
checked too and, when valid, change nothing on the page. The other pages (the overview,
the list of people, the instances behind a figure, the diagram) have no download and
refuse all three.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request
from flask_babel import force_locale, gettext
from flask_login import current_user

from engine.text import is_digits, shortened
from engine.time.periods import Period
from web.errors import refuse_parameter
from web.filters import local_time
from web.paging import this_page_url
from web.views.reports.export import CSV_SEPARATORS, EXPORT_FORMATS, MAX_HEADING, Table, export
from web.views.reports.period_words import taken_at

PARAMETERS = ("format", "sep", "tabel")

View = TypeVar("View", bound=Callable[..., Any])


def downloadable(view: View) -> View:
    """Mark a report view as downloadable (its ``downloadable`` attribute, which
    ``login_required``'s wrapper keeps): it takes ``format``, ``sep`` and ``tabel`` and
    answers through ``download``."""
    view.downloadable = True  # type: ignore[attr-defined]
    return view


def check_parameters() -> None:
    """Refuse (400 naming the parameter) a ``format`` or ``sep`` that is not known, and any
    of ``PARAMETERS`` on a page without a download; the blueprint's ``before_request``, so
    no page goes unchecked. ``tabel`` needs the report's tables: ``download`` checks it.
    Anonymous requests pass, for the page to send them to the login first."""
    if not current_user.is_authenticated:
        return
    if not getattr(current_app.view_functions.get(request.endpoint or ""), "downloadable",
                   False):
        for name in PARAMETERS:
            if name in request.args:
                refuse_parameter(name, gettext(
                    'Halaman ini tidak dapat diunduh ("%(name)s"); unduhan CSV atau XLSX ada di '
                    "halaman setiap laporan.", name=name))
        return
    asked_format()
    asked_separator()


def asked_separator() -> str:
    """The CSV separator ``?sep=`` asks for: ``;`` unless ``,`` (empty is not asked); any
    other is refused, 400 naming it, never read as ``;``."""
    sep = request.args.get("sep") or ";"
    if sep not in CSV_SEPARATORS:
        refuse_parameter("sep", gettext(
            'Pemisah CSV (sep) "%(value)s" tidak dikenal; pilih ; atau ,.', value=sep[:20]))
    return sep


def asked_format() -> str | None:
    """The download ``?format=`` asks for (one of ``EXPORT_FORMATS``), None when none is
    (empty is none); any other is refused, 400 naming it, never read as the page."""
    fmt = request.args.get("format")
    if fmt and fmt not in EXPORT_FORMATS:
        refuse_parameter("format", gettext(
            'Format "%(value)s" tidak dikenal; pilih csv atau xlsx.', value=fmt[:20]))
    return fmt or None


def download(tables: list[Table], filename: str, heading: str | None = None) -> Any:
    """The download ``?format=`` asks for, or None for the page: the CSV of table ``?tabel=``
    (from 1; default 1) with the separator of ``?sep=`` (``;`` unless ``,``), or the XLSX
    of all tables, its printed pages headed by ``heading`` (``report_heading``);
    ``filename`` without extension. A table that does not exist is a 400, with or without
    ``format``."""
    number = request.args.get("tabel") or "1"
    if not is_digits(number) or not 1 <= int(number) <= len(tables):
        refuse_parameter("tabel", gettext('Tabel "%(value)s" tidak ada; pilih 1–%(count)d.',
                                          value=number[:20], count=len(tables)))
    fmt = request.args.get("format")
    if not fmt:
        return None
    return export(tables, fmt, filename, asked_separator(), int(number), heading)


def report_heading(title: str, period: Period | None = None) -> str:
    """``Kinerja SOP: Penyusunan RKT · Triwulan IV 2026 · data per 6 Des 2026 09.28 WIB``:
    what a report's XLSX says above its printed pages, in Indonesian whatever the user's
    language (the exports are official documents); ``title`` already Indonesian, shortened
    when the whole would pass ``MAX_HEADING``."""
    with force_locale("id"):
        rest = [*([period.label] if period else []),
                gettext("data per %(time)s", time=local_time(taken_at()))]
    # A long SOP name is shortened, never the period and reading after it.
    room = MAX_HEADING - len(" · ".join(["", *rest]))
    return " · ".join([shortened(title, room), *rest])


def export_links(tables: list[Table]) -> dict[str, Any]:
    """This page's URL with ``format=xlsx`` (``"xlsx"``), and per table its caption and
    the URL with ``format=csv&tabel=<number>`` (``"csv"``: a list of pairs)."""

    def link(**more: Any) -> str:
        return this_page_url(("format", "tabel"), **more)

    return {"xlsx": link(format="xlsx"),
            "csv": [(table.caption, link(format="csv", tabel=number))
                    for number, table in enumerate(tables, start=1)]}
