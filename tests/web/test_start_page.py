"""Mulai Proses (issue 15, point 5): only the SOPs the user may start, grouped, searchable,
each with purpose, first Pelaksana, total Waktu and its SOP document; a refused start keeps
the title; a new instance leads to the starter's first task when it is his."""

import html
import re

from sqlalchemy import select

from engine.models import HumanTask, ProcessDefinition, ProcessInstance
from engine.people.access import REQUESTER_PROCESSES
from tests.conftest import START_DATA, csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from web.extensions import db

SERVER = "penanganan_gangguan_server"
PTIP = "penyusunan_rkt_ptip"  # Kasubbag's only lane: "Rencana Kerja Tahunan (RKT)"


def _items(page: str) -> list[str]:
    """The SOP names listed, in order."""
    return re.findall(r'<li class="sop-item"[^>]*>\s*<h3><a href="[^"]+">([^<]+)</a>', page)


def _headings(page: str) -> list[str]:
    return re.findall(r'<h2 id="kelompok-\d+">([^<]+)</h2>', page)


def _startable_by(app, role: str) -> list[str]:
    with app.app_context():
        return sorted(d.name for d in db.session.scalars(select(ProcessDefinition))
                      if role in d.catalog["lanes"] or d.key in REQUESTER_PROCESSES)


def test_the_list_holds_exactly_the_sops_the_user_may_start(app, client):
    login(client, "kasubbag")
    page = client.get("/proses/baru").get_data(True)
    assert sorted(_items(page)) == _startable_by(app, "Kasubbag")
    login(client, "redaktur")
    page = client.get("/proses/baru").get_data(True)
    listed = _items(page)
    assert sorted(listed) == _startable_by(app, "Redaktur")
    assert "Penyusunan Rencana Kerja Tahunan (RKT)" not in listed
    assert f"{len(listed)} SOP dapat Anda mulai" in page


def test_sops_are_grouped_ti_perencanaan_persuratan_and_staff_see_no_version(app, client):
    login(client, "kasubbag")
    page = client.get("/proses/baru").get_data(True)
    assert _headings(page) == ["TI", "Perencanaan", "Persuratan"]
    perencanaan = page.split('">Perencanaan</h2>')[1].split("</section>")[0]
    assert "Penyusunan Rencana Kerja Tahunan (RKT)" in perencanaan
    assert "Penyusunan Rencana Kinerja Tahunan (RKT)" in perencanaan
    assert "(versi" not in page
    login(client, "admin")
    assert "(versi 1)" in client.get("/proses/baru").get_data(True)


def test_each_sop_shows_purpose_first_pelaksana_total_waktu_and_its_document(client):
    login(client, "kasubbag")
    page = client.get("/proses/baru").get_data(True)
    item = page.split(">Penanganan Gangguan Server</a>")[1].split("</li>")[0]
    assert "Menangani laporan gangguan server sampai layanan pulih" in item
    # Seven steps of 1 jam, 10 menit, 1 hari kerja, ... summed in working time.
    assert "Pelaksana pertama: Prakom" in item
    assert re.search(r"Waktu: \d+ hari kerja( \d+ jam)?( \d+ menit)?<", item), item
    assert f'href="/sop/{SERVER}/versi/1"' in item
    # The two near-identical names are told apart by their purpose.
    kerja = page.split(">Penyusunan Rencana Kerja Tahunan (RKT)</a>")[1].split("</li>")[0]
    kinerja = page.split(">Penyusunan Rencana Kinerja Tahunan (RKT)</a>")[1].split("</li>")[0]
    assert "subbagian PTIP sendiri" in kerja and "Pelaksana pertama: Kasubbag" in kerja
    assert "bersama bidang terkait" in kinerja


def test_the_server_searches_with_cari_without_javascript(client):
    login(client, "admin")  # who may start every SOP
    page = client.get("/proses/baru?cari=SIPP").get_data(True)
    assert sorted(_items(page)) == ["Backup Database SIPP", "Perawatan SIPP",
                                    "Sinkronisasi SIPP ke SIPP MA dan ke SIPP Website PN"]
    assert "3 SOP cocok" in page and _headings(page) == ["TI"]
    assert _items(client.get("/proses/baru?cari=RKT").get_data(True)) == [
        "Penyusunan Rencana Kerja Tahunan (RKT)", "Penyusunan Rencana Kinerja Tahunan (RKT)"]
    none = client.get("/proses/baru?cari=tidak-ada-sop-ini").get_data(True)
    assert _items(none) == [] and "Tidak ada SOP yang cocok" in none
    assert re.search(r'<script src="/static/mulai\.js\?v=[0-9a-f]{12}">', page)


def test_starting_an_sop_the_user_may_not_start_is_refused_and_keeps_the_title(app, client):
    login(client, "prakom")
    page = client.get("/proses/baru").get_data(True)
    response = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": PTIP, "title": "RKT PTIP 2027"})
    assert response.status_code == 403
    html = response.get_data(True)
    assert ('Anda tidak dapat memulai SOP &#34;Penyusunan Rencana Kerja Tahunan (RKT)&#34;: '
            "SOP ini dimulai oleh pemegang peran Kasubbag.") in html
    assert "<strong>RKT PTIP 2027</strong>" in html
    assert f"/proses/baru?process_key={SERVER}&amp;title=RKT+PTIP+2027" in html
    assert app_count(app, ProcessInstance) == 0
    assert client.get(f"/proses/baru?process_key={PTIP}").status_code == 403


def test_an_unknown_sop_or_none_chosen_is_named_on_the_page(client):
    login(client, "prakom")
    token = csrf_token(client.get("/proses/baru").get_data(True))
    unknown = client.post("/proses/baru", data={"csrf_token": token, "process_key": "tidak_ada",
                                                "title": "Judul"})
    assert unknown.status_code == 422
    assert "SOP &#34;tidak_ada&#34; tidak ada atau belum diaktifkan" in unknown.get_data(True)
    missing = client.post("/proses/baru", data={"csrf_token": token, "title": "Judul"})
    assert missing.status_code == 422 and "pilih SOP" in missing.get_data(True)


def test_the_starter_goes_to_his_first_task_else_to_the_process_page(app, client):
    login(client, "prakom")
    token = csrf_token(client.get(f"/proses/baru?process_key={SERVER}").get_data(True))
    mine = client.post("/proses/baru", data={"csrf_token": token, "process_key": SERVER,
                                             "title": "Server SIPP mati"})
    with app.app_context():
        [task_id] = db.session.scalars(select(HumanTask.id)).all()
    assert mine.headers["Location"] == f"/tugas/{task_id}"
    login(client, "kasubbag")  # the IT request starts with the Prakom's step
    key = "penanganan_permintaan_layanan_ti"
    token = csrf_token(client.get(f"/proses/baru?process_key={key}").get_data(True))
    theirs = client.post("/proses/baru", data={"csrf_token": token, "process_key": key,
                                               "title": "Printer", **START_DATA[key]})
    with app.app_context():
        instance_id = db.session.scalar(select(ProcessInstance.id).where(
            ProcessInstance.title == "Printer"))
    assert theirs.headers["Location"] == f"/proses/{instance_id}"


def test_a_title_too_long_is_said_to_be_too_long_not_missing(app, client):
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={SERVER}").get_data(True)
    for title, said in (("x" * 301, '"Judul" paling banyak 300 karakter; yang dikirim 301'),
                        ("  ", '"Judul" wajib diisi (paling banyak 300 karakter)')):
        refused = client.post("/proses/baru", data={
            "csrf_token": csrf_token(page), "process_key": SERVER, "title": title})
        assert refused.status_code == 422 and said in html.unescape(refused.get_data(True))
    assert app_count(app, ProcessInstance) == 0


def test_a_title_is_kept_on_one_line(app, client):
    """It is read inside sentences: mails, notices, the webhook's message."""
    answer = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": SERVER, "title": " Server mati\r\n\tbaris  dua "})
    assert answer.status_code == 201
    assert answer.json["title"] == "Server mati baris dua"


def test_the_title_is_explained_for_every_sop_not_by_a_server_fault_example(client):
    """The title's example spoke of a server on every SOP's form (a staffing plan, a
    website post); the hint says what a title is for, tied to the field."""
    login(client, "kasubbag")
    page = client.get(f"/proses/baru?process_key={PTIP}").get_data(True)
    assert "Server SIPP" not in page
    assert ('id="title-hint">Satu baris yang membedakan proses ini dari proses lain SOP yang '
            "sama") in page
    assert re.search(r'<input id="title"[^>]*aria-describedby="title-hint"', page)
