"""Escalations reach people by e-mail and webhook, through the outbox, exactly once —
also when the servers are down at first and come up later."""

from datetime import timedelta
from email.utils import parsedate_to_datetime
from html import unescape

import pytest
from sqlalchemy import select

from engine import settings
from engine.escalation.delivery import NO_REPLY, message_id
from engine.models import Delivery, User
from engine.people import accounts
from tests.helpers.servers import SmtpServer, WebhookReceiver, free_port
from tests.web.conftest import api_token, login
from web.cli.worker import RoundFailures, fire_once, send_once
from web.extensions import db


@pytest.fixture
def ports():
    return free_port(), free_port()


@pytest.fixture
def configured(app, ports):
    smtp_port, webhook_port = ports
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                          "host": "127.0.0.1", "port": smtp_port,
                                          "sender": "alur@pn-bengkalis.go.id",
                                          "base_url": "https://alur.pn-bengkalis.go.id"})
        settings.put(db.session, "webhook", {"url": f"http://127.0.0.1:{webhook_port}/hook"})
        for user in db.session.scalars(select(User)):
            user.email = f"{user.username}@pn-bengkalis.go.id"
        db.session.commit()
    return app


def _deliveries_task(app) -> int:
    """The step the first delivery's escalation is about."""
    with app.app_context():
        return db.session.scalars(select(Delivery).order_by(Delivery.id)).first().escalation.human_task_id


def _deliveries(app) -> list[tuple[str, str, str, int]]:
    with app.app_context():
        return [(d.channel, d.recipient, d.state, d.attempts)
                for d in db.session.scalars(select(Delivery).order_by(Delivery.id))]


def test_messages_wait_for_servers_that_are_down_then_arrive_once(configured, client, clock,
                                                                  ports):
    app = configured
    client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                json={"process_key": "penanganan_gangguan_server", "title": "Server SIPP mati"})
    clock.advance(timedelta(hours=1))
    assert fire_once(app) == 1
    hook = f"http://127.0.0.1:{ports[1]}/hook"
    assert _deliveries(app) == [("email", "prakom@pn-bengkalis.go.id", "pending", 0),
                                ("webhook", hook, "pending", 0)]

    assert send_once(app) == 0  # both servers are down
    assert _deliveries(app) == [("email", "prakom@pn-bengkalis.go.id", "pending", 1),
                                ("webhook", hook, "pending", 1)]
    clock.advance(timedelta(seconds=29))
    assert send_once(app) == 0  # backoff: not tried again before 30 s
    assert [d[3] for d in _deliveries(app)] == [1, 1]

    smtp, receiver = SmtpServer(ports[0]).start(), WebhookReceiver(ports[1]).start()
    try:
        sent_at = clock.advance(timedelta(seconds=1))
        assert send_once(app) == 2
        for _ in range(3):
            clock.advance(timedelta(hours=1))
            assert send_once(app) == 0
    finally:
        smtp.stop()
        receiver.stop()
    assert _deliveries(app) == [("email", "prakom@pn-bengkalis.go.id", "sent", 2),
                                ("webhook", hook, "sent", 2)]
    [mail] = smtp.messages
    assert mail["To"] == "prakom@pn-bengkalis.go.id"
    assert parsedate_to_datetime(mail["Date"]) == sent_at
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_content().splitlines()[-2:] == ["-- ", NO_REPLY]
    assert mail.get_content().splitlines()[-4] == (
        f"Buka langkah: https://alur.pn-bengkalis.go.id/tugas/{_deliveries_task(app)}")
    assert str(mail["Subject"]).strip() == (
        '[Alur] Pengingat: GS-2026-0001 "Server SIPP mati" — Menerima dan mencatat laporan '
        "gangguan server")
    assert mail.get_content().splitlines()[2:5] == [
        "Batas waktu: 23 Nov 2026 09.00 WIB", "Dipegang: belum diambil (peran Prakom)",
        "Anda menerima surel ini sebagai Prakom."]
    [(headers, body)] = receiver.posts
    assert (body["event"], body["level"], body["role"]) == ("eskalasi", 1, "Prakom")
    assert body["instance"]["title"] == "Server SIPP mati"
    assert body["instance"]["number"] == "GS-2026-0001"
    assert body["task"]["url"] == f"https://alur.pn-bengkalis.go.id/tugas/{body['task']['id']}"
    assert body["recipients"] == ["prakom"]
    task_id = body["task"]["id"]
    with app.app_context():
        sent = {row.dedupe_key: row for row in db.session.scalars(select(Delivery))}
        assert mail["Message-ID"] == message_id(
            sent[f"task:{task_id}:level:1:email:prakom@pn-bengkalis.go.id"])
        assert headers["Idempotency-Key"] == message_id(
            sent[f"task:{task_id}:level:1:webhook:{hook}"])
        # The operations probe: a restored copy's new message for the same step and level
        # took the key of the real one, which a receiver then dropped as a repeat.
        copy = sent[f"task:{task_id}:level:1:webhook:{hook}"]
        again = Delivery(dedupe_key=copy.dedupe_key,
                         created_at=copy.created_at + timedelta(minutes=3))
        assert message_id(again) != message_id(copy)


def test_backoff_doubles_and_is_capped_at_an_hour(configured, client, clock):
    app = configured
    client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                json={"process_key": "penanganan_gangguan_server", "title": "Mati lagi"})
    clock.advance(timedelta(hours=1))
    fire_once(app)
    waits = []
    for _ in range(9):
        send_once(app)
        with app.app_context():
            delivery = db.session.scalars(select(Delivery).order_by(Delivery.id)).first()
            waits.append(delivery.next_attempt_at - clock.now())
            clock.set(delivery.next_attempt_at)
    assert [int(w.total_seconds()) for w in waits] == [30, 60, 120, 240, 480, 960, 1920, 3600,
                                                       3600]
    with app.app_context():
        db.session.scalars(select(Delivery).order_by(Delivery.id)).first().attempts = 45  # about 36 hours of failing
        db.session.commit()
    send_once(app)
    with app.app_context():
        delivery = db.session.scalars(select(Delivery).order_by(Delivery.id)).first()
        assert (delivery.attempts, delivery.next_attempt_at - clock.now()) == (
            46, timedelta(hours=1))


def test_a_message_written_on_several_lines_is_mailed_with_a_one_line_subject(
        configured, client, clock, ports):
    app = configured
    with app.app_context():
        db.session.add(Delivery(channel="email", recipient="prakom@pn-bengkalis.go.id",
                                dedupe_key="tiket:1:pesan:1", subject="[Alur] Printer merek?\nModel?",
                                body="Printer merek apa?\nModel apa?\nhttps://alur.pn.go.id/tiket/1",
                                next_attempt_at=clock.now(),
                                created_at=clock.now()))
        db.session.commit()
    smtp = SmtpServer(ports[0]).start()
    try:
        assert send_once(app) == 1
    finally:
        smtp.stop()
    [mail] = smtp.messages
    assert str(mail["Subject"]) == "[Alur] Printer merek? Model?"
    assert mail.get_content().splitlines() == ["Printer merek apa?", "Model apa?",
                                               "https://alur.pn.go.id/tiket/1", "", "-- ",
                                               NO_REPLY]


def test_mail_waiting_is_not_sent_once_its_reader_left_or_changed_address(
        configured, client, clock, ports):
    """Queued while the mail server was down; meanwhile the Prakom changed his address and
    the Kasubbag's account was disabled: neither old message goes out (the notified are the
    active holders, and the old address may no longer be his); the app's notices stay."""
    app = configured
    client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                json={"process_key": "penanganan_gangguan_server", "title": "Server mati"})
    clock.advance(timedelta(hours=1))
    assert fire_once(app) == 1
    with app.app_context():
        db.session.add(Delivery(channel="email", recipient="KASUBBAG@pn-bengkalis.go.id",
                                dedupe_key="uji:kasubbag", subject="s", body="b",
                                next_attempt_at=clock.now(), created_at=clock.now()))
        db.session.commit()
    assert send_once(app) == 0  # the mail server is down
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        users["prakom"].email = "prakom.baru@pn-bengkalis.go.id"
        accounts.set_disabled(db.session, clock, actor=None, user=users["kasubbag"],
                              disabled=True)
        db.session.commit()
    clock.advance(timedelta(minutes=5))
    smtp = SmtpServer(ports[0]).start()
    try:
        assert send_once(app) == 0  # nothing mailed (the webhook receiver is down too)
    finally:
        smtp.stop()
    assert smtp.messages == []
    gone = "penerima tidak lagi aktif atau alamat surelnya sudah diganti; tidak dikirim"
    with app.app_context():
        assert [(d.recipient, d.state, d.last_error) for d in db.session.scalars(
            select(Delivery).where(Delivery.channel == "email").order_by(Delivery.id))] == [
            ("prakom@pn-bengkalis.go.id", "dropped", gone),
            ("KASUBBAG@pn-bengkalis.go.id", "dropped", gone)]
    assert client.get("/api/v1/notifications", headers=api_token(client, "prakom")
                      ).json["unread"] == 1


def test_without_email_or_webhook_only_the_app_notifies(app, client, clock):
    with app.app_context():  # addresses, but no SMTP server set: nothing waits to be mailed
        for user in db.session.scalars(select(User)):
            user.email = f"{user.username}@pn-bengkalis.go.id"
        db.session.commit()
    client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                json={"process_key": "penanganan_gangguan_server", "title": "Tanpa surel"})
    clock.advance(timedelta(hours=1))
    assert fire_once(app) == 1
    assert _deliveries(app) == []
    assert client.get("/api/v1/notifications", headers=api_token(client, "prakom")
                      ).json["unread"] == 1


def test_pengaturan_shows_a_channel_failing_and_when_it_last_sent(configured, client, clock,
                                                                  ports):
    """The administrator sees on Pengaturan, under each channel's settings, that messages
    fail (with the server's words) while its server is down, then when it sent again."""
    app = configured
    client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                json={"process_key": "penanganan_gangguan_server", "title": "Server SIPP mati"})
    clock.advance(timedelta(hours=1))
    fire_once(app)
    login(client, "admin")
    waiting = client.get("/admin/pengaturan").get_data(True)
    assert waiting.count("Menunggu dikirim: 1. Belum ada yang terkirim.") == 2
    assert send_once(app) == 0  # both servers are down
    failing = unescape(client.get("/admin/pengaturan").get_data(True))
    assert "1 surel gagal dikirim dan akan dicoba lagi otomatis. Galat terakhir: server " \
           "menolak sambungan: tidak ada layanan di host dan port itu (periksa isian dan " \
           "apakah servernya berjalan) (ConnectionRefusedError: " in failing
    assert "1 pesan webhook gagal dikirim" in failing and "/hook" not in failing.split(
        "Galat terakhir")[2][:300], "the gateway's path (its token) is not shown"
    smtp, receiver = SmtpServer(ports[0]).start(), WebhookReceiver(ports[1]).start()
    try:
        clock.advance(timedelta(seconds=30))
        assert send_once(app) == 2
    finally:
        smtp.stop()
        receiver.stop()
    sent = client.get("/admin/pengaturan").get_data(True)
    assert "gagal dikirim" not in sent
    assert sent.count("Terakhir terkirim: 23 Nov 2026 09.00 WIB.") == 2


def test_an_unreadable_secret_holds_the_outbox_with_one_line_and_no_traceback(
        configured, client, clock, ports, caplog):
    """After ALUR_SECRET_KEY changed, the sealed webhook secret cannot be read: nothing is
    leased or sent, and each round logs one warning naming the secret instead of a
    traceback; once it is typed again the messages leave."""
    app = configured
    client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                json={"process_key": "penanganan_gangguan_server", "title": "Server SIPP mati"})
    clock.advance(timedelta(hours=1))
    assert fire_once(app) == 1
    with app.app_context():
        hook = settings.get(db.session, "webhook")["url"]
        settings.put(db.session, "webhook", {"url": hook,
                                             "secret": settings.seal("r" * 20, "kunci-lama")})
        db.session.commit()
    failures = RoundFailures()
    with caplog.at_level("WARNING", logger="alur.worker"):
        assert send_once(app, failures=failures) == 0
        assert send_once(app, failures=failures) == 0
    assert failures.count == 2
    assert [d[2:] for d in _deliveries(app)] == [("pending", 0), ("pending", 0)]  # not tried
    held = [r for r in caplog.records if getattr(r, "fields", {}).get("event")
            == "worker.secret_unreadable"]
    assert [r.getMessage() for r in held] == [
        "the outbox waits: rahasia webhook tersimpan dengan kunci rahasia lain; isi ulang di "
        "Pengaturan"] * 2
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    with app.app_context():
        settings.put(db.session, "webhook", {"url": hook,
                                             "secret": settings.seal("r" * 20, app.secret_key)})
        db.session.commit()
    smtp, receiver = SmtpServer(ports[0]).start(), WebhookReceiver(ports[1]).start()
    try:
        assert send_once(app) == 2
    finally:
        smtp.stop()
        receiver.stop()
