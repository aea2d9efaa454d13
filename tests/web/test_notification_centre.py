"""The notification centre (issue 15 point 4): filters that apply, one or all marked read,
the badge's unread count (one COUNT), "Pengingat" vs "Eskalasi ke atasan" with holder and
delay, a completed step said so, English at render time, "tugas baru" on request, and
pages with a total and a bounded size (issue 13 point 5)."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from engine.models import AuditRecord, HumanTask, Notification, User
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from web.cli.worker import fire_once
from web.extensions import db
from web.filters import recipients_text

SERVER = "penanganan_gangguan_server"
SOP_NAME = "Penanganan Gangguan Server"


def _start(client, title: str, key: str = SERVER) -> int:
    token = csrf_token(client.get("/proses/baru").get_data(True))
    response = client.post("/proses/baru", data={"process_key": key, "title": title,
                                                 "csrf_token": token})
    assert response.status_code == 302, response.get_data(True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _logout(client):
    client.post("/keluar", data={"csrf_token": csrf_token(client.get("/").get_data(True))})


def _items(page: str) -> list[str]:
    return re.findall(r"<li class=\"[^\"]*\">(.*?)</li>", page, re.DOTALL)


def _open_task(client, headers) -> int:
    [task] = client.get("/api/v1/tasks", headers=headers).json
    return task["id"]


@contextmanager
def _statements(app):
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def late(app, client, clock):
    """A server step claimed by the Prakom, two hours past its one-hour standard: the
    reminder (level 1) went to the Prakom, the escalation (level 2) to the Kasubbag."""
    login(client, "prakom")
    _start(client, "Server mati")
    prakom = api_token(client, "prakom")
    task_id = _open_task(client, prakom)
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    clock.advance(timedelta(hours=2))  # 10.00: one hour past the 09.00 deadline
    assert fire_once(app) == 1 and fire_once(app) == 1
    return task_id


def test_reminder_and_escalation_say_who_holds_the_step_and_how_late(client, late):
    page = client.get("/notifikasi/").get_data(True)
    [item] = _items(page)
    assert "<strong>Pengingat</strong>" in item and "Eskalasi" not in item
    assert (f'Langkah &#34;Menerima dan mencatat laporan gangguan server&#34; pada GS-2026-0001 '
            f'&#34;Server mati&#34; ({SOP_NAME}) melewati batas waktu.') in item
    assert "Dipegang Demo Prakom · hari ini 09.00 WIB · terlambat 1 jam kerja" in item
    assert ">Buka tugas</a>" in item
    _logout(client)
    login(client, "kasubbag")
    [item] = _items(client.get("/notifikasi/").get_data(True))
    assert "<strong>Eskalasi ke atasan</strong>" in item
    assert "Untuk Kasubbag (tingkat 2): langkah &#34;Menerima" in item
    text = re.search(r'class="notice-text">(.*?)</p>', item).group(1)
    assert "Eskalasi" not in text  # the label says it once: no "Eskalasi — Eskalasi ..."
    assert "Dipegang Demo Prakom · hari ini 09.00 WIB · terlambat 1 jam kerja" in item


def test_a_completed_step_is_said_so_and_its_link_too(app, client, clock, late):
    clock.advance(timedelta(minutes=30))
    token = csrf_token(client.get(f"/tugas/{late}").get_data(True))
    assert client.post(f"/tugas/{late}", data={"csrf_token": token}).status_code == 302
    [item] = _items(client.get("/notifikasi/").get_data(True))
    assert "Sudah diselesaikan oleh Demo Prakom · selesai, terlambat 1 jam 30 menit kerja" in item
    assert ">Lihat langkah (sudah diselesaikan)</a>" in item and "Buka tugas" not in item
    assert "terlambat 1 jam 30 menit kerja" in item
    clock.advance(timedelta(hours=3))  # frozen: it does not grow after completion
    [item] = _items(client.get("/notifikasi/").get_data(True))
    assert "selesai, terlambat 1 jam 30 menit kerja" in item


def test_opening_the_centre_marks_nothing_one_and_all_are_marked_explicitly(app, client, clock,
                                                                            late):
    prakom = api_token(client, "prakom")
    for title in ("Printer", "Jaringan"):
        _start(client, title)
    for task in client.get("/api/v1/tasks", headers=prakom).json:
        if task.get("claimed_by") is None:
            client.post(f"/api/v1/tasks/{task['id']}/assign",
                        headers=api_token(client, "kasubbag"), json={"assignee": "prakom"})
    page = client.get("/notifikasi/").get_data(True)
    assert client.get("/notifikasi/jumlah").json["unread"] == 3  # opening changed nothing
    assert 'aria-label="3 belum dibaca">3</span>' in page
    ids = [int(n) for n in re.findall(r'/notifikasi/(\d+)/baca"', page)]
    assert len(ids) == 3
    marked = client.post(f"/notifikasi/{ids[0]}/baca", data={
        "csrf_token": csrf_token(page), "kembali": "/notifikasi/?status=belum"})
    assert marked.headers["Location"] == "/notifikasi/?status=belum"
    assert client.get("/notifikasi/jumlah").json == {"unread": 2, "label": "2 belum dibaca"}
    unread = client.get("/notifikasi/?status=belum").get_data(True)
    assert len(_items(unread)) == 2 and f"/notifikasi/{ids[0]}/baca" not in unread
    # A foreign return address is not followed.
    elsewhere = client.post(f"/notifikasi/{ids[1]}/baca",
                            data={"csrf_token": csrf_token(page), "kembali": "//evil.example/"})
    assert elsewhere.headers["Location"] == "/notifikasi/"
    # A line break in it (a header the redirect cannot carry) was a 500 after the commit.
    for broken in ("/notifikasi/?x=\r\nX: y", "/notifikasi/\nx"):
        answer = client.post("/notifikasi/baca", data={"csrf_token": csrf_token(page),
                                                       "kembali": broken})
        assert (answer.status_code, answer.headers["Location"]) == (302, "/notifikasi/")
    opened = client.get(f"/notifikasi/{ids[2]}/buka")
    assert re.fullmatch(r"/tugas/\d+", opened.headers["Location"])
    assert client.get("/notifikasi/jumlah").json["unread"] == 0
    with app.app_context():
        other = db.session.scalar(select(Notification.id).where(
            Notification.user_id != db.session.scalar(
                select(User.id).where(User.username == "prakom"))))
    assert client.post(f"/notifikasi/{other}/baca",
                       data={"csrf_token": csrf_token(page)}).status_code == 404
    assert client.get(f"/notifikasi/{other}/buka").status_code == 404
    _logout(client)
    login(client, "kasubbag")
    page = client.get("/notifikasi/").get_data(True)
    done = client.post("/notifikasi/baca", data={"csrf_token": csrf_token(page)})
    assert done.status_code == 302
    assert client.get("/notifikasi/jumlah").json["unread"] == 0
    assert 'class="badge"' in client.get("/notifikasi/").get_data(True)
    assert "belum dibaca</span>" not in client.get("/notifikasi/").get_data(True)


def test_filters_unread_kind_and_sop_apply(app, client, clock, late):
    _start(client, "Rencana", key="penyusunan_skp_prakom")
    prakom = api_token(client, "prakom")
    kasubbag = api_token(client, "kasubbag")
    for task in client.get("/api/v1/tasks", headers=prakom).json:
        if task.get("claimed_by") is None:
            client.post(f"/api/v1/tasks/{task['id']}/assign", headers=kasubbag,
                        json={"assignee": "prakom"})
    counts = {}
    other = "penyusunan_skp_prakom"
    for query in ("", "jenis=pengingat", "jenis=penugasan", "jenis=eskalasi", f"sop={SERVER}",
                  f"sop={other}", f"jenis=pengingat&sop={other}", "status=belum"):
        counts[query] = len(_items(client.get(f"/notifikasi/?{query}").get_data(True)))
    assert counts == {"": 2, "jenis=pengingat": 1, "jenis=penugasan": 1, "jenis=eskalasi": 0,
                      f"sop={SERVER}": 1, f"sop={other}": 1, f"jenis=pengingat&sop={other}": 0,
                      "status=belum": 2}
    assert "Tidak ada notifikasi yang cocok." in client.get("/notifikasi/?jenis=eskalasi"
                                                            ).get_data(True)
    api = client.get("/api/v1/notifications?kind=penugasan", headers=prakom).json
    assert (api["total"], [n["kind"] for n in api["items"]]) == (1, ["penugasan"])
    api = client.get(f"/api/v1/notifications?process_key={SERVER}&unread=true",
                     headers=prakom).json
    assert (api["total"], api["items"][0]["label"], api["items"][0]["level"]) == (
        1, "Pengingat", 1)
    refused = client.get("/api/v1/notifications?kind=semua", headers=prakom)
    assert refused.status_code == 422 and "kind" in refused.json["error"]["fields"]


def test_unread_count_is_one_count_query(app, client, late):
    with _statements(app) as seen:
        answer = client.get("/notifikasi/jumlah")
    assert answer.json == {"unread": 1, "label": "1 belum dibaca"}
    assert answer.headers["Cache-Control"] == "no-store"
    touching = [s for s in seen if "notifications" in s]
    assert len(touching) == 1 and "count(" in touching[0].lower()
    headers = api_token(client, "kasubbag")
    with _statements(app) as seen:
        answer = client.get("/api/v1/notifications/unread-count", headers=headers)
    assert answer.json == {"unread": 1}
    assert len([s for s in seen if "notifications" in s]) == 1
    _logout(client)
    ended = client.get("/notifikasi/jumlah")
    assert (ended.status_code, ended.json["unread"]) == (401, 0)


def test_english_mode_renders_the_same_notifications_in_english(app, client, late):
    token = csrf_token(client.get("/akun/").get_data(True))
    client.post("/akun/", data={"email": "", "language": "en", "csrf_token": token})
    [item] = _items(client.get("/notifikasi/").get_data(True))
    assert "<strong>Reminder</strong>" in item
    assert (f'Step &#34;Menerima dan mencatat laporan gangguan server&#34; of GS-2026-0001 '
            f'&#34;Server mati&#34; ({SOP_NAME}) is past its deadline.') in item
    assert "Held by Demo Prakom · today 09:00 WIB · late by 1 h of working time" in item
    assert ">Open task</a>" in item and "Mark as read" in item
    assert client.get("/notifikasi/jumlah").json["label"] == "1 unread"


def test_rows_from_before_parameters_still_show_without_repeating(app, client, clock, late):
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        db.session.add(Notification(
            user_id=prakom.id, kind="eskalasi", role="Kasubbag", created_at=clock.now(),
            message='Eskalasi tingkat 2 untuk Kasubbag: Langkah "Lama" melewati batas waktu.'))
        db.session.commit()
    items = _items(client.get("/notifikasi/").get_data(True))
    assert "Untuk Kasubbag (tingkat 2): Langkah &#34;Lama&#34; melewati batas waktu." in items[0]
    assert "Eskalasi tingkat" not in items[0]


def test_pages_are_bounded_with_a_total(app, client, clock):
    login(client, "prakom")
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        for number in range(30):
            db.session.add(Notification(user_id=prakom.id, kind="penugasan", role="Prakom",
                                        message=f"Pesan {number}",
                                        created_at=clock.now() + timedelta(minutes=number)))
        db.session.commit()
    first = client.get("/notifikasi/").get_data(True)
    assert len(_items(first)) == 25 and "Halaman 1 dari 2" in first and "Pesan 29" in first
    second = client.get("/notifikasi/?halaman=2").get_data(True)
    assert len(_items(second)) == 5 and "Halaman 2 dari 2" in second and "Pesan 0" in second
    assert "Halaman 2 dari 2" in client.get("/notifikasi/?halaman=99").get_data(True)
    headers = api_token(client, "prakom")
    listed = client.get("/api/v1/notifications?per_page=10&page=3", headers=headers).json
    assert (listed["total"], len(listed["items"]), listed["items"][0]["message"]) == (
        30, 10, "Pesan 9")
    for per_page in ("101", "0"):
        refused = client.get(f"/api/v1/notifications?per_page={per_page}", headers=headers)
        assert refused.status_code == 422 and "per_page" in refused.json["error"]["fields"]


def test_lists_read_no_saved_state_nor_bpmn(app, client, late):
    headers = api_token(client, "prakom")
    with _statements(app) as seen:
        assert client.get("/notifikasi/").status_code == 200
        assert client.get("/api/v1/notifications", headers=headers).status_code == 200
    assert seen and not [s for s in seen
                         if re.search(r"state_json|bpmn_xml|spec_json", s)]


def test_new_task_notices_only_for_those_who_asked(app, client):
    login(client, "prakom")
    _start(client, "Sebelum")
    page = client.get("/akun/").get_data(True)
    assert "Beri tahu saya setiap ada tugas baru di Kotak Masuk" in page
    saved = client.post("/notifikasi/preferensi",
                        data={"csrf_token": csrf_token(page), "tugas_baru": "ya"})
    assert saved.headers["Location"] == "/akun/"
    assert 'value="ya" checked' in client.get("/akun/").get_data(True)
    _start(client, "Sesudah")
    [item] = _items(client.get("/notifikasi/?jenis=tugas_baru").get_data(True))
    assert "<strong>Tugas baru</strong>" in item and "Sesudah" in item
    assert "masuk Kotak Masuk Anda (peran Prakom)" in item
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "tugas_baru")) == 1  # the other Prakom holders did not ask
        assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "user.notice_preference_changed")) == 1
    page = client.get("/akun/").get_data(True)
    client.post("/notifikasi/preferensi", data={"csrf_token": csrf_token(page)})
    _start(client, "Dimatikan")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "tugas_baru")) == 1


def test_every_kind_renders_and_unreadable_parameters_fall_back(app, client, clock):
    login(client, "prakom")
    rows = [("galat", {"title": "Server", "number": "GS-2026-0009", "process": SOP_NAME,
                       "element": "", "error": "putaran liar"}, "galat lama"),
            ("tiket_diterima", {"number": "LTI-2026-0001", "title": "Printer"}, "x"),
            ("tiket_selesai", {"number": "LTI-2026-0001", "title": "Printer"}, "x"),
            ("penugasan", {"by": "Demo Kasubbag"}, "Kalimat tersimpan"),
            ("tugas_baru", {"step": "Memeriksa", "role": "Kasubbag", "title": "Server",
                            "number": "GS-2026-0009", "process": SOP_NAME,
                            "as": "Plh. Kasubbag"}, "x")]
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        for kind, params, message in rows:
            db.session.add(Notification(user_id=prakom.id, kind=kind, role="Prakom",
                                        params=params, message=message,
                                        created_at=clock.now()))
        db.session.commit()
    page = client.get("/notifikasi/")
    assert page.status_code == 200
    texts = re.findall(r'class="notice-text">(.*?)</p>', page.get_data(True))
    assert sorted(texts) == sorted([
        (f"Proses GS-2026-0009 &#34;Server&#34; ({SOP_NAME}) berhenti karena galat pada "
         "mesin proses: putaran liar"),
        "Tiket LTI-2026-0001 diterima: Printer",
        "Tiket LTI-2026-0001 selesai: Printer. Beri penilaian di halaman tiket.",
        "Kalimat tersimpan",
        (f"Langkah &#34;Memeriksa&#34; pada GS-2026-0009 &#34;Server&#34; ({SOP_NAME}) masuk "
         "Kotak Masuk Anda (peran Kasubbag). Anda menerimanya sebagai Plh. Kasubbag.")])
    assert len(_items(client.get("/notifikasi/?jenis=tiket").get_data(True))) == 2


def test_marking_all_read_in_a_filtered_view_marks_only_what_it_shows(app, client, late):
    _start(client, "Printer")
    [task] = [t for t in client.get("/api/v1/tasks", headers=api_token(client, "prakom")).json
              if t.get("claimed_by") is None]
    client.post(f"/api/v1/tasks/{task['id']}/assign", headers=api_token(client, "kasubbag"),
                json={"assignee": "prakom"})
    page = client.get("/notifikasi/?jenis=penugasan").get_data(True)
    assert "Tandai semua yang tersaring dibaca" in page
    assert '<p class="notice-summary">1 notifikasi · 1 belum dibaca</p>' in page, "not 2"
    assert '<p class="notice-summary">0 notifikasi</p>' in client.get(
        "/notifikasi/?jenis=eskalasi").get_data(True), "nothing unread under this filter"
    client.post("/notifikasi/baca", data={"csrf_token": csrf_token(page), "jenis": "penugasan",
                                          "kembali": "/notifikasi/?jenis=penugasan"})
    unread = _items(client.get("/notifikasi/?status=belum").get_data(True))
    assert len(unread) == 1 and "<strong>Pengingat</strong>" in unread[0]


def test_an_unknown_kind_or_status_is_refused_and_marks_nothing(app, client, late):
    page = client.get("/notifikasi/").get_data(True)
    for query, name in (("jenis=bukan_jenis", "jenis"), ("status=xx", "status"),
                        ("jenis=pengingat&status=semua", "status"), ("sop=zz", "sop")):
        refused = client.get(f"/notifikasi/?{query}")
        assert refused.status_code == 400, query
        assert "tidak dikenal" in refused.get_data(True)
        as_json = client.get(f"/notifikasi/?{query}", headers={"Accept": "application/json"})
        assert list(as_json.json["error"]["fields"]) == [name]
    refused = client.post("/notifikasi/baca", data={
        "csrf_token": csrf_token(page), "jenis": "bukan_jenis",
        "kembali": "/notifikasi/?jenis=bukan_jenis"})
    assert refused.status_code == 400 and 'Jenis &#34;bukan_jenis&#34; tidak dikenal' in (
        refused.get_data(True))
    assert client.get("/notifikasi/jumlah").json["unread"] == 1


def test_the_history_names_each_escalation_level_and_whom_it_notified(app, client, late):
    with app.app_context():
        instance_id = db.session.get(HumanTask, late).instance_id
    for path in (f"/proses/{instance_id}", f"/proses/{instance_id}/riwayat"):
        page = client.get(path).get_data(True)
        assert ("Pengingat: langkah melewati batas waktu “Menerima dan mencatat laporan gangguan "
                "server” — diberitahukan kepada Demo Prakom") in page, path
        assert ("Eskalasi ke atasan (tingkat 2, Kasubbag): langkah melewati batas waktu "
                "“Menerima dan mencatat laporan gangguan server” — diberitahukan kepada "
                "Demo Kasubbag") in page, path


def test_many_recipients_are_counted_and_none_is_said(app):
    with app.test_request_context():
        people = {f"p{n}": f"Orang {n}" for n in range(7)}
        assert recipients_text(list(people), people) == (
            "diberitahukan kepada Orang 0, Orang 1, Orang 2, Orang 3, Orang 4 dan 2 lainnya")
        assert recipients_text(["dihapus"], {}) == "diberitahukan kepada dihapus"
        assert recipients_text([], {}) == "tidak ada yang dapat diberi tahu"
        assert recipients_text([], {"sek": "Demo Sekretaris"}, ["sek"]) == (
            "sudah diberitahukan pada tingkat sebelumnya kepada Demo Sekretaris")
        # One who got it as Plh/Plt says as whose (the Plh/escalation probe).
        assert recipients_text(["bt", "kas"], {"bt": "Demo Bidang Terkait", "kas": "Kasubbag B"},
                               acting={"bt": "Plh. Kasubbag"}) == (
            "diberitahukan kepada Demo Bidang Terkait (Plh. Kasubbag), Kasubbag B")


def test_a_filter_given_twice_is_refused_naming_it(app, client):
    """jenis=pengingat&jenis=eskalasi listed (and marked read) only the reminders."""
    login(client, "prakom")
    refused = client.get("/notifikasi/?jenis=pengingat&jenis=eskalasi")
    assert refused.status_code == 400
    assert "&#34;jenis&#34; hanya satu nilai; 2 dikirim." in refused.get_data(True)
    page = client.get("/notifikasi/").get_data(True)
    marked = client.post("/notifikasi/baca?jenis=tiket", data={  # the address's own query
        "csrf_token": csrf_token(page), "kembali": "/notifikasi/", "jenis": "tiket"})
    assert marked.status_code == 302


def test_counts_of_thousands_are_grouped_as_the_pager_groups_them(app, client, clock):
    """"1.234 notifikasi · 1.234 belum dibaca", as the pager's "(1.234 baris …)" under it
    (the growth probe read "11746 notifikasi" above "(2.566 baris …)")."""
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        db.session.execute(Notification.__table__.insert(), [
            {"user_id": prakom.id, "kind": "penugasan", "role": "Prakom",
             "message": f"Pesan {number}", "created_at": clock.now()}
            for number in range(1234)])
        db.session.commit()
    login(client, "prakom")
    page = client.get("/notifikasi/").get_data(True)
    assert "1.234 notifikasi · 1.234 belum dibaca" in page
