"""Report tables, and their export to CSV and XLSX with Indonesian headings.

A report page renders the same ``Table`` objects it exports, so a page, its CSV and its
XLSX hold the same numbers. A table's title and headings are Indonesian, whatever the
user's language: the exports are official documents. The page shows them translated
(``Table.caption`` and ``Table.labels``). Values are ``str``, ``int``, ``float`` or None ("—": no
figure); a ``TimeStandard`` (an ISO 8601 duration) reads in words on the page, a ``Words``
in the user's language. On the page a float reads with a decimal comma (``83,3``); in the XLSX as numbers
and empty cells. The XLSX holds every table of a report, one sheet each; a CSV holds one
table (headings, then rows), chosen by its number. The CSV is for Excel set to Indonesian:
``;`` between cells, decimal commas (``83,3``) and a byte-order mark; ``sep=","`` gives the
plain form (``,``, decimal points, no byte-order mark). None is an empty cell.

Exports cannot run: a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage
return is written as text — in the CSV behind a ``'`` (OWASP "CSV Injection"), in the
XLSX as a string cell with Excel's quote prefix — never as a formula.
"""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self

from flask import Response, request
from flask_babel import gettext
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from engine.process import downloads
from engine.time.duration import InvalidDuration, duration_words
from web.extensions import clock, db

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")
CSV_SEPARATORS = (";", ",")
MAX_COLUMN_WIDTH = 60  # characters: a sheet's widest column; longer texts wrap in it
WRAPPED = Alignment(wrap_text=True, vertical="top")
# Characters of an XLSX's heading: Excel takes at most 255 in a page header, codes included.
MAX_HEADING = 200
# What spreadsheet programs read as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """Whether ``value`` is text a spreadsheet would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


@dataclass
class Table:
    """One table of a report: a title (the XLSX sheet's name), headings and rows.

    ``title`` and ``headings`` are the Indonesian texts the exports write; they are also
    message ids (marked where the tables are built), which ``caption`` and ``labels``
    translate for the page.

    ``links`` is empty or parallel to ``rows``: per cell the URL of the instances behind
    the figure, or None.
    """

    title: str
    headings: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[list[str | None]] = field(default_factory=list)

    def add(self, values: list[Any], links: list[str | None] | None = None) -> None:
        """Append a row, with optional per-cell links."""
        if len(values) != len(self.headings):
            raise ValueError(f"{self.title}: {len(values)} values for {len(self.headings)} "
                             "headings")
        self.rows.append(values)
        if links is not None or self.links:
            while len(self.links) < len(self.rows) - 1:
                self.links.append([None] * len(self.headings))
            self.links.append(links or [None] * len(self.headings))

    @property
    def caption(self) -> str:
        """The title in the user's language, for the page."""
        return gettext(self.title)

    @property
    def labels(self) -> list[str]:
        """The headings in the user's language, for the page."""
        return [gettext(heading) for heading in self.headings]

    @property
    def minute_columns(self) -> set[int]:
        """The columns counted in office minutes (their heading says "menit kerja"): the
        page writes them in words (``2 jam 5 menit kerja``), the exports as numbers."""
        return {index for index, heading in enumerate(self.headings) if "menit kerja" in heading}

    @property
    def page_labels(self) -> list[str]:
        """``labels`` for the page: a minutes column loses its unit in brackets, since
        its cells say the unit in words."""
        return [re.sub(r"\s*\([^)]*\)$", "", label) if index in self.minute_columns else label
                for index, label in enumerate(self.labels)]

    def link(self, row: int, column: int) -> str | None:
        """The link of a cell, or None."""
        return self.links[row][column] if row < len(self.links) else None


class TimeStandard(str):
    """A time standard in a report cell: the ISO 8601 duration itself (``PT4H``), and
    whether it counts round the clock, so that the page says it in the reader's words
    (``web.views.reports.page_words.page_cell``) and the exports in Indonesian ones
    (``4 jam kerja``, ``1 jam``; the auditor probe: Excel showed ``PT1H``)."""

    def exported(self) -> str:
        """The standard as the exports write it: ``4 jam kerja``; as stored when Alur
        cannot count it."""
        try:
            return duration_words(self, self.round_the_clock)
        except InvalidDuration:
            return str(self)

    round_the_clock: bool

    def __new__(cls, duration: str, round_the_clock: bool = False) -> Self:
        made = super().__new__(cls, duration)
        made.round_the_clock = round_the_clock
        return made


class Spent(float):
    """Minutes spent in a report cell, which the exports write as the number, and whether
    they are wall-clock minutes (a round-the-clock SLA, kritis) rather than office minutes,
    so that the page writes them in the right words (``web.views.reports.page_words``)."""

    round_the_clock: bool

    def __new__(cls, minutes: float, round_the_clock: bool = False) -> Self:
        made = super().__new__(cls, minutes)
        made.round_the_clock = round_the_clock
        return made


class Words(str):
    """A sentence or label Alur writes in a report cell: the Indonesian text itself, which
    the exports write as it is, and ``page()``, the same in the user's language for the page
    (``web.views.reports.page_words.page_cell``): a period, Tabel 7's Catatan."""

    page: Callable[[], str]

    def __new__(cls, indonesian: str, page: Callable[[], str]) -> Self:
        made = super().__new__(cls, indonesian)
        made.page = page
        return made


def cell_text(value: Any) -> str:
    """A value as the page shows it: ``—`` for None, ``83,3`` for 83.3."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def export(tables: list[Table], fmt: str, filename: str, sep: str = ";",
           number: int = 1, heading: str | None = None) -> Response:
    """The tables as a download: ``fmt`` "xlsx" (all tables) or "csv" (table ``number``,
    counted from 1); ``filename`` without extension; ``sep`` the CSV separator (``;`` with
    decimal commas, or ``,`` with decimal points); ``heading`` what the XLSX's printed
    pages say above the table (``xlsx_bytes``).

    The download is recorded in the audit trail under the reader's name, committed
    (``engine.process.downloads.record_list``): lists carry case data.

    Raises:
        ValueError: another format or separator, or no table ``number``.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format {fmt!r} tidak dikenal")
    if fmt == "csv" and not 1 <= number <= len(tables):
        raise ValueError(f"tabel {number} tidak ada")
    downloads.record_list(db.session, clock(), current_user, request.path,
                          request.query_string.decode("utf-8", "replace"), fmt)
    db.session.commit()
    if fmt == "csv":
        table = tables[number - 1]
        name = f"{filename}-{_slug(table.title)}" if len(tables) > 1 else filename
        return _download(csv_bytes(table, sep), "text/csv; charset=utf-8", f"{name}.csv")
    return _download(xlsx_bytes(tables, heading), XLSX_MIMETYPE, f"{filename}.xlsx")


def csv_bytes(table: Table, sep: str = ";") -> bytes:
    """One table as UTF-8 CSV: the headings, then the rows. The form for Excel (``;``)
    starts with a byte-order mark, so that Excel reads the accents; the plain form (``,``)
    for other programs has none (it would cling to the first heading: "\ufeffNo").

    Raises:
        ValueError: ``sep`` is not one of ``CSV_SEPARATORS``.
    """
    if sep not in CSV_SEPARATORS:
        raise ValueError(f"pemisah {sep!r} tidak dikenal")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow([_csv_cell(heading, sep) for heading in table.headings])
    for row in table.rows:
        writer.writerow([_csv_cell(value, sep) for value in row])
    return (("\ufeff" if sep == ";" else "") + out.getvalue()).encode("utf-8")


def _slug(title: str) -> str:
    """``"Per SOP"`` -> ``"per-sop"``: a table's title in a file name."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in title.lower()).split())


def _csv_cell(value: Any, sep: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, TimeStandard):
        return value.exported()
    if isinstance(value, float) and sep == ";":
        return str(value).replace(".", ",")
    if is_formula_like(value):
        return "'" + value
    return value


def xlsx_bytes(tables: list[Table], heading: str | None = None) -> bytes:
    """An XLSX workbook with one sheet per table: headings in bold in row 1, then rows;
    a text of several lines, or longer than its column, wraps within its cell.

    A sheet prints across the paper's width (landscape), its row 1 on every page and
    "Halaman N dari M" at each page's foot; ``heading`` (the report, its period, when its
    figures were read) heads every printed page and is the workbook's title, so a sheet
    printed or opened apart from its file name still says what it is. The cells stay as
    they are: row 1 the headings.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    if heading:
        workbook.properties.title = heading[:MAX_HEADING]
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, used))
        _print_setup(sheet, heading)
        sheet.append(table.headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = WRAPPED
        for number, row in enumerate(table.rows, start=2):
            # Control characters stored before the input guard refused them: dropped,
            # since a workbook cannot hold them (openpyxl raises).
            values = [value.exported() if isinstance(value, TimeStandard)
                      else ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str)
                      else value for value in row]
            sheet.append(values)
            # Each text cell by its address: ``sheet.max_row`` counts every cell of the
            # sheet, once per row (10,000 rows took two minutes; the growth probe).
            for column, value in enumerate(values, start=1):
                if not isinstance(value, str):
                    continue
                if is_formula_like(value):
                    cell = sheet.cell(number, column)
                    cell.data_type = "s"
                    cell.quotePrefix = True
                if "\n" in value or len(value) > MAX_COLUMN_WIDTH:
                    # its lines shown, not one line past the column
                    sheet.cell(number, column).alignment = WRAPPED
        for column, label in enumerate(table.headings, start=1):
            longest = max([len(str(label))] + [len(str(row[column - 1] or ""))
                                                 for row in table.rows])
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = min(
                max(10, longest + 2), MAX_COLUMN_WIDTH)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _print_setup(sheet: Any, heading: str | None) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_title_rows = "1:1"
    if heading:  # & starts a code in Excel's page headers (&P, &N): && is one &
        sheet.oddHeader.center.text = heading[:MAX_HEADING].replace("&", "&&")
    sheet.oddFooter.center.text = "Halaman &P dari &N"


def _sheet_name(title: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:31] or "Tabel"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def _download(data: bytes, content_type: str, filename: str) -> Response:
    return Response(data, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
