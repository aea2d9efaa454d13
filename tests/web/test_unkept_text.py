"""A control character pasted into a long text (Word's vertical tab, a form feed) on the
pages where people type at length: completing a step, Mulai Proses, Ajukan Tiket. The page
answers 422 beside each field that held one, keeps what was typed without it, and stores
nothing; elsewhere the door still answers 400 (README, "Akun, peran dan keamanan")."""

import html
import re

from engine.models import AuditRecord, HumanTask, ProcessInstance
from tests.conftest import START_DATA, csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from web.extensions import db

SERVER = "penanganan_gangguan_server"
LTI = "penanganan_permintaan_layanan_ti"
UNKEPT_WORDS = "Memuat karakter kendali yang tidak dapat disimpan"


def _error_beside(page: str, name: str) -> bool:
    """Whether the page marks field ``name`` invalid and says why in the text the field
    names as its description (``aria-describedby``)."""
    field = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', field)
    return 'aria-invalid="true"' in field and described is not None and any(
        re.search(rf'id="{ident}"[^>]*>{UNKEPT_WORDS}', page)
        for ident in described.group(1).split())


def test_completing_a_step_with_a_vertical_tab_keeps_the_note_and_stores_nothing(app, client):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                          json={"process_key": SERVER, "title": "Server mati"}).json
    task_id = started["open_tasks"][0]["id"]
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    audited = app_count(app, AuditRecord)
    refused = client.post(f"/tugas/{task_id}", data={
        "csrf_token": csrf_token(page), "catatan": "Kabel\x0bdiganti, server hidup lagi",
        "kelengkapan": "Jaringan internet"})
    assert refused.status_code == 422
    shown = refused.get_data(True)
    assert _error_beside(shown, "catatan")
    assert ">Kabeldiganti, server hidup lagi</textarea>" in html.unescape(shown)
    with app.app_context():
        assert db.session.get(HumanTask, task_id).state == "open"
    assert app_count(app, AuditRecord) == audited, "nothing was recorded, so nothing was stored"
    done = client.post(f"/tugas/{task_id}", data={
        "csrf_token": csrf_token(shown), "catatan": "Kabeldiganti, server hidup lagi"})
    assert done.status_code == 302


def test_a_control_character_does_not_hide_the_forms_other_mistakes(app, client):
    """One round names every mistake: the control character beside the Catatan, and a
    Kelengkapan the step does not list beside its own, as a completion would refuse it."""
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                          json={"process_key": SERVER, "title": "Server mati"}).json
    task_id = started["open_tasks"][0]["id"]
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    refused = client.post(f"/tugas/{task_id}", data={
        "csrf_token": csrf_token(page), "catatan": "Kabel\x0bdiganti",
        "kelengkapan": "Surat dari bulan"})
    assert refused.status_code == 422
    assert _error_beside(refused.get_data(True), "catatan")
    assert re.search(r'id="kelengkapan-error">[^<]*hanya boleh berisi', html.unescape(
        refused.get_data(True)))
    with app.app_context():
        assert db.session.get(HumanTask, task_id).state == "open"


def test_someone_who_may_only_view_the_step_is_refused_whatever_he_typed(app, client):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                          json={"process_key": SERVER, "title": "Server mati"}).json
    task_id = started["open_tasks"][0]["id"]
    login(client, "kasubbag")  # supervises the Prakom's step: sees it, may not do it
    page = client.get(f"/tugas/{task_id}").get_data(True)
    refused = client.post(f"/tugas/{task_id}", data={
        "csrf_token": csrf_token(page), "catatan": "Kabel\x0bdiganti"})
    assert refused.status_code == 403, "not asked to mend a text he may not send"
    with app.app_context():
        assert db.session.get(HumanTask, task_id).state == "open"


def test_mulai_proses_with_a_control_character_in_the_title_keeps_it_and_starts_nothing(
        app, client):
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={SERVER}").get_data(True)
    refused = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": SERVER, "title": "Server\x0cmati"})
    assert refused.status_code == 422
    assert _error_beside(refused.get_data(True), "title")
    assert 'value="Servermati"' in refused.get_data(True)
    assert app_count(app, ProcessInstance) == 0


def test_ajukan_tiket_with_a_control_character_in_the_uraian_keeps_it_and_files_nothing(
        app, client):
    add_employee(app)
    login(client, "pegawai")
    page = client.get("/tiket/ajukan").get_data(True)
    refused = client.post("/tiket/ajukan", data={
        "csrf_token": csrf_token(page), "process_key": LTI, "title": "Printer",
        **START_DATA[LTI], "uraian": "Printer\x0bruang sidang macet"})
    assert refused.status_code == 422
    shown = refused.get_data(True)
    assert _error_beside(shown, "uraian")
    assert ">Printerruang sidang macet</textarea>" in shown
    assert 'value="Printer"' in shown, "the other fields keep what was typed too"
    assert app_count(app, ProcessInstance) == 0
    switched = client.post("/tiket/ajukan", data={
        "csrf_token": csrf_token(page), "process_key": LTI, "tampilkan": "ya",
        "title": "Printer\x0b"})
    assert switched.status_code == 422, "only showing the form still says what was taken out"
    assert _error_beside(switched.get_data(True), "title")
    assert app_count(app, ProcessInstance) == 0


def test_a_comment_with_a_control_character_comes_back_without_it_beside_its_box(app,
                                                                               client):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                          json={"process_key": SERVER, "title": "Server mati"}).json
    login(client, "prakom")
    page = client.get(f"/proses/{started['id']}").get_data(True)
    audited = app_count(app, AuditRecord)
    refused = client.post(f"/proses/{started['id']}/komentar", data={
        "csrf_token": csrf_token(page), "komentar": "Sudah\x0bdicek ulang"})
    html = refused.get_data(True)
    assert refused.status_code == 422 and _error_beside(html, "komentar")
    assert '>Sudahdicek ulang</textarea>' in html, "the text kept, the character taken out"
    assert "data-draft-posted" in html, "the draft is what the page shows back"
    assert app_count(app, AuditRecord) == audited
    api = client.post(f"/api/v1/instances/{started['id']}/comments",
                      headers=api_token(client, "prakom"), json={"text": "Sudah\x0bdicek"})
    assert api.status_code == 400, "the API refuses it at the door, as every API text"


def test_a_direction_override_is_refused_where_it_would_spoof_a_name_or_a_title(app, client):
    """"abc\u202eexe.pdf" shows as "abcfdp.exe": in a person's name it would rewrite every
    history line he appears in; in a title, every list. Refused like the other controls."""
    token = api_token(client, "prakom")
    refused = client.post("/api/v1/instances", headers=token, json={
        "process_key": SERVER, "title": "Server\u202eexe.pdf"})
    assert refused.status_code == 400
    assert refused.json["error"]["fields"] == {
        "title": "memuat karakter kendali yang tidak dapat disimpan"}
    for isolate in ("\u2066", "\u2069", "\u202a"):
        assert client.post("/api/v1/instances", headers=token, json={
            "process_key": SERVER, "title": f"Server{isolate}mati"}).status_code == 400
    assert app_count(app, ProcessInstance) == 0
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={SERVER}").get_data(True)
    kept = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": SERVER, "title": "Server\u202emati"})
    assert kept.status_code == 422 and _error_beside(kept.get_data(True), "title")
    assert 'value="Servermati"' in kept.get_data(True)
    assert app_count(app, ProcessInstance) == 0
    arabic = client.post("/api/v1/instances", headers=token, json={
        "process_key": SERVER, "title": "Surat \u200fعربي\u200f"})
    assert arabic.status_code == 201, "a right-to-left mark (no override) is kept"


def test_the_door_names_a_pages_field_by_its_label_the_api_by_its_name(app, client):
    """The Plh/Plt form's warrant number with a NUL: the page says "Nomor surat perintah",
    as the form labels it, not ``warrant_number``; the API keeps the member's name."""
    login(client, "kasubbag")
    page = client.get("/plh/").get_data(True)
    refused = client.post("/plh/", data={"csrf_token": csrf_token(page), "kind": "Plh",
                                         "warrant_number": "ST-01\x00"})
    text = html.unescape(refused.get_data(True))
    assert refused.status_code == 400
    assert "<li>Nomor surat perintah: memuat karakter kendali" in text
    assert "warrant_number" not in text.split("<main", 1)[1]
    api = client.post("/api/v1/substitutions", headers=api_token(client, "kasubbag"),
                      json={"kind": "Plh", "warrant_number": "ST-01\x00"})
    assert api.status_code == 400 and list(api.json["error"]["fields"]) == ["warrant_number"]
    login(client, "admin")
    trail = html.unescape(client.get("/admin/jejak-audit?pengguna=prakom%01").get_data(True))
    assert "<li>Nama pengguna: memuat karakter kendali" in trail, "a filter by its label too"
