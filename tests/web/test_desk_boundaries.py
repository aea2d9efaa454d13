"""Where a ticket's thread and its views stop: no message on an ended ticket (API and
page), the requester's list shows what he submitted, another SOP's process behind a
ticket address answers as no process at all; a file sent alone is named in its notice, a
rating comment keeps its text when refused, a refused cancel speaks of the ticket, and
the requester's own file under /lampiran/ leads to his ticket."""

import io

from sqlalchemy import select

from engine.models import (
    Attachment,
    AuditRecord,
    HumanTask,
    Notification,
    ProcessInstance,
    SlaPause,
)
from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee, triage
from tests.web.test_servicedesk_api import LTI, _finish, _notices, _start
from web.extensions import db


def _actions(app, instance_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.instance_id == instance_id).order_by(AuditRecord.id)))


def test_no_message_is_taken_on_a_completed_or_cancelled_ticket(app, client):
    add_employee(app)
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    done = _start(client, me)
    url = f"/api/v1/tickets/{done}/messages"
    assert client.post(url, headers=prakom, json={"text": "Sudah dicek"}).status_code == 201
    _finish(client, done)
    assert client.post(f"/api/v1/instances/{done}/rating", headers=me,
                       json={"score": 5}).status_code == 201
    before = _notices(app, "prakom")
    for headers in (me, prakom):
        refused = client.post(url, headers=headers, json={"text": "terima kasih"})
        assert refused.status_code == 422
        assert list(refused.json["error"]["fields"]) == ["text"]
        assert "tiket sudah selesai atau dibatalkan" in refused.json["error"]["fields"]["text"]
    assert _notices(app, "prakom") == before
    assert _actions(app, done).count("ticket.message") == 1
    cancelled = _start(client, me)
    assert client.post(f"/api/v1/instances/{cancelled}/cancel", headers=me,
                       json={"reason": "Sudah menyala lagi"}).status_code == 200
    refused = client.post(f"/api/v1/tickets/{cancelled}/messages", headers=me,
                          json={"text": "terima kasih"})
    assert (refused.status_code, list(refused.json["error"]["fields"])) == (422, ["text"])
    assert _actions(app, cancelled)[-1] == "instance.cancelled"


def test_the_page_refuses_a_message_on_an_ended_ticket_and_keeps_the_text(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    login(client, "pegawai")
    for ended in ("selesai", "dibatalkan"):
        instance_id = _start(client, me)
        opened = client.get(f"/tiket/{instance_id}").get_data(True)
        if ended == "selesai":
            _finish(client, instance_id)
        else:
            client.post(f"/api/v1/instances/{instance_id}/cancel", headers=me,
                        json={"reason": "Sudah menyala lagi"})
        refused = client.post(f"/tiket/{instance_id}/pesan", data={
            "csrf_token": csrf_token(opened), "text": "terima kasih"})
        assert refused.status_code == 422, ended
        html = refused.get_data(True)
        assert (f"Pesan tidak terkirim: tiket ini sudah {ended}. Ajukan tiket baru bila masih "
                "perlu.") in html
        assert "pesan tidak lagi diterima" not in html, "said once, not twice in other words"
        assert ">terima kasih</textarea>" in html
        assert "ticket.message" not in _actions(app, instance_id)


def test_the_requesters_list_shows_his_proposal_not_the_triages_priority(app, client):
    add_employee(app)
    me, admin = api_token(client, "pegawai"), api_token(client, "admin")
    instance_id = _start(client, me, data={**START_DATA[LTI], "prioritas": "minor"})
    triage(client, instance_id, "kritis")
    [row] = client.get("/api/v1/instances?scope=mine", headers=me).json["items"]
    assert row["data"] == {**START_DATA[LTI], "prioritas": "minor"}
    login(client, "pegawai")
    with client.get("/proses/?format=csv") as export:
        assert "minor" in export.get_data(True) and "kritis" not in export.get_data(True)
    staff = client.get(f"/api/v1/instances/{instance_id}", headers=admin).json
    assert staff["data"]["prioritas"] == "kritis"


def test_a_process_of_another_sop_behind_a_ticket_address_is_not_found(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    rkt = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"), json={
        "process_key": "penyusunan_rkt", "title": "RKT"}).json["id"]
    with app.app_context():
        missing = db.session.scalar(select(ProcessInstance.id).order_by(
            ProcessInstance.id.desc())) + 1
    for headers in (me, api_token(client, "kasubbag")):
        for instance_id in (rkt, missing):
            found = client.get(f"/api/v1/tickets/{instance_id}", headers=headers)
            assert (found.status_code, found.json["error"]["message"]) == (
                404, f"Tiket #{instance_id} tidak ditemukan."), instance_id
    for instance_id in (rkt, missing):
        rated = client.post(f"/api/v1/instances/{instance_id}/rating", headers=me,
                            json={"score": 5})
        assert (rated.status_code, rated.json["error"]["message"]) == (
            404, f"Tiket #{instance_id} tidak ditemukan."), "the same words: no number learnt"
    login(client, "pegawai")
    for instance_id in (rkt, missing):  # the requester is told of a ticket, never a process
        page = client.get(f"/tiket/{instance_id}")
        assert page.status_code == 404
        assert f"Tiket #{instance_id} tidak ditemukan." in page.get_data(True)
    assert client.get(f"/tiket/{rkt}/berkas/1").status_code == 404


def test_a_message_of_only_invisible_characters_is_blank_on_the_page(app, client):
    add_employee(app)
    instance_id = _start(client, api_token(client, "pegawai"))
    login(client, "pegawai")
    opened = client.get(f"/tiket/{instance_id}").get_data(True)
    refused = client.post(f"/tiket/{instance_id}/pesan", data={
        "csrf_token": csrf_token(opened), "text": "\u200b\u2060 \ufeff"})
    assert refused.status_code == 422
    assert "Pesan: tulis 1–2000 karakter" in refused.get_data(True)
    assert "ticket.message" not in _actions(app, instance_id)


def test_a_wait_for_the_requester_ends_with_its_ticket(app, client):
    """README, "Layanan TI": a wait still open when the ticket completes or is cancelled
    ends with it (at the ticket's end), so no wait is left open on an ended ticket."""
    add_employee(app)
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    done, cancelled = _start(client, me), _start(client, me)
    for ticket in (done, cancelled):
        asked = client.post(f"/api/v1/tickets/{ticket}/messages", headers=prakom,
                            json={"text": "Nomor inventarisnya berapa?", "asks": True})
        assert asked.status_code == 201
    _finish(client, done)
    assert client.post(f"/api/v1/instances/{cancelled}/cancel",
                       headers=api_token(client, "admin"),
                       json={"reason": "Sudah beres sendiri"}).status_code == 200
    with app.app_context():
        for ticket in (done, cancelled):
            instance = db.session.get(ProcessInstance, ticket)
            ends = db.session.scalars(select(SlaPause.ended_at).where(
                SlaPause.instance_id == ticket)).all()
            assert instance.completed_at is not None
            assert ends == [instance.completed_at], ticket


def test_a_cancelled_ticket_reads_as_cancelled_and_offers_no_rating(app, client):
    add_employee(app)
    me = api_token(client, "pegawai")
    ticket = _start(client, me)
    login(client, "pegawai")
    fresh = client.get(f"/tiket/{ticket}").get_data(True)
    assert "<li>Belum ada pesan.</li>" not in fresh and "<p>Belum ada pesan.</p>" in fresh
    assert client.post(f"/api/v1/instances/{ticket}/cancel", headers=me,
                       json={"reason": "Sudah menyala lagi"}).status_code == 200
    page = client.get(f"/tiket/{ticket}").get_data(True)
    assert "<dt>Dibatalkan</dt>" in page and "<dt>Selesai</dt>" not in page
    assert "Penilaian" not in page and "Belum dinilai." not in page


def test_a_file_sent_alone_is_named_in_the_notice(app, client):
    """An answer of only a file tells the desk which file, not "pemohon menjawab — "."""
    add_employee(app)
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    instance_id = _start(client, me)
    assert client.post(f"/api/v1/tickets/{instance_id}/messages", headers=prakom,
                       json={"text": "Fotonya?", "asks": True}).status_code == 201
    login(client, "pegawai")
    page = client.get(f"/tiket/{instance_id}").get_data(True)
    answered = client.post(f"/tiket/{instance_id}/pesan", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(page), "text": "",
                                 "lampiran": (io.BytesIO(b"%PDF-1.4\n%\n"), "printer.pdf")})
    assert answered.status_code == 302
    [notice] = client.get("/api/v1/notifications?kind=tiket", headers=prakom).json["items"]
    number = notice["text"].split()[1].rstrip(":")
    assert notice["text"] == f"Tiket {number}: pemohon menjawab — berkas printer.pdf"
    with app.app_context():
        assert db.session.scalar(select(Notification.message).where(
            Notification.kind == "tiket_jawaban")) == notice["text"], "the e-mail's sentence"


def test_a_rating_comment_with_a_control_character_is_refused_beside_it_text_kept(app, client):
    """As a message on the same page: 422 beside Komentar, the comment kept without the
    invisible character, nothing stored (before, the door's bare 400 lost it)."""
    add_employee(app)
    instance_id = _start(client, api_token(client, "pegawai"))
    _finish(client, instance_id)
    login(client, "pegawai")
    page = client.get(f"/tiket/{instance_id}").get_data(True)
    refused = client.post(f"/tiket/{instance_id}/nilai", data={
        "csrf_token": csrf_token(page), "score": "4", "comment": "Cepat\x07 dan ramah"})
    assert refused.status_code == 422
    html = refused.get_data(True)
    assert 'id="comment-error">Komentar: memuat karakter kendali' in html
    assert ">Cepat dan ramah</textarea>" in html
    assert "ticket.rated" not in _actions(app, instance_id)
    rated = client.post(f"/tiket/{instance_id}/nilai", data={
        "csrf_token": csrf_token(html), "score": "4", "comment": "Cepat dan ramah"})
    assert rated.status_code == 302
    assert _actions(app, instance_id).count("ticket.rated") == 1


def test_a_requesters_refused_cancel_speaks_of_his_ticket(app, client):
    """README "Pemohon": his pages say tiket, also when a cancel is refused."""
    add_employee(app)
    me = api_token(client, "pegawai")
    handled, ended = _start(client, me), _start(client, me)
    with app.app_context():
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == handled))
    assert client.post(f"/api/v1/tasks/{task_id}/claim",
                       headers=api_token(client, "prakom")).status_code == 200
    refused = client.post(f"/api/v1/instances/{handled}/cancel", headers=me,
                          json={"reason": "Tidak jadi"})
    assert (refused.status_code, refused.json["error"]["message"]) == (
        403, "Tiket ini tidak dapat Anda batalkan lagi: petugas sudah mulai menanganinya. "
             "Tulis pesan kepada petugas bila tidak diperlukan lagi.")
    assert client.post(f"/api/v1/instances/{ended}/cancel", headers=me,
                       json={"reason": "Tidak jadi"}).status_code == 200
    again = client.post(f"/api/v1/instances/{ended}/cancel", headers=me,
                        json={"reason": "Tidak jadi"})
    number = again.json["error"]["message"].split()[1]
    assert (again.status_code, again.json["error"]["message"]) == (
        409, f"Tiket {number} sudah berakhir (status: dibatalkan).")
    assert _actions(app, handled)[-1] == "task.claimed", "nothing cancelled"
    # On his ticket's page, opened before the desk took it: the refusal beside the message
    # form, his reason in it ready to send (found by the service desk probe).
    login(client, "pegawai")
    page = client.post(f"/proses/{handled}/batalkan", data={
        "csrf_token": csrf_token(client.get(f"/tiket/{handled}").get_data(True)),
        "dari": "tiket", "reason": "Printer sudah dipinjamkan bagian lain"})
    shown = page.get_data(True)
    assert page.status_code == 422
    assert "Tiket ini tidak dapat Anda batalkan lagi: petugas sudah mulai menanganinya." in shown
    assert ">Printer sudah dipinjamkan bagian lain</textarea>" in shown
    assert _actions(app, handled)[-1] == "task.claimed", "nothing cancelled"
    official = client.post(f"/api/v1/instances/{ended}/cancel", headers=api_token(client, "admin"),
                           json={"reason": "Tidak jadi"})
    assert official.json["error"]["message"].startswith(f"Proses {number} sudah berakhir")


def _post_file(client, instance_id: int, filename: str) -> None:
    """The logged-in requester sends a PDF ``filename`` with a message on his ticket."""
    page = client.get(f"/tiket/{instance_id}").get_data(True)
    assert client.post(f"/tiket/{instance_id}/pesan", content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(page), "text": "Fotonya",
                             "lampiran": (io.BytesIO(b"%PDF-1.4\n%\n"), filename)}
                       ).status_code == 302


def test_the_requesters_own_file_under_lampiran_leads_to_his_ticket_and_no_other(app, client):
    """/lampiran/<id> of his conversation's file: to the ticket's download (as the API
    serves it); an internal file of the same ticket stays 403."""
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    login(client, "pegawai")
    _post_file(client, instance_id, "printer.pdf")
    with app.app_context():
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance_id))
        [own] = db.session.scalars(select(Attachment.id)).all()
    internal = client.post(f"/api/v1/tasks/{task_id}/attachments",
                           headers=api_token(client, "prakom"), content_type="multipart/form-data",
                           data={"lampiran": (io.BytesIO(b"%PDF-1.4\n%\n"), "catatan.pdf")})
    assert internal.status_code == 201
    led = client.get(f"/lampiran/{own}")
    assert (led.status_code, led.headers["Location"]) == (
        302, f"/tiket/{instance_id}/berkas/{own}")
    downloaded = client.get(led.headers["Location"])
    assert downloaded.data == b"%PDF-1.4\n%\n"
    downloaded.close()
    assert client.get(f"/lampiran/{internal.json['id']}").status_code == 403


def test_an_employee_refused_a_desk_page_is_told_in_his_words(app, client):
    """The requester probe: his own ticket's process page (a notification's address) said
    "You hold no role in this SOP …", and a colleague's file "ask an administrator to check
    your roles"."""
    add_employee(app)
    add_employee(app, "rekan")
    mine = _start(client, api_token(client, "pegawai"))
    theirs = _start(client, api_token(client, "rekan"))
    login(client, "rekan")
    _post_file(client, theirs, "foto.pdf")
    with app.app_context():
        [file_id] = db.session.scalars(select(Attachment.id)).all()
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == theirs))
    login(client, "pegawai")
    led = client.get(f"/proses/{mine}")
    assert (led.status_code, led.headers["Location"]) == (302, f"/tiket/{mine}")
    for address in (f"/proses/{theirs}", f"/tugas/{task_id}"):
        refused = client.get(address)
        assert refused.status_code == 403, address
        assert ("Halaman ini untuk petugas yang menangani pekerjaan ini. Tiket yang Anda "
                "ajukan ada di Tiket Saya.") in refused.get_data(True), address
    colleague = client.get(f"/tiket/{theirs}/berkas/{file_id}").get_data(True)
    assert "Anda bukan pemohon atau petugas tiket ini." in colleague
    assert "peran Anda" not in colleague


def test_an_employee_is_led_from_his_tickets_step_and_refused_reports_in_his_words(app, client):
    """The regression probe: his own ticket's step address was a 403 while its process
    address led to his ticket, and Tabel 7 told him to ask an administrator about roles."""
    add_employee(app)
    mine = _start(client, api_token(client, "pegawai"))
    with app.app_context():
        task_id = db.session.scalar(select(HumanTask.id).where(HumanTask.instance_id == mine))
    login(client, "pegawai")
    led = client.get(f"/tugas/{task_id}")
    assert (led.status_code, led.headers["Location"]) == (302, f"/tiket/{mine}")
    refused = client.get("/laporan/tabel7")
    assert refused.status_code == 403
    assert "Tiket yang Anda ajukan ada di Tiket Saya." in refused.get_data(True)
    assert "peran Anda" not in refused.get_data(True)
