"""Kotak Masuk pages: tabs with counts, filters, claim/release/assign, Plh/Plt."""

import re
from datetime import timedelta

from sqlalchemy import select

from engine.models import HumanTask, Notification, User, UserRole
from tests.conftest import WIB, csrf_token
from tests.web.conftest import api_token, login
from web.extensions import db
from web.filters import released_text

SERVER = "penanganan_gangguan_server"


def _start(client, title: str) -> dict:
    return client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                       json={"process_key": SERVER, "title": title}).json


def _rows(page: str) -> list[str]:
    return re.findall(r'<td data-label="Proses" class="long">([^<]+)</td>', page)


def test_tabs_count_and_filters_narrow_the_list(client, clock):
    first = _start(client, "Server SIPP mati")
    clock.advance(timedelta(minutes=30))
    _start(client, "Jaringan lambat")
    login(client, "prakom")
    token = csrf_token(client.get("/").get_data(True))
    client.post(f"/tugas/{first['open_tasks'][0]['id']}/ambil", data={"csrf_token": token})
    page = client.get("/").get_data(True)
    assert 'Tugas Saya <span class="count">(1)</span>' in page
    # Its many columns take a wide screen (the phone probe: names wrapped to 9 lines).
    assert '<main id="isi" class="wide">' in page
    assert '<main id="isi" class="wide">' in client.get("/proses/").get_data(True)
    assert 'Tugas Unit <span class="count">(1)</span>' in page
    assert _rows(page) == ["Server SIPP mati", "Jaringan lambat"]
    assert _rows(client.get("/?tampil=unit").get_data(True)) == ["Jaringan lambat"]
    assert _rows(client.get("/?cari=sipp").get_data(True)) == ["Server SIPP mati"]
    clock.advance(timedelta(minutes=45))  # the first is 15 working minutes late
    late = client.get("/?status=terlambat").get_data(True)
    assert _rows(late) == ["Server SIPP mati"]
    assert '<span class="late-text">⚠ terlambat 15 menit kerja</span>' in late
    assert "sisa 15 menit kerja" in client.get("/").get_data(True)
    # The deadline column reads calendar-first, as every deadline (README "Cara waktu
    # ditulis"): the first step's one hour ended 15 minutes ago, today.
    deadline = clock.now() - timedelta(minutes=15)
    assert f"hari ini {deadline.astimezone(WIB):%H.%M} WIB</td>" in late


def test_release_and_assign_through_the_task_page(app, client):
    task_id = _start(client, "Server mati")["open_tasks"][0]["id"]
    login(client, "prakom")
    token = csrf_token(client.get(f"/tugas/{task_id}").get_data(True))
    client.post(f"/tugas/{task_id}/ambil", data={"csrf_token": token})
    assert "Lepaskan" in client.get(f"/tugas/{task_id}").get_data(True)
    client.post(f"/tugas/{task_id}/lepaskan", data={"csrf_token": token})
    assert "Ambil Tugas" in client.get(f"/tugas/{task_id}").get_data(True)
    assert "Alihkan kepada" not in client.get(f"/tugas/{task_id}").get_data(True)
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert page.count("Alihkan kepada") == 1
    assert re.search(r'<select id="assignee" name="assignee" ><option value="">— pilih pegawai —'
                     r"</option>", page), "no name chosen for him: a stray tap changes nothing"
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
    assigned = client.post(f"/tugas/{task_id}/alihkan", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "assignee": prakom.id}).get_data(True)
    assert "dialihkan kepada Demo Prakom." in assigned
    with app.app_context():
        assert db.session.get(HumanTask, task_id).claimed_by_id == prakom.id
    again = client.post(f"/tugas/{task_id}/alihkan", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "assignee": prakom.id}).get_data(True)
    assert "sudah dipegang Demo Prakom; tidak ada yang berubah." in again, "not a hand-over"
    assert "dialihkan kepada" not in again


def test_plh_recorded_on_the_page_then_completes_as_plh(app, client, clock):
    task_id = _start(client, "Server mati")["open_tasks"][0]["id"]
    with app.app_context():
        ids = {u.username: u.id for u in db.session.scalars(select(User))}
    login(client, "admin")
    token = csrf_token(client.get("/plh/").get_data(True))
    response = client.post("/plh/", data={
        "csrf_token": token, "kind": "Plh", "official": ids["prakom"], "role": "Prakom",
        "substitute": ids["kasubbag"], "warrant_number": "W8-U1/99/KP/XI/2026",
        "starts_at": "2026-11-23T07:00", "ends_at": "2026-11-25T16:00"})
    assert response.status_code == 302
    login(client, "kasubbag")
    assert '<td data-label="Peran">Plh. Prakom</td>' in client.get("/").get_data(True), \
        "the row says in which capacity, as the task page does"
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert "Anda bertindak sebagai <strong>Plh. Prakom</strong>" in page
    client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page)})
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert (task.completed_by_id, task.completed_as) == (ids["kasubbag"], "Plh. Prakom")


def test_a_plh_whose_term_ended_is_told_so_when_he_sends_the_step_s_form(app, client, clock):
    """The Plh/escalation probe: the step's form sent after his Plh ended was refused as if
    he had never held a role of the SOP; README: said on Ambil, Lepaskan and Selesaikan."""
    task_id = _start(client, "Server mati")["open_tasks"][0]["id"]
    with app.app_context():
        ids = {u.username: u.id for u in db.session.scalars(select(User))}
    login(client, "admin")
    assert client.post("/plh/", data={
        "csrf_token": csrf_token(client.get("/plh/").get_data(True)), "kind": "Plh",
        "official": ids["prakom"], "role": "Prakom", "substitute": ids["redaktur"],
        "warrant_number": "W8-U1/98/KP/XI/2026", "starts_at": "2026-11-23T07:00",
        "ends_at": "2026-11-23T09:00"}).status_code == 302
    login(client, "redaktur")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert "Anda bertindak sebagai <strong>Plh. Prakom</strong>" in page
    clock.advance(timedelta(hours=2))  # his term ends at 09.00 with the page still open
    for address in (f"/tugas/{task_id}", f"/tugas/{task_id}/ambil"):
        refused = client.post(address, data={"csrf_token": csrf_token(page)})
        assert refused.status_code == 403, address
        assert ("Masa Plh Anda untuk peran Prakom sudah berakhir; langkah ini kini dikerjakan "
                "pemegang peran itu.") in refused.get_data(True), address
    with app.app_context():
        assert db.session.get(HumanTask, task_id).state == "open"


def test_plh_form_errors_are_named(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/plh/").get_data(True))
    with app.app_context():
        ids = {u.username: u.id for u in db.session.scalars(select(User))}
    response = client.post("/plh/", data={
        "csrf_token": token, "kind": "Plh", "official": ids["prakom"], "role": "Prakom",
        "substitute": ids["kasubbag"], "warrant_number": "",
        "starts_at": "2026-11-23T07:00", "ends_at": "2026-11-22T07:00"})
    page = response.get_data(True)
    assert response.status_code == 422
    assert 'id="warrant_number-error">nomor surat perintah wajib diisi' in page
    assert 'id="ends_at-error">akhir harus sesudah awal' in page


def test_a_page_of_ten_thousand_open_tasks_costs_at_most_a_week_of_days_a_row(app, client, clock,
                                                                   monkeypatch):
    from sqlalchemy import insert

    from engine.time.calendar import WorkCalendar

    task = _start(client, "Tiket 0")["open_tasks"][0]
    with app.app_context():
        row = db.session.get(HumanTask, task["id"])
        copies = [{"instance_id": row.instance_id, "spiff_task_id": f"copy-{n}",
                   "bpmn_id": row.bpmn_id, "name": row.name, "role": row.role,
                   "state": "open", "created_at": row.created_at,
                   # Deadlines spread over two years late to two years ahead, a few far
                   # beyond (a time standard no upload accepts any more).
                   "due_at": (clock.now() + timedelta(days=n % 1461 - 730, minutes=n)
                              if n % 1000 else clock.now() + timedelta(days=365 * 900))}
                  for n in range(1, 10_000)]
        db.session.execute(insert(HumanTask), copies)
        db.session.commit()
    login(client, "prakom")
    lookups = []
    original = WorkCalendar._local_intervals

    def counted(self, day):
        lookups.append(day)
        return original(self, day)

    monkeypatch.setattr(WorkCalendar, "_local_intervals", counted)
    for query in ("tampil=unit&per_page=100", "tampil=unit&per_page=100&halaman=100"):
        lookups.clear()
        page = client.get(f"/?{query}").get_data(True)
        assert len(_rows(page)) == 100, "only the page's rows are shown and timed"
        assert "10.000 tugas · halaman" in page
        assert page.count("sisa ") + page.count("terlambat ") >= 100
        # Each row counts at most the days of one week; the weeks of the ten-year span
        # around now are counted once for all rows (holiday weeks day by day). Day by day,
        # the far rows alone would each count 3,653 days.
        weeks = 2 * 3653 // 7
        assert len(lookups) <= 7 * 100 + 7 * weeks


def test_a_step_done_on_time_stays_on_time_on_its_page(client, clock):
    """The task page of a finished step is frozen at its completion, as the instance's
    page is: done 50 working minutes before its deadline, it never turns late."""
    task_id = _start(client, "Server mati")["open_tasks"][0]["id"]
    clock.advance(timedelta(minutes=10))
    done = client.post(f"/api/v1/tasks/{task_id}/complete",
                       headers=api_token(client, "prakom"), json={"data": {}})
    assert done.status_code == 200, done.json
    clock.advance(timedelta(days=3))
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert "selesai 50 menit kerja sebelum batas" in page
    assert "Terlambat" not in page and "terlambat" not in page and "sisa" not in page


def test_a_refused_assignment_is_said_beside_the_choice_and_changes_nothing(app, client):
    task_id = _start(client, "Server mati")["open_tasks"][0]["id"]
    with app.app_context():
        ids = {u.username: u.id for u in db.session.scalars(select(User))}
    login(client, "kasubbag")
    for chosen, reason in ((ids["panitera"], "Demo Panitera tidak memegang peran Prakom"),
                           ("99999999999999999999", "pilih pegawai dari daftar"),
                           ("", "pilih pegawai dari daftar")):
        page = client.get(f"/tugas/{task_id}").get_data(True)
        response = client.post(f"/tugas/{task_id}/alihkan",
                               data={"csrf_token": csrf_token(page), "assignee": chosen})
        assert response.status_code == 422, chosen
        html = response.get_data(True)
        assert f'id="assignee-error">Alihkan kepada: {reason}' in html, chosen
        assert "assignee:" not in html
    with app.app_context():
        assert db.session.get(HumanTask, task_id).claimed_by_id is None


def test_who_may_not_assign_gets_403_whether_or_not_the_chosen_user_exists(app, client):
    """No probing for user ids through Alihkan: the right to assign is checked first."""
    task_id = _start(client, "Server mati")["open_tasks"][0]["id"]
    with app.app_context():
        prakom = db.session.scalar(select(User.id).where(User.username == "prakom"))
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    for chosen in (prakom, 99_999, ""):
        response = client.post(f"/tugas/{task_id}/alihkan",
                               data={"csrf_token": csrf_token(page), "assignee": chosen})
        assert response.status_code == 403, chosen
    with app.app_context():
        assert db.session.get(HumanTask, task_id).claimed_by_id is None


def test_the_history_names_whom_a_task_was_assigned_to_and_who_held_it(app, client):
    task = _start(client, "Server mati")["open_tasks"][0]
    added = app.test_cli_runner().invoke(args=[
        "user", "add", "budi", "--name", "Budi Santoso", "--role", "Prakom",
        "--password", "rahasia-123"])
    assert added.exit_code == 0, added.output
    login(client, "prakom")
    token = csrf_token(client.get(f"/tugas/{task['id']}").get_data(True))
    client.post(f"/tugas/{task['id']}/ambil", data={"csrf_token": token})
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task['id']}").get_data(True)
    with app.app_context():
        budi = db.session.scalar(select(User).where(User.username == "budi"))
    assert client.post(f"/tugas/{task['id']}/alihkan", data={
        "csrf_token": csrf_token(page), "assignee": budi.id}).status_code == 302
    history = " ".join(client.get(f"/proses/{task['instance_id']}/riwayat").get_data(True)
                       .split())
    assert (f"Tugas dialihkan “{task['name']}” oleh Demo Kasubbag kepada Budi "
            "Santoso (sebelumnya dipegang Demo Prakom)") in history, history


def test_a_release_by_a_move_to_another_version_says_why_not_that_the_role_was_lost(app):
    with app.test_request_context("/"):
        assert released_text({"holder": "prakom",
                              "reason": "dipindahkan ke versi 2, lane berubah"},
                             "Demo Prakom") == (
            "Demo Prakom tidak lagi memegangnya: dipindahkan ke versi 2, Pelaksana langkahnya "
            "berubah")


def test_a_supervisor_who_also_holds_the_role_takes_a_step_himself(app, client):
    """A small office: the Kasubbag is also Prakom. Alihkan to himself is said as his taking
    it, he is not notified of what he did, and a name that ends in its own full stop (an
    academic title) is not followed by a second one."""
    task = _start(client, "Server mati")["open_tasks"][0]
    with app.app_context():
        kasubbag = db.session.scalar(select(User).where(User.username == "kasubbag"))
        kasubbag.roles.append(UserRole(role="Prakom"))
        kasubbag.full_name = "Budi Santoso, S.Kom."
        db.session.commit()
        kasubbag_id = kasubbag.id
    login(client, "prakom")
    token = csrf_token(client.get(f"/tugas/{task['id']}").get_data(True))
    client.post(f"/tugas/{task['id']}/ambil", data={"csrf_token": token})
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task['id']}").get_data(True)
    taken = client.post(f"/tugas/{task['id']}/alihkan", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "assignee": kasubbag_id}).get_data(True)
    assert f"Tugas &#34;{task['name']}&#34; sekarang Anda pegang." in taken
    with app.app_context():
        notified = db.session.execute(select(User.username, Notification.kind)
                                      .join(User, User.id == Notification.user_id)).all()
    assert notified == [("prakom", "penugasan")]
    prakom_notices = client.get("/api/v1/notifications", headers=api_token(client, "prakom"))
    assert prakom_notices.json["items"][0]["text"].endswith(
        "dari Anda kepada Budi Santoso, S.Kom.")
    history = " ".join(client.get(f"/proses/{task['instance_id']}/riwayat").get_data(True)
                       .split())
    assert (f"Tugas dialihkan “{task['name']}” oleh Budi Santoso, S.Kom. kepada dirinya "
            "sendiri (sebelumnya dipegang Demo Prakom)") in history, history
