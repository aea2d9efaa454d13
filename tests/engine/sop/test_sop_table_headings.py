"""A table's title row as administrators get it wrong: a misspelt role column does not
hide the rows' own problems (one upload lists them all, in row order, with the role it
probably means), and the printed SOP's two-row heading (Pelaksana, Mutu Baku above the
column names) is named as what it is."""

import csv
import io

import pytest

from engine.errors import InvalidProcess
from engine.roles import KNOWN_ROLES
from engine.sop.table import import_table
from tests.engine.sop.test_sop_table import TITLE_ROW, set_cell, table_rows


def _refusals(rows: list[list[str]]) -> list[str]:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with pytest.raises(InvalidProcess) as refused:
        import_table(out.getvalue().encode(), "t.csv")
    return refused.value.problems


def test_a_misspelt_role_column_is_said_with_every_rows_problem_in_row_order():
    rows = set_cell(table_rows(), 21, "Waktu", "2 harian")
    rows = set_cell(rows, 17, "Kasubbag", "X")
    rows = set_cell(rows, TITLE_ROW, "Kasubbag", "Kasubag")
    assert _refusals(rows) == [
        f'Baris 16, kolom Pelaksana: "Kasubag" bukan peran yang dikenal '
        f"({', '.join(KNOWN_ROLES)}); maksud Anda Kasubbag?",
        "Baris 17, kolom Pelaksana: ada tanda di lebih dari satu kolom peran (Prakom, "
        "Kasubag); satu langkah punya satu Pelaksana.",
        *[problem for problem in _refusals(set_cell(table_rows(), 21, "Waktu", "2 harian"))]]


def test_the_printed_sops_two_row_heading_is_named():
    rows = table_rows()
    rows.insert(TITLE_ROW - 1, ["No", "Kegiatan", "Pelaksana", "", "Mutu Baku", "", "",
                                "Keterangan"])
    rows[TITLE_ROW][0:2] = ["", ""]
    assert _refusals(rows) == [
        f"Baris {TITLE_ROW}: baris judul bertingkat seperti di dokumen SOP cetak (Pelaksana "
        "dan Mutu Baku di atas nama kolomnya); hapus baris judul kelompok itu dan tulis nama "
        "kolom dalam satu baris: No, Kegiatan, nama peran (mis. Prakom, Kasubbag), "
        "Kelengkapan, Waktu, Output, Keterangan."]
