"""The pages people use, driven through their forms (with CSRF tokens) as a browser does."""

import io
import re
from datetime import timedelta

from lxml import html
from sqlalchemy import func, select

from engine.models import HumanTask, ProcessDefinition, ProcessInstance
from tests.conftest import START_DATA, csrf_token, mini_bpmn, sop_walks
from tests.web.conftest import PASSWORD, login
from tests.web.test_form_words import _english
from web.cli.worker import fire_once
from web.extensions import db


def _start(client, process_key: str, title: str):
    token = csrf_token(client.get("/proses/baru").get_data(as_text=True))
    return client.post("/proses/baru", data={"process_key": process_key, "title": title,
                                             "csrf_token": token,
                                             **START_DATA.get(process_key, {})})


def _instance_url(client, started) -> str:
    """The process page of a start: the starter lands on his first task, whose crumb
    links the process page, or on the process page itself."""
    location = started.headers["Location"]
    if location.startswith("/tugas/"):
        page = client.get(location).get_data(True)
        location = re.search(r'<p class="crumb"><a href="(/proses/\d+)"', page).group(1)
    return location


def _task_links(client) -> list[int]:
    return [int(n) for n in re.findall(r'href="/tugas/(\d+)"', client.get("/").get_data(True))]


def test_login_with_wrong_password_shows_the_form_again_with_the_message(client):
    """A refused login is an ordinary answer (200), the form again with the reason; 400 is
    for a form not filled in (README "Akun, peran dan keamanan")."""
    response = login(client, "prakom", "salah")
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)
    assert 'name="username"' in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    empty = login(client, "", "salah")
    assert empty.status_code == 400 and "Wajib diisi." in empty.get_data(as_text=True)


def test_forms_without_csrf_token_are_refused(client):
    response = client.post("/masuk", data={"username": "prakom", "password": "x"})
    assert response.status_code == 400
    assert "Kiriman masuk tadi tanpa tanda keamanannya (csrf_token)" in response.get_data(True)
    blank = client.post("/masuk", data={"username": "prakom", "password": "x",
                                        "csrf_token": "  "})
    assert "tanpa tanda keamanannya" in blank.get_data(True), "blank is none"
    stale = client.post("/masuk", data={"username": "prakom", "password": "x",
                                        "csrf_token": "lama"})
    assert "Halaman masuk ini sudah kedaluwarsa" in stale.get_data(True)
    login(client, "prakom")
    response = client.post("/proses/baru", data={"process_key": "penyusunan_rkt", "title": "x"})
    assert response.status_code == 400
    # It never had a token: not called a page left open too long (the permission probe).
    said = response.get_data(True)
    assert "Formulir ini dikirim tanpa tanda keamanannya (csrf_token)" in said
    assert "kedaluwarsa" not in said


def test_a_form_token_from_before_the_login_is_refused_after_it(client):
    """A token seen before the login (one planted with a cookie, say) is no good after it:
    the login gives the session a new one."""
    before = csrf_token(client.get("/masuk").get_data(True))
    assert client.post("/masuk", data={"username": "prakom", "password": PASSWORD,
                                       "csrf_token": before}).status_code == 302
    stale = client.post("/notifikasi/baca", data={"csrf_token": before})
    assert stale.status_code == 400 and "Formulir ini sudah kedaluwarsa" in stale.get_data(True)
    fresh = csrf_token(client.get("/").get_data(True))
    assert fresh != before
    assert client.post("/notifikasi/baca", data={"csrf_token": fresh}).status_code == 302


def test_an_error_page_leads_a_visitor_not_logged_in_to_the_login(client):
    page = client.get("/tidak-ada").get_data(True)
    assert '<a href="/masuk">Ke halaman masuk</a>' in page and "Kotak Masuk" not in page
    login(client, "prakom")
    assert "Kembali ke Kotak Masuk" in client.get("/tidak-ada").get_data(True)


def test_server_fault_sop_walked_through_the_pages_by_each_role(app, client):
    walk = sop_walks()["penanganan_gangguan_server"]
    login(client, "prakom")
    started = _start(client, "penanganan_gangguan_server", "Server SIPP tidak dapat diakses")
    assert started.status_code == 302
    instance_url = _instance_url(client, started)
    for step in walk:
        client.post("/keluar", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
        login(client, step["lane"].lower().replace(" ", "_"))
        [task_id] = _task_links(client)
        page = client.get(f"/tugas/{task_id}").get_data(as_text=True)
        assert "Kelengkapan" in page and "Output" in page and "Waktu (Mutu Baku)" in page
        response = client.post(f"/tugas/{task_id}", data={**step["data"],
                                                          "csrf_token": csrf_token(page)})
        assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(instance_url).get_data(as_text=True)
    assert "<strong>Selesai</strong>" in page
    assert page.count("Langkah diselesaikan") == len(walk)
    with app.app_context():
        assert db.session.scalars(select(ProcessInstance.status)).all() == ["completed"]


def test_decision_left_empty_is_shown_next_to_the_field(client):
    login(client, "prakom")
    _start(client, "penanganan_gangguan_server", "Gangguan")
    [task_id] = _task_links(client)
    page = client.get(f"/tugas/{task_id}").get_data(True)
    client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page)})
    [task_id] = _task_links(client)
    page = client.get(f"/tugas/{task_id}").get_data(True)
    response = client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert re.search(r'class="field-error" id="hasil_penanganan-error">[^<]+wajib diisi</p>',
                     response.get_data(True))


def test_prakom_posting_to_a_kasubbag_task_gets_403_page(client):
    login(client, "kasubbag")
    _start(client, "penyusunan_rkt", "RKT 2027")
    [task_id] = _task_links(client)
    client.post("/keluar", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
    login(client, "prakom")
    page_token = csrf_token(client.get("/").get_data(True))
    page = client.get(f"/tugas/{task_id}")
    assert page.status_code == 200, "a lane of the SOP sees its steps, as its instance page"
    assert f'action="/tugas/{task_id}"' not in page.get_data(True), "but no completion form"
    response = client.post(f"/tugas/{task_id}", data={"csrf_token": page_token},
                           headers={"Referer": f"http://localhost/tugas/{task_id}"})
    assert response.status_code == 403
    assert "Traceback" not in response.get_data(True)
    # An action refused on a page that opened (the supervisor probe: "Tidak dapat dibuka",
    # and no way back to the step but through the inbox).
    refused = response.get_data(True)
    assert "<h1>Tidak dapat dilakukan</h1>" in refused and "Tidak dapat dibuka" not in refused
    assert f'<a href="/tugas/{task_id}">Kembali ke halaman sebelumnya</a>' in refused
    assert "Tidak dapat dibuka" in client.get("/admin/pengguna").get_data(True)


def test_inbox_lists_overdue_first_with_text_not_only_colour(app, client, clock):
    login(client, "prakom")
    _start(client, "penanganan_permintaan_layanan_ti", "Printer rusak")
    clock.advance(timedelta(minutes=5))
    _start(client, "penanganan_gangguan_server", "Server mati")
    clock.advance(timedelta(minutes=10))
    page = client.get("/").get_data(True)
    rows = page[page.index("<tbody>"):]
    assert rows.index("Printer rusak") < rows.index("Server mati")
    # Said once, not "⚠ Terlambat — terlambat, batasnya baru lewat" (the supervisor probe).
    assert '<span class="late-text">⚠ terlambat 5 menit kerja</span>' in page
    assert "sisa 50 menit" in page
    with app.app_context():
        late = db.session.scalar(select(HumanTask.id).join(ProcessInstance).where(
            ProcessInstance.title == "Printer rusak"))
    task = client.get(f"/tugas/{late}").get_data(True)
    assert '<span class="late-text">⚠ terlambat 5 menit kerja</span>' in task, \
        "the warning once, with how late: not '⚠ Terlambat, terlambat …'"


def test_notifications_page_shows_escalation_with_unread_count(app, client, clock):
    login(client, "prakom")
    _start(client, "penanganan_gangguan_server", "Server mati")
    clock.advance(timedelta(hours=2))
    assert fire_once(app) == 1  # levels 1 and 2 are due; a round takes level 1
    assert fire_once(app) == 1
    client.post("/keluar", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
    login(client, "kasubbag")
    page = client.get("/notifikasi/").get_data(True)
    assert 'aria-label="1 belum dibaca">1</span>' in page
    assert "Untuk Kasubbag (tingkat 2)" in page and "Server mati" in page
    client.post("/notifikasi/baca", data={"csrf_token": csrf_token(page)})
    assert "belum dibaca</span>" not in client.get("/notifikasi/").get_data(True)


def test_instance_page_has_history_and_diagram(client):
    login(client, "prakom")
    url = _instance_url(client, _start(client, "penanganan_gangguan_server", "Server mati"))
    page = client.get(url).get_data(True)
    assert 'data-current="Kegiatan_1"' in page and "Proses dimulai" in page
    assert "bpmn-navigated-viewer.production.min.js" in page
    diagram = client.get(url + "/diagram.bpmn")
    assert diagram.mimetype == "application/xml"
    assert b"<bpmndi:BPMNDiagram" in diagram.data


def test_admin_upload_page(app, client):
    login(client, "prakom")
    assert client.get("/admin/sop").status_code == 403
    client.post("/keluar", data={"csrf_token": csrf_token(client.get("/").get_data(True))})
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    refused = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(b"<tidak xml"), "rusak.bpmn")})
    assert refused.status_code == 422
    assert "Berkas ditolak; tidak ada yang disimpan" in refused.get_data(True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessDefinition)) == 23
    accepted = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(mini_bpmn()), "sop_uji.bpmn")},
        follow_redirects=True)
    # A new SOP waits for activation like every upload from this page.
    assert "&#34;SOP Uji&#34; versi 1 tersimpan. Periksa perbedaannya, lalu aktifkan." in \
        accepted.get_data(True)


def test_instance_page_marks_late_steps_with_time_taken_against_the_standard(client, clock):
    login(client, "prakom")
    url = _instance_url(client, _start(client, "penanganan_gangguan_server", "Server mati"))
    clock.advance(timedelta(hours=2))
    [task_id] = _task_links(client)
    page = client.get(f"/tugas/{task_id}").get_data(True)
    client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page)})
    page = client.get(url).get_data(True)
    assert 'data-late="Kegiatan_1"' in page and 'data-current="Kegiatan_2"' in page
    assert '<td data-label="Waktu dipakai">2 jam kerja / 1 jam</td>' in page
    assert page.count("⚠ Terlambat") == 1


def test_every_page_names_its_icon_so_browsers_ask_no_missing_favicon(client):
    page = client.get("/masuk").get_data(True)
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page).group(1)
    with client.get(icon) as answer:
        assert (answer.status_code, answer.mimetype) == (200, "image/svg+xml")


def test_a_kritis_step_shows_its_time_on_the_wall_clock_against_its_cases_waktu(client, clock):
    login(client, "prakom")
    token = csrf_token(client.get("/proses/baru").get_data(as_text=True))
    url = _instance_url(client, client.post("/proses/baru", data={
        "process_key": "penanganan_gangguan_server", "title": "Server mati",
        "prioritas": "kritis", "csrf_token": token}))
    [task_id] = _task_links(client)
    page = client.get(f"/tugas/{task_id}").get_data(True)
    client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page)})
    clock.advance(timedelta(minutes=45))
    assert '<td data-label="Waktu dipakai">45 menit / 1 jam</td>' in client.get(url).get_data(True)
    # The next step's page says the Waktu this case gave it, and the SOP's beside it.
    [after] = _task_links(client)
    shown = client.get(f"/tugas/{after}").get_data(True)
    assert ("<dt>Waktu (Mutu Baku)</dt><dd>1 jam <small>(menurut data proses ini; Waktu SOP: 3 jam)"
            "</small></dd>") in shown
    # Alur worked it out: an English reader reads it in English (the English probe found
    # "4 jam kerja"); the SOP's own text stays as written.
    _english(client, "prakom")
    shown = client.get(f"/tugas/{after}").get_data(True)
    assert ("<dd>1 h <small>(from this process's data; the SOP's time standard: 3 jam)"
            "</small></dd>") in shown


def test_the_main_menu_marks_the_section_of_the_page_shown(client):
    login(client, "admin")
    for path, current in (("/", ("Kotak Masuk", "page")), ("/proses/", ("Daftar Proses", "page")),
                          ("/proses/baru", ("Mulai Proses", "page")),
                          ("/admin/sop", ("Kelola SOP", "page")),
                          ("/laporan/tabel7", ("Laporan", "true")), ("/tugas/999999", None),
                          ("/admin/pengguna/tidak-ada", None)):
        menu = html.fromstring(client.get(path).get_data(True)).xpath(
            "//nav[@aria-label='Menu utama']//a[@aria-current]")
        assert [(a.text.strip(), a.get("aria-current")) for a in menu] == (
            [current] if current else []), path
