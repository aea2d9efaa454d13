"""Reading an SOP table file: a CSV or an XLSX workbook's first sheet as rows of text
cells, bounded in bytes, rows and columns; a file that is no table at all (a PDF of the
signed SOP, a scan, a BPMN) is refused in words. ``engine.sop.table`` reads the cells."""

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path

from lxml import etree

from engine.errors import InvalidProcess
from engine.numbers import file_too_large, grouped
from engine.sop.document import long_date

MAX_TABLE_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024
MAX_ROWS, MAX_COLUMNS = 1000, 60
# Rows, blank ones included, read in search of a step past MAX_ROWS (a workbook's sheet
# may declare a million; a 2 MB CSV holds at most two million line ends).
MAX_SCANNED_ROWS = 100_000
# The printed SOP's column groups (Permenpan RB 35/2012): a heading row above the column
# names, which a table copied from the document brings along (often as merged cells).
GROUP_HEADINGS = {"pelaksana", "mutu baku"}
# Merged cells, or formulas without a saved value, a refusal names (a sheet may hold
# thousands).
MAX_MERGES = 10
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# File names the Kelola SOP upload takes as an SOP table or as BPMN (``alur deploy`` points
# a table to ``alur sop import``). ``read_table`` reads a name in WORKBOOK_SUFFIXES (or ZIP
# bytes) as a workbook, anything else as CSV.
TABLE_SUFFIXES = (".csv", ".xlsx")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
BPMN_SUFFIXES = (".bpmn", ".xml")

# First bytes of files people pick by mistake for an SOP (a PDF of the signed SOP, a scan,
# an old Word file): (signature, what it is).
NOT_AN_SOP = ((b"%PDF", "PDF"), (b"\xd0\xcf\x11\xe0", "Word/Excel 97-2003"),
              (b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"))


def seems_other_file(data: bytes) -> str | None:
    """What ``data`` seems to be when its first bytes say it is no SOP at all (``NOT_AN_SOP``:
    "PDF", "PNG", ...), else None."""
    return next((kind for signature, kind in NOT_AN_SOP if data.startswith(signature)), None)


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Return the cells of a CSV file or of an XLSX workbook's first sheet, as text.

    XLSX is recognised by the ``.xlsx``/``.xlsm`` extension or a ZIP signature, anything
    else is read as UTF-8 CSV (comma-separated; a semicolon or tab is accepted when the
    title row ``No;Kegiatan`` uses it, as Excel does in the Indonesian locale). Cells are
    stripped; whole numbers lose their ``.0``; dates become ISO dates (``2024-01-15``).

    Args:
        data: the file's bytes, at most ``MAX_TABLE_BYTES`` (2 MB).
        filename: used for its extension and in messages.

    Raises:
        InvalidProcess: too large, an old ``.xls``, a PDF, picture or BPMN file, not UTF-8,
            not a readable workbook, or more than ``MAX_ROWS`` rows.
    """
    if len(data) > MAX_TABLE_BYTES:
        raise InvalidProcess([file_too_large(len(data), MAX_TABLE_BYTES)])
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidProcess([(f"{filename}: format .xls lama tidak didukung; simpan sebagai "
                              ".xlsx atau CSV UTF-8.")])
    seems = seems_other_file(data) or (
        "BPMN" if suffix in BPMN_SUFFIXES or data.lstrip()[:1] == b"<" else None)
    if seems:
        raise InvalidProcess([(f'Berkas "{filename[:100]}" bukan tabel SOP (tampaknya {seems}); '
                              "tabel SOP berupa .csv atau .xlsx, dan BPMN dideploy apa adanya "
                              "(alur deploy, atau unggah di Kelola SOP).")])
    rows = (_read_xlsx(data, filename) if suffix in WORKBOOK_SUFFIXES
            or data.startswith(b"PK\x03\x04") else _read_csv(data, filename))
    for row in rows:  # a workbook pads rows to its widest; CSV keeps trailing commas
        while row and not row[-1]:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _read_xlsx(data: bytes, filename: str) -> list[list[str]]:
    from openpyxl import load_workbook  # only needed for workbooks

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
        if unzipped > MAX_UNZIPPED_BYTES:
            raise InvalidProcess([(f"{filename}: isi buku kerja terlalu besar setelah diurai "
                                  f"({grouped(unzipped)} bita).")])
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = _bounded(([_cell_text(value) for value in row] for row in sheet.iter_rows(
                max_col=MAX_COLUMNS, values_only=True)), filename)
            merged = _merged_across_rows(data, sheet._worksheet_path)
            unsaved = _formulas_without_value(data, sheet._worksheet_path)
        finally:
            workbook.close()
        if unsaved:  # read as empty, a step would lose its Waktu or Output unseen
            raise InvalidProcess([(
                f"{filename}: sel {', '.join(unsaved)} berisi rumus tanpa nilai tersimpan (buku "
                "kerja dibuat oleh program, bukan disimpan di Excel atau LibreOffice); Alur "
                "membaca nilai tersimpan sebuah rumus, tidak menghitungnya. Buka lalu simpan "
                "ulang di Excel atau LibreOffice, atau tulis nilainya tanpa rumus.")])
        if merged and not has_group_heading(rows):  # the heading's own message says more
            raise InvalidProcess([(
                f"{filename}: sel {ref} digabung melintasi baris {first}–{last}; Alur membaca "
                f"sel gabungan hanya pada baris {first}, baris lainnya kosong. Pisahkan sel "
                "itu lalu tulis nilainya di setiap baris.") for ref, first, last in merged])
    except InvalidProcess:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for bad files
        raise InvalidProcess([(f"{filename}: bukan buku kerja XLSX yang dapat dibaca; buka "
                               "di Excel atau LibreOffice lalu simpan ulang sebagai "
                               ".xlsx.")]) from None
    return rows


def has_group_heading(rows: list[list[str]]) -> bool:
    """Whether the table's title row (``No, Kegiatan, …``) holds the printed SOP's column
    groups (``GROUP_HEADINGS``) rather than the column names."""
    return any(len(row) > 1 and row[0].strip().lower() == "no"
               and row[1].strip().lower() == "kegiatan"
               and {" ".join(cell.split()).lower() for cell in row} & GROUP_HEADINGS
               for row in rows)


def _merged_across_rows(data: bytes, sheet_path: str) -> list[tuple[str, int, int]]:
    """``(range, first row, last row)`` of the sheet's cells merged over several rows
    within ``MAX_ROWS``, at most ``MAX_MERGES``, by row then column: openpyxl reads such a cell's value on its
    first row only, and its read-only sheets do not list merges, so they are read from the
    sheet's XML (``sheet_path`` in the workbook's archive; no entity is resolved)."""
    from openpyxl.utils.cell import range_boundaries  # only needed for workbooks

    merged = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(
            sheet_path.lstrip("/")) as xml:
        for _, element in etree.iterparse(xml, tag=f"{{{SHEET_NS}}}mergeCell",
                                          resolve_entities=False, no_network=True):
            column, first, _, last = range_boundaries(element.get("ref", ""))
            if first is not None and last is not None and first < last and first <= MAX_ROWS:
                merged.append((first, column or 0, element.get("ref", ""), last))
                if len(merged) == MAX_MERGES:
                    break
            element.clear()
    return [(ref, first, last) for first, _, ref, last in sorted(merged)]  # as read: by row


def _formulas_without_value(data: bytes, sheet_path: str) -> list[str]:
    """The sheet's cells (``"C12"``) within ``MAX_ROWS`` that hold a formula but no saved
    value, at most ``MAX_MERGES``, in the sheet's order: openpyxl (``data_only``) reads them
    as empty. Excel and LibreOffice save each formula's value; a workbook written by a
    program (openpyxl, pandas) does not, leaving ``<v>`` out or empty without ``t="str"``
    (an empty text result). Read from the sheet's XML; no entity is resolved."""
    found = []
    formula, value = f"{{{SHEET_NS}}}f", f"{{{SHEET_NS}}}v"
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(
            sheet_path.lstrip("/")) as xml:
        for _, cell in etree.iterparse(xml, tag=f"{{{SHEET_NS}}}c", resolve_entities=False,
                                       no_network=True):
            saved = cell.find(value)
            if cell.find(formula) is not None and (saved is None or (
                    not saved.text and cell.get("t") != "str")):
                ref = cell.get("r", "")
                if int(re.sub(r"\D", "", ref) or 0) > MAX_ROWS:
                    break
                found.append(ref)
                if len(found) == MAX_MERGES:
                    break
            cell.clear()
    return found


def _read_csv(data: bytes, filename: str) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidProcess([(f"{filename}: bukan teks UTF-8 (bita ke-{error.start + 1}); "
                              'simpan sebagai "CSV UTF-8".')]) from None
    title = re.search(r'^\s*"?No"?\s*([,;\t])\s*"?Kegiatan', text, re.IGNORECASE | re.MULTILINE)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=title.group(1) if title else ",")
    try:
        # As the XLSX reader: the columns past MAX_COLUMNS are no column of an SOP table.
        return _bounded(([cell.strip() for cell in row[:MAX_COLUMNS]] for row in reader),
                        filename)
    except csv.Error:
        raise InvalidProcess([(f"{filename}: CSV tidak dapat dibaca di baris {reader.line_num}: "
                               f"sel lebih dari {grouped(csv.field_size_limit())} karakter "
                               "atau tanda kutip yang tidak ditutup.")]) from None


def _bounded(rows: Iterable[list[str]], filename: str) -> list[list[str]]:
    """The first ``MAX_ROWS`` rows. A later row that holds a cell is refused, however many
    blank rows come between (a sheet's empty stretch must not hide a step past the limit);
    so are more than ``MAX_SCANNED_ROWS`` rows, blank or not (the search has an end).

    Raises:
        InvalidProcess: a row past ``MAX_ROWS`` holds a cell, or more than
            ``MAX_SCANNED_ROWS`` rows.
    """
    kept: list[list[str]] = []
    for number, row in enumerate(rows, start=1):
        if number <= MAX_ROWS:
            kept.append(row)
        elif any(row):
            raise InvalidProcess([(f"{filename}: baris {number} berisi, melewati batas "
                                  f"{grouped(MAX_ROWS)} baris; tabel SOP sebesar itu tidak "
                                  "didukung.")])
        elif number > MAX_SCANNED_ROWS:
            raise InvalidProcess([(f"{filename}: lebih dari {grouped(MAX_SCANNED_ROWS)} baris, "
                                  "yang kosong ikut dihitung; hapus baris kosong di bawah "
                                  "tabel lalu unggah lagi.")])
    return kept


def _cell_text(value: object) -> str:
    """A workbook cell's value as the table's text: a date cell as the SOP document writes
    a date, "2 Januari 2027" (SOP table probe: a Tanggal Efektif typed into Excel printed
    as 2027-01-02 beside the source's "09 Januari 2017")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return long_date(value.date())
    if isinstance(value, date) and not isinstance(value, datetime):
        return long_date(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).strip()
