"""A step completed meanwhile by someone else (issue 15, point 9): the completion form
answers in Indonesian who finished it and when, shows back what the user typed, stores
nothing; task states are worded in one place."""

import io

from sqlalchemy import select

from engine.models import Attachment, AuditRecord, HumanTask, User, UserRole
from engine.process.instances import start_instance
from engine.process.task_states import TASK_STATE_WORDS
from engine.process.tasks import complete_task
from tests.conftest import csrf_token
from tests.web.conftest import PASSWORD, api_token, login
from tests.web.test_form_upload import _files, _post
from web.extensions import clock, db
from web.filters import TASK_STATE_TEXT
from web.views.auth import hash_password

SERVER = "penanganan_gangguan_server"


def _open_step(app) -> int:
    """A server fault started by prakom, and a second Prakom, Budi Santoso."""
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        db.session.add(User(username="budi", full_name="Budi Santoso", password_hash="-",
                            created_at=clock().now(), roles=[UserRole(role="Prakom")]))
        instance = start_instance(db.session, clock(), process_key=SERVER, title="Server mati",
                                  user=prakom)
        db.session.commit()
        return db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id))


def _complete_as_budi(app, task_id: int) -> None:
    with app.app_context():
        budi = db.session.scalar(select(User).where(User.username == "budi"))
        complete_task(db.session, clock(), task_id, budi, {"catatan": "Sudah ditangani Budi"})
        db.session.commit()


def test_completing_a_step_done_meanwhile_names_who_and_when_and_keeps_the_text(app, client):
    task_id = _open_step(app)
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    _complete_as_budi(app, task_id)
    with app.app_context():
        audits = len(db.session.scalars(select(AuditRecord)).all())
    typed = "Kabel LAN rak 2 sudah diganti\nlalu server dinyalakan ulang"
    response = client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page),
                                                      "catatan": typed})
    assert response.status_code == 409
    html = response.get_data(True)
    assert ("Langkah ini sudah diselesaikan oleh Budi Santoso pada 23 Nov 2026 08.00 WIB. "
            "Isian Anda tidak disimpan.") in html
    assert f'<dt>Catatan</dt><dd class="typed-value">{typed}</dd>' in html
    assert "completed" not in html
    assert f'href="/tugas/{task_id}"' in html
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert (task.note, task.completed_by.username) == ("Sudah ditangani Budi", "budi")
        assert len(db.session.scalars(select(AuditRecord)).all()) == audits


def test_nothing_typed_shows_no_empty_copy_box(app, client):
    task_id = _open_step(app)
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    _complete_as_budi(app, task_id)
    html = client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page)}).get_data(True)
    assert "sudah diselesaikan oleh Budi Santoso" in html
    assert "Yang Anda ketik" not in html


def test_a_file_sent_to_a_step_done_meanwhile_gets_the_same_answer_and_is_not_kept(
        app, client):
    task_id = _open_step(app)
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    _complete_as_budi(app, task_id)
    response = client.post(f"/tugas/{task_id}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "lampiran": [(io.BytesIO(b"MZ"), "alat.exe")]})
    assert response.status_code == 409
    assert "sudah diselesaikan oleh Budi Santoso" in response.get_data(True)
    with app.app_context():
        assert db.session.scalars(select(Attachment)).all() == []


def test_the_task_page_and_the_api_word_states_in_indonesian(app, client):
    task_id = _open_step(app)
    _complete_as_budi(app, task_id)
    login(client, "prakom")
    assert "<dt>Status</dt><dd>Selesai</dd>" in client.get(f"/tugas/{task_id}").get_data(True)
    token = csrf_token(client.get("/").get_data(True))
    claimed = client.post(f"/tugas/{task_id}/ambil", data={"csrf_token": token})
    assert claimed.status_code == 409
    assert "sudah tidak terbuka (status: selesai)" in claimed.get_data(True)


def test_every_task_state_has_one_word_in_each_place(app):
    assert set(TASK_STATE_TEXT) == set(TASK_STATE_WORDS) == {"open", "completed", "cancelled"}
    with app.test_request_context():
        assert {state: str(text).lower() for state, text in TASK_STATE_TEXT.items()} == (
            TASK_STATE_WORDS)


def test_a_step_someone_else_holds_offers_no_action_that_can_only_fail(app, client):
    task_id = _open_step(app)
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    client.post(f"/tugas/{task_id}/ambil", data={"csrf_token": csrf_token(page)})
    own = client.get(f"/tugas/{task_id}").get_data(True)
    assert "Lepaskan" in own and f'action="/tugas/{task_id}"' in own
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "budi")).password_hash = \
            hash_password(PASSWORD)
        db.session.commit()
    other = app.test_client()
    login(other, "budi")
    seen = other.get(f"/tugas/{task_id}").get_data(True)
    assert "Langkah ini sedang dikerjakan Demo Prakom" in seen
    assert "Lepaskan" not in seen and f'action="/tugas/{task_id}"' not in seen


def test_the_note_typed_is_labelled_in_the_users_language(app, client):
    """The English page called the note "Catatan", which its task form calls "Notes"."""
    task_id = _open_step(app)
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "prakom")).language = "en"
        db.session.commit()
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert '<label for="f-catatan">Notes' in page
    _complete_as_budi(app, task_id)
    response = client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page),
                                                      "catatan": "late"})
    assert response.status_code == 409
    assert '<dt>Notes</dt><dd class="typed-value">late</dd>' in response.get_data(True)


def test_a_yes_no_typed_is_shown_back_in_the_forms_words(app, client):
    """The page said "ya", the value the button sends, where the form says "Ya"."""
    assert _post(client, _files()).status_code == 201
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"unit": "PTIP"}}).json
    task_id = started["open_tasks"][0]["id"]
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom, json={
        "data": {"judul_konsep": "Konsep"}}).status_code == 200
    late = client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page),
                                                  "judul_konsep": "Konsep", "rahasia": "ya"})
    assert late.status_code == 409
    assert '<dt>Rahasia</dt><dd class="typed-value">Ya</dd>' in late.get_data(True)


def test_a_step_form_sent_twice_by_its_completer_says_the_first_send_was_kept(app, client):
    task_id = _open_step(app)
    login(client, "prakom")
    form = {"csrf_token": csrf_token(client.get(f"/tugas/{task_id}").get_data(True)),
            "catatan": "Laporan sudah diketik"}
    assert client.post(f"/tugas/{task_id}", data=form).status_code == 302
    again = client.post(f"/tugas/{task_id}", data=form)
    assert again.status_code == 409
    html = again.get_data(True)
    assert ("Anda sudah menyelesaikan langkah ini pada 23 Nov 2026 08.00 WIB; kiriman itu "
            "tersimpan. Kiriman yang ini tidak disimpan lagi.</p>") in html
    assert "Isian Anda tidak disimpan" not in html and "Demo Prakom pada" not in html


def test_one_who_lost_a_claim_race_is_led_to_the_other_unit_steps(app, client):
    added = app.test_cli_runner().invoke(args=[
        "user", "add", "gita", "--name", "Gita Prakom", "--role", "Prakom", "--password",
        "rahasia-123"])
    assert added.exit_code == 0, added.output
    task_id = _open_step(app)
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    gita = app.test_client()
    login(gita, "gita", "rahasia-123")
    assert gita.post(f"/tugas/{task_id}/ambil", data={
        "csrf_token": csrf_token(gita.get(f"/tugas/{task_id}").get_data(True))}).status_code == 302
    lost = client.post(f"/tugas/{task_id}/ambil", data={"csrf_token": csrf_token(page)})
    assert lost.status_code == 409
    said = lost.get_data(True)
    assert "sudah diambil oleh Gita Prakom (gita)" in said
    assert '<a href="/?tampil=unit">Pilih tugas lain di Tugas Unit</a>' in said
