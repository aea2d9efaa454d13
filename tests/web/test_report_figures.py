"""The page behind a figure of Kinerja per orang ("Proses di balik angka"): each process's
share of the figure, the SOP and step it is of, and its list chosen in the database."""

import re

from sqlalchemy import event

from tests.web.conftest import login
from tests.web.test_reports import Q4
from web.extensions import db
from web.views.reports.views import FIGURES


def test_the_page_behind_a_figure_shows_each_process_share_of_it(client, history):
    """The report counts steps (or escalations), the page behind it lists processes: "10"
    led to 4 rows nobody could add up to 10."""
    login(client, "prakom")
    page = client.get(f"/laporan/orang/prakom/proses?angka=tugas&{Q4}").get_data(True)
    shares = [int(n) for n in re.findall(
        r'<td data-label="Langkah selesai" class="num">(\d+)</td>', page)]
    assert sum(shares) == 10 and len(shares) == int(re.search(
        r"\((\d+) baris", page).group(1)) < 10
    assert (f'Angka di laporan, 10, adalah jumlah kolom "Langkah selesai" dari {len(shares)} '
            "proses di bawah") in page.replace("&#34;", '"')
    # "Proses dengan langkah terlambat" counts processes: the column tells their late steps.
    late = client.get(f"/laporan/orang/prakom/proses?angka=terlambat&{Q4}").get_data(True)
    assert len(re.findall(r'<td data-label="Langkah terlambat" class="num">\d+</td>', late)) == 3
    assert "Angka di laporan, 3, adalah jumlah proses di bawah" in late
    assert "adalah jumlah kolom" not in late
    critical = client.get("/laporan/orang/prakom/proses?angka=mttr&sop=penanganan_gangguan_"
                          f"server&prioritas=kritis&{Q4}").get_data(True)
    assert 'class="num"' not in critical  # MTTR counts processes: each is one
    shouted = client.get("/laporan/orang/prakom/proses?angka=mttr&sop=penanganan_gangguan_"
                         f"server&prioritas=KRITIS&{Q4}").get_data(True)
    assert re.findall(r'href="/proses/\d+"', shouted) == re.findall(
        r'href="/proses/\d+"', critical) != []


def test_the_page_behind_a_step_figure_names_the_sop_and_the_step(client, history):
    """It was headed "langkah" alone; an unknown SOP or step showed an empty list, as if
    the person had done nothing there."""
    login(client, "prakom")
    url = f"/laporan/orang/prakom/proses?angka=langkah&sop=sop_uji&langkah=Kegiatan_1&{Q4}"
    page = client.get(url).get_data(True)
    assert "SOP Uji · langkah 1. Menyusun konsep" in page
    for query, field, message in (
            ("sop=sop_lain&langkah=Kegiatan_1", "sop", 'SOP "sop_lain" tidak dikenal.'),
            ("sop=sop_uji&langkah=Nope", "langkah",
             'Langkah "Nope" tidak ada pada SOP SOP Uji.'),
            # Found by the lists probe: each showed "no process behind this figure".
            ("sop=sop_uji", "langkah",
             'Angka "langkah" menghitung satu langkah satu SOP: langkah belum dipilih.'),
            ("langkah=Kegiatan_1", "sop",
             'Angka "langkah" menghitung satu langkah satu SOP: sop belum dipilih.')):
        refused = client.get(f"/laporan/orang/prakom/proses?angka=langkah&{query}&{Q4}")
        assert refused.status_code == 400
        assert message.replace('"', "&#34;") in refused.get_data(True), field
    # The reports probe: an MTTR drill-down without its SOP or priority listed nothing.
    for query, missing in (("prioritas=kritis", "sop"),
                           ("sop=penanganan_gangguan_server", "prioritas")):
        refused = client.get(f"/laporan/orang/prakom/proses?angka=mttr&{query}&{Q4}")
        assert refused.status_code == 400
        assert (f"Angka &#34;mttr&#34; menghitung satu prioritas satu SOP: {missing} belum "
                "dipilih.") in refused.get_data(True)
    refused = client.get(f"/laporan/orang/prakom/proses?angka=tugas&langkah=Kegiatan_1&{Q4}")
    assert refused.status_code == 400
    assert "Langkah Kegiatan_1 dipilih tanpa SOP-nya: tambahkan sop." in refused.get_data(True)


def test_the_instances_behind_a_figure_are_chosen_in_the_database_not_sent_as_ids(
        client, history):
    """However many instances a figure counts (a busy person's three years), the page's
    statement carries no list of their ids: SQLite refuses more than 32,766 parameters."""
    login(client, "prakom")
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with client.application.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        page = client.get(f"/laporan/orang/prakom/proses?angka=tugas&{Q4}")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert page.status_code == 200 and page.get_data(True).count('href="/proses/') >= 7
    listed = [(sql, params) for sql, params in seen if "FROM process_instances" in sql
              and "step_facts" in sql]
    assert listed and all(len(params) < 10 for _, params in listed)


def test_the_page_behind_the_escalations_figure_lists_their_processes(client, history):
    """It answered 500: the escalations' query names the person too, and the list asked
    for the processes whose id is IN it."""
    login(client, "prakom")
    report = client.get(f"/laporan/orang/prakom?{Q4}").get_data(True)
    page = client.get(f"/laporan/orang/prakom/proses?angka=eskalasi&{Q4}")
    assert page.status_code == 200
    shares = [int(n) for n in re.findall(r'<td data-label="[^"]*" class="num">(\d+)</td>',
                                         page.get_data(True))]
    figure = int(re.search(r'angka=eskalasi[^"]*">(\d+)<', report).group(1))
    assert sum(shares) == figure == 7 and len(shares) == 3
    assert (f'Angka di laporan, {figure}, adalah jumlah kolom "Eskalasi" dari 3 proses di '
            "bawah") in page.get_data(True).replace("&#34;", '"')


def test_every_figure_s_page_answers(client, history):
    login(client, "prakom")
    for figure in FIGURES:
        scope = {"langkah": "&sop=sop_uji&langkah=Kegiatan_1",
                 "mttr": "&sop=penanganan_gangguan_server&prioritas=kritis"}.get(figure, "")
        page = client.get(f"/laporan/orang/prakom/proses?angka={figure}{scope}&{Q4}")
        assert page.status_code == 200, figure


def test_a_name_no_account_has_is_said_to_an_administrator_and_hidden_from_others(client):
    """An administrator lists every account anyway; anyone else may not learn which names
    exist, so the name is refused as one he may not see."""
    login(client, "admin")
    for path in ("/laporan/orang/tidak_ada", "/laporan/orang/tidak_ada/proses?angka=eskalasi"):
        missing = client.get(path)
        assert missing.status_code == 404
        assert "Tidak ada pengguna bernama &#34;tidak_ada&#34;." in missing.get_data(True)
    login(client, "ketua")
    hidden = client.get("/laporan/orang/tidak_ada")
    assert hidden.status_code == 403 and "tidak_ada" not in hidden.get_data(True)
