"""The outbox when the webhook misbehaves or changes: a redirect is a failure (its GET
carried no message), a queued message follows the address set now (or is dropped when
the webhook is turned off), a slow send keeps the next message's lease, a failure is
logged without the webhook's path, and a round gives back what it had no time to send."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from engine import settings
from engine.escalation import outbox
from engine.models import Delivery
from tests.helpers.servers import WebhookReceiver, free_port
from tests.web.conftest import api_token
from web.cli import worker
from web.cli.worker import fire_once, send_once
from web.extensions import db


class Redirecting:
    """An HTTP server answering every request 302 to ``/elsewhere``, counting the POSTs
    and the GETs it had."""

    def __init__(self) -> None:
        self.port, self.seen = free_port(), []
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                seen.append(self.command)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(302)
                self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET = _answer

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _webhook(app, url: str) -> None:
    with app.app_context():
        settings.put(db.session, "webhook", {"url": url})
        db.session.commit()


def _escalated(app, client, clock) -> None:
    """One step past its deadline, its level 1 fired: one webhook message queued."""
    client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                json={"process_key": "penanganan_gangguan_server", "title": "Server mati"})
    clock.advance(timedelta(hours=1))
    assert fire_once(app) == 1


def _webhook_rows(app) -> list[tuple[str, int, str | None]]:
    with app.app_context():
        return [(d.state, d.attempts, d.last_error) for d in db.session.scalars(
            select(Delivery).where(Delivery.channel == "webhook").order_by(Delivery.id))]


def test_a_redirect_is_a_failure_retried_not_a_message_sent(app, client, clock):
    gateway = Redirecting()
    try:
        _webhook(app, f"http://127.0.0.1:{gateway.port}/hook/TOKEN-RAHASIA")
        _escalated(app, client, clock)
        assert send_once(app) == 0
    finally:
        gateway.stop()
    [(state, attempts, error)] = _webhook_rows(app)
    assert (state, attempts, gateway.seen) == ("pending", 1, ["POST"])
    assert "302 dialihkan ke /elsewhere" in error and "TOKEN-RAHASIA" not in error


def test_a_queued_message_goes_to_the_address_set_now_or_is_dropped_when_it_is_emptied(
        app, client, clock):
    _webhook(app, f"http://127.0.0.1:{free_port()}/hook/LAMA")  # nobody listens there
    _escalated(app, client, clock)
    assert send_once(app) == 0
    receiver = WebhookReceiver(free_port()).start()
    try:
        _webhook(app, receiver.url)
        clock.advance(timedelta(seconds=30))
        assert send_once(app) == 1
    finally:
        receiver.stop()
    assert len(receiver.posts) == 1 and _webhook_rows(app)[0][:2] == ("sent", 2)

    _webhook(app, f"http://127.0.0.1:{free_port()}/hook/LAMA")
    clock.advance(timedelta(hours=4))
    assert fire_once(app) == 1  # level 2, queued for the address set now
    _webhook(app, "")
    assert send_once(app) == 0
    assert _webhook_rows(app)[1] == ("dropped", 0, "webhook dimatikan di Pengaturan")


def test_a_slow_send_keeps_the_next_messages_lease_from_another_worker(app, clock):
    with app.app_context():
        for number in (1, 2):
            db.session.add(Delivery(channel="webhook", recipient="http://x", subject="s",
                                    body="b", dedupe_key=f"uji:{number}", payload={},
                                    next_attempt_at=clock.now(), created_at=clock.now()))
        db.session.commit()
        lease = timedelta(seconds=60)
        first, second = outbox.lease_due(db.session, clock, "a", lease=lease)
        assert outbox.hold_for_sending(db.session, clock, first.id, "a", lease)
        clock.advance(timedelta(seconds=50))  # the first send was slow
        outbox.record_result(db.session, clock, first.id, "a", None)
        assert outbox.hold_for_sending(db.session, clock, second.id, "a", lease)
        db.session.commit()
        clock.advance(timedelta(seconds=11))  # past the batch's first lease
        assert outbox.lease_due(db.session, clock, "b", lease=lease) == []


def test_a_failed_send_is_logged_without_the_webhooks_path(app, client, clock, caplog):
    _webhook(app, f"http://127.0.0.1:{free_port()}/hook/TOKEN-RAHASIA?kunci=abc")
    _escalated(app, client, clock)
    with caplog.at_level("WARNING", logger="alur.worker"):
        assert send_once(app) == 0
    [record] = [r for r in caplog.records if getattr(r, "fields", {}).get(
        "event") == "worker.delivery_failed"]
    assert "failed: tidak dapat tersambung ke alamat webhook" in record.getMessage()
    assert "(ConnectionError: " in record.getMessage()
    assert "TOKEN-RAHASIA" not in record.getMessage() and "kunci" not in record.getMessage()


def test_a_round_out_of_time_gives_its_messages_back(app, client, clock, monkeypatch):
    _webhook(app, f"http://127.0.0.1:{free_port()}/hook")
    _escalated(app, client, clock)
    monkeypatch.setattr(worker, "OUTBOX_SECONDS", -1)
    assert send_once(app) == 0
    with app.app_context():
        [row] = db.session.scalars(select(Delivery)).all()
        assert (row.attempts, row.lease_owner, row.lease_expires_at) == (0, None, None)


def test_a_round_told_to_stop_gives_its_messages_back_unsent(app, client, clock):
    """The regression probe: a web process told to end kept sending to a slow mail server,
    one message after another, its exit held up for each."""
    _webhook(app, f"http://127.0.0.1:{free_port()}/hook")
    _escalated(app, client, clock)
    stopping = threading.Event()
    stopping.set()
    assert send_once(app, stop=stopping) == 0
    with app.app_context():
        [row] = db.session.scalars(select(Delivery)).all()
        assert (row.attempts, row.lease_owner, row.lease_expires_at) == (0, None, None)


@pytest.fixture(autouse=True)
def _no_mail(app):
    """Only the webhook: no SMTP server set, so no e-mail is queued."""
    with app.app_context():
        assert not settings.mails(db.session)
