"""From a step's figures in Kinerja SOP and Peta hambatan to the processes behind them
(found by the reports probe: a Ketua saw step 4 at 66,7% on time and could not find the
late cases without opening every process)."""

import re

from tests.helpers.statements import page_statements
from tests.web.conftest import login
from tests.web.test_reports import Q4

STEP = "/laporan/sop/sop_uji/langkah/Kegiatan_1"


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr(?: class=\"late\")?>\s*<td data-label=\"Proses\">.*?</tr>", page,
                      re.DOTALL)


def test_a_steps_name_leads_to_each_time_it_was_done_and_to_the_late_ones(client, history):
    login(client, "kasubbag")
    link = f'<a href="{STEP}?{Q4.replace("&", "&amp;")}">Menyusun konsep</a>'
    assert link in client.get(f"/laporan/sop/sop_uji?{Q4}").get_data(True)
    assert link in client.get(f"/laporan/sop/sop_uji/peta?{Q4}").get_data(True)
    every = client.get(f"{STEP}?{Q4}").get_data(True)
    # Kinerja SOP: done 4 times, 4 with a deadline, 2 on time.
    assert len(_rows(every)) == 4 and "Semua (4)" in every and "Terlambat (2)" in every
    assert "<h1>Langkah 1. Menyusun konsep</h1>" in every
    late = client.get(f"{STEP}?terlambat=ya&{Q4}").get_data(True)
    assert len(_rows(late)) == 2 and all('class="late"' in row for row in _rows(late))
    assert all("⚠ terlambat" in row and "Demo Prakom" in row for row in _rows(late))
    assert 'href="/proses/' in late


def test_the_step_page_refuses_what_it_cannot_show(client, history):
    login(client, "kasubbag")
    assert client.get(f"{STEP}?terlambat=mungkin&{Q4}").status_code == 400
    assert client.get(f"/laporan/sop/sop_uji/langkah/Tidak_Ada?{Q4}").status_code == 404
    assert client.get(f"/laporan/sop/tidak_ada/langkah/Kegiatan_1?{Q4}").status_code == 404
    assert "Langkah ini tidak diselesaikan pada periode ini." in client.get(
        f"{STEP}?periode=tahun&tahun=2020").get_data(True)
    assert "Periode ini belum dimulai; belum ada yang dapat dilaporkan." in client.get(
        f"{STEP}?periode=tahun&tahun=2030").get_data(True)
    login(client, "redaktur")  # holds no lane of the SOP nor one above it
    assert client.get(f"{STEP}?{Q4}").status_code == 403


def test_the_step_page_reads_its_facts_in_three_statements(app, client, history):
    """The page of executions and its two tabs' counts: the page's count, its rows and
    both tabs in one, whatever the period holds."""
    login(client, "kasubbag")
    seen = page_statements(app, client, f"{STEP}?{Q4}")
    assert sum("step_facts" in statement for statement in seen) == 3, seen


def test_a_send_back_reads_as_one_among_the_reviews(client, history):
    """The supervisor probe: a case sent back and then approved read as two identical rows."""
    login(client, "kasubbag")
    rows = _rows(client.get(f"/laporan/sop/sop_uji/langkah/Kegiatan_2?{Q4}").get_data(True))
    sent_back = [row for row in rows if "dikembalikan untuk revisi" in row]
    assert len(sent_back) == 1 and len(rows) > 1
