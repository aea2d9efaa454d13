"""A message on a ticket's page refused: why, beside its field, with what was typed
kept and nothing stored (no message, no file, no audit record)."""

import io
from pathlib import Path

from sqlalchemy import event, select

from engine.models import Attachment, AuditRecord, TicketMessage
from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import LTI, _finish
from web.extensions import db


def test_a_message_too_long_with_a_file_is_refused_before_the_file_is_stored(app, client):
    """The text is checked before the file is kept: no Attachment row is written, not
    even in the transaction the refusal rolls back, no file and no audit record."""
    add_employee(app)
    login(client, "pegawai")
    page = client.get(f"/proses/baru?process_key={LTI}").get_data(True)
    ticket = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": LTI, "title": "Printer",
        **START_DATA[LTI]}).headers["Location"]
    inserted = []

    def listener(mapper, connection, row) -> None:
        inserted.append(row.filename)

    event.listen(Attachment, "before_insert", listener)
    try:
        refused = client.post(f"{ticket}/pesan", content_type="multipart/form-data", data={
            "csrf_token": csrf_token(client.get(ticket).get_data(True)),
            "text": "Printer masih macet. " * 100,
            "lampiran": (io.BytesIO(b"foto printer"), "printer.txt")})
    finally:
        event.remove(Attachment, "before_insert", listener)
    assert refused.status_code == 422
    assert 'id="text-error">Pesan: tulis 1–2000 karakter' in refused.get_data(True)
    assert inserted == []
    folder = Path(app.config["ALUR_ATTACHMENTS_PATH"])
    assert not folder.exists() or list(folder.iterdir()) == []
    with app.app_context():
        assert db.session.scalars(select(Attachment)).all() == []
        assert db.session.scalars(select(TicketMessage)).all() == []
        assert db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "attachment.added")).all() == []


def test_a_message_refused_on_a_finished_ticket_says_so_and_keeps_the_text(app, client):
    """A page opened while the ticket ran, sent after it was completed: the 422 page says
    the ticket is finished, why the message was refused, and keeps what was typed."""
    add_employee(app)
    instance_id = client.post("/api/v1/instances", headers=api_token(client, "pegawai"),
                              json={"process_key": LTI, "title": "Printer",
                                    "data": START_DATA[LTI]}).json["id"]
    login(client, "prakom")
    opened = client.get(f"/tiket/{instance_id}").get_data(True)
    _finish(client, instance_id)
    refused = client.post(f"/tiket/{instance_id}/pesan", data={
        "csrf_token": csrf_token(opened), "text": "Merek printernya?", "asks": "ya"})
    assert refused.status_code == 422
    html = refused.get_data(True)
    assert "Pesan tidak terkirim: tiket ini sudah selesai." in html
    assert "tiket sudah selesai atau dibatalkan" in html
    assert ">Merek printernya?</textarea>" in html
    long_text = "Terima kasih. " * 200
    refused = client.post(f"/tiket/{instance_id}/pesan", data={
        "csrf_token": csrf_token(opened), "text": long_text})
    assert refused.status_code == 422
    html = refused.get_data(True)
    assert ("Pesan tidak terkirim: tiket ini sudah selesai. Ajukan tiket baru bila masih "
            "perlu.") in html and "pesan tidak lagi diterima" not in html, "said once"
    assert f">{long_text}</textarea>" in html


def test_a_message_with_a_control_character_is_refused_beside_it_with_the_text_kept(
        app, client):
    """A vertical tab pasted from a document: 422 naming Pesan, the text kept without the
    invisible character, nothing stored; other fields still meet the door's 400."""
    add_employee(app)
    login(client, "pegawai")
    page = client.get(f"/proses/baru?process_key={LTI}").get_data(True)
    started = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": LTI, "title": "Printer",
        **START_DATA[LTI]})
    ticket = started.headers["Location"]  # the new ticket's page, /tiket/<id>
    shown = client.get(ticket).get_data(True)
    refused = client.post(f"{ticket}/pesan", data={
        "csrf_token": csrf_token(shown), "text": "Printer masih macet\x0bdi ruang 2"})
    assert refused.status_code == 422
    html = refused.get_data(True)
    assert 'id="text-error">Pesan: memuat karakter kendali' in html
    assert ">Printer masih macetdi ruang 2</textarea>" in html
    with app.app_context():
        assert db.session.scalars(select(TicketMessage)).all() == []
    door = client.post(f"{ticket}/pesan", data={
        "csrf_token": csrf_token(shown), "text": "Epson", "asks": "ya\x0b"})
    assert door.status_code == 400
