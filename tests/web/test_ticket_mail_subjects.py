"""A ticket's e-mails: what someone writes in its thread stays out of subjects (mail logs, mail
gateways and phone lock screens show them; UU 27/2022): the subject names the ticket and
what happened, the body carries the text."""

from sqlalchemy import select, update

from engine import settings
from engine.models import Delivery, User
from tests.conftest import START_DATA
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import _finish, _start
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"
SECRET = "NIK 3273012345678901, HP 0812-3456-7890"


def _mails(app, recipient: str) -> list[Delivery]:
    with app.app_context():
        return list(db.session.scalars(select(Delivery).where(
            Delivery.recipient == recipient).order_by(Delivery.id)))


def test_a_ticket_messages_text_is_in_the_mails_body_never_its_subject(app, client):
    add_employee(app, email="pegawai@pn-contoh.go.id")
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                          "host": "127.0.0.1"})
        db.session.execute(update(User).where(User.username == "prakom")
                           .values(email="prakom@pn-contoh.go.id"))
        db.session.commit()
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    instance_id = client.post("/api/v1/instances", headers=me, json={
        "process_key": LTI, "title": "Akun SIKEP", "data": START_DATA[LTI]}).json["id"]
    for asks in (False, True):
        sent = client.post(f"/api/v1/tickets/{instance_id}/messages", headers=prakom,
                           json={"text": f"Mohon kirim {SECRET}", "asks": asks})
        assert sent.status_code == 201, sent.json
    answered = client.post(f"/api/v1/tickets/{instance_id}/messages", headers=me,
                           json={"text": SECRET})
    assert answered.status_code == 201, answered.json
    [_, message, question] = _mails(app, "pegawai@pn-contoh.go.id")
    [answer] = _mails(app, "prakom@pn-contoh.go.id")
    assert (message.subject, question.subject, answer.subject) == (
        "[Alur] Tiket LTI-2026-0001: pesan baru",
        "[Alur] Tiket LTI-2026-0001: petugas menunggu jawaban Anda",
        "[Alur] Tiket LTI-2026-0001: pemohon menjawab")
    assert all(SECRET in mail.body for mail in (message, question, answer))
    # Who wrote it, as the ticket's page names him (the e-mail probe: the mail did not).
    assert all("\n\nDari: Demo Prakom\n\nLihat tiket: " in mail.body
               for mail in (message, question))
    assert "\n\nDari: Pegawai Biasa\n\nLihat tiket: " in answer.body


def test_a_long_message_is_whole_in_the_mail_and_shortened_visibly_in_the_notice(app, client):
    add_employee(app, email="pegawai@pn-contoh.go.id")
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                          "host": "127.0.0.1"})
        db.session.commit()
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    instance_id = client.post("/api/v1/instances", headers=me, json={
        "process_key": LTI, "title": "Akun SIKEP", "data": START_DATA[LTI]}).json["id"]
    text = "Langkah " + "panjang " * 240 + "akhirnya: kirim tangkapan layar."
    assert client.post(f"/api/v1/tickets/{instance_id}/messages", headers=prakom,
                       json={"text": text}).status_code == 201
    mail = _mails(app, "pegawai@pn-contoh.go.id")[-1]
    assert text in mail.body
    notice = client.get("/api/v1/notifications?kind=tiket", headers=me).json["items"][0]
    assert notice["text"].endswith("panjang…")
    assert len(notice["text"]) < 300


def test_a_message_no_one_asked_for_reaches_who_holds_the_tickets_step(app, client):
    """The requester writes first ("please before 8"): the one working on it hears of it,
    not only someone who wrote to him before."""
    add_employee(app)
    me, prakom = api_token(client, "pegawai"), api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=me, json={
        "process_key": LTI, "title": "Akun SIKEP", "data": START_DATA[LTI]}).json
    task_id = client.get(f"/api/v1/instances/{started['id']}",
                         headers=prakom).json["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    assert client.post(f"/api/v1/tickets/{started['id']}/messages", headers=me,
                       json={"text": "Mohon aktif sebelum jam 8"}).status_code == 201
    notices = client.get("/api/v1/notifications?kind=tiket", headers=prakom).json["items"]
    assert [(n["kind"], n["text"]) for n in notices] == [
        ("tiket_jawaban", "Tiket LTI-2026-0001: pemohon menjawab — Mohon aktif sebelum jam 8")]


def test_a_ticket_email_links_to_the_ticket_at_the_offices_address(app, client):
    add_employee(app, email="pegawai@pn-bengkalis.go.id")
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"), "host": "127.0.0.1",
                                          "base_url": "https://alur.pn-bengkalis.go.id"})
        db.session.commit()
    instance_id = _start(client, api_token(client, "pegawai"))
    with app.app_context():
        [mail] = db.session.scalars(select(Delivery)).all()
        assert mail.body.splitlines()[-1] == (
            f"Lihat tiket: https://alur.pn-bengkalis.go.id/tiket/{instance_id}")


def test_the_ticket_closed_mail_links_the_ticket_once_in_its_body_not_its_subject(app,
                                                                               client):
    add_employee(app, email="pegawai@pn-contoh.go.id")
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                          "host": "127.0.0.1", "base_url": "https://alur.pn"})
        db.session.commit()
    instance_id = _start(client, api_token(client, "pegawai"))
    _finish(client, instance_id)
    with app.app_context():
        mail = db.session.scalars(select(Delivery).where(
            Delivery.recipient == "pegawai@pn-contoh.go.id").order_by(Delivery.id)).all()[-1]
    assert mail.subject.startswith("[Alur] Tiket LTI-") and "http" not in mail.subject
    assert mail.subject.endswith("selesai: Printer rusak. Beri penilaian di halaman tiket.")
    assert mail.body.count("https://alur.pn/tiket/") == 1
    # Straight to the rating form, screens down on a phone (the e-mail probe).
    assert mail.body.endswith(f"Lihat tiket: https://alur.pn/tiket/{instance_id}#penilaian")
    login(client, "pegawai")
    assert '<h2 id="penilaian">Penilaian layanan</h2>' in client.get(
        f"/tiket/{instance_id}").get_data(True)
