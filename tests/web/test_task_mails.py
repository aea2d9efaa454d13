"""An official who works from his e-mail hears of a step when it reaches him, not only when
it is late: the "tugas baru" notice he asked for and an assignment (Alihkan) go by e-mail
too when he has an address; a step done before its e-mail left is not mailed."""

from datetime import timedelta

from sqlalchemy import select, update

from engine import settings
from engine.models import Delivery, User
from tests.helpers.servers import SmtpServer, free_port
from tests.web.conftest import PASSWORD, api_token
from web.cli.worker import send_once
from web.extensions import db

SERVER = "penanganan_gangguan_server"
STEP = "Menerima dan mencatat laporan gangguan server"


def _office(app, smtp_port: int = 25) -> None:
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                          "host": "127.0.0.1", "port": smtp_port,
                                          "base_url": "https://alur.pn"})
        db.session.execute(update(User).values(email=User.username + "@pn.go.id"))
        db.session.execute(update(User).where(User.username == "prakom")
                           .values(notify_new_tasks=True))
        settings.put(db.session, "new_task_notice_roles", ["Prakom"])
        db.session.commit()


def _mails(app) -> list[tuple[str, str, str]]:
    """The Prakom's mails (the Kasubbag who starts the fault report hears of his ticket)."""
    with app.app_context():
        return [(d.recipient, d.subject, d.state) for d in db.session.scalars(
            select(Delivery).where(Delivery.recipient == "prakom@pn.go.id")
            .order_by(Delivery.id))]


def _body(app) -> list[str]:
    """The lines of the Prakom's one mail."""
    with app.app_context():
        return db.session.scalars(select(Delivery).where(
            Delivery.recipient == "prakom@pn.go.id")).one().body.splitlines()


def test_a_new_step_is_mailed_to_whoever_asked_for_its_notice(app, client):
    _office(app)
    started = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"),
                          json={"process_key": SERVER, "title": "Server mati"}).json
    assert _mails(app) == [("prakom@pn.go.id",
                            f'[Alur] Tugas baru: GS-2026-0001 "Server mati" — {STEP}',
                            "pending")]
    body = _body(app)
    assert body[0] == (f'Tugas baru "{STEP}" pada "Server mati" (Penanganan Gangguan Server) '
                       "untuk peran Prakom.")
    assert body[3:] == ["Dipegang: belum diambil (peran Prakom)",
                        "Anda menerima surel ini sebagai Prakom.",
                        "Yang diminta: selesaikan langkah ini; bila Anda tidak dapat, beri tahu "
                        "atasan Anda agar dialihkan.", "",
                        f"Buka langkah: https://alur.pn/tugas/{started['open_tasks'][0]['id']}"]


def test_an_assignment_is_mailed_to_the_assignee(app, client):
    _office(app)
    with app.app_context():
        db.session.execute(update(User).values(notify_new_tasks=False))
        db.session.commit()
    started = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"),
                          json={"process_key": SERVER, "title": "Server mati"}).json
    task_id = started["open_tasks"][0]["id"]
    assigned = client.post(f"/api/v1/tasks/{task_id}/assign", json={"assignee": "prakom"},
                           headers=api_token(client, "kasubbag"))
    assert assigned.status_code == 200, assigned.json
    assert _mails(app) == [("prakom@pn.go.id",
                            f'[Alur] Penugasan: GS-2026-0001 "Server mati" — {STEP}',
                            "pending")]
    body = _body(app)
    assert body[0] == f'Demo Kasubbag mengalihkan tugas "{STEP}" (Server mati) kepada Anda.'
    assert body[3] == "Dipegang: Demo Prakom"


def test_a_new_step_done_before_its_mail_left_is_not_mailed(app, client, clock):
    port = free_port()
    _office(app, port)
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"),
                          json={"process_key": SERVER, "title": "Server mati"}).json
    assert client.post(f"/api/v1/tasks/{started['open_tasks'][0]['id']}/complete",
                       headers=prakom, json={"data": {}}).status_code == 200
    smtp = SmtpServer(port).start()
    try:
        assert send_once(app) == 2
    finally:
        smtp.stop()
    assert [(mail["To"], str(mail["Subject"])) for mail in smtp.messages] == [
        ("kasubbag@pn.go.id", "[Alur] Tiket GS-2026-0001 diterima: Server mati"),
        ("prakom@pn.go.id", '[Alur] Tugas baru: GS-2026-0001 "Server mati" — Mengatasi '
                            "permasalahan gangguan server")]  # the next step, still open
    assert [state for _, _, state in _mails(app)] == ["dropped", "sent"]


def test_a_mail_whose_step_changed_hands_before_it_left_is_dropped(app, client):
    """Queued while the mail server was down: an assignment whose step went on to someone
    else, a new step someone took meanwhile. Either would tell what is no longer so."""
    port = free_port()
    _office(app, port)
    kasubbag = api_token(client, "kasubbag")
    added = app.test_cli_runner().invoke(args=[
        "user", "add", "gita", "--name", "Gita", "--role", "Prakom", "--password", PASSWORD])
    assert added.exit_code == 0, added.output
    first = client.post("/api/v1/instances", headers=kasubbag,
                        json={"process_key": SERVER, "title": "Server mati"}).json
    second = client.post("/api/v1/instances", headers=kasubbag,
                         json={"process_key": SERVER, "title": "Jaringan putus"}).json
    for assignee in ("prakom", "gita"):
        assert client.post(f"/api/v1/tasks/{first['open_tasks'][0]['id']}/assign",
                           json={"assignee": assignee}, headers=kasubbag).status_code == 200
    assert client.post(f"/api/v1/tasks/{second['open_tasks'][0]['id']}/claim",
                       headers=api_token(client, "gita")).status_code == 200
    smtp = SmtpServer(port).start()
    try:
        send_once(app)
    finally:
        smtp.stop()
    assert [mail["To"] for mail in smtp.messages if mail["To"] == "prakom@pn.go.id"] == []
    moved = "langkahnya sudah berpindah tangan sebelum pesan ini terkirim; tidak dikirim"
    with app.app_context():
        assert [(d.subject.split(":")[0], d.state, d.last_error) for d in db.session.scalars(
            select(Delivery).where(Delivery.recipient == "prakom@pn.go.id")
            .order_by(Delivery.id))] == [("[Alur] Tugas baru", "dropped", moved),
                                          ("[Alur] Tugas baru", "dropped", moved),
                                          ("[Alur] Penugasan", "dropped", moved)]


def test_no_mail_about_the_first_step_of_ones_own_start(app, client):
    _office(app)
    client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                json={"process_key": SERVER, "title": "Server mati"})
    assert _mails(app) == []


def test_a_step_assigned_again_after_its_mail_was_dropped_is_mailed_again(app, client, clock):
    """Released by mistake, then given back: the second assignment is news too."""
    port = free_port()
    _office(app, port)
    with app.app_context():
        db.session.execute(update(User).values(notify_new_tasks=False))
        db.session.commit()
    kasubbag, prakom = api_token(client, "kasubbag"), api_token(client, "prakom")
    task_id = client.post("/api/v1/instances", headers=kasubbag, json={
        "process_key": SERVER, "title": "Server mati"}).json["open_tasks"][0]["id"]
    assign = {"json": {"assignee": "prakom"}, "headers": kasubbag}
    assert client.post(f"/api/v1/tasks/{task_id}/assign", **assign).status_code == 200
    assert client.post(f"/api/v1/tasks/{task_id}/release", headers=prakom).status_code == 200
    smtp = SmtpServer(port).start()
    try:
        send_once(app)
        clock.advance(timedelta(minutes=1))
        assert client.post(f"/api/v1/tasks/{task_id}/assign", **assign).status_code == 200
        send_once(app)
    finally:
        smtp.stop()
    assert [state for _, _, state in _mails(app)] == ["dropped", "sent"]
    assert [str(mail["Subject"]).split(":")[0] for mail in smtp.messages
            if mail["To"] == "prakom@pn.go.id"] == ["[Alur] Penugasan"]
