"""A signed webhook (Pengaturan, "Rahasia tanda tangan"): the office's chat gateway can
prove that an escalation message is Alur's and refuse an old one replayed, by the
HMAC-SHA256 of the timestamp and the body under a secret only the two know."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import settings
from engine.models import AuditRecord, Setting
from tests.conftest import csrf_token
from tests.helpers.servers import WebhookReceiver, free_port
from tests.web.conftest import api_token, login
from web.cli.worker import fire_once, send_once
from web.extensions import db

SECRET = "s3kr3t-gateway-0123456789"


def _save(client, **fields):
    page = client.get("/admin/pengaturan").get_data(True)
    return client.post("/admin/pengaturan", data={
        "multiples": "1, 2, 3", "timezone": "Asia/Jakarta", "smtp_sender": "alur@localhost",
        "smtp_port": "25", "csrf_token": csrf_token(page), **fields})


def _escalated(app, client, clock) -> None:
    client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                json={"process_key": "penanganan_gangguan_server", "title": "Server SIPP mati"})
    clock.advance(timedelta(hours=1))
    assert fire_once(app) == 1


def test_each_post_is_signed_over_its_timestamp_and_body(app, client, clock):
    receiver = WebhookReceiver(free_port()).start()
    login(client, "admin")
    try:
        assert _save(client, webhook_url=receiver.url,
                     webhook_secret=SECRET).status_code == 302
        _escalated(app, client, clock)
        sent_at = clock.advance(timedelta(seconds=5))
        assert send_once(app) == 1
    finally:
        receiver.stop()
    [(headers, body)] = receiver.posts
    [raw] = receiver.bodies
    assert headers["X-Alur-Timestamp"] == str(int(sent_at.timestamp()))
    expected = hmac.new(SECRET.encode(), headers["X-Alur-Timestamp"].encode() + b"." + raw,
                        hashlib.sha256).hexdigest()
    assert headers["X-Alur-Signature"] == f"sha256={expected}"
    assert headers["Content-Type"] == "application/json" and body["event"] == "eskalasi"


def test_without_a_secret_nothing_is_signed(app, client, clock):
    receiver = WebhookReceiver(free_port()).start()
    login(client, "admin")
    try:
        assert _save(client, webhook_url=receiver.url).status_code == 302
        _escalated(app, client, clock)
        assert send_once(app) == 1
    finally:
        receiver.stop()
    [(headers, _)] = receiver.posts
    assert "X-Alur-Signature" not in headers and "X-Alur-Timestamp" not in headers


def test_the_secret_is_sealed_never_shown_back_and_cleared_on_request(app, client):
    login(client, "admin")
    hook = "https://chat.pn.go.id/hook"
    assert _save(client, webhook_url=hook, webhook_secret=SECRET).status_code == 302
    with app.app_context():
        stored = db.session.get(Setting, "webhook").value["secret"]
        changes = db.session.scalars(select(AuditRecord.detail).where(
            AuditRecord.action == "settings.changed")).one()["changes"]
    assert stored.startswith("fernet:") and SECRET not in stored
    assert changes["webhook.secret"] == {"old": "", "new": "***"}
    page = client.get("/admin/pengaturan").get_data(True)
    assert SECRET not in page and stored not in page
    assert "Tersimpan: setiap pesan ditandatangani (kepala X-Alur-Signature)." in page
    assert _save(client, webhook_url=hook).status_code == 302  # empty: kept
    with app.app_context():
        assert settings.webhook_for_sending(db.session, app.secret_key) == (hook, SECRET)
    assert _save(client, webhook_url=hook, webhook_secret_clear="on").status_code == 302
    with app.app_context():
        assert settings.webhook_for_sending(db.session, app.secret_key) == (hook, "")


def test_a_weak_or_unusable_secret_is_refused_beside_its_field_and_nothing_stored(app,
                                                                                   client):
    login(client, "admin")
    assert _save(client, webhook_url="https://chat.pn.go.id/hook",
                 webhook_secret=SECRET).status_code == 302
    with app.app_context():
        before = db.session.get(Setting, "webhook").value
    for typed, more in (("pendek", {}), (" " + SECRET, {}), (SECRET + "\n", {}),
                        (SECRET, {"webhook_secret_clear": "on"}),
                        ("x" * 501, {})):
        refused = _save(client, webhook_url="https://chat.pn.go.id/baru", webhook_secret=typed,
                        **more)
        assert refused.status_code == 422, typed
        html = refused.get_data(True)
        assert 'id="webhook_secret-error">' in html, typed
        assert typed.strip() not in html
    with app.app_context():
        assert db.session.get(Setting, "webhook").value == before


def test_a_secret_sealed_under_another_key_names_itself(app):
    with app.app_context():
        settings.put(db.session, "webhook", {
            "url": "https://chat.pn.go.id/hook",
            "secret": settings.seal(SECRET, "kunci-lama")})
        with pytest.raises(ValueError) as refused:
            settings.webhook_for_sending(db.session, "kunci-baru")
    assert str(refused.value) == ("rahasia webhook tersimpan dengan kunci rahasia lain; isi "
                                  "ulang di Pengaturan")


def test_the_same_secret_again_changes_nothing_and_each_weakness_is_named(app, client):
    login(client, "admin")
    hook = "https://chat.pn.go.id/hook"
    assert _save(client, webhook_url=hook, webhook_secret=SECRET).status_code == 302
    again = _save(client, webhook_url=hook, webhook_secret=SECRET)
    assert "Tidak ada yang berubah" in client.get(again.headers["Location"]).get_data(True)
    with app.app_context():
        assert len(db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "settings.changed")).all()) == 1
    for typed, said in (("pendek", "Rahasia paling sedikit 16 karakter (kini 6)."),
                        (SECRET + " ", "Rahasia diawali atau diakhiri spasi; hapus spasinya."),
                        (SECRET[:8] + "\t" + SECRET[8:],
                         "Rahasia memuat karakter kendali (baris baru, tab)"),
                        (SECRET[:8] + "\u0085" + SECRET[8:],
                         "Rahasia memuat karakter kendali (baris baru, tab)")):
        refused = _save(client, webhook_url=hook, webhook_secret=typed)
        assert refused.status_code == 422 and said in refused.get_data(True), typed


def test_a_secret_sealed_under_another_key_is_said_beside_its_field(app, client):
    """Until it is typed again no e-mail or webhook message leaves the outbox; the page
    said only "Tersimpan" (found by the webhook probe)."""
    with app.app_context():
        settings.put(db.session, "webhook", {"url": "https://chat.pn.go.id/hook",
                                             "secret": settings.seal(SECRET, "kunci-lama")})
        db.session.commit()
    login(client, "admin")
    page = client.get("/admin/pengaturan").get_data(True)
    assert ("Rahasia yang tersimpan disegel dengan kunci rahasia lain (ALUR_SECRET_KEY "
            "berubah) dan tidak dapat dibaca") in page
    assert "Kata sandi yang tersimpan disegel" not in page
    assert _save(client, webhook_url="https://chat.pn.go.id/hook",
                 webhook_secret=SECRET).status_code == 302
    assert "disegel dengan kunci rahasia lain" not in client.get(
        "/admin/pengaturan").get_data(True)
