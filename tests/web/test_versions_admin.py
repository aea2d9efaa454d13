"""Administrators see what a new version changes, activate it, move running instances."""

import io
import os
import pwd
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.models import ProcessDefinition
from engine.process.deploy import deploy
from engine.sop.table import import_table
from tests.conftest import BPMN_DIR, csrf_token, mini_bpmn
from tests.engine.process.test_migration import KEY, REMOVED, without_step
from tests.engine.process.test_version_forms import _with_forms
from tests.web.conftest import api_token, login
from web.extensions import db
from web.filters import local_time


def _active_versions(client) -> dict[str, int]:
    listed = client.get("/api/v1/processes", headers=api_token(client, "prakom")).json
    return {p["key"]: p["version"] for p in listed}


def test_upload_shows_the_difference_then_activation_and_migration(client):
    api = api_token(client, "prakom")
    for title in ("Satu", "Dua"):
        client.post("/api/v1/instances", headers=api, json={"process_key": KEY, "title": title})
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    revised = without_step((BPMN_DIR / f"{KEY}.bpmn").read_bytes(), REMOVED)
    uploaded = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "comment": "Revisi SK 2027",
        "file": (io.BytesIO(revised), "server.bpmn")})
    assert uploaded.headers["Location"] == f"/admin/sop/{KEY}"
    page = client.get(f"/admin/sop/{KEY}").get_data(True)
    assert "<strong>Dihapus:</strong> Mengawasi perkembangan" in page
    assert "Revisi SK 2027" in page and "Aktifkan versi 2" in page
    assert _active_versions(client)[KEY] == 1, "not active before the administrator says so"

    # Before activation nothing offers to move instances to version 1 or 2.
    assert "pindahkan" not in page.lower().replace("dipindahkan", "")
    client.post(f"/admin/sop/{KEY}/versi/2/aktifkan", data={"csrf_token": token})
    assert _active_versions(client)[KEY] == 2
    versions = " ".join(client.get(f"/admin/sop/{KEY}").get_data(True).split())
    assert "<dt>Diaktifkan</dt><dd>23 Nov 2026 08.00 WIB oleh Administrator</dd>" in versions
    origin = f"{pwd.getpwuid(os.geteuid()).pw_name}@{socket.gethostname()}"
    assert ("<dt>Diaktifkan</dt><dd>23 Nov 2026 08.00 WIB oleh sistem (baris perintah) — "
            f"{origin}</dd>") in versions  # version 1, deployed active by alur deploy
    # A dry run lists the instances first; without the confirmation nothing moves.
    assert f'href="/admin/sop/{KEY}/pindahkan"' in client.get(f"/admin/sop/{KEY}").get_data(True)
    preview = client.get(f"/admin/sop/{KEY}/pindahkan").get_data(True)
    assert "Akan dipindahkan (2)" in preview and "GS-2026-0001 Satu" in preview \
        and "GS-2026-0002 Dua" in preview
    unconfirmed = client.post(f"/admin/sop/{KEY}/pindahkan", data={"csrf_token": token})
    assert unconfirmed.headers["Location"] == f"/admin/sop/{KEY}/pindahkan"
    assert client.get("/api/v1/instances/1", headers=api).json["version"] == 1
    moved = client.post(f"/admin/sop/{KEY}/pindahkan",
                        data={"csrf_token": token, "konfirmasi": "2"})
    assert "2 proses dipindahkan" in moved.get_data(True)
    assert "GS-2026-0001 Satu</a> — versi 1 → 2" in moved.get_data(True)
    for instance_id in (1, 2):
        assert client.get(f"/api/v1/instances/{instance_id}", headers=api).json["version"] == 2
    assert "Dipindahkan ke versi baru SOP oleh Administrator (versi 1 → 2)" in " ".join(
        client.get("/proses/1/riwayat").get_data(True).split())
    again = client.post(f"/admin/sop/{KEY}/pindahkan",  # the confirmation sent twice
                        data={"csrf_token": token, "konfirmasi": "2"}).get_data(True)
    assert ("Tidak ada lagi proses berjalan di versi lama; semuanya sudah pada versi 2."
            in again and "0 proses berjalan dipindahkan" not in again)

    client.post(f"/admin/sop/{KEY}/versi/1/aktifkan", data={"csrf_token": token})
    assert _active_versions(client)[KEY] == 1


def test_version_pages_are_for_administrators_only(client):
    login(client, "kasubbag")
    assert client.get(f"/admin/sop/{KEY}").status_code == 403
    token = csrf_token(client.get("/").get_data(True))
    assert client.post(f"/admin/sop/{KEY}/versi/1/aktifkan",
                       data={"csrf_token": token}).status_code == 403


def test_the_versions_of_an_sop_that_does_not_exist_are_not_found(client):
    """Before, the page led back to the SOP list without a word, as if the SOP were there."""
    login(client, "admin")
    answer = client.get("/admin/sop/tidak_ada")
    assert answer.status_code == 404
    assert "tidak ditemukan" in answer.get_data(True).lower()


def test_admin_uploads_an_sop_table_and_bad_rows_are_named(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    table = (BPMN_DIR / "sop-tables" / "backup_database_sipp.csv").read_bytes()
    revised = table.replace(b"Backup", b"Pencadangan", 1)
    response = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(revised), "backup.csv")})
    assert response.headers["Location"] == "/admin/sop/backup_database_sipp"
    broken = table.replace(b"\n1,", b"\n7,", 1)
    refused = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(broken), "backup.csv")})
    assert refused.status_code == 422
    assert "kolom No" in refused.get_data(True)


def test_a_new_sop_waits_for_activation_and_shows_its_notes_only_to_admins(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    table = (BPMN_DIR / "sop-tables" / "backup_database_sipp.csv").read_bytes().replace(
        b"Kunci Proses,backup_database_sipp", b"Kunci Proses,backup_baru").replace(
        b"Nama SOP,Backup Database SIPP", b"Nama SOP,Backup Database SIPP Baru")
    client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(table), "baru.csv")})
    assert "backup_baru" not in _active_versions(client)
    listing = client.get("/admin/sop").get_data(True)
    assert listing.count('data-key="backup_baru"') == 1 and "belum aktif" in listing
    page = client.get("/admin/sop/backup_baru").get_data(True)
    assert "SOP ini belum aktif" in page and 'data-src="/admin/sop/backup_baru/versi/1/' in page
    assert "Catatan konversi (4 langkah" in page and "dipetakan ke Prakom" in page
    client.post("/admin/sop/backup_baru/versi/1/aktifkan", data={"csrf_token": token})
    assert _active_versions(client)["backup_baru"] == 1
    # Staff never see the conversion notes: not on the SOP document, nor in its PDF.
    login(client, "prakom")
    document = client.get("/sop/backup_baru/versi/1").get_data(True)
    assert "dipetakan" not in document and "OCR" not in document


def test_the_diff_names_a_duration_change_once(client):
    """A Waktu and its timer change together (they must agree): one line says it."""
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    revised = (BPMN_DIR / f"{KEY}.bpmn").read_bytes().replace(b'"PT3H"', b'"P2D"').replace(
        b'name="waktu" value="3 jam"', b'name="waktu" value="2 hari kerja"')
    client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(revised), "server.bpmn")})
    page = client.get(f"/admin/sop/{KEY}").get_data(True)
    assert "<strong>Waktu berubah:</strong> Mengatasi permasalahan gangguan server: 3 jam → " \
        "2 hari kerja" in page
    assert "<strong>Durasi:</strong>" not in page


def test_the_diff_names_a_changed_sop_number_and_signatory(client):
    """The administrator probe: a revision's new Nomor SOP and Disahkan oleh showed in no
    preview; only its steps did."""
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    revised = (BPMN_DIR / f"{KEY}.bpmn").read_bytes().replace(
        b'"15/KPN.W4-U2/SOP.PTIP/OT1.2/1/2024"', b'"W22-A4/SOP/7/2026"').replace(
        b'"KPN Bengkalis; Bayu Soho Rahardjo, S.H; NIP. 19780302 200212 1 005"',
        b'"Ketua PA Bima; Drs. H. Ahmad"').replace(
        b'name="tanggal_revisi" value=""', b'name="tanggal_revisi" value="7 Desember 2026"')
    client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(revised), "server.bpmn")})
    page = client.get(f"/admin/sop/{KEY}").get_data(True)
    assert ("<li><strong>Nomor SOP:</strong> 15/KPN.W4-U2/SOP.PTIP/OT1.2/1/2024 → "
            "W22-A4/SOP/7/2026</li><li><strong>Disahkan oleh:</strong> KPN Bengkalis; Bayu "
            "Soho Rahardjo, S.H; NIP. 19780302 200212 1 005 → Ketua PA Bima; Drs. H. Ahmad"
            "</li>") in page
    assert "Langkah sama dengan versi aktif." in page
    assert "Tanggal Revisi:" not in page, "each version is a revision: not a change to name"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("sop.pdf", b"%PDF-1.7\n...", 'Berkas "sop.pdf" bukan BPMN atau tabel SOP (tampaknya PDF).'),
    ("sop.bpmn", b"%PDF-1.7\n...", 'Berkas "sop.bpmn" bukan BPMN atau tabel SOP (tampaknya PDF).'),
    ("catatan.txt", b"halo", 'Berkas "catatan.txt" bukan BPMN atau tabel SOP.'),
    ("server.bpmn", (BPMN_DIR / f"{KEY}.bpmn").read_bytes()[:20_000],
     "berkas terpotong (tanda kutip, tag atau elemen tidak ditutup)"),
])
def test_wrong_or_broken_files_are_refused_in_words(client, name, data, message):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    refused = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(data), name)})
    assert refused.status_code == 422
    page = refused.get_data(True)
    assert message in page.replace("&#34;", '"').replace("&quot;", '"')
    assert "expected" not in page and "AttValue" not in page


def test_the_sop_table_template_downloads_and_imports(client):
    login(client, "admin")
    assert 'href="/admin/sop/templat-tabel-sop.csv"' in client.get("/admin/sop").get_data(True)
    template = client.get("/admin/sop/templat-tabel-sop.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    assert import_table(template.data, "templat.csv").startswith(b"<?xml")
    login(client, "prakom")
    assert client.get("/admin/sop/templat-tabel-sop.csv").status_code == 403


def test_a_too_long_reason_is_named_and_nothing_is_deployed(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    refused = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "comment": "x" * 2001,
        "file": (io.BytesIO(mini_bpmn()), "sop_uji.bpmn")})
    assert refused.status_code == 422
    assert "Alasan paling panjang 2.000 karakter." in refused.get_data(True)
    admin = api_token(client, "admin")
    for form, fields in (
            ({"activate": "False"}, {"activate": ["harus true atau false"]}),
            ({"activate": "maybe"}, {"activate": ["harus true atau false"]}),
            ({"comment": "x" * 2001}, {"comment": ["paling panjang 2.000 karakter"]}),
            ({"activte": "false"}, {"activte": ["bagian ini tidak dikenal"]}),
            ({"file": "sop_uji.bpmn"}, {"file": [
                "harus berkas (bagian dengan filename), bukan teks"]})):
        answer = client.post("/api/v1/processes", headers=admin,
                             content_type="multipart/form-data",
                             data={"file": (io.BytesIO(mini_bpmn()), "sop_uji.bpmn"), **form})
        assert answer.status_code == 422, form
        assert answer.json["error"]["code"] == "invalid_request"
        assert answer.json["error"]["fields"] == fields
        [(name, [said])] = fields.items()
        assert answer.json["error"]["message"] == f"Permintaan tidak valid: {name}: {said}.", \
            "named as every invalid_request names its fields"
    with app.app_context():
        assert db.session.scalars(select(ProcessDefinition).where(
            ProcessDefinition.key == "sop_uji")).all() == []


def test_a_version_replaced_by_an_older_one_was_active_and_does_not_wait(app, client, clock):
    login(client, "admin")
    with app.test_request_context():
        uploaded = local_time(clock.now())
    token = csrf_token(client.get("/admin/sop").get_data(True))
    revised = without_step((BPMN_DIR / f"{KEY}.bpmn").read_bytes(), REMOVED)
    client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(revised), "server.bpmn")})
    waiting = client.get(f"/admin/sop/{KEY}").get_data(True)
    assert 'Versi 2 <span class="tag pending">Menunggu aktivasi</span>' in waiting
    client.post(f"/admin/sop/{KEY}/versi/2/aktifkan", data={"csrf_token": token})
    clock.advance(timedelta(days=3))
    client.post(f"/admin/sop/{KEY}/versi/1/aktifkan", data={"csrf_token": token})
    with app.test_request_context():
        reactivated = local_time(clock.now())

    page = client.get(f"/admin/sop/{KEY}").get_data(True)
    assert "Menunggu aktivasi" not in page
    assert 'Versi 2 <span class="tag">Pernah aktif</span>' in page
    assert 'Pratinjau versi 1 <span class="tag">Aktif</span>' in page
    listed = client.get("/admin/sop").get_data(True)
    row = listed[listed.index(f"/admin/sop/{KEY}"):]
    assert row[:row.index("</tr>")].count("#v2") == 0, "version 2 is not listed as waiting"
    # The authoring probe: the cell gave version 1's upload time, not its new activation.
    assert f"versi 1, aktif sejak {reactivated}" in row[:row.index("</tr>")]
    assert uploaded != reactivated
    api = api_token(client, "admin")
    answer = client.get(f"/api/v1/processes/{KEY}/versions", headers=api).json
    assert [(v["version"], v["active"], v["activated_at"] is not None)
            for v in answer["items"]] == [(2, False, True), (1, True, True)]


def test_a_version_passed_over_says_it_was_never_activated(client):
    """Version 2 waited, version 3 was activated: version 2 had no label at all."""
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    source = (BPMN_DIR / f"{KEY}.bpmn").read_bytes()
    for revised in (without_step(source, REMOVED), source + b"\n"):
        client.post("/admin/sop", content_type="multipart/form-data", data={
            "csrf_token": token, "file": (io.BytesIO(revised), "server.bpmn")})
    client.post(f"/admin/sop/{KEY}/versi/3/aktifkan", data={"csrf_token": token})
    page = client.get(f"/admin/sop/{KEY}").get_data(True)
    assert 'Versi 2 <span class="tag">Tidak pernah diaktifkan</span>' in page
    assert 'Versi 1 <span class="tag">Pernah aktif</span>' in page


def test_activating_a_version_whose_name_another_sop_took_since_is_refused_on_the_page(
        app, client):
    admin = api_token(client, "admin")
    for data in (mini_bpmn(), mini_bpmn({'name="SOP Uji"': 'name="SOP Uji Lama"'}),
                 mini_bpmn({'id="sop_uji"': 'id="sop_lain"', 'processRef="sop_uji"':
                            'processRef="sop_lain"'})):
        uploaded = client.post("/api/v1/processes", headers=admin,
                               data={"file": (io.BytesIO(data), "sop.bpmn")})
        assert uploaded.status_code == 201, uploaded.json
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop/sop_uji").get_data(True))
    refused = client.post("/admin/sop/sop_uji/versi/1/aktifkan", data={"csrf_token": token},
                          follow_redirects=True).get_data(True)
    assert ('Versi 1 tidak diaktifkan: nama SOP &#34;SOP Uji&#34; sudah dipakai SOP lain (id '
            'proses &#34;sop_lain&#34;)') in refused
    assert _active_versions(client)["sop_uji"] == 2
    api = client.post("/api/v1/processes/sop_uji/versions/1/activate", headers=admin)
    assert (api.status_code, api.json["error"]["code"]) == (422, "invalid_bpmn")


def _uploaded(client, data: bytes) -> str:
    """The page (its words on one line) after the administrator uploads ``data`` on Kelola
    SOP, its flash among them."""
    token = csrf_token(client.get("/admin/sop").get_data(True))
    return " ".join(client.post("/admin/sop", follow_redirects=True,
                                content_type="multipart/form-data", data={
                                    "csrf_token": token, "file": (io.BytesIO(data), "sop.bpmn")}
                                ).get_data(True).split())


def test_uploading_an_earlier_or_a_waiting_version_s_file_again_says_so(client):
    """Found by the SOP revision probe: the same file as the waiting version did not say it
    still waits, and an earlier version's file made a new version without a word."""
    login(client, "admin")
    original = (BPMN_DIR / f"{KEY}.bpmn").read_bytes()
    revised = without_step(original, REMOVED)

    assert "versi 2 tersimpan. Periksa perbedaannya, lalu aktifkan." in _uploaded(client, revised)
    assert ("Berkas sama dengan &#34;Penanganan Gangguan Server&#34; versi 2, yang masih "
            "menunggu diaktifkan; tidak ada versi baru.") in _uploaded(client, revised)
    # The active version's file: nothing changes from what is in force (the SOP table
    # probe: with drafts waiting, it was said to equal some draft of the same content).
    again = _uploaded(client, original)
    assert ("versi 3 tersimpan, isinya sama dengan versi aktif (1): tidak ada yang berubah "
            "dari yang berlaku, versi ini tidak perlu diaktifkan.") in again
    assert ("versi 4 tersimpan, isinya sama dengan versi 2: bila isi itu yang diinginkan, "
            "cukup aktifkan versi 2.") in _uploaded(client, revised)


def test_the_version_page_names_form_and_decision_changes(app, client, clock):
    with app.app_context():
        deploy(db.session, clock, _with_forms("tahun: angka", "nomor: teks"))
        deploy(db.session, clock, _with_forms(
            "tahun: angka wajib; unit &quot;Unit pengusul&quot;: teks", "nomor: teks"),
            activate=False)
        db.session.commit()
    login(client, "admin")
    page = client.get("/admin/sop/sop_uji").get_data(True)
    assert ("<strong>Formulir mulai:</strong> kolom ditambah: Unit pengusul; kolom diubah: "
            "Tahun</li>") in page
    admin = api_token(client, "admin")
    diff = client.get("/api/v1/processes/sop_uji/versions/2/diff", headers=admin).json
    assert diff["forms"] == [{"where": None, "added": ["Unit pengusul"], "removed": [],
                              "changed": ["Tahun"]}]
    assert (diff["decisions"], diff["prefix"]) == ([], None)
    dropped = client.post("/api/v1/processes", headers=admin, data={
        "file": (io.BytesIO(_with_forms("", "nomor: teks")), "sop_uji.bpmn"),
        "activate": "false"}, content_type="multipart/form-data").json
    assert (dropped["created"], dropped["removed_form_fields"]) == (True, 1), (
        "an API client is told, as the page warns, that the active version's Tahun is gone")
    live = client.post("/api/v1/processes", headers=admin, data={
        "file": (io.BytesIO(_with_forms("", "")), "sop_uji.bpmn")},
        content_type="multipart/form-data").json
    assert (live["active"], live["removed_form_fields"]) == (True, 2), (
        "activated at once: counted against the version active before (the regression probe)")


def test_an_upload_that_drops_form_fields_warns_as_it_is_stored(app, client, clock):
    """SOP table probe: the bundled twin table of a hand-modelled SOP, uploaded again,
    dropped every form field; its upload said a plain "tersimpan"."""
    with app.app_context():
        deploy(db.session, clock, _with_forms("tahun: angka; unit: teks", "nomor: teks"))
        db.session.commit()
    login(client, "admin")
    dropped = _uploaded(client, _with_forms("tahun: angka", ""))
    assert ("versi 2 tersimpan. Periksa perbedaannya, lalu aktifkan. Perhatian: versi ini "
            "menghapus 2 kolom formulir versi aktif.") in dropped
    added = _uploaded(client, _with_forms("tahun: angka; unit: teks; x: teks", "nomor: teks"))
    assert "versi 3 tersimpan" in added and "menghapus" not in added
