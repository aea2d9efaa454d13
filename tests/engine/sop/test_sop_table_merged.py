"""A workbook's cells merged across rows are refused by name: Excel shows the value on
every merged row, openpyxl reads it on the first only, and the next step's Kelengkapan
was silently empty."""

import io

import pytest
from openpyxl import Workbook

from engine.errors import InvalidProcess
from engine.sop.reading import MAX_MERGES, read_table
from engine.sop.table import import_table
from tests.engine.sop.test_sop_table import TITLE_ROW, table_rows


def _workbook(merges: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in table_rows():
        sheet.append([cell or None for cell in row])
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_cell_merged_across_two_steps_is_refused_naming_it():
    kelengkapan = "ABCDEFGHIJ"[table_rows()[TITLE_ROW - 1].index("Kelengkapan")]
    merged = f"{kelengkapan}{TITLE_ROW + 1}:{kelengkapan}{TITLE_ROW + 2}"
    with pytest.raises(InvalidProcess) as refused:
        import_table(_workbook([merged, "A1:C1"]), "sop.xlsx")
    assert refused.value.problems == [
        f"sop.xlsx: sel {merged} digabung melintasi baris {TITLE_ROW + 1}–{TITLE_ROW + 2}; "
        f"Alur membaca sel gabungan hanya pada baris {TITLE_ROW + 1}, baris lainnya kosong. "
        "Pisahkan sel itu lalu tulis nilainya di setiap baris."], "a merge in one row is read"


def test_many_merges_are_named_up_to_their_limit():
    merges = [f"K{row}:K{row + 1}" for row in range(30, 30 + 2 * (MAX_MERGES + 5), 2)]
    with pytest.raises(InvalidProcess) as refused:
        read_table(_workbook(merges), "sop.xlsx")
    assert len(refused.value.problems) == MAX_MERGES


def test_the_printed_sops_merged_heading_is_named_as_a_heading():
    """Copied from the printed SOP, "Pelaksana" and "Mutu Baku" span their columns and "No",
    "Kegiatan" their two heading rows: removing the heading row is the fix, not unmerging."""
    rows = table_rows()
    rows.insert(TITLE_ROW - 1, ["No", "Kegiatan", "Pelaksana", "", "Mutu Baku", "", "", "",
                                "", "", ""])
    rows[TITLE_ROW][0:2] = ["", ""]
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([cell or None for cell in row])
    for cells in (f"B{TITLE_ROW}:B{TITLE_ROW + 1}", f"A{TITLE_ROW}:A{TITLE_ROW + 1}",
                  f"C{TITLE_ROW}:D{TITLE_ROW}"):
        sheet.merge_cells(cells)
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(InvalidProcess) as refused:
        import_table(out.getvalue(), "sop.xlsx")
    assert refused.value.problems[0].startswith(
        f"Baris {TITLE_ROW}: baris judul bertingkat seperti di dokumen SOP cetak")


def test_merges_are_named_by_row_then_column():
    with pytest.raises(InvalidProcess) as refused:
        read_table(_workbook(["K40:K41", "B30:B31", "A30:A31"]), "sop.xlsx")
    assert [problem.split(" digabung")[0] for problem in refused.value.problems] == [
        "sop.xlsx: sel A30:A31", "sop.xlsx: sel B30:B31", "sop.xlsx: sel K40:K41"]
