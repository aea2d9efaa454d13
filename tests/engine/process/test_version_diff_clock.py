"""A version that switches a step's Sepanjang Waktu on says so in its diff: the step then
counts nights and holidays, though its Waktu text is the same."""

import csv
import io

from engine.process.deploy import deploy
from engine.process.versions import diff_versions
from engine.sop.table import import_table
from tests.engine.sop.test_sop_table import set_cell, table_rows


def _table(round_the_clock: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        set_cell(table_rows(), 19, "Sepanjang Waktu", round_the_clock))
    return import_table(out.getvalue().encode(), "t.csv")


def test_switching_sepanjang_waktu_on_shows_as_a_durasi_change(session, clock):
    v1, _ = deploy(session, clock, _table(""))
    v2, _ = deploy(session, clock, _table("ya"), activate=False)
    assert diff_versions(v1, v2).retimed == [
        ("Kegiatan_3", "Melaksanakan pemeliharaan server",
         {"waktu": "2 jam", "durasi": "2 jam kerja"}, {"waktu": "2 jam", "durasi": "2 jam"})]
    assert diff_versions(v1, v1).retimed == []
