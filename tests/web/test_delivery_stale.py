"""A reminder that waited in the outbox (the mail server was down) is not sent once its
step was completed meanwhile: read after the work was done, it would alarm for nothing."""

from datetime import timedelta

from sqlalchemy import select

from engine import settings
from engine.models import Delivery, User
from tests.helpers.servers import SmtpServer, WebhookReceiver, free_port
from tests.web.conftest import api_token
from web.cli.worker import fire_once, send_once
from web.extensions import db

DONE = "langkahnya sudah selesai atau dibatalkan sebelum pesan ini terkirim; tidak dikirim"


def test_a_reminder_for_a_step_done_meanwhile_is_dropped_not_sent(app, client, clock):
    smtp_port, hook_port = free_port(), free_port()
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                          "host": "127.0.0.1", "port": smtp_port})
        settings.put(db.session, "webhook", {"url": f"http://127.0.0.1:{hook_port}/hook"})
        for user in db.session.scalars(select(User)):
            user.email = f"{user.username}@pn-bengkalis.go.id"
        db.session.commit()
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"}).json
    clock.advance(timedelta(hours=1))
    assert fire_once(app) == 1
    assert send_once(app) == 0  # both servers are down
    done = client.post(f"/api/v1/tasks/{started['open_tasks'][0]['id']}/complete",
                       headers=prakom, json={"data": {}})
    assert done.status_code == 200, done.json
    clock.advance(timedelta(minutes=5))
    smtp, receiver = SmtpServer(smtp_port).start(), WebhookReceiver(hook_port).start()
    try:
        assert send_once(app) == 0
    finally:
        smtp.stop()
        receiver.stop()
    assert (smtp.messages, receiver.posts) == ([], [])
    with app.app_context():
        assert [(d.channel, d.state, d.last_error) for d in db.session.scalars(
            select(Delivery).order_by(Delivery.id))] == [("email", "dropped", DONE),
                                                          ("webhook", "dropped", DONE)]
