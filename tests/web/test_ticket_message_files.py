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
    assert message["file"] == {"id": message["file"]["id"], "filename": "galat.png",
                               "content_type": "image/png", "size": len(PNG)}
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
    assert "paling besar 2 KB per berkas." in page, "not 0,00195312 MB"
    assert "lebih besar dari 2 KB; pilih berkas yang lebih kecil." in page
    refused = client.post(f"/tiket/{ticket_id}/pesan", content_type="multipart/form-data",
                          data={"csrf_token": csrf_token(page), "text": "Foto",
                                "lampiran": (io.BytesIO(PNG + b"\0" * 2048), "a.png")})
    assert refused.status_code == 422
    assert ("Lampiran &#34;a.png&#34;: berkas lebih dari 2 KB; tidak ada berkas yang "
            "disimpan") in refused.get_data(True), "the file named, as a step's"
    assert "Berkas yang tadi dipilih perlu dipilih ulang." in refused.get_data(True), \
        "sent again as it is, the message would go without the file (found by the desk probe)"
    typed_only = client.post(f"/tiket/{ticket_id}/pesan", content_type="multipart/form-data",
                             data={"csrf_token": csrf_token(page), "text": "x" * 2001})
    assert typed_only.status_code == 422
    assert "perlu dipilih ulang" not in typed_only.get_data(True), "no file was chosen"
    # A file with content but no name is refused as on the API, not dropped from the message.
    nameless = client.post(f"/tiket/{ticket_id}/pesan", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(page), "text": "Tanpa nama",
                                 "lampiran": (io.BytesIO(PNG), "")})
    assert nameless.status_code == 422
    assert "berkas tanpa nama; kirim namanya beserta ekstensinya" in nameless.get_data(True)
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
         "paling banyak 2000 karakter"),
        ({"text": "Tanpa nama", "lampiran": (io.BytesIO(PNG), "")}, "lampiran",
         "berkas tanpa nama"),
        ({"text": "Jalur saja", "lampiran": "/sdcard/foto.png"}, "lampiran",
         "harus berkas (bagian dengan filename), bukan teks"),
        ({"text": "Tanya", "asks": (io.BytesIO(b"true"), "a.txt")}, "asks",
         "harus teks, bukan berkas"),
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


def test_a_text_that_is_not_utf8_is_refused_not_stored_garbled(app, client):
    ticket_id, requester = _ticket(app, client)
    before = _stored(app)
    body = (b'--b\r\nContent-Disposition: form-data; name="text"\r\n\r\ncaf\xe9\r\n'
            b'--b\r\nContent-Disposition: form-data; name="lampiran"; filename="a.png"\r\n'
            b"Content-Type: image/png\r\n\r\n" + PNG + b"\r\n--b--\r\n")
    refused = client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=requester,
                          data=body, content_type="multipart/form-data; boundary=b")
    assert refused.status_code == 400
    assert refused.json["error"]["fields"] == {"text": "bukan teks UTF-8"}
    assert _stored(app) == before


def test_a_file_with_a_text_is_named_to_the_desk_and_a_windows_path_is_cut(app, client):
    """The desk's notice of the answer names its file after the text; a file named with a
    Windows path keeps its last part, as one with a POSIX path does."""
    ticket_id, requester = _ticket(app, client)
    prakom = api_token(client, "prakom")
    assert client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=prakom,
                       json={"text": "Formulirnya?", "asks": True}).status_code == 201
    # In the quoted filename each backslash is escaped, as RFC 7578 quoting has it.
    body = (b'--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nSudah saya isi\r\n'
            b'--b\r\nContent-Disposition: form-data; name="lampiran"; '
            b'filename="C:\\\\Users\\\\budi\\\\isi.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n%\n\r\n--b--\r\n")
    sent = client.post(f"/api/v1/tickets/{ticket_id}/messages", headers=requester,
                       data=body, content_type="multipart/form-data; boundary=b")
    assert sent.status_code == 201, sent.json
    assert sent.json["messages"][-1]["file"]["filename"] == "isi.pdf"
    [notice] = client.get("/api/v1/notifications?kind=tiket", headers=prakom).json["items"]
    assert notice["text"].endswith(": pemohon menjawab — Sudah saya isi (berkas isi.pdf)")


def test_the_ticket_page_refuses_a_second_file_it_would_have_dropped(app, client):
    ticket_id, _ = _ticket(app, client)
    before = _stored(app)
    login(client, "pegawai")
    page = client.get(f"/tiket/{ticket_id}").get_data(True)
    refused = client.post(f"/tiket/{ticket_id}/pesan", content_type="multipart/form-data",
                          data={"csrf_token": csrf_token(page), "text": "Dua",
                                "lampiran": [(io.BytesIO(PNG), "a.png"),
                                             (io.BytesIO(PNG), "b.png")]})
    assert refused.status_code == 422
    assert "paling banyak 1 berkas per permintaan; 2 dikirim" in refused.get_data(True)
    assert _stored(app) == before
