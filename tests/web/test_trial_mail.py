"""Kirim surel uji (Pengaturan): the administrator learns at once whether the SMTP server he
saved takes Alur's mail — a real SMTP server started here — and nothing is stored."""

import re
from html import unescape

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from engine import settings
from engine.escalation.failure_words import CAUSES
from engine.models import AuditRecord, Delivery, User
from tests.conftest import csrf_token
from tests.helpers.servers import SmtpServer, free_port
from tests.web.conftest import login
from web.extensions import db
from web.failure_words import failure_in_reader_language


def _set(app, port: int | None, email: str | None = "admin@pn-bengkalis.go.id") -> None:
    with app.app_context():
        if port is not None:
            settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                              "host": "127.0.0.1", "port": port,
                                              "sender": "alur@pn-bengkalis.go.id"})
        db.session.scalars(select(User).filter_by(username="admin")).one().email = email
        db.session.commit()


def _send(client) -> str:
    token = csrf_token(client.get("/admin/pengaturan").get_data(True))
    response = client.post("/admin/pengaturan/surel-uji", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/pengaturan"
    page = unescape(client.get("/admin/pengaturan").get_data(True))
    return " ".join(re.findall(r'<p class="flash flash-\w+" role="status">([^<]*)</p>', page))


def _stored(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Delivery)),
                db.session.scalar(select(func.count()).select_from(AuditRecord)))


def test_a_trial_mail_reaches_the_administrators_own_address(app, client):
    port = free_port()
    _set(app, port)
    login(client, "admin")
    before = _stored(app)
    server = SmtpServer(port).start()
    try:
        said = _send(client)
    finally:
        server.stop()
    assert said == ("Surel uji diterima server 127.0.0.1 untuk admin@pn-bengkalis.go.id; "
                    "periksa kotak surel itu (juga folder spam).")
    [message] = server.messages
    assert message["To"] == "admin@pn-bengkalis.go.id"
    assert message["From"] == "Alur <alur@pn-bengkalis.go.id>"
    assert message["Subject"] == "[Alur] Surel uji"
    # Its footer says "lewat tautan di atas": there is one, or why not (regression probe).
    assert ("Alamat Alur untuk tautan di surel dan webhook belum diisi di Pengaturan"
            in message.get_content())
    # ... and then does not send the reader to a link above that is not there (the next).
    assert message.get_content().rstrip().endswith(
        "balasan ke alamat ini tidak dibaca. Tanggapi dengan membuka Alur.")
    assert _stored(app) == before, "nothing queued, nothing recorded"


def test_a_server_that_is_not_there_is_named_with_the_cause(app, client):
    _set(app, free_port())
    login(client, "admin")
    before = _stored(app)
    said = _send(client)
    assert said.startswith("Surel uji tidak terkirim: server menolak sambungan: tidak ada "
                           "layanan di host dan port itu")
    assert _stored(app) == before


@pytest.mark.parametrize(("port", "email", "said"), [
    (None, "admin@pn-bengkalis.go.id",
     "Server SMTP belum diisi: isi dan simpan pengaturan surel dulu."),
    (2525, None, "Akun Anda belum punya alamat surel: isi dulu di Akun, lalu kirim surel uji "
                 "lagi."),
    (None, None, "Akun Anda belum punya alamat surel dan server SMTP belum diisi: isi alamat "
                 "Anda di Akun dan pengaturan surel di sini, lalu kirim surel uji lagi.")])
def test_what_is_missing_is_said_before_anything_is_sent(app, client, port, email, said):
    _set(app, port, email)
    login(client, "admin")
    assert _send(client) == said


def test_only_an_administrator_sends_it_and_only_with_the_form_token(app, client):
    port = free_port()
    _set(app, port)
    server = SmtpServer(port).start()
    try:
        login(client, "kasubbag")
        token = csrf_token(client.get("/akun/").get_data(True))
        assert client.post("/admin/pengaturan/surel-uji",
                           data={"csrf_token": token}).status_code == 403
        login(client, "admin")
        assert client.post("/admin/pengaturan/surel-uji").status_code == 400
    finally:
        server.stop()
    assert server.messages == []


def test_an_english_reader_reads_why_in_english(app, client):
    """The regression probe: "The test e-mail was not sent: server surel tidak menjawab …"."""
    _set(app, free_port())
    with app.app_context():
        db.session.scalars(select(User).filter_by(username="admin")).one().language = "en"
        db.session.commit()
    login(client, "admin")
    said = _send(client)
    assert said.startswith("The test e-mail was not sent: the server refused the connection: "
                           "no service at that host and port")
    assert "(ConnectionRefusedError" in said


def test_every_cause_of_a_failed_send_has_its_english_words(app):
    with app.test_request_context(), force_locale("en"):
        for _, cause in (*CAUSES, (None, "server surel tidak menjawab dalam 10 detik")):
            shown = failure_in_reader_language(f"{cause} (Galat: x)")
            assert shown.endswith(" (Galat: x)") and not shown.startswith(cause), cause
