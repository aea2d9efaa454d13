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
