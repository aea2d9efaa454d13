"""The SMTP server's fields are refused beside themselves when no mail could go out as
written (each was saved, then every message failed), and the stored password can be
cleared; every refused field of the settings and SOP upload forms is tied to its message."""

import re

import pytest
from lxml import html
from sqlalchemy import select

from engine import settings
from engine.models import Setting
from tests.conftest import csrf_token
from tests.web.conftest import login
from tests.web.test_settings import FORM, _post
from web.extensions import db


@pytest.mark.parametrize("field, value, message", [
    ("smtp_host", "http://mail.pn.go.id", "Tulis nama host atau alamat IP server SMTP saja"),
    ("smtp_host", "mail pn", "Tulis nama host atau alamat IP server SMTP saja"),
    ("smtp_host", "mail.pn.go.id:25", "Tulis nama host atau alamat IP server SMTP saja"),
    ("smtp_host", "[::1]", "Tulis nama host atau alamat IP server SMTP saja"),
    ("smtp_host", "999.1.1.1", "Tulis nama host atau alamat IP server SMTP saja"),
    ("smtp_username", "alur\nBcc: x", "Nama pengguna SMTP tanpa spasi atau baris baru."),
])
def test_an_smtp_field_no_mail_could_use_is_refused_beside_it(app, client, field, value,
                                                              message):
    login(client, "admin")
    response = _post(client, {**FORM, field: value})
    assert response.status_code == 422
    assert f'id="{field}-error">{message}' in response.get_data(True)
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []


def test_an_ip_address_is_a_server_and_the_stored_password_can_be_cleared(app, client):
    login(client, "admin")
    assert _post(client, {**FORM, "smtp_host": "10.0.0.5"}).status_code == 302
    with app.app_context():
        assert settings.get(db.session, "smtp")["password"]
    page = client.get("/admin/pengaturan").get_data(True)
    assert 'name="smtp_password_clear"' in page
    both = _post(client, {**FORM, "smtp_password": "baru", "smtp_password_clear": "on"})
    assert both.status_code == 422
    assert "Isi kata sandi baru atau hapus yang tersimpan, bukan keduanya." in both.get_data(True)
    assert _post(client, {**FORM, "smtp_host": "10.0.0.5", "smtp_password": "",
                          "smtp_password_clear": "on"}).status_code == 302
    with app.app_context():
        assert settings.get(db.session, "smtp")["password"] == ""


def test_refused_calendar_fields_and_a_missing_sop_file_are_tied_to_their_messages(client):
    """Their messages stood below them, tied to nothing: a screen reader did not read them
    and the page (first-error.js) did not open at the field."""
    login(client, "admin")
    page = html.fromstring(_post(client, {**FORM, "ramadan": "bukan tanggal",
                                          "timezone": "Europe/Paris"}).get_data(True))
    for field in ("ramadan", "timezone"):
        [element] = page.xpath(f"//*[@id='{field}']")
        assert element.get("aria-invalid") == "true"
        described = element.get("aria-describedby").split()
        assert f"{field}-error" in described, "tied to its message, after its hint"
        assert all(page.xpath(f"//*[@id='{name}']")[0].text for name in described)
    # The dates' format stands beside each box before any refusal (English admin probe:
    # it was only a placeholder, gone once anything was typed).
    for field in ("ramadan", "added", "removed"):
        [hint] = page.xpath(f"//*[@id='{field}-hint']")
        assert "TTTT-BB-HH" in hint.text
        assert f"{field}-hint" in page.xpath(f"//*[@id='{field}']")[0].get("aria-describedby")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    refused = html.fromstring(client.post("/admin/sop", data={"csrf_token": token},
                                          content_type="multipart/form-data").get_data(True))
    [file_input] = refused.xpath("//input[@type='file']")
    assert file_input.get("aria-invalid") == "true"
    [message] = refused.xpath(f"//*[@id='{file_input.get('aria-describedby')}']")
    assert "Pilih berkas BPMN atau tabel SOP" in message.text


def test_the_pages_tell_each_text_limit_before_it_is_sent(client):
    """Pengaturan and Akun carry the limits the server checks as maxlength, so a phone
    stops the typing instead of a 422 after the send."""
    login(client, "admin")
    settings_page = html.fromstring(client.get("/admin/pengaturan").get_data(True))
    limits = {field.get("name"): field.get("maxlength")
              for field in settings_page.xpath("//input|//textarea") if field.get("name")}
    assert {name: limits[name] for name in ("smtp_host", "smtp_username", "smtp_password",
                                            "smtp_sender", "smtp_base_url", "webhook_url",
                                            "hours")} == {
        "smtp_host": "253", "smtp_username": "200", "smtp_password": "500",
        "smtp_sender": "254", "smtp_base_url": "200", "webhook_url": "2000", "hours": "1000"}
    account = html.fromstring(client.get("/akun/").get_data(True))
    assert {field.get("name"): field.get("maxlength") for field in account.xpath(
        "//input[@name='email' or @type='password']")} == {
        "email": "320", "current_password": "200", "new_password": "200",
        "confirm_password": "200"}
    users = client.get("/admin/pengguna").get_data(True)
    assert re.search(r'<input id="username"[^>]*aria-describedby="username-hint"', users)
    assert 'id="username-hint">Huruf kecil, angka, _ atau . (diawali huruf)' in users
    sops = client.get("/admin/sop").get_data(True)
    assert ("Berkas BPMN atau tabel SOP (.bpmn, .xml, .xlsx, .csv) paling besar 2 MB, dengan "
            "berkas formulirnya (.json) bila ada; atau satu .zip") in sops


def test_a_mail_server_without_alurs_address_is_warned_of_beside_the_address(app, client):
    """Without it the e-mails' links are bare paths a mail app cannot open."""
    login(client, "admin")
    warning = "Server surel sudah diisi tetapi alamat ini kosong"
    assert warning not in client.get("/admin/pengaturan").get_data(True), "no server yet"
    assert _post(client, FORM).status_code == 302
    assert warning in client.get("/admin/pengaturan").get_data(True)
    assert _post(client, {**FORM, "smtp_base_url": "https://alur.pn.go.id"}).status_code == 302
    assert warning not in client.get("/admin/pengaturan").get_data(True)
    # The operations probe: a webhook alone posted "/tugas/1558", and nothing warned of it.
    assert _post(client, {**FORM, "smtp_host": "", "smtp_base_url": ""}).status_code == 302
    page = " ".join(client.get("/admin/pengaturan").get_data(True).split())
    assert ("Webhook sudah diisi tetapi alamat ini kosong: tautan pesan webhook (url) hanya "
            "jalurnya, /tugas/12, yang tidak dapat diketuk di aplikasi obrolan.") in page
    assert "Alamat Alur untuk tautan di surel dan webhook (opsional)" in page
    # Both said when both are set (the regression probe: only the e-mail's was).
    assert _post(client, FORM).status_code == 302
    page = " ".join(client.get("/admin/pengaturan").get_data(True).split())
    assert warning in page and "Webhook sudah diisi tetapi alamat ini kosong" in page


def test_a_typed_secret_a_refusal_drops_is_asked_again_beside_its_field(app, client):
    """The English admin probe: refused for a short webhook secret, the page came back with
    the typed SMTP password gone unsaid; fixing the secret alone saved no password."""
    login(client, "admin")
    again = ("Isian rahasia ini tidak dikembalikan ke halaman (demi keamanan) dan belum "
             "disimpan: ketik lagi sebelum menyimpan.")
    refused = _post(client, {**FORM, "smtp_port": "0"})
    assert refused.status_code == 422
    assert f'id="smtp_password-error">{again}' in refused.get_data(True)
    assert 'id="webhook_secret-error"' not in refused.get_data(True), "none was typed"
    both = _post(client, {**FORM, "smtp_port": "0", "webhook_secret": "rahasia-webhook-16+"})
    assert both.get_data(True).count(again) == 2
    assert again not in _post(client, {**FORM, "smtp_password": "", "smtp_port": "0"}
                              ).get_data(True)
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []
