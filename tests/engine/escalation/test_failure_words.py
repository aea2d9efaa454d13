"""A failed send is stored with its cause in Indonesian first, naming what the
administrator should check, then the technical text; against real servers on this machine."""

import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller

from engine.clock import FixedClock
from engine.escalation import delivery
from engine.escalation.delivery import Sender
from engine.models import Delivery
from tests.helpers.servers import SmtpServer, free_port

CLOCK = FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))


def _message(channel: str) -> Delivery:
    return Delivery(channel=channel, recipient="kasubbag@pn-bengkalis.go.id",
                    subject="Pengingat", body="Langkah terlambat", dedupe_key="uji:1",
                    payload={"kind": "escalation"}, created_at=CLOCK.now())


def _smtp(port: int, **extra: Any) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": port, "username": "", "password": "",
            "sender": "alur@pn-bengkalis.go.id", "starttls": False, **extra}


def test_a_mail_server_that_is_not_there_is_named_so_before_the_exception():
    error = Sender(_smtp(free_port()), CLOCK).send(_message("email"))
    assert error.startswith("server menolak sambungan: tidak ada layanan di host dan port itu")
    assert error.endswith("(ConnectionRefusedError: [Errno 111] Connection refused)")


def test_starttls_or_login_the_mail_server_does_not_offer_says_which_settings_to_check():
    server = SmtpServer(free_port()).start()
    try:
        for extra in ({"starttls": True}, {"username": "alur", "password": "rahasia"}):
            error = Sender(_smtp(server.port, **extra), CLOCK).send(_message("email"))
            assert error.startswith("server surel tidak mendukung STARTTLS atau login yang "
                                    "diatur (periksa isian STARTTLS, nama pengguna dan port)")
            assert "SMTPNotSupportedError" in error and "rahasia" not in error
    finally:
        server.stop()
    assert server.messages == []


class _Failing(BaseHTTPRequestHandler):
    agents: ClassVar[list[str]] = []

    def do_POST(self) -> None:  # the name http.server calls
        self.agents.append(self.headers.get("User-Agent", ""))
        body = b"format salah:\n kunci 'text' wajib" + b" x" * 200
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_webhook_answering_an_error_is_named_by_its_status_and_its_path_left_out():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook/TOKEN-RAHASIA"
        error = Sender(_smtp(0), CLOCK, webhook_url=url).send(_message("webhook"))
    finally:
        server.shutdown()
        server.server_close()
    # What the receiver did not like, on one line and cut at 200 characters.
    said = " ".join(("format salah:\n kunci 'text' wajib" + " x" * 200)[:200].split())
    assert error.startswith(f"alamat webhook menjawab dengan galat HTTP 500; jawabannya: {said} "
                            "(HTTPError: 500 ")
    assert "TOKEN-RAHASIA" not in error
    assert _Failing.agents == ["Alur-webhook/1"]


def test_a_webhook_address_nobody_listens_on_says_to_check_the_address():
    url = f"http://127.0.0.1:{free_port()}/hook"
    error = Sender(_smtp(0), CLOCK, webhook_url=url).send(_message("webhook"))
    assert error.startswith("tidak dapat tersambung ke alamat webhook (periksa alamatnya dan "
                            "apakah layanannya berjalan) (ConnectionError: ")


def test_alurs_own_refusal_is_kept_as_it_is_written():
    error = Sender(_smtp(0, host=""), CLOCK).send(_message("email"))
    assert error == "server SMTP belum diatur (menu Pengaturan)"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_mail_server_asking_for_a_login_says_to_fill_in_the_smtp_login():
    """530 at MAIL FROM (RFC 4954) is no fault of the Pengirim address."""
    controller = Controller(object(), hostname="127.0.0.1", port=free_port(),
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        error = Sender(_smtp(controller.port), CLOCK).send(_message("email"))
    finally:
        controller.stop()
    assert error.startswith("server surel meminta login: isi nama pengguna dan kata sandi SMTP "
                            "(SMTPSenderRefused: (530, ")


def test_a_mail_server_that_takes_the_connection_and_never_answers_is_named_so(monkeypatch):
    """The operations probe: it was said to "cut the connection", and the admin looked for a
    server that closes connections."""
    monkeypatch.setattr(delivery, "TIMEOUT_SECONDS", 0.3)
    silent = socket.create_server(("127.0.0.1", 0))
    try:
        error = Sender(_smtp(silent.getsockname()[1]), CLOCK).send(_message("email"))
    finally:
        silent.close()
    assert error.startswith("server surel tidak menjawab dalam 10 detik (SMTPServerDisconnected")
