"""The ticket form (/tiket/ajukan): switching the Layanan carries no typed text in a URL
and starts nothing; "Nama pemohon" opens with the requester's name."""

import io
import re

from sqlalchemy import select

from engine.models import HumanTask, ProcessInstance
from tests.conftest import START_DATA, csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee, file_ticket
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"
# A long uraian with typographic quotes and dashes: about 14 kB once percent-encoded in a
# URL, over the request line gunicorn takes (414 "Request Line is too large").
LONG_URAIAN = ("Printer “ruang sidang” – macet lagi; " * 60)[:2000].strip()


def test_switching_the_layanan_posts_the_form_back_and_starts_nothing(app, client):
    add_employee(app)
    login(client, "pegawai")
    page = client.get("/tiket/ajukan").get_data(True)
    form = re.search(r"<form[^>]*>", page).group(0)
    assert 'method="post"' in form
    button = re.search(r'<button[^>]*id="tampilkan-formulir"[^>]*>', page).group(0)
    assert "formmethod" not in button and 'name="tampilkan"' in button
    shown = client.post("/tiket/ajukan", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "tampilkan": "ya", "process_key": LTI,
        "title": "Printer", **START_DATA[LTI], "uraian": LONG_URAIAN,
        "lampiran": (io.BytesIO(b"foto"), "printer.txt")})
    assert shown.status_code == 200, shown.get_data(True)[:500]
    html = shown.get_data(True)
    assert f">{LONG_URAIAN}</textarea>" in html
    assert 'value="Printer"' in html and 'value="Kepaniteraan Pidana"' in html
    assert "Berkas yang tadi dipilih perlu dipilih ulang." in html
    assert app_count(app, ProcessInstance) == 0
    sent = client.post("/tiket/ajukan", data={
        "csrf_token": csrf_token(html), "process_key": LTI, "title": "Printer",
        **START_DATA[LTI], "uraian": LONG_URAIAN})
    assert sent.status_code == 302 and app_count(app, ProcessInstance) == 1


def test_nama_pemohon_opens_with_the_requesters_name_and_may_be_changed(app, client):
    add_employee(app)
    login(client, "pegawai")
    page = client.get(f"/tiket/ajukan?process_key={LTI}").get_data(True)
    assert 'id="tiket-pemohon" name="pemohon"' in page
    assert re.search(r'id="tiket-pemohon"[^>]*value="Pegawai Biasa"', page)
    # The service request is the form an employee opens first (most come for one).
    default = client.get("/tiket/ajukan").get_data(True)
    assert re.search(rf'<option value="{LTI}" selected>', default)
    assert re.search(r'id="tiket-pemohon"[^>]*value="Pegawai Biasa"', default)
    # Switched to from a service without the field: filled in too.
    first = client.get("/tiket/ajukan?process_key=penanganan_gangguan_server").get_data(True)
    assert 'name="pemohon"' not in first
    shown = client.post("/tiket/ajukan", data={
        "csrf_token": csrf_token(first), "tampilkan": "ya", "process_key": LTI,
        "title": "Printer"}).get_data(True)
    assert re.search(r'id="tiket-pemohon"[^>]*value="Pegawai Biasa"', shown)
    # Emptied on purpose: refused as empty, not filled in again behind his back.
    refused = client.post("/tiket/ajukan", data={
        "csrf_token": csrf_token(page), "process_key": LTI, "title": "Printer",
        **START_DATA[LTI], "pemohon": ""})
    assert refused.status_code == 422
    assert re.search(r'id="tiket-pemohon"[^>]*value=""', refused.get_data(True))


def test_the_proposed_priority_says_what_each_priority_promises(app, client):
    """Found by the service desk probe: "kritis / mayor / minor" meant nothing to an
    employee; the minor target follows the office's setting."""
    add_employee(app)
    login(client, "pegawai")
    page = " ".join(client.get("/tiket/ajukan").get_data(True).split())
    hint = re.search(r'<p class="hint" id="([^"]+)-help">Target penyelesaian — (.*?)</p>', page)
    assert hint is not None, page
    assert hint.group(2) == ("kritis: 1 jam, siang dan malam; mayor: 4 jam kerja; minor: 1 hari "
                             "kerja. Petugas menetapkan prioritas akhirnya; waktu menunggu "
                             "jawaban Anda tidak dihitung.")
    assert f'{hint.group(1)}-help' in page.replace(hint.group(0), ""), "the field points to it"
    # The phone probe: Penanganan Gangguan Server has no triage; its form promised one.
    page = " ".join(client.get("/tiket/ajukan?process_key=penanganan_gangguan_server"
                               ).get_data(True).split())
    hint = re.search(r'<p class="hint" id="[^"]+-help">Target penyelesaian — (.*?)</p>', page)
    assert hint[1] == ("kritis: 1 jam, siang dan malam; mayor: 4 jam kerja; minor: 1 hari "
                       "kerja. Prioritas yang Anda pilih langsung menetapkan targetnya: pilih "
                       "kritis hanya bila layanannya berhenti. Waktu menunggu jawaban Anda "
                       "tidak dihitung.")


def test_the_priority_hint_reads_in_english(app, client):
    add_employee(app)
    login(client, "pegawai")
    client.post("/akun/", data={"language": "en", "email": "",
                                "csrf_token": csrf_token(client.get("/akun/").get_data(True))})
    page = " ".join(client.get("/tiket/ajukan").get_data(True).split())
    hint = re.search(r'<p class="hint" id="[^"]+-help">(Resolution target — .*?)</p>', page)
    assert hint is not None and hint[1] == (
        "Resolution target — kritis (critical): 1 h, day and night; mayor (major): 4 h of "
        "working time; minor: 1 working day. The service desk sets the final priority; time "
        "waiting for your answer is not counted."), hint


def test_the_request_form_s_file_is_sent_in_the_office_s_words_read_in_the_reader_s(app,
                                                                                   client):
    """The phone probe: an English requester's file came to the desk as "Request
    attachment", in the thread, the API and exports alike."""
    add_employee(app)
    login(client, "pegawai")
    client.post("/akun/", data={"language": "en", "email": "",
                                "csrf_token": csrf_token(client.get("/akun/").get_data(True))})
    page = client.get(f"/tiket/ajukan?process_key={LTI}").get_data(True)
    posted = client.post("/tiket/ajukan", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "process_key": LTI, "title": "Printer",
        **START_DATA[LTI], "lampiran": (io.BytesIO(b"foto"), "printer.txt")})
    assert posted.status_code == 302
    ticket = posted.headers["Location"]
    assert '<p class="teks">Request attachment</p>' in client.get(ticket).get_data(True)
    desk = app.test_client()
    login(desk, "prakom")
    assert '<p class="teks">Lampiran permintaan</p>' in desk.get(ticket).get_data(True)
    number = ticket.rsplit("/", 1)[1]
    said = client.get(f"/api/v1/tickets/{number}", headers=api_token(client, "pegawai")).json
    assert [m["text"] for m in said["messages"]] == ["Lampiran permintaan"]
    # His own words are his, even when they are these (the regression probe).
    client.post(f"{ticket}/pesan", data={"csrf_token": csrf_token(client.get(ticket).get_data(
        True)), "text": "Lampiran permintaan"})
    assert client.get(ticket).get_data(True).count('<p class="teks">Request attachment</p>') == 1
    assert '<p class="teks">Lampiran permintaan</p>' in client.get(ticket).get_data(True)


def test_a_step_s_page_says_the_requester_has_no_answer_until_the_desk_writes(app, client):
    """The phone probe: a ticket was finished with only step notes; its requester was asked
    to rate a fix nobody told him of."""
    add_employee(app)
    login(client, "pegawai")
    instance_id = file_ticket(app, client, "Printer macet")
    desk = app.test_client()
    login(desk, "kasubbag")
    with app.app_context():
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.state == "open"))
    warning = "Pemohon belum mendapat jawaban dari petugas di Percakapan."
    page = desk.get(f"/tugas/{task_id}").get_data(True)
    assert warning in page
    desk.post(f"/tiket/{instance_id}/pesan", data={
        "csrf_token": csrf_token(page), "text": "Sedang kami periksa."})
    assert warning not in desk.get(f"/tugas/{task_id}").get_data(True)
    client.post(f"/tiket/{instance_id}/pesan", data={
        "csrf_token": csrf_token(client.get(f"/tiket/{instance_id}").get_data(True)),
        "text": "Masih macet."})
    assert warning in desk.get(f"/tugas/{task_id}").get_data(True), "his newer word unanswered"


def test_a_refused_title_is_named_by_the_ticket_form_s_label(app, client):
    """The requester probe: "Short title *" was refused as '"Title" is required'."""
    add_employee(app)
    login(client, "pegawai")
    page = client.get(f"/tiket/ajukan?process_key={LTI}").get_data(True)
    for title, said in (("  ", '"Judul singkat" wajib diisi (paling banyak 300 karakter)'),
                        ("x" * 301, '"Judul singkat" paling banyak 300 karakter; yang dikirim '
                                    "301")):
        refused = client.post("/tiket/ajukan", data={
            "csrf_token": csrf_token(page), "process_key": LTI, "title": title,
            **START_DATA[LTI]})
        assert refused.status_code == 422
        error = re.search(r'<p class="field-error" id="title-error">([^<]+)</p>',
                          refused.get_data(True).replace("&#34;", '"'))
        assert error is not None and error[1] == said, error
    assert app_count(app, ProcessInstance) == 0


def test_switching_the_layanan_shows_what_the_new_form_has_no_field_for(app, client):
    """The requester probe: Gangguan Server chosen after a Layanan TI form was filled kept
    the title only; the uraian typed was gone unseen."""
    add_employee(app)
    login(client, "pegawai")
    page = client.get("/tiket/ajukan").get_data(True)
    for pressed in ({"tampilkan": "ya"}, {}):  # with JavaScript, and Kirim without it
        shown = client.post("/tiket/ajukan", data={
            "csrf_token": csrf_token(page), **pressed, "formulir_layanan": LTI,
            "process_key": "penanganan_gangguan_server", "title": "Jaringan lambat",
            **START_DATA[LTI], "pemohon": "Pegawai Biasa"})
        html = shown.get_data(True)
        assert shown.status_code == 200, html[:300]
        left = re.search(r'<dl class="left-behind">(.*?)</dl>', html, re.DOTALL)
        assert left is not None, pressed
        assert "<dd>Printer ruang sidang tidak dapat mencetak</dd>" in left[1]
        assert "<dd>Kepaniteraan Pidana</dd>" in left[1]
        assert "Pegawai Biasa" not in left[1], "his name, filled in by the form, he typed not"
        assert 'value="Jaringan lambat"' in html
    assert app_count(app, ProcessInstance) == 0
    same = client.post("/tiket/ajukan", data={
        "csrf_token": csrf_token(page), "tampilkan": "ya", "formulir_layanan": LTI,
        "process_key": LTI, "title": "Printer", **START_DATA[LTI]}).get_data(True)
    assert "left-behind" not in same, "nothing is left behind on the same form"
