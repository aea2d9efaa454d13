"""The case on every desk, through the pages: start form, files in the completion form,
what a returned task says, the case file, comments per instance, lists and cancel."""

import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from engine.models import Attachment, ProcessInstance
from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import api_token, login
from web.extensions import db

PDF = b"%PDF-1.4\n% draf\n"
LTI = "penanganan_permintaan_layanan_ti"
RKT = "penyusunan_rkt"


def _complete_open(client, instance_id: int, data: dict | None = None) -> None:
    task = client.get(f"/api/v1/instances/{instance_id}", headers=api_token(client, "admin")
                      ).json["open_tasks"][0]
    response = client.post(f"/api/v1/tasks/{task['id']}/complete",
                           headers=api_token(client, task["role"].lower().replace(" ", "_")),
                           json={"data": data or {}})
    assert response.status_code == 200, response.json


def _rkt_at_the_draft(client, data: dict | None = None) -> tuple[dict, int]:
    """An RKT instance started by the Kasubbag (with ``data``) whose first two steps are
    done: the instance and its open step, the Kasubbag's draft (a file field)."""
    started = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"), json={
        "process_key": RKT, "title": "RKT 2027", "data": data or {}}).json
    _complete_open(client, started["id"])
    _complete_open(client, started["id"])
    task = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                      ).json["open_tasks"][0]["id"]
    return started, task


def test_start_page_shows_the_sops_start_form_and_keeps_values_on_error(app, client):
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={LTI}").get_data(True)
    assert '<label for="mulai-pemohon">Nama pemohon <span aria-hidden="true">*</span>' in page
    assert 'type="radio" name="kategori" value="jaringan"' in page
    assert '<textarea id="mulai-uraian" name="uraian"' in page
    response = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": LTI, "title": "Printer",
        "pemohon": "Budi", "kategori": "jaringan"})
    assert response.status_code == 422
    html = response.get_data(True)
    assert "&#34;Unit kerja&#34; wajib diisi" in html
    assert "&#34;Uraian permintaan&#34; wajib diisi" in html
    assert 'value="Budi"' in html and 'value="jaringan" checked' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
    done = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": LTI, "title": "Printer",
        **START_DATA[LTI]})
    assert done.status_code == 302
    shown = client.get(done.headers["Location"]).get_data(True)
    assert "LTI-2026-0001" in shown and "Kepaniteraan Pidana" in shown


def test_files_go_with_the_completion_form_and_typed_text_survives_an_error(app, client):
    started, task = _rkt_at_the_draft(client)
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task}").get_data(True)
    assert 'enctype="multipart/form-data"' in page
    assert '<input id="d-draf_rancangan" name="draf_rancangan" type="file"' in page
    refused = client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "catatan": "Draf dari lima bidang",
        "lampiran": [(io.BytesIO(b"MZ bukan"), "virus.pdf")]})
    assert refused.status_code == 422
    html = refused.get_data(True)
    # One file as several: the refused one is named (README "Halaman tugas").
    assert ('Lampiran &#34;virus.pdf&#34;: isi berkas bukan PDF yang sah; tidak ada berkas '
            "yang disimpan") in html
    assert ">Draf dari lima bidang</textarea>" in html
    assert "Berkas yang tadi dipilih perlu dipilih ulang." in html, "virus.pdf was chosen"
    several = client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "lampiran": [(io.BytesIO(PDF), "bidang1.pdf"),
                                                     (io.BytesIO(b"MZ"), "virus.exe")]})
    assert several.status_code == 422
    assert ('id="lampiran-selesai-error">Lampiran &#34;virus.exe&#34;: jenis berkas tidak '
            "diizinkan") in several.get_data(True)
    empty = client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "draf_rancangan": (io.BytesIO(b""), "draf.pdf")})
    assert empty.status_code == 422
    assert 'id="d-draf_rancangan-error">Draf rancangan RKT &#34;draf.pdf&#34;: berkas kosong' in (
        empty.get_data(True))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    done = client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "catatan": "Draf dari lima bidang",
        "draf_rancangan": (io.BytesIO(PDF), "draf.pdf"),
        "lampiran": [(io.BytesIO(PDF), "bidang1.pdf"), (io.BytesIO(PDF), "bidang2.pdf")]})
    assert done.status_code == 302, done.get_data(True)
    with app.app_context():
        assert sorted(db.session.scalars(select(Attachment.filename))) == [
            "bidang1.pdf", "bidang2.pdf", "draf.pdf"]
        assert db.session.get(ProcessInstance, started["id"]).data == {"draf_rancangan":
                                                                       "draf.pdf"}
    # The performer may still add the step's Output after completing it.
    completed = client.get(f"/tugas/{task}").get_data(True)
    assert "Yang diserahkan pada langkah ini" in completed and "Draf dari lima bidang" in completed
    late = client.post(f"/tugas/{task}/lampiran", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(completed), "lampiran": (io.BytesIO(PDF), "final.pdf")})
    assert late.status_code == 302
    login(client, "sekretaris")  # the Kasubbag's supervisor sees the step, but did not do it
    page = client.get(f"/tugas/{task}")
    assert page.status_code == 200 and "Tambah lampiran Output" not in page.get_data(True)
    refused = client.post(f"/tugas/{task}/lampiran", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page.get_data(True)), "lampiran": (io.BytesIO(PDF), "x.pdf")})
    assert refused.status_code == 403


def test_returned_task_opens_with_its_banner_and_the_case_file(app, client):
    started = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"), json={
        "process_key": RKT, "title": "RKT 2027", "data": {"tahun": 2027}}).json
    for _ in range(3):
        _complete_open(client, started["id"])
    login(client, "kasubbag")
    comment = client.post(f"/proses/{started['id']}/komentar", data={
        "csrf_token": csrf_token(client.get(f"/proses/{started['id']}").get_data(True)),
        "komentar": "Mohon cek indikator kinerja"})
    assert comment.status_code == 302
    # Sent again from the page of a refused one (at the POST-only .../komentar): back to
    # the process page, not to that address (a 405 after the comment was stored).
    refused_at = f"http://localhost/proses/{started['id']}/komentar"
    again = client.post(f"/proses/{started['id']}/komentar", headers={"Referer": refused_at},
                        data={"csrf_token": csrf_token(client.get(
                            f"/proses/{started['id']}").get_data(True)), "komentar": "Lagi"})
    assert again.headers["Location"] == f"/proses/{started['id']}#komentar"
    from_task = client.post(f"/proses/{started['id']}/komentar",
                            headers={"Referer": "http://localhost/tugas/3"},
                            data={"csrf_token": csrf_token(client.get(
                                f"/proses/{started['id']}").get_data(True)), "komentar": "Dari tugas"})
    assert from_task.headers["Location"] == "/tugas/3#komentar"
    unreadable = client.post(f"/proses/{started['id']}/komentar",
                             headers={"Referer": "http://[::1/tugas/3"},
                             data={"csrf_token": csrf_token(client.get(
                                 f"/proses/{started['id']}").get_data(True)), "komentar": "Aneh"})
    assert unreadable.headers["Location"] == f"/proses/{started['id']}#komentar", "not a 500"
    panitera_step = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(
        client, "admin")).json["open_tasks"][0]
    login(client, "panitera")
    form = client.get(f"/tugas/{panitera_step['id']}").get_data(True)
    assert "Catatan (wajib bila dikembalikan untuk revisi)</label>" in form
    sent_back = client.post(f"/tugas/{panitera_step['id']}", follow_redirects=True, data={
        "csrf_token": csrf_token(form), "verifikasi_panitera_rancangan": "revisi",
        "catatan": "Indikator belum terukur"}).get_data(True)
    # Said as what it did, not as a step "selesai" like any other.
    assert (f"Langkah &#34;{panitera_step['name']}&#34; selesai: proses dikembalikan untuk "
            "revisi.") in sent_back
    login(client, "kasubbag")
    task = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                      ).json["open_tasks"][0]["id"]
    # Its row in the Kotak Masuk says so before it is opened; a step that simply came
    # next (another RKT's first) does not.
    fresh = client.post("/api/v1/instances", headers=api_token(client, "kasubbag"), json={
        "process_key": RKT, "title": "RKT 2028", "data": {"tahun": 2028}}).json
    rows = {row.split('href="/tugas/')[1].split('"')[0]: row for row in client.get(
        "/?tampil=semua").get_data(True).split("<tr") if 'href="/tugas/' in row}
    tag = '<span class="tag late-text">Dikembalikan untuk revisi</span>'
    assert tag in rows[str(task)]
    assert tag not in rows[str(fresh["open_tasks"][0]["id"])]
    page = client.get(f"/tugas/{task}").get_data(True)
    assert 'Catatan (opsional)</label>' in page  # this step cannot send the case back
    assert re.search(r'<p class="flash flash-warning returned" role="note"><strong>Dikembalikan '
                     r"oleh Demo Panitera \(Panitera\), 23 Nov 2026 08\.00 WIB:</strong> "
                     r'<span class="teks">Indikator belum terukur</span></p>', page)
    assert "Berkas Proses" in page and "Tahun RKT" in page and "2027" in page
    assert ('Dikembalikan untuk revisi</span> — Panitera: <span class="teks">Indikator belum '
            "terukur</span>") in page
    assert "Mohon cek indikator kinerja" in page  # the instance's one comment thread
    instance_page = client.get(f"/proses/{started['id']}").get_data(True)
    # The history names each step it completed.
    assert ('Dikembalikan untuk revisi — Panitera: <span class="teks">Indikator belum '
            "terukur</span>") in instance_page
    assert re.search(r"Langkah diselesaikan “[^”]+” oleh Demo Kasubbag", instance_page)
    # The step table keeps the note's line breaks too, under its column's name on a phone.
    assert ('<td data-label="Keputusan dan catatan"><span class="late-text">Dikembalikan untuk '
            'revisi</span> — Panitera: <span class="teks">Indikator belum terukur</span>'
            ) in instance_page
    assert "Mohon cek indikator kinerja" in instance_page


def test_lists_and_cancel_through_the_pages(app, client):
    login(client, "prakom")
    clock = app.config["ALUR_CLOCK"]
    for title in ("Server A", "Server B"):
        clock.advance(timedelta(microseconds=250))  # shown to the second
        client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
            "process_key": "penanganan_gangguan_server", "title": title,
            "data": {"sistem": "SIPP"}})
    page = client.get("/proses/?cakupan=saya&cari=GS-2026-0002").get_data(True)
    assert "1 proses" in page and "Server B" in page and "Server A" not in page
    assert client.get("/proses/?cakupan=unit").get_data(True).count("GS-2026-") == 2
    exported = client.get("/proses/?cakupan=saya&format=csv").data.decode("utf-8-sig")
    lines = exported.split("\r\n")
    headings = "Nomor;Judul;SOP;Status;Dimulai;Berakhir;Dimulai oleh;Data proses"
    assert lines[0] == headings  # one table per CSV file, ; for Excel in Indonesian
    assert lines[1].startswith("GS-2026-0002;Server B;Penanganan Gangguan Server;berjalan;"
                               "2026-11-23T08:00:00+07:00;")
    # The starter by name and the data by label, as on the page.
    assert lines[1].endswith(";Demo Prakom;Sistem terdampak: SIPP")
    shown = client.get("/proses/1").get_data(True)
    empty = client.post("/proses/1/batalkan", data={"csrf_token": csrf_token(shown),
                                                   "reason": ""})
    assert empty.status_code == 422 and "alasan pembatalan wajib diisi" in empty.get_data(True)
    done = client.post("/proses/1/batalkan", data={"csrf_token": csrf_token(shown),
                                                  "reason": "Salah SOP"})
    assert done.status_code == 302
    page = client.get("/proses/1").get_data(True)
    assert "<strong>Dibatalkan</strong>" in page and "Proses dibatalkan" in page
    assert "· dibatalkan " in page and "· selesai " not in page
    assert "Salah SOP" in page
    assert "Server A" in client.get("/proses/?status=dibatalkan").get_data(True)


def test_a_returned_step_opens_with_what_it_held_and_sending_it_back_keeps_it(app, client):
    started, task = _rkt_at_the_draft(client, {"tahun": 2027})
    login(client, "kasubbag")
    start = client.get(f"/proses/baru?process_key={RKT}").get_data(True)
    # A text input reading "87,5" as typed: a number input drops the comma (875).
    assert 'name="tahun" type="text" inputmode="decimal"' in start
    page = client.get(f"/tugas/{task}").get_data(True)
    assert 'type="hidden" name="draf_rancangan"' not in page
    assert 'value="Data" checked' not in page
    client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "draf_rancangan": (io.BytesIO(PDF), "draf.pdf"),
        "kelengkapan": "Data"})
    _complete_open(client, started["id"], {"verifikasi_panitera_rancangan": "revisi",
                                           "catatan": "Indikator belum terukur"})
    again = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                       ).json["open_tasks"][0]["id"]
    page = client.get(f"/tugas/{again}").get_data(True)
    assert '<input type="hidden" name="draf_rancangan" value="draf.pdf">' in page
    assert "Berkas sekarang: draf.pdf. Pilih berkas lain untuk menggantinya." in page
    # The Kelengkapan the first round ticked (kept with that step, not in the case data).
    assert re.search(r'value="Data" checked> Data</label>', page)
    assert not re.search(r'value="[^"]*RKT" checked', page)
    sent = client.post(f"/tugas/{again}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "draf_rancangan": "draf.pdf", "catatan": "Diperbaiki"})
    assert sent.status_code == 302, sent.get_data(True)
    with app.app_context():
        assert db.session.get(ProcessInstance, started["id"]).data == {
            "tahun": 2027, "draf_rancangan": "draf.pdf"}
    history = client.get(f"/proses/{started['id']}").get_data(True)
    assert re.search(r"Lampiran ditambahkan “[^”]+”: draf\.pdf oleh Demo Kasubbag", history)
    with app.app_context():
        draft = db.session.scalar(select(Attachment.id).where(Attachment.filename == "draf.pdf"))
    # The file field's value opens its file, on the process page and in the case file.
    assert f'<dd><a href="/lampiran/{draft}">draf.pdf</a></dd>' in history
    login(client, "panitera")
    step = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                      ).json["open_tasks"][0]["id"]
    assert f'<dd><a href="/lampiran/{draft}">draf.pdf</a></dd>' in client.get(
        f"/tugas/{step}").get_data(True)


def test_case_data_is_named_by_the_form_that_wrote_it(app, client):
    """Two forms with a field of the same name: the requester's proposed priority reads
    as his proposal until the triage sets it, then as the triage's."""
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": LTI, "title": "Printer",
        "data": {**START_DATA[LTI], "prioritas": "mayor"}}).json
    admin = api_token(client, "admin")
    login(client, "admin")
    for _ in range(8):
        [task] = client.get(f"/api/v1/instances/{started['id']}", headers=admin
                            ).json["open_tasks"]
        if task["name"].startswith("Menentukan"):
            break
        _complete_open(client, started["id"])
    before = client.get(f"/proses/{started['id']}").get_data(True)
    assert "<dt>Prioritas (usulan pemohon)</dt>" in before
    assert "<dt>Prioritas penanganan</dt>" not in before
    _complete_open(client, started["id"], {"prioritas": "kritis"})
    after = client.get(f"/proses/{started['id']}").get_data(True)
    assert "<dt>Prioritas penanganan</dt>" in after


def test_a_file_field_links_the_newest_file_of_its_name(app, client):
    """The file field names a file; a newer upload of that name is the one it opens."""
    started, task = _rkt_at_the_draft(client)
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task}").get_data(True)
    done = client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "draf_rancangan": (io.BytesIO(PDF), "draf-awal.pdf")})
    assert done.status_code == 302, done.get_data(True)
    first = client.get(f"/proses/{started['id']}").get_data(True)
    [oldest] = re.findall(r'<dd><a href="/lampiran/(\d+)">draf-awal\.pdf</a></dd>', first)
    newer = client.post(f"/api/v1/tasks/{task}/attachments", headers=api_token(client, "kasubbag"),
                        content_type="multipart/form-data",
                        data={"lampiran": (io.BytesIO(PDF + b"% v2\n"), "draf-awal.pdf")})
    assert newer.status_code == 201 and newer.json["id"] > int(oldest)
    link = f'<dd><a href="/lampiran/{newer.json["id"]}">draf-awal.pdf</a></dd>'
    assert link in client.get(f"/proses/{started['id']}").get_data(True)
    assert link in client.get(f"/tugas/{task}").get_data(True)
    login(client, "panitera")
    step = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                      ).json["open_tasks"][0]["id"]
    assert link in client.get(f"/tugas/{step}").get_data(True)


def test_a_file_field_takes_one_file_and_two_store_nothing(app, client):
    """A file field's value is one file's name: two files under it are refused, on the page
    and through the API, before either is stored (README, Formulir: one value)."""
    started, task = _rkt_at_the_draft(client)
    two = [(io.BytesIO(PDF), "draf1.pdf"), (io.BytesIO(PDF), "draf2.pdf")]
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task}").get_data(True)
    refused = client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "draf_rancangan": two,
        "lampiran": (io.BytesIO(PDF), "bidang1.pdf")})
    assert refused.status_code == 422
    assert ('id="d-draf_rancangan-error">&#34;Draf rancangan RKT&#34; menerima satu berkas; '
            "2 dikirim, tidak ada yang disimpan") in refused.get_data(True)
    api = client.post(f"/api/v1/tasks/{task}/complete", headers=api_token(client, "kasubbag"),
                      content_type="multipart/form-data", data={
                          "data": "{}", "draf_rancangan": [(io.BytesIO(PDF), "draf1.pdf"),
                                                           (io.BytesIO(PDF), "draf2.pdf")]})
    assert (api.status_code, api.json["error"]["fields"]) == (422, {
        "draf_rancangan": '"Draf rancangan RKT" menerima satu berkas; 2 dikirim, tidak ada '
                          "yang disimpan"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        assert db.session.get(ProcessInstance, started["id"]).data == {}
    assert client.get(f"/api/v1/tasks/{task}", headers=api_token(client, "kasubbag")
                      ).json["state"] == "open"



def test_a_done_steps_link_and_a_cancelled_steps_doer_say_what_they_are(app, client):
    """The English probe: twenty bare "lihat" links, and a cancelled step "Oleh: —, <time>"."""
    started, _ = _rkt_at_the_draft(client)
    login(client, "kasubbag")
    page = client.get(f"/proses/{started['id']}").get_data(True)
    assert page.count(">Lihat isian langkah<span class=\"visually-hidden\"> ") == 2
    login(client, "admin")
    page = client.get(f"/proses/{started['id']}").get_data(True)
    client.post(f"/proses/{started['id']}/batalkan",
                data={"csrf_token": csrf_token(page), "reason": "Salah SOP"})
    page = client.get(f"/proses/{started['id']}").get_data(True)
    assert '<td data-label="Oleh">tidak dikerjakan siapa pun; dibatalkan ' in page
