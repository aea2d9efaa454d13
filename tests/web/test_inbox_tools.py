"""Kotak Masuk tools: saved filters (save, apply, replace, delete, at most 20 a user),
bulk claim and bulk assign with a result per task and an audit record per change, the
polled version, and the task page's Status once claimed."""

import re

from sqlalchemy import select

from engine.inbox_models import SavedFilter
from engine.models import AuditRecord, HumanTask, User
from engine.process.saved_filters import MAX_PER_USER
from tests.conftest import csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from web.extensions import db

SERVER = "penanganan_gangguan_server"


def _start(client, who: str, key: str, title: str) -> int:
    response = client.post("/api/v1/instances", headers=api_token(client, who),
                           json={"process_key": key, "title": title})
    assert response.status_code == 201, response.json
    return response.json["open_tasks"][0]["id"]


def _flashes(page: str) -> list[str]:
    return re.findall(r'<p class="flash flash-(\w+)" role="status">([^<]+)</p>', page)


def test_saved_filters_save_apply_replace_delete(app, client):
    _start(client, "prakom", SERVER, "Server SIPP mati")
    _start(client, "prakom", SERVER, "Jaringan Wi-Fi")
    login(client, "prakom")
    token = csrf_token(client.get("/").get_data(True))
    saved = client.post("/kotak-masuk/saringan", data={
        "csrf_token": token, "nama": "Wi-Fi saja", "cari": "wifi", "urut": "-nomor",
        "tampil": "unit", "lain": "dibuang"})
    assert saved.status_code == 302 and saved.headers["Location"].startswith("/?")
    applied = client.get(saved.headers["Location"]).get_data(True)
    assert re.findall(r'<td data-label="Proses" class="long">([^<]+)</td>', applied) == ["Jaringan Wi-Fi"]
    assert "Wi-Fi saja</a>" in applied and "Saringan tersimpan (1)" in applied
    with app.app_context():
        [kept] = db.session.scalars(select(SavedFilter)).all()
        assert kept.query == {"cari": "wifi", "urut": "-nomor", "tampil": "unit"}
    client.post("/kotak-masuk/saringan", data={"csrf_token": token, "nama": "WI-FI SAJA",
                                               "cari": "sipp"})
    with app.app_context():
        [kept] = db.session.scalars(select(SavedFilter)).all()
        assert kept.query == {"cari": "sipp"}, "the same name, in any case, replaces it"
        assert kept.name == "WI-FI SAJA"
    assert client.post(f"/kotak-masuk/saringan/{kept.id}/hapus",
                       data={"csrf_token": token}).status_code == 302
    assert app_count(app, SavedFilter) == 0
    twice = client.post(f"/kotak-masuk/saringan/{kept.id}/hapus", data={"csrf_token": token},
                        follow_redirects=True)  # a double click: back to the inbox
    assert ("info", "Saringan itu sudah tidak ada di daftar Anda; tidak ada yang dihapus.") in \
        _flashes(twice.get_data(True))
    assert app_count(app, AuditRecord, AuditRecord.action == "inbox.filter_saved") == 2
    assert app_count(app, AuditRecord, AuditRecord.action == "inbox.filter_deleted") == 1


def test_a_saved_filter_name_is_the_same_in_any_case_of_any_letter(app, client):
    """Ümlaut and ümlaut are one filter on SQLite too (its lower() folds ASCII only)."""
    login(client, "prakom")
    token = csrf_token(client.get("/").get_data(True))
    for name, search in (("Ümlaut", "satu"), ("ümlaut", "dua"), ("STRASSE", "tiga"),
                         ("straße", "empat")):
        client.post("/kotak-masuk/saringan", data={"csrf_token": token, "nama": name,
                                                   "cari": search})
    page = client.get("/").get_data(True)
    assert "Saringan tersimpan (2)" in page
    again = client.post("/kotak-masuk/saringan", follow_redirects=True, data={
        "csrf_token": token, "nama": "STRASSE", "cari": "empat"}).get_data(True)
    assert ("success", "Saringan &#34;STRASSE&#34; menggantikan saringan bernama sama.") in (
        _flashes(again))
    client.post("/kotak-masuk/saringan", data={"csrf_token": token, "nama": "straße",
                                               "cari": "empat"})
    with app.app_context():
        kept = {f.name: f.query for f in db.session.scalars(select(SavedFilter))}
    assert kept == {"ümlaut": {"cari": "dua"}, "straße": {"cari": "empat"}}


def test_saved_filters_are_bounded_named_and_private(app, client):
    login(client, "prakom")
    token = csrf_token(client.get("/").get_data(True))
    for n in range(MAX_PER_USER):
        client.post("/kotak-masuk/saringan", data={"csrf_token": token, "nama": f"S{n:02d}",
                                                   "cari": str(n)})
    refused = client.post("/kotak-masuk/saringan", data={"csrf_token": token, "nama": "S99"},
                          follow_redirects=True).get_data(True)
    assert ("error", ("Saringan tidak disimpan: paling banyak 20 saringan tersimpan; hapus "
                      "salah satu dulu.")) in _flashes(refused)
    for name, said in (("", "beri saringan ini nama (paling panjang 60 karakter)."),
                       ("   ", "beri saringan ini nama (paling panjang 60 karakter)."),
                       ("x" * 61, "nama saringan paling panjang 60 karakter; yang ditulis 61.")):
        page = client.post("/kotak-masuk/saringan", data={"csrf_token": token, "nama": name},
                           follow_redirects=True).get_data(True)
        assert ("error", f"Saringan tidak disimpan: {said}") in _flashes(page)
    assert app_count(app, SavedFilter) == MAX_PER_USER
    with app.app_context():
        first = db.session.scalars(select(SavedFilter.id)).first()
    login(client, "kasubbag")
    token = csrf_token(client.get("/").get_data(True))
    assert "Saringan tersimpan (0)" in client.get("/").get_data(True)
    other = client.post(f"/kotak-masuk/saringan/{first}/hapus", data={"csrf_token": token},
                        follow_redirects=True).get_data(True)
    assert ("info", "Saringan itu sudah tidak ada di daftar Anda; tidak ada yang dihapus.") in \
        _flashes(other), "another's filter: as one deleted already, nothing told of it"
    assert app_count(app, SavedFilter) == MAX_PER_USER


def test_bulk_assign_and_claim_answer_each_task_and_audit_each_change(app, client):
    prakom_tasks = [_start(client, "prakom", SERVER, f"Server {n}") for n in range(3)]
    own = _start(client, "kasubbag", "surat_masuk_keluar", "Surat dinas")
    with app.app_context():
        ids = {u.username: u.id for u in db.session.scalars(select(User))}
        name = db.session.get(HumanTask, prakom_tasks[0]).name
    login(client, "kasubbag")
    page = client.get("/?tampil=bawahan").get_data(True)
    assert re.findall(r'<td data-label="Proses" class="long">([^<]+)</td>', page) == [
        "Server 0", "Server 1", "Server 2"]
    assert page.count('name="tugas"') == 3 and 'form="massal"' in page
    # Subordinates' steps are theirs to do: only Alihkan is offered, never Ambil.
    assert 'value="alihkan"' in page and 'value="ambil"' not in page
    home = client.get("/").get_data(True)  # his own Kasubbag step: the Sekretaris assigns it
    assert 'value="ambil"' in home and 'value="alihkan"' not in home
    assert 'id="assignee"' not in home
    token = csrf_token(page)
    assigned = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": token, "aksi": "alihkan", "assignee": ids["prakom"],
        "kembali": "/?tampil=bawahan",
        "tugas": [prakom_tasks[0], prakom_tasks[1], own, 999999, "abc"]}).get_data(True)
    # Each message names the step and its case: side by side they can be told apart.
    assert _flashes(assigned) == [
        ("success", f"Tugas &#34;{name}&#34; (GS-2026-0001) dialihkan kepada Demo Prakom."),
        ("success", f"Tugas &#34;{name}&#34; (GS-2026-0002) dialihkan kepada Demo Prakom."),
        ("error", ("Tugas &#34;Menerima surat masuk yang telah didisposisi atasan dari subbag "
                   "umum dan keuangan&#34; (SMK-2026-0001) tidak dapat Anda alihkan: tugas "
                   "peran Kasubbag hanya dialihkan oleh Sekretaris.")),
        ("error", "Tugas #999999 tidak ditemukan."),
        ("error", "Bukan nomor tugas, tidak diproses: &#34;abc&#34;.")]
    with app.app_context():
        holders = {t.id: t.claimed_by_id for t in db.session.scalars(select(HumanTask))}
    assert [holders[t] for t in prakom_tasks] == [ids["prakom"], ids["prakom"], None]
    assert holders[own] is None
    assert app_count(app, AuditRecord, AuditRecord.action == "task.assigned") == 2

    claimed = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": token, "aksi": "ambil", "tugas": [own, prakom_tasks[2], own]}
    ).get_data(True)
    assert [kind for kind, _ in _flashes(claimed)] == ["success", "error"]
    assert (f"Tugas &#34;{name}&#34; (GS-2026-0003) dikerjakan peran Prakom; tidak dapat Anda "
            "ambil.") in claimed
    assert app_count(app, AuditRecord, AuditRecord.action == "task.claimed") == 1
    with app.app_context():
        assert db.session.get(HumanTask, own).claimed_by_id == ids["kasubbag"]

    wrong = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": token, "aksi": "alihkan", "assignee": ids["sekretaris"],
        "tugas": [prakom_tasks[2]]}).get_data(True)
    assert _flashes(wrong) == [("error", (f"Tugas &#34;{name}&#34; (GS-2026-0003): Demo "
                                          "Sekretaris tidak memegang peran Prakom"))]
    nothing = client.post("/kotak-masuk/massal", follow_redirects=True,
                          data={"csrf_token": token, "aksi": "ambil"}).get_data(True)
    assert _flashes(nothing) == [("error", "Pilih dulu tugas yang akan diproses.")]
    broken = client.post("/kotak-masuk/massal", data={  # a 500: no header carries a CR LF
        "csrf_token": token, "aksi": "ambil", "kembali": "/?\r\nX: y"})
    assert (broken.status_code, broken.headers["Location"]) == (302, "/")
    client.get("/")  # its message shown
    too_many = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": token, "aksi": "alihkan", "assignee": ids["prakom"],
        "tugas": [*range(900000, 900100), prakom_tasks[2]]}).get_data(True)
    assert _flashes(too_many) == [("error", ("Paling banyak 100 tugas sekaligus; 101 dipilih. "
                                             "Tidak ada yang diproses."))]
    unknown = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": token, "aksi": "hapus", "tugas": [prakom_tasks[2]]}).get_data(True)
    assert _flashes(unknown) == [("error", ("Tindakan tidak dikenal; pilih Ambil atau "
                                            "Alihkan. Tidak ada yang diproses."))]
    assert app_count(app, AuditRecord, AuditRecord.action.in_(
        ["task.assigned", "task.claimed"])) == 3
    bad_page = client.get("/?page=0")
    assert bad_page.status_code == 400 and "(page=0)" in bad_page.get_data(True)


def test_bulk_tools_are_only_for_supervisors_and_prakom_cannot_assign(app, client):
    task = _start(client, "prakom", SERVER, "Server mati")
    login(client, "prakom")
    page = client.get("/").get_data(True)
    assert 'name="tugas"' not in page and "Tugas Bawahan" not in page
    with app.app_context():
        prakom = db.session.scalar(select(User.id).where(User.username == "prakom"))
    refused = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "aksi": "alihkan", "assignee": prakom,
        "tugas": [task]}).get_data(True)
    assert [kind for kind, _ in _flashes(refused)] == ["error"]
    assert app_count(app, AuditRecord, AuditRecord.action == "task.assigned") == 0


def test_version_changes_when_a_task_arrives_and_claimed_status_is_not_waiting(app, client):
    """After claiming, neither the task page nor the process page says Menunggu."""
    ended = client.get("/kotak-masuk/versi")  # no session: the page stops asking
    assert (ended.status_code, ended.json) == (401, {"version": None})
    login(client, "prakom")
    assert client.get("/kotak-masuk/versi").json == {"version": "0-0"}
    task = _start(client, "prakom", SERVER, "Server mati")
    assert client.get("/kotak-masuk/versi").json == {"version": f"1-{task}"}
    page = client.get("/").get_data(True)
    assert f'data-version="1-{task}"' in page
    assert "<dt>Status</dt><dd>Menunggu</dd>" in client.get(f"/tugas/{task}").get_data(True)
    client.post(f"/tugas/{task}/ambil", data={"csrf_token": csrf_token(page)})
    assert ("<dt>Status</dt><dd>Dalam proses — diambil Demo Prakom</dd>"
            in client.get(f"/tugas/{task}").get_data(True))
    with app.app_context():
        instance = db.session.get(HumanTask, task).instance_id
    shown = client.get(f"/proses/{instance}").get_data(True)
    status = re.search(r'<td data-label="Status">([^<]*)', shown)
    assert status is not None and status[1].strip() == "Dalam proses"


def test_an_empty_inbox_says_what_to_do_next(client):
    login(client, "prakom")
    page = client.get("/").get_data(True)
    assert 'href="/proses/baru">Mulai proses baru</a>' in page
    assert 'href="#tugas-pertama"' not in page
    filtered = client.get("/?cari=tidak-ada").get_data(True)
    assert '<a href="/">Lihat semua tugas tanpa saringan</a>' in filtered


def test_bulk_ambil_says_a_finished_task_is_finished_and_names_values_that_are_no_task(
        app, client):
    """A task done meanwhile is finished, not "another role's"; ids that are no task
    number are named in one message, not silently dropped; the others are processed."""
    done = _start(client, "prakom", SERVER, "Server selesai")
    client.post(f"/api/v1/tasks/{done}/complete", headers=api_token(client, "prakom"),
                json={"data": {}})
    own = _start(client, "kasubbag", "surat_masuk_keluar", "Surat dinas")
    with app.app_context():
        name = db.session.get(HumanTask, done).name
    login(client, "kasubbag")
    page = client.get("/").get_data(True)
    claimed = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "aksi": "ambil",
        "tugas": [done, "abc", "-1", "99999999999", own, "9" * 5000]}).get_data(True)
    finished = f"Tugas &#34;{name}&#34; (GS-2026-0001) sudah selesai; tidak dapat diambil lagi."
    named = ("Bukan nomor tugas, tidak diproses: &#34;abc&#34;, &#34;-1&#34;, "
             f"&#34;99999999999&#34;, &#34;{'9' * 20}&#34;.")
    assert _flashes(claimed)[0] == ("error", finished)
    assert [kind for kind, _ in _flashes(claimed)[1:]] == ["success", "error"]
    assert _flashes(claimed)[2] == ("error", named)
    only_bad = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "aksi": "ambil", "tugas": ["x"] * 7}).get_data(True)
    assert _flashes(only_bad) == [("error", "Bukan nomor tugas, tidak diproses: "
                                            + ", ".join(["&#34;x&#34;"] * 5) + " ….")]


def test_bulk_ambil_tells_a_finished_task_only_to_who_may_see_it(app, client):
    """Someone who may not view a task learns nothing of it from the bulk form: neither its
    state nor its step, case or role."""
    done = _start(client, "prakom", SERVER, "Server selesai")
    client.post(f"/api/v1/tasks/{done}/complete", headers=api_token(client, "prakom"),
                json={"data": {}})
    login(client, "redaktur")  # holds a role, none of this SOP's lanes nor one above them
    page = client.get("/tiket/").get_data(True)
    answered = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "aksi": "ambil", "tugas": [done]}).get_data(True)
    assert _flashes(answered) == [("error", f"Tugas #{done} tidak dapat Anda ambil: Anda tidak "
                                            "memegang peran tugas ini.")]


def test_a_bulk_refusal_keeps_the_tasks_ticked(app, client):
    tasks = [_start(client, "prakom", SERVER, f"Server {n}") for n in range(3)]
    login(client, "kasubbag")
    token = csrf_token(client.get("/?tampil=bawahan").get_data(True))
    refused = client.post("/kotak-masuk/massal", data={
        "csrf_token": token, "aksi": "alihkan", "assignee": "", "kembali": "/?tampil=bawahan",
        "tugas": [tasks[0], tasks[2]]})
    assert refused.status_code == 302
    page = client.get(refused.headers["Location"]).get_data(True)
    assert _flashes(page) == [("error", "Pilih pegawai penerima tugas.")]
    ticked = re.findall(r'name="tugas" value="(\d+)"[^>]*\bchecked\b', page)
    assert ticked == [str(tasks[0]), str(tasks[2])]
    assert app_count(app, AuditRecord, AuditRecord.action == "task.assigned") == 0


def test_the_rows_per_page_stay_through_filters_tabs_and_a_saved_filter(app, client):
    """The lists probe: choosing another filter, tab or a saved filter went back to 50 rows."""
    login(client, "prakom")
    page = client.get("/?per_page=5&halaman=1&sop=penanganan_gangguan_server").get_data(True)
    form = page[page.index('<form method="get" id="saring"'):]
    assert '<input type="hidden" name="per_page" value="5">' in form[:form.index("</form>")]
    assert 'href="/?tampil=unit&amp;sop=penanganan_gangguan_server&amp;per_page=5"' in page
    saved = client.post("/kotak-masuk/saringan", data={
        "csrf_token": csrf_token(page), "nama": "Server", "sop": "penanganan_gangguan_server",
        "per_page": "5"})
    assert "per_page=5" in saved.headers["Location"]
    for listed in ("/proses/?per_page=7", "/notifikasi/?per_page=7", "/tiket/?per_page=7"):
        assert '<input type="hidden" name="per_page" value="7">' in client.get(
            listed).get_data(True), listed
    # The Daftar Proses and Plh/Plt tabs keep it too (the lists probe of the next stop).
    assert 'href="/proses/?cakupan=unit&amp;per_page=7"' in client.get(
        "/proses/?per_page=7").get_data(True)
    login(client, "admin")
    assert 'href="/plh/?tampil=berakhir&amp;per_page=7"' in client.get(
        "/plh/?per_page=7").get_data(True)


def test_an_employee_who_only_files_tickets_has_no_inbox_tools(app, client):
    """The permission probe: an account without a role, whose Kotak Masuk is Tiket Saya,
    saved an inbox filter (a row and an audit record)."""
    add_employee(app)
    login(client, "pegawai")
    token = csrf_token(client.get("/tiket/").get_data(True))
    for path, form in (("/kotak-masuk/saringan", {"nama": "pem"}),
                       ("/kotak-masuk/massal", {"aksi": "ambil", "tugas": "1"})):
        assert client.post(path, data={"csrf_token": token, **form}).status_code == 403, path
    assert app_count(app, SavedFilter) == 0
    assert app_count(app, AuditRecord, AuditRecord.action.like("inbox.filter%")) == 0
