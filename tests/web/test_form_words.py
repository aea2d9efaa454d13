"""An official reading in English meets the commonest refusals of his forms in English
too: a field required, a number expected, a file of a type not allowed, a step of another
role; the SOP's labels and his own values stay as written, and an Indonesian reader's
words are the engine's own."""

import html
import io

import pytest
from flask_babel import force_locale

from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from tests.web.test_case_pages import _rkt_at_the_draft
from web.engine_words import in_reader_language


def _english(client, username: str) -> None:
    login(client, username)
    client.post("/akun/", data={"language": "en", "email": "",
                                "csrf_token": csrf_token(client.get("/akun/").get_data(True))})


def _start_refused(client) -> str:
    page = client.get("/proses/baru?process_key=penyusunan_rkt").get_data(True)
    refused = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": "penyusunan_rkt", "title": "",
        "tahun": "dua ribu"})
    assert refused.status_code == 422
    return html.unescape(refused.get_data(True))


def test_a_start_forms_refusals_are_in_the_readers_language(client):
    login(client, "kasubbag")
    indonesian = _start_refused(client)
    assert '"Judul" wajib diisi (paling banyak 300 karakter)' in indonesian
    assert '"Tahun RKT" harus berupa angka' in indonesian
    _english(client, "kasubbag")
    english = _start_refused(client)
    assert '"Title" is required (at most 300 characters)' in english
    assert '"Tahun RKT" must be a number' in english
    assert "wajib diisi" not in english and "harus berupa" not in english


def test_date_refusals_are_in_the_readers_language(app):
    with app.test_request_context(), force_locale("en"):
        assert in_reader_language('"Tanggal beli" harus tanggal (TTTT-BB-HH)') == (
            '"Tanggal beli" must be a date (YYYY-MM-DD)')
        assert in_reader_language('"Waktu kirim" harus tanggal dan jam (TTTT-BB-HHTJJ:MM, mis. '
                                  "2026-12-06T09:30)") == (
            '"Waktu kirim" must be a date and time (YYYY-MM-DDTHH:MM, e.g. 2026-12-06T09:30)')
        assert in_reader_language('"Tanggal beli": tanggal 2026-02-30 tidak ada di kalender') \
            == '"Tanggal beli": the date 2026-02-30 does not exist in the calendar'


@pytest.mark.parametrize(("typed", "english"), [
    ("1.500.000", '"Tahun RKT" 1.500.000 can be read as 1500000; write it without thousands '
                  "separators (e.g. 12500), with a comma before decimals (e.g. 12,5)"),
    ("12.500", '"Tahun RKT" 12.500 can be read as 12500 or 12.5; write it without thousands '
               "separators (e.g. 12500), with a comma before decimals (e.g. 12,5)"),
    ("1,500,000", '"Tahun RKT" 1,500,000: write the number only, without Rp, spaces or '
                  "thousands separators (e.g. 1500000 or 1500000,50, with a comma before "
                  "decimals)")])
def test_a_number_written_as_on_paper_is_refused_in_the_readers_language(client, typed, english):
    """The English probe: the commonest number mistakes were refused in Indonesian."""
    _english(client, "kasubbag")
    page = client.get("/proses/baru?process_key=penyusunan_rkt").get_data(True)
    refused = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": "penyusunan_rkt", "title": "RKT 2027",
        "tahun": typed})
    assert refused.status_code == 422 and english in html.unescape(refused.get_data(True))


def test_a_cancel_without_a_reason_is_refused_in_the_readers_language(client):
    _english(client, "kasubbag")
    page = client.get("/proses/baru?process_key=penyusunan_rkt").get_data(True)
    started = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": "penyusunan_rkt", "title": "RKT 2027",
        "tahun": "2027"})
    instance = started.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/proses/{instance}").get_data(True)
    refused = client.post(f"/proses/{instance}/batalkan", data={"csrf_token": csrf_token(page)})
    assert "the reason for cancelling is required" in refused.get_data(True)


def test_a_refused_file_and_a_step_of_another_role_are_in_the_readers_language(client):
    _, task = _rkt_at_the_draft(client)
    _english(client, "kasubbag")
    page = client.get(f"/tugas/{task}").get_data(True)
    refused = html.unescape(client.post(f"/tugas/{task}", content_type="multipart/form-data",
                                        data={"csrf_token": csrf_token(page),
                                              "draf_rancangan": (io.BytesIO(b"MZ"), "a.exe")}
                                        ).get_data(True))
    assert ('Draf rancangan RKT "a.exe": file type not allowed; allowed: csv, docx, jpeg, jpg, '
            "ods, odt, pdf, png, txt, xlsx; no file was stored") in refused
    # The requester probe: every other reason stayed Indonesian, and "Lampiran" too.
    for name, content, said in (
            ("palsu.pdf", b"MZ", 'Attachment "palsu.pdf": the file\'s content is not a valid '
                                 "PDF; no file was stored"),
            ("kosong.txt", b"", 'Attachment "kosong.txt": the file is empty; no file was stored'),
            ("", b"x", "Attachment (no name): a file without a name; send its name with its "
                       "extension (e.g. laporan.pdf); no file was stored")):
        refused = html.unescape(client.post(
            f"/tugas/{task}/lampiran", content_type="multipart/form-data",
            data={"csrf_token": csrf_token(page), "lampiran": (io.BytesIO(content), name)}
        ).get_data(True))
        assert said in refused, said
    _english(client, "ketua")
    other = client.post(f"/tugas/{task}", data={"csrf_token": csrf_token(
        client.get("/").get_data(True))})
    assert other.status_code == 403
    assert "is done by the role Kasubbag; you do not hold that role." in html.unescape(
        other.get_data(True))
    assert client.post(f"/api/v1/tasks/{task}/claim", headers=api_token(client, "ketua")
                       ).json["error"]["message"].endswith("Anda tidak memegang peran itu."), \
        "the API keeps the engine's words"


def test_a_bare_tidak_that_sends_the_case_back_says_so(client):
    """A decision of an SOP table reads Ya/Tidak; the one that returns the case for
    revision says where it leads, as a hand-modelled "Tidak, kembalikan …" does."""
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "peliputan_penginputan_website", "title": "Liputan sidang"})
    assert started.status_code == 201, started.json
    task = started.json["open_tasks"][0]
    while task["step_id"] != "Kegiatan_6":
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=prakom,
                           json={"data": {}})
        assert done.status_code == 200, done.json
        task = done.json["instance"]["open_tasks"][0]
    login(client, "prakom")
    page = html.unescape(client.get(f"/tugas/{task['id']}").get_data(True))
    assert ('value="tidak"  required> Tidak <span class="hint">(dikembalikan untuk revisi)'
            "</span></label>") in page
    assert 'value="ya"  required> Ya</label>' in page


def test_a_ticket_s_message_and_rating_refusals_are_in_the_readers_language(app):
    """Found by the service desk probe: an English requester met them in Indonesian."""
    with app.test_request_context(), force_locale("en"):
        assert [in_reader_language(said) for said in (
            "Pesan: tulis 1–2000 karakter", "pilih nilai 1–5 (bilangan bulat)",
            "Komentar paling banyak 1000 karakter")] == [
            "Message: write 1–2000 characters", "choose a score from 1 to 5",
            "Comment at most 1000 characters"]
