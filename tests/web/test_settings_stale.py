"""The settings page sends back every field as it showed them: saved from a page opened
before another administrator's save, it would undo that change unseen (and the audit keep
both). Such a save stores nothing and shows the settings as they now are, with what was
typed listed so that no change is lost unseen."""

import json

import lxml.html
from sqlalchemy import func, select

from engine import settings
from engine.models import AuditRecord
from tests.web.conftest import login
from web.extensions import db

STALE = ("Pengaturan sudah diubah (oleh administrator lain, atau di tab lain) sejak halaman "
         "ini dibuka; tidak ada yang disimpan. Halaman ini kini menampilkan nilai terbaru: "
         "ulangi perubahan Anda.")


def _form(html: str) -> dict[str, str]:
    """The settings form's fields as a browser submits them."""
    [form] = [form for form in lxml.html.fromstring(html).forms if form.get("action") is None]
    return dict(form.form_values())


def _unsaved(html: str) -> list[str]:
    """The lines of the page's list of what was typed and not saved."""
    return [item.text_content() for item in lxml.html.fromstring(html).xpath(
        "//div[contains(@class, 'flash-warning')]/ul/li")]


def _saved(app) -> tuple[str, int, int]:
    with app.app_context():
        smtp = settings.get(db.session, "smtp")
        records = db.session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "settings.changed"))
        return smtp["host"], smtp["port"], records


def _two_admins(app, form_of):
    """Two administrators' clients, each with the form ``form_of(page)`` of the settings
    page as it showed it to him: (first, second, first's form, second's form)."""
    first, second = app.test_client(), app.test_client()
    login(first, "admin")
    login(second, "admin")
    return (first, second, form_of(first.get("/admin/pengaturan").get_data(True)),
            form_of(second.get("/admin/pengaturan").get_data(True)))


def test_a_page_opened_before_another_save_stores_nothing_and_shows_the_new_values(app):
    first, second, mine, theirs = _two_admins(app, _form)
    assert second.post("/admin/pengaturan", data={**theirs, "smtp_port": "2000"}
                       ).status_code == 302
    refused = first.post("/admin/pengaturan", data={**mine, "smtp_host": "mail0.pn.go.id"})
    assert refused.status_code == 409
    page = refused.get_data(True)
    assert STALE in page
    assert _saved(app) == ("", 2000, 1), "nothing of the stale page stored, no record"
    again = _form(page)
    assert (again["smtp_port"], again["smtp_host"]) == ("2000", "")
    # What he typed is not lost: listed as he typed it, and only that (the regression
    # probe: the other administrator's port was listed back at its old value, as if typed).
    assert _unsaved(page) == ["Surel (SMTP) · server: mail0.pn.go.id"]
    assert first.post("/admin/pengaturan", data={**again, "smtp_host": "mail0.pn.go.id"}
                      ).status_code == 302
    assert _saved(app) == ("mail0.pn.go.id", 2000, 2)


def test_a_page_sent_again_changes_nothing_or_is_refused(app, client):
    """A double click sends the same page twice: the second finds its values stored. Sent
    again with another value (the Back button), it would undo the first unseen."""
    login(client, "admin")
    shown = _form(client.get("/admin/pengaturan").get_data(True))
    assert client.post("/admin/pengaturan", data={**shown, "smtp_port": "2000"}
                       ).status_code == 302
    again = client.post("/admin/pengaturan", data={**shown, "smtp_port": "2000"},
                        follow_redirects=True)
    assert "Tidak ada yang berubah; pengaturan tetap." in again.get_data(True)
    refused = client.post("/admin/pengaturan", data={**shown, "smtp_port": "2001",
                                                      "smtp_password": "rahasia"})
    assert refused.status_code == 409
    assert _unsaved(refused.get_data(True)) == ["Surel (SMTP) · kata sandi: ***",
                                                "Surel (SMTP) · port: 2001"]
    # The page carries what it showed, to tell typed from shown: never a secret.
    assert set(json.loads(shown["tampil"])["smtp"]) == {
        "host", "port", "username", "sender", "starttls", "base_url"}
    assert "secret" not in json.loads(shown["tampil"])["webhook"]
    # A page without it (an older tab) lists what differs from the values now stored.
    refused = client.post("/admin/pengaturan", data={**shown, "tampil": "", "smtp_port": "2001"})
    assert _unsaved(refused.get_data(True)) == ["Surel (SMTP) · port: 2001"]
    assert _saved(app) == ("", 2000, 1)


IDENTITY_STALE = ("Identitas kantor sudah diubah (oleh administrator lain, atau di tab lain) "
                  "sejak halaman ini dibuka; tidak ada yang disimpan. Halaman ini kini "
                  "menampilkan identitas terbaru: ulangi perubahan Anda.")


def _identity_form(html: str) -> dict[str, str]:
    """The identity form's fields as a browser submits them (no file chosen)."""
    [form] = [form for form in lxml.html.fromstring(html).forms
              if form.get("action") == "/admin/pengaturan/identitas"]
    return dict(form.form_values())


def _identity(app) -> tuple[dict, int]:
    with app.app_context():
        records = db.session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "settings.changed"))
        return settings.get(db.session, "identity"), records


def test_an_identity_page_opened_before_another_save_stores_nothing(app):
    first, second, mine, theirs = _two_admins(app, _identity_form)
    assert second.post("/admin/pengaturan/identitas", data={
        **theirs, "office": "Pengadilan Agama Bima"}).status_code == 302
    refused = first.post("/admin/pengaturan/identitas", data={**mine, "unit": "Subbagian TI"})
    assert refused.status_code == 409
    assert IDENTITY_STALE in refused.get_data(True)
    assert _identity(app) == ({"office": "Pengadilan Agama Bima", "unit": "", "logo": ""}, 1)
    again = _identity_form(refused.get_data(True))
    assert again["office"] == "Pengadilan Agama Bima"
    assert first.post("/admin/pengaturan/identitas", data={**again, "unit": "Subbagian TI"}
                      ).status_code == 302
    assert _identity(app) == ({"office": "Pengadilan Agama Bima", "unit": "Subbagian TI",
                               "logo": ""}, 2)


def test_the_page_of_a_refused_identity_still_saves_the_settings(app, client):
    """The page answering a refused identity (422) is a whole settings page: its settings
    form carries the stamp of what it shows, so saving it is not taken for a stale page."""
    login(client, "admin")
    shown = client.get("/admin/pengaturan").get_data(True)
    refused = client.post("/admin/pengaturan/identitas", data={
        **_identity_form(shown), "office": "x" * 201})
    assert refused.status_code == 422
    page = _form(refused.get_data(True))
    assert page["versi"] == _form(shown)["versi"]
    assert client.post("/admin/pengaturan", data={**page, "smtp_port": "2000"}
                       ).status_code == 302
    assert _saved(app) == ("", 2000, 1)
