"""Forms uploaded with their BPMN: SpiffArena-style files (several files in one request,
a .zip, a folder), checked at upload; a refused upload stores nothing."""

import io
import json
import zipfile

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.clock import SystemClock
from engine.models import AuditRecord, ProcessDefinition, ProcessInstance
from engine.runtime.adapter import load_state, spec_from_json
from engine.time.calendar import DEFAULT_CALENDAR
from tests.conftest import csrf_token, mini_bpmn
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from web.extensions import db

SCHEMA = {"type": "object", "required": ["judul_konsep"], "properties": {
    "judul_konsep": {"type": "string", "title": "Judul konsep", "maxLength": 200},
    "halaman": {"type": "integer", "title": "Jumlah halaman", "minimum": 1},
    "tanggal": {"type": "string", "format": "date", "title": "Tanggal konsep"},
    "jenis": {"type": "string", "title": "Jenis", "oneOf": [
        {"const": "surat", "title": "Surat"}, {"const": "laporan", "title": "Laporan"}]},
    "topik": {"type": "array", "title": "Topik", "uniqueItems": True,
              "items": {"type": "string", "enum": ["anggaran", "kinerja"]}},
    "rahasia": {"type": "boolean", "title": "Rahasia"},
    "berkas": {"type": "string", "format": "data-url", "title": "Berkas konsep"},
}}
UI = {"ui:order": ["judul_konsep", "jenis"], "judul_konsep": {"ui:widget": "textarea"}}
START = {"type": "object", "properties": {"unit": {"type": "string", "title": "Unit"}}}


def _bpmn(task_schema: str = "konsep-schema.json") -> bytes:
    properties = (f'<spiffworkflow:property name="formJsonSchemaFilename" value="{task_schema}" />'
                  '<spiffworkflow:property name="formUiSchemaFilename" '
                  'value="konsep-uischema.json" />')
    return mini_bpmn({
        '<bpmn:startEvent id="StartEvent_1" name="Mulai" />':
            '<bpmn:startEvent id="StartEvent_1" name="Mulai"><bpmn:extensionElements>'
            '<spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" '
            'value="mulai-schema.json" /></spiffworkflow:properties></bpmn:extensionElements>'
            '</bpmn:startEvent>',
        '<spiffworkflow:property name="keterangan" value="" />\n        </spiffworkflow:properties>':
            '<spiffworkflow:property name="keterangan" value="" />' + properties
            + "\n        </spiffworkflow:properties>",
    })


def _files(schema=SCHEMA) -> dict[str, bytes]:
    return {"sop_uji.bpmn": _bpmn(), "konsep-schema.json": json.dumps(schema).encode(),
            "konsep-uischema.json": json.dumps(UI).encode(),
            "mulai-schema.json": json.dumps(START).encode()}


def _post(client, files: dict[str, bytes]):
    return client.post("/api/v1/processes", headers=api_token(client, "admin"),
                       data={"file": [(io.BytesIO(data), name) for name, data in files.items()]},
                       content_type="multipart/form-data")


def _stored(app) -> tuple[int, int]:
    return (app_count(app, ProcessDefinition),
            app_count(app, AuditRecord,
                      AuditRecord.action != "token.issued"))  # each request's own token


def test_several_files_in_one_request_deploy_with_their_forms(app, client):
    response = _post(client, _files())
    assert response.status_code == 201, response.json
    with app.app_context():
        definition = db.session.scalar(select(ProcessDefinition).where(
            ProcessDefinition.key == "sop_uji"))
        assert definition.catalog["tasks"]["Kegiatan_1"]["form"] == {"schema": SCHEMA, "ui": UI}
        assert definition.catalog["start_form"] == {"schema": START, "ui": {}}
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"unit": "PTIP"}})
    task = started.json["open_tasks"][0]["id"]
    login(client, "prakom")
    page = client.get(f"/tugas/{task}").get_data(True)
    for value in ("anggaran", "kinerja"):
        assert f'<input type="checkbox" name="topik" value="{value}"' in page
    bad = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={"data": {
        "halaman": 0, "tanggal": "31-12-2026", "jenis": "memo", "topik": ["x"],
        "rahasia": "ya", "berkas": "konsep.pdf"}})
    assert bad.status_code == 422
    assert bad.json["error"]["fields"] == {
        "judul_konsep": '"Judul konsep" wajib diisi',
        "halaman": '"Jumlah halaman" paling kecil 1',
        "tanggal": '"Tanggal konsep" harus tanggal (TTTT-BB-HH)',
        "jenis": '"Jenis" harus salah satu pilihan yang tersedia',
        "topik": '"Topik" harus salah satu dari: anggaran, kinerja',
        "rahasia": '"Rahasia" harus berupa ya atau tidak',
        "berkas": '"Berkas konsep": berkas "konsep.pdf" belum dilampirkan pada proses ini'}
    good = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={"data": {
        "judul_konsep": "Konsep RKT", "halaman": 3, "tanggal": "2026-12-31",
        "jenis": "laporan", "topik": ["kinerja"], "rahasia": False, "kelengkapan": ["Data"]}})
    assert good.status_code == 200, good.json
    # Officials read choices by their labels and dates in words; the Kelengkapan ticked
    # stays with the step.
    shown = client.get(f"/tugas/{task}").get_data(True)
    for label, value in (("Jenis", "Laporan"), ("Tanggal konsep", "31 Des 2026"),
                         ("Rahasia", "Tidak"), ("Kelengkapan", "Data")):
        assert f"<dt>{label}</dt>\n  <dd>{value}</dd>" in shown, label
    assert "2026-12-31" not in shown
    assert good.json["instance"]["data"] == {
        "unit": "PTIP", "judul_konsep": "Konsep RKT", "halaman": 3, "tanggal": "2026-12-31",
        "jenis": "laporan", "topik": ["kinerja"], "rahasia": False}


def test_a_zip_bundle_deploys(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in _files().items():
            archive.writestr(f"sop_uji/{name}", data)
    response = _post(client, {"sop_uji.zip": buffer.getvalue()})
    assert response.status_code == 201, response.json
    assert response.json["key"] == "sop_uji"


def _zip(method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in _files().items():
            archive.writestr(name, data * 20)  # long enough to be compressed
    return buffer.getvalue()


def _encrypted(data: bytes) -> bytes:
    """``data`` with each member's "encrypted" flag set (local header and central directory)."""
    flagged = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = flagged.find(signature)
        while at != -1:
            flagged[at + offset] |= 1
            at = flagged.find(signature, at + 4)
    return bytes(flagged)


def _unsupported_method(data: bytes) -> bytes:
    """``data`` with each member's compression method 99 (AES, as 7-Zip writes it)."""
    changed = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = changed.find(signature)
        while at != -1:
            changed[at + offset:at + offset + 2] = (99).to_bytes(2, "little")
            at = changed.find(signature, at + 4)
    return bytes(changed)


def _damaged(data: bytes) -> bytes:
    """``data`` with the first member's compressed bytes overwritten."""
    start = 30 + int.from_bytes(data[26:28], "little") + int.from_bytes(data[28:30], "little")
    return data[:start] + b"\xff" * 40 + data[start + 40:]


@pytest.mark.parametrize("make, problem", [
    (lambda: _encrypted(_zip()), "adalah ZIP berkata sandi; kirim ZIP tanpa kata sandi."),
    (lambda: _unsupported_method(_zip()),
     "memakai cara pemadatan yang tidak dapat dibaca; buat ZIP biasa (Deflate)."),
    (lambda: _damaged(_zip()), "bukan ZIP yang dapat dibaca."),
    (lambda: _damaged(_zip(zipfile.ZIP_LZMA)), "bukan ZIP yang dapat dibaca."),
    (lambda: _damaged(_zip(zipfile.ZIP_BZIP2)), "bukan ZIP yang dapat dibaca."),
])
def test_a_zip_that_cannot_be_unpacked_is_refused_in_words_and_nothing_is_stored(
        app, client, make, problem):
    """Each of these was a 500 (zipfile raises RuntimeError, NotImplementedError, zlib and
    LZMA errors besides BadZipFile)."""
    before = _stored(app)
    response = _post(client, {"sop_uji.zip": make()})
    assert (response.status_code, response.json["error"]["problems"]) == (
        422, [f'Berkas "sop_uji.zip" {problem}'])
    assert _stored(app) == before


def test_a_spiffarena_process_folder_deploys_from_the_command_line(app, tmp_path):
    folder = tmp_path / "sop_uji"
    folder.mkdir()
    for name, data in _files().items():
        (folder / name).write_bytes(data)
    result = app.test_cli_runner().invoke(args=["deploy", str(folder)])
    assert result.exit_code == 0, result.output
    assert "sop_uji versi 1 (versi baru)" in result.output
    # A revised form beside the old one: only the file the BPMN names goes with it.
    (folder / "v2-konsep-schema.json").write_bytes(_files()["konsep-schema.json"])
    (folder / "sop_uji.bpmn").write_bytes(_bpmn("v2-konsep-schema.json"))
    again = app.test_cli_runner().invoke(args=["deploy", str(folder)])
    assert again.exit_code == 0, again.output
    assert "sop_uji versi 2 (versi baru)" in again.output


@pytest.mark.parametrize("change, problem", [
    (lambda f: f.pop("konsep-schema.json"),
     'formulir ditolak: berkas formulir "konsep-schema.json" tidak ada dalam unggahan'),
    (lambda f: f.update({"konsep-schema.json": b"{bukan json"}),
     'formulir "konsep-schema.json" bukan JSON yang sah (baris 1, kolom 2)'),
    (lambda f: f.update({"catatan.json": b"bukan json"}),
     'Berkas formulir "catatan.json" bukan JSON yang sah (baris 1, kolom 1).'),
    (lambda f: f.update({"catatan.json": b"\xff"}),
     'Berkas formulir "catatan.json" bukan teks JSON UTF-8.'),
    (lambda f: f.update({"lain-schema.json": b"{}"}),
     'Berkas "lain-schema.json" tidak disebut oleh elemen mana pun di BPMN'),
    (lambda f: f.update({"konsep-uischema.json": b"{}", "sop_uji.bpmn": f["sop_uji.bpmn"]
                         .replace(b'value="konsep-schema.json"', b'value=""')}),
     'Berkas "konsep-schema.json" tidak disebut oleh elemen mana pun di BPMN'),
    (lambda f: f.update({"konsep-schema.json": json.dumps(
        {"type": "object", "properties": {"a": {"type": "teks"}}}).encode()}),
     'bukan JSON Schema yang sah: nilai "teks" pada properties.a.type tidak diterima'),
    (lambda f: f.update({"konsep-schema.json": json.dumps(
        {"type": "object", "properties": {"unit": {"$ref": "https://contoh.go.id/unit"}}}
    ).encode()}), "skema formulir tidak boleh memakai $ref"),
    (lambda f: f.update({"konsep-schema.json": json.dumps(
        {"type": "object", "properties": {"kode": {"type": "string", "pattern": "^(a+)+$"}}}
    ).encode()}), "skema formulir tidak boleh memakai pola (pattern)"),
    (lambda f: f.update({"konsep-schema.json": json.dumps(
        {"type": "object", "properties": {"pattern": {"type": "string"}},
         "patternProperties": {"^x": {"type": "string"}}}).encode()}),
     "skema formulir tidak boleh memakai pola (patternProperties)"),
    (lambda f: f.update({"konsep-schema.json": b"[" * 60_000 + b"]" * 60_000}),
     'berkas formulir "konsep-schema.json" bersarang lebih dari 32 tingkat'),
    (lambda f: f.update({"konsep-schema.json": b'{"a": ' * 40 + b"1" + b"}" * 40}),
     'berkas formulir "konsep-schema.json" bersarang lebih dari 32 tingkat'),
    (lambda f: f.update({"konsep-schema.json": json.dumps(
        {"type": "object", "properties": {"alamat": {"type": "object"}}}).encode()}),
     'formulir ditolak (berkas "konsep-schema.json"): kolom "alamat": jenis tidak didukung'),
    (lambda f: f.update({"konsep-schema.json": json.dumps(
        {"type": "object", "properties": {"catatan": {"type": "string"}}}).encode()}),
     'kolom "catatan" sudah dibuat Alur'),
    (lambda f: f.update({"konsep-uischema.json": b'{"ui:order": 5}'}),
     'skema UI: "ui:order" harus daftar nama kolom'),
    (lambda f: f.update({"konsep-uischema.json": b'{"ui:order": 5}', "sop_uji.bpmn": f[
        "sop_uji.bpmn"].replace(b'value="mulai-schema.json" />', b'value="mulai-schema.json" />'
                                b'<spiffworkflow:property name="formUiSchemaFilename" '
                                b'value="konsep-uischema.json" />')}),
     'skema UI: "ui:order" harus daftar nama kolom'),
    (lambda f: f.update({"gambar.png": b"\x89PNG"}),
     'Berkas "gambar.png" bukan BPMN atau formulir JSON (tampaknya PNG)'),
])
def test_a_bad_form_refuses_the_upload_and_stores_nothing(app, client, change, problem):
    before = _stored(app)
    files = _files()
    change(files)
    response = _post(client, files)
    assert response.status_code == 422, response.json
    assert problem in " ".join(response.json["error"]["problems"])
    assert _stored(app) == before


def test_the_admin_page_takes_the_bpmn_with_its_form_files_and_refuses_a_missing_one(app,
                                                                                    client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    files = _files()
    del files["konsep-uischema.json"]
    refused = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": [(io.BytesIO(d), n) for n, d in files.items()]})
    assert refused.status_code == 422
    assert "berkas formulir &#34;konsep-uischema.json&#34; tidak ada dalam unggahan" in \
        refused.get_data(True)
    before = _stored(app)
    uploaded = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": [(io.BytesIO(d), n) for n, d in _files().items()]})
    assert uploaded.headers["Location"] == "/admin/sop/sop_uji"
    assert _stored(app)[0] == before[0] + 1


def test_a_file_field_given_a_list_or_an_object_is_refused_not_a_500(app, client):
    assert _post(client, _files()).status_code == 201
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"unit": "PTIP"}})
    task = started.json["open_tasks"][0]["id"]
    for value in (["x"], {"a": 1}):
        answer = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={
            "data": {"judul_konsep": "Konsep", "berkas": value}})
        assert answer.status_code == 422, value
        assert list(answer.json["error"]["fields"]) == ["berkas"]


def test_a_text_field_without_max_length_still_takes_at_most_2000_characters(app, client):
    unbounded = {"type": "object", "properties": {"uraian": {"type": "string"}}}
    files = {**_files(unbounded), "mulai-schema.json": json.dumps(unbounded).encode()}
    assert _post(client, files).status_code == 201
    prakom = api_token(client, "prakom")
    refused = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"uraian": "x" * 2001}})
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {"uraian": '"Uraian" paling banyak 2000 karakter'}
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"uraian": "x" * 2000}})
    task = started.json["open_tasks"][0]["id"]
    long = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom,
                       json={"data": {"uraian": "y" * 2001}})
    assert long.status_code == 422
    assert long.json["error"]["fields"] == {"uraian": '"Uraian" paling banyak 2000 karakter'}
    assert client.get(f"/api/v1/tasks/{task}", headers=prakom).json["state"] == "open"
    assert client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={
        "data": {"uraian": "y" * 2000}}).status_code == 200


def test_free_start_data_takes_only_numbers_json_can_carry(client):
    """An SOP without a start form takes plain values; NaN and infinity were stored and
    then every answer that carried the instance was no JSON (``Infinity``)."""
    admin = api_token(client, "admin")
    assert client.get("/api/v1/processes/laporan_tahunan", headers=admin
                      ).json["start_form"] is None
    for raw in ("NaN", "1e400", "-Infinity", "9007199254740992"):
        answer = client.post("/api/v1/instances", headers={
            **admin, "Content-Type": "application/json"},
            data=f'{{"process_key": "laporan_tahunan", "title": "x", '
                 f'"data": {{"n": {raw}}}}}')
        assert answer.status_code == 422, raw
        assert answer.json["error"]["fields"] == {
            "n": "angka harus terhingga di bawah 2^53 (9.007.199.254.740.992)"}


def test_a_field_left_empty_in_a_revision_round_no_longer_shows_the_old_value(app, client):
    assert _post(client, _files()).status_code == 201
    prakom, kasubbag = api_token(client, "prakom"), api_token(client, "kasubbag")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"unit": "PTIP"}}).json

    def complete(headers, data):
        task = client.get(f"/api/v1/instances/{started['id']}", headers=headers
                          ).json["open_tasks"][0]["id"]
        answer = client.post(f"/api/v1/tasks/{task}/complete", headers=headers,
                             json={"data": data})
        assert answer.status_code == 200, answer.json
        return answer.json["instance"]["data"]

    first = complete(prakom, {"judul_konsep": "Konsep", "topik": ["kinerja"]})
    assert first["topik"] == ["kinerja"]
    complete(kasubbag, {"judul_konsep": "Konsep", "topik": ["kinerja"],  # the same form
                        "keputusan_kasubbag": "revisi", "catatan": "Topik tidak tepat"})
    second = complete(prakom, {"judul_konsep": "Konsep 2", "topik": []})
    assert second == {"unit": "PTIP", "judul_konsep": "Konsep 2"}
    # So does the workflow's own data, which the gateway after the Kasubbag's step reads.
    with app.app_context():
        instance = db.session.get(ProcessInstance, started["id"])
        workflow = load_state(instance.state_json,
                              spec_from_json(instance.definition.spec_json),
                              SystemClock(), DEFAULT_CALENDAR)
    [waiting] = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert waiting.data["judul_konsep"] == "Konsep 2"
    assert "topik" not in waiting.data and "catatan" not in waiting.data


def test_dates_are_read_only_in_the_documented_shapes(app, client):
    """``20261220`` and ``2026-W51-3`` read as dates to Python, and a date typed where a
    date and time belongs was stored as ``2026-12-03:00``: all are refused naming the
    field."""
    schema = {**SCHEMA, "properties": {**SCHEMA["properties"], "rapat": {
        "type": "string", "format": "date-time", "title": "Jadwal rapat"}}}
    assert _post(client, _files(schema)).status_code == 201
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"unit": "PTIP"}})
    task = started.json["open_tasks"][0]["id"]
    for field, value in (("tanggal", "20261220"), ("tanggal", "2026-W51-3"),
                         ("rapat", "2026-12-02"), ("rapat", "2026-12-02 09:15:00")):
        answer = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={
            "data": {"judul_konsep": "Konsep", field: value}})
        assert answer.status_code == 422, value
        assert list(answer.json["error"]["fields"]) == [field], value
    login(client, "prakom")
    page = client.get(f"/tugas/{task}").get_data(True)
    typed = client.post(f"/tugas/{task}", data={"csrf_token": csrf_token(page),
                                                "judul_konsep": "Konsep", "rapat": "2026-12-03"})
    assert typed.status_code == 422 and "Jadwal rapat" in typed.get_data(True)
    done = client.post(f"/tugas/{task}", data={"csrf_token": csrf_token(page),
                                               "judul_konsep": "Konsep",
                                               "rapat": "2026-12-03T09:00"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ProcessInstance.data))["rapat"] == "2026-12-03T09:00:00+07:00"
