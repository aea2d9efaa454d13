"""A requester's app attaches a file to a ticket message through the API (multipart, as
the ticket's page does): one file, stored with the message, downloadable by both sides;
every refusal stores nothing."""

import io

from sqlalchemy import func, select

from engine.models import Attachment, TicketMessage
from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _ticket(app, client) -> tuple[int, dict[str, str]]:
    add_employee(app)
    requester = api_token(client, "pegawai")
    started = client.post("/api/v1/instances", headers=requester, json={
        "process_key": LTI, "title": "Printer rusak", "data": START_DATA[LTI]})
    assert started.status_code == 201, started.json
    return started.json["id"], requester


def _stored(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(TicketMessage)),
                db.session.scalar(select(func.count()).select_from(Attachment)))


def _send(client, ticket_id, headers, **parts):
    return client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=headers,
                       data=parts, content_type="multipart/form-data")


def test_a_requester_sends_a_message_with_a_file_the_desk_downloads(app, client):
    ticket_id, requester = _ticket(app, client)
    before = _stored(app)
    sent = _send(client, ticket_id, requester, text="Foto layar galatnya",
                 lampiran=(io.BytesIO(PNG), "galat.png"))
    assert sent.status_code == 201, sent.json
    message = sent.json["messages"][-1]
    assert message["text"] == "Foto layar galatnya" and message["from_requester"] is True
    assert message["file"]["filename"] == "galat.png"
    assert _stored(app) == (before[0] + 1, before[1] + 1)
    file_id = message["file"]["id"]
    for who in (requester, api_token(client, "prakom")):
        with client.get(f"/api/v1/attachments/{file_id}", headers=who) as download:
            assert download.status_code == 200 and download.data == PNG
    plain = _send(client, ticket_id, requester, text="Tanpa berkas")
    assert plain.status_code == 201 and plain.json["messages"][-1]["file"] is None
    alone = _send(client, ticket_id, requester, lampiran=(io.BytesIO(PNG), "lagi.png"))
    assert alone.status_code == 201, "a file alone, as on the ticket's page"
    assert alone.json["messages"][-1]["text"] == ""


def test_the_ticket_page_holds_files_to_the_office_s_limit(app, client):
    """ALUR_ATTACHMENT_MAX_BYTES holds on the ticket's page as on a step's."""
    app.config["ALUR_ATTACHMENT_MAX_BYTES"] = 2048
    ticket_id, _ = _ticket(app, client)
    before = _stored(app)
    login(client, "pegawai")
    page = client.get(f"/tiket/{ticket_id}").get_data(True)
    refused = client.post(f"/tiket/{ticket_id}/pesan", content_type="multipart/form-data",
                          data={"csrf_token": csrf_token(page), "text": "Foto",
                                "lampiran": (io.BytesIO(PNG + b"\0" * 2048), "a.png")})
    assert refused.status_code == 422 and "lebih dari 2 KB" in refused.get_data(True)
    assert _stored(app) == before


def test_every_refused_multipart_message_stores_nothing(app, client):
    app.config["ALUR_ATTACHMENT_MAX_BYTES"] = 2048
    ticket_id, requester = _ticket(app, client)
    before = _stored(app)
    cases = [
        ({"text": "Dua berkas", "lampiran": [(io.BytesIO(PNG), "a.png"),
                                              (io.BytesIO(PNG), "b.png")]},
         "lampiran", "paling banyak 1 berkas per permintaan; 2 dikirim, tidak ada yang disimpan"),
        ({"text": ["satu", "dua"]}, "text", "paling banyak 1 bagian text; 2 dikirim"),
        ({"text": "Tanya", "asks": "ya"}, "asks", "harus true atau false"),
        ({"text": "   "}, "text", None),
        ({"text": "x" * 2001, "lampiran": (io.BytesIO(PNG), "a.png")}, "text",
         "Pesan: tulis 1–2000 karakter"),
        ({"text": "Besar", "lampiran": (io.BytesIO(PNG + b"\0" * 2048), "a.png")}, "lampiran",
         "lebih dari 2 KB"),
        ({"text": "Berkas lain", "foto": (io.BytesIO(PNG), "a.png")}, "foto",
         "bagian ini tidak dikenal"),
        ({"text": "Program", "lampiran": (io.BytesIO(b"MZ\x90\0"), "setup.exe")}, "lampiran",
         None),
        ({"text": "Tanya", "asks": "true"}, "asks", None),  # only the desk may ask
    ]
    for parts, field, said in cases:
        refused = _send(client, ticket_id, requester, **parts)
        assert refused.status_code == 422, (parts, refused.json)
        fields = refused.json["error"]["fields"]
        assert field in fields, (parts, fields)
        if said is not None:
            assert said in str(fields[field]), (parts, fields)
    assert _stored(app) == before


def test_a_multipart_message_sent_again_with_its_key_is_made_once(app, client):
    """A phone on a slow intranet resends the same upload (another boundary): the first
    message is answered again; the key with another file is refused."""
    ticket_id, requester = _ticket(app, client)
    keyed = {**requester, "Idempotency-Key": "unggah-1"}
    first = _send(client, ticket_id, keyed, text="Foto", lampiran=(io.BytesIO(PNG), "a.png"))
    assert first.status_code == 201
    before = _stored(app)
    again = _send(client, ticket_id, keyed, text="Foto", lampiran=(io.BytesIO(PNG), "a.png"))
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["messages"][-1]["file"] == first.json["messages"][-1]["file"]
    other = _send(client, ticket_id, keyed, text="Foto",
                  lampiran=(io.BytesIO(PNG + b"x"), "a.png"))
    assert other.status_code == 422 and other.json["error"]["code"] == "idempotency_key_reused"
    assert _stored(app) == before
