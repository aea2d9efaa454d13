"""Report tables, and their export to CSV and XLSX with Indonesian headings.

A report page renders the same ``Table`` objects it exports, so a page, its CSV and its
XLSX hold the same numbers. A table's title and headings are Indonesian, whatever the
user's language: the exports are official documents. The page shows them translated
(``Table.caption`` and ``Table.labels``). Values are ``str``, ``int``, ``float`` or None ("—": no
figure). On the page a float reads with a decimal comma (``83,3``); in the CSV with a
point (``83.3``) and None as an empty cell; in the XLSX as numbers and empty cells.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Response
from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")


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


def cell_text(value: Any) -> str:
    """A value as the page shows it: ``—`` for None, ``83,3`` for 83.3."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def export(tables: list[Table], fmt: str, filename: str) -> Response:
    """The tables as a download: ``fmt`` "csv" or "xlsx"; ``filename`` without extension.

    Raises:
        ValueError: another format.
    """
    if fmt == "csv":
        return _download(csv_bytes(tables), "text/csv; charset=utf-8", f"{filename}.csv")
    if fmt == "xlsx":
        return _download(xlsx_bytes(tables), XLSX_MIMETYPE, f"{filename}.xlsx")
    raise ValueError(f"format {fmt!r} tidak dikenal")


def csv_bytes(tables: list[Table]) -> bytes:
    """UTF-8 CSV (with a byte-order mark, so spreadsheet programs read the accents): per
    table a title line, the headings, the rows, and an empty line between tables."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.headings)
        for row in table.rows:
            writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(tables: list[Table]) -> bytes:
    """An XLSX workbook with one sheet per table: headings in bold in row 1, then rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, used))
        sheet.append(table.headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            sheet.append(row)
        for column, heading in enumerate(table.headings, start=1):
            longest = max([len(str(heading))] + [len(str(row[column - 1] or ""))
                                                 for row in table.rows])
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = min(
                max(10, longest + 2), 60)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique."""
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:31] or "Tabel"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
