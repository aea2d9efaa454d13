"""The SOP table's row limit (README "Batas"): blank rows under a table end it, a step
past row 1,000 is refused however many blank rows hide it, and the search has an end."""

import csv
import io

import pytest

from engine.errors import InvalidProcess
from engine.sop.reading import MAX_SCANNED_ROWS, read_table
from tests.engine.sop.test_sop_table import TABLE, TITLE_ROW, table_rows, xlsx_bytes


def _padded(blank_rows: int, after: list[list[str]]) -> list[list[str]]:
    """The test table, ``blank_rows`` blank rows under it, then ``after``."""
    return table_rows() + [[""] * 3] * blank_rows + after


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_step_past_the_row_limit_is_refused_however_many_blank_rows_hide_it(
        suffix, tmp_path):
    """A step on row 1,500 under blank rows was dropped without a word: the table was
    read to its row limit, and the blank rows up to it trimmed away."""
    step = table_rows()[TITLE_ROW]
    rows = _padded(1500 - len(table_rows()) - 1, [["99", *step[1:]]])
    data = xlsx_bytes(rows, tmp_path) if suffix == ".xlsx" else _csv(rows)
    with pytest.raises(InvalidProcess) as refused:
        read_table(data, f"sop{suffix}")
    assert refused.value.problems == [(
        f"sop{suffix}: baris 1500 berisi, melewati batas 1.000 baris; tabel SOP sebesar itu "
        "tidak didukung.")]


def test_blank_rows_past_the_limit_are_read_as_the_end_of_the_table():
    assert read_table(_csv(_padded(5000, [])), "sop.csv") == read_table(TABLE.read_bytes(),
                                                                         TABLE.name)
    with pytest.raises(InvalidProcess) as refused:
        read_table(_csv(_padded(MAX_SCANNED_ROWS, [])), "sop.csv")
    assert refused.value.problems == [(
        "sop.csv: lebih dari 100.000 baris, yang kosong ikut dihitung; hapus baris kosong di "
        "bawah tabel lalu unggah lagi.")]
