"""Form values and form schemas at their edges: dates past the calendar's reach, schemas no
submission could satisfy, parts of a multipart completion that are no field of the form,
and what a refused number says. A refusal stores nothing; a page never answers 500."""

import io
import json

import pytest
from sqlalchemy import select

from engine.models import Attachment, HumanTask, ProcessInstance
from tests.conftest import csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from tests.web.test_form_upload import SCHEMA, _files, _post, _stored
from web.extensions import db

START = {"type": "object", "properties": {
    "unit": {"type": "string", "title": "Unit"},
    "jadwal": {"type": "string", "format": "date-time", "title": "Jadwal mulai"}}}
STEP = {**SCHEMA, "properties": {**SCHEMA["properties"], "rapat": {
    "type": "string", "format": "date-time", "title": "Jadwal rapat"}}}


def _deploy(client, step=STEP, start=START) -> None:
    files = {**_files(step), "mulai-schema.json": json.dumps(start).encode()}
    assert _post(client, files).status_code == 201


def _start(client, headers, data=None):
    return client.post("/api/v1/instances", headers=headers, json={
        "process_key": "sop_uji", "title": "Konsep", "data": data or {"unit": "PTIP"}})


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                                   "2100-12-31T20:00:00-12:00", "1899-12-31T23:59:59",
                                   "2101-01-01T00:00:00Z"])
def test_a_date_time_outside_1900_to_2100_is_refused_on_the_start_form(app, client, value):
    """Accepted before, these made the case's pages answer 500 for everyone (the moment
    could not be moved to the office's zone)."""
    _deploy(client)
    refused = _start(client, api_token(client, "prakom"), {"unit": "PTIP", "jadwal": value})
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["fields"] == {
        "jadwal": '"Jadwal mulai" harus dalam tahun 1900–2100'}
    assert app_count(app, ProcessInstance) == 0


def test_a_date_outside_the_years_is_refused_on_a_step_and_the_task_stays_open(app, client):
    _deploy(client)
    prakom = api_token(client, "prakom")
    task = _start(client, prakom).json["open_tasks"][0]["id"]
    for field, value, label in (("rapat", "0001-01-01T00:00:00+14:00", "Jadwal rapat"),
                                ("tanggal", "9999-12-31", "Tanggal konsep")):
        refused = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={
            "data": {"judul_konsep": "Konsep", field: value}})
        assert refused.status_code == 422, value
        assert refused.json["error"]["fields"] == {field: f'"{label}" harus dalam tahun 1900–2100'}
    assert client.get(f"/api/v1/tasks/{task}", headers=prakom).json["state"] == "open"
    login(client, "prakom")
    page = client.get(f"/tugas/{task}").get_data(True)
    typed = client.post(f"/tugas/{task}", data={"csrf_token": csrf_token(page),
                                                "judul_konsep": "Konsep",
                                                "rapat": "2101-01-01T00:00"})
    assert typed.status_code == 422
    assert "&#34;Jadwal rapat&#34; harus dalam tahun 1900–2100" in typed.get_data(True)
    assert client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={"data": {
        "judul_konsep": "Konsep", "rapat": "2100-12-31T23:00:00+07:00",
        "tanggal": "1900-01-01"}}).status_code == 200


def test_a_stored_date_the_zone_cannot_take_is_shown_as_written_not_a_500(app, client):
    """A value stored before the bound (or written by hand) still opens its pages."""
    _deploy(client)
    prakom = api_token(client, "prakom")
    started = _start(client, prakom).json
    task = started["open_tasks"][0]["id"]
    with app.app_context():
        instance = db.session.get(ProcessInstance, started["id"])
        instance.data = {**instance.data, "jadwal": "9999-12-31T23:59:59-12:00",
                         "rapat": "0001-01-01T00:00:00+14:00"}
        db.session.commit()
    login(client, "prakom")
    for path in (f"/tugas/{task}", f"/proses/{started['id']}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "9999-12-31T23:59:59-12:00" in page.get_data(True), path


@pytest.mark.parametrize("field, message", [
    ({"type": "array", "items": {"enum": ["a", "b"]}, "minItems": 3, "maxItems": 1},
     'kolom "x": batas bawah melebihi batas atas (minItems 3, maxItems 1)'),
    ({"type": "number", "exclusiveMinimum": 5, "maximum": 5},
     'kolom "x": batas bawah melebihi batas atas (exclusiveMinimum 5, maximum 5)'),
    ({"type": "number", "minimum": 5, "exclusiveMaximum": 5},
     'kolom "x": batas bawah melebihi batas atas (minimum 5, exclusiveMaximum 5)'),
    ({"type": "number", "exclusiveMinimum": 5, "exclusiveMaximum": 5},
     'kolom "x": batas bawah melebihi batas atas (exclusiveMinimum 5, exclusiveMaximum 5)'),
    ({"const": "a", "enum": ["b"]}, 'kolom "x": const dan enum tidak punya nilai bersama'),
    ({"type": "string", "minLength": 3, "maxLength": 1},
     'kolom "x": batas bawah melebihi batas atas (minLength 3, maxLength 1)'),
    ({"type": "array", "uniqueItems": True, "items": {"type": "string", "enum": ["a", "b"]},
      "minItems": 3}, 'kolom "x": minItems 3 melebihi jumlah pilihan (2)'),
    ({"type": "number", "minimum": 1e400}, 'kolom "x": minimum harus angka terhingga'),
    ({"type": "string", "enum": ["a"], "examples": [float("nan")]},
     'kolom "x": examples[0] harus angka terhingga'),
])
def test_a_form_field_no_submission_could_satisfy_refuses_the_upload(app, client, field,
                                                                    message):
    before = _stored(app)
    schema = {"type": "object", "properties": {"x": field}}
    # As a client sends it: 1e400 and NaN as written in the file, read back as inf and nan.
    text = json.dumps(schema).replace("Infinity", "1e400").encode()
    response = _post(client, {**_files(), "konsep-schema.json": text})
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_bpmn"
    assert message in " ".join(response.json["error"]["problems"])
    assert _stored(app) == before


def test_a_name_repeated_in_ui_order_refuses_the_upload_on_the_admin_page(app, client):
    """The page drew the field twice, and only one of its two values was kept."""
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    before = _stored(app)
    files = {**_files(), "konsep-uischema.json": json.dumps(
        {"ui:order": ["judul_konsep", "judul_konsep", "jenis"]}).encode()}
    refused = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": [(io.BytesIO(d), n) for n, d in files.items()]})
    assert refused.status_code == 422
    assert ("skema UI: &#34;ui:order&#34; menyebut &#34;judul_konsep&#34; dua kali; setiap "
            "kolom sekali saja") in refused.get_data(True)
    assert _stored(app) == before


@pytest.mark.parametrize("part", [
    {"zzz": (io.BytesIO(b"%PDF-1.4 isi"), "konsep.pdf")},
    {"catatan": "ditulis di luar data"},
])
def test_a_multipart_part_that_is_no_field_of_the_form_is_refused(app, client, part):
    """Before, the step completed and the file (or the text) was thrown away."""
    _deploy(client)
    prakom = api_token(client, "prakom")
    task = _start(client, prakom).json["open_tasks"][0]["id"]
    [name] = part
    refused = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom,
                          content_type="multipart/form-data",
                          data={"data": json.dumps({"judul_konsep": "Konsep"}), **part})
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["fields"] == {name: "kolom ini tidak ada pada formulir tugas"}
    assert client.get(f"/api/v1/tasks/{task}", headers=prakom).json["state"] == "open"
    assert app_count(app, Attachment) == 0
    # The file field of the form takes its file.
    done = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom,
                       content_type="multipart/form-data", data={
                           "data": json.dumps({"judul_konsep": "Konsep"}),
                           "berkas": (io.BytesIO(b"%PDF-1.4 isi"), "konsep.pdf")})
    assert done.status_code == 200, done.json
    assert done.json["instance"]["data"]["berkas"] == "konsep.pdf"


def test_a_bound_says_what_is_wrong_not_only_that_it_does_not_fit(app, client):
    step = {"type": "object", "properties": {
        "nilai": {"type": "number", "title": "Nilai", "multipleOf": 0.5},
        "skor": {"type": "number", "title": "Skor", "exclusiveMinimum": 5,
                 "exclusiveMaximum": 10},
        "sisa": {"type": "number", "title": "Sisa", "exclusiveMaximum": 2.5},
        "topik": {"type": "array", "title": "Topik", "minItems": 2, "maxItems": 2,
                  "items": {"type": "string", "enum": ["a", "b", "c"]}}}}
    _deploy(client, step)
    prakom = api_token(client, "prakom")
    task = _start(client, prakom).json["open_tasks"][0]["id"]
    refused = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={"data": {
        "nilai": 0.7, "skor": 5, "sisa": 2.5, "topik": ["a"]}})
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {
        "nilai": '"Nilai" harus kelipatan 0,5', "skor": '"Skor" harus lebih dari 5',
        "sisa": '"Sisa" harus kurang dari 2,5', "topik": '"Topik": pilih paling sedikit 2'}
    many = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={"data": {
        "skor": 10, "topik": ["a", "b", "c"]}})
    assert many.json["error"]["fields"] == {
        "skor": '"Skor" harus kurang dari 10', "topik": '"Topik": pilih paling banyak 2'}
    with app.app_context():
        assert db.session.scalar(select(HumanTask.state).where(HumanTask.id == task)) == "open"


def test_a_decimal_step_takes_its_multiples_and_no_number_is_a_500(app, client):
    """jsonschema divides floats: 0.3 was no multiple of 0.1, and NaN or an infinity in a
    field with multipleOf raised inside it (500) instead of being refused by name."""
    step = {"type": "object", "properties": {
        "persen": {"type": "number", "title": "Persen", "multipleOf": 0.1},
        "nilai": {"type": "number", "title": "Nilai", "multipleOf": 0.5}}}
    _deploy(client, step)
    prakom = api_token(client, "prakom")
    task = _start(client, prakom).json["open_tasks"][0]["id"]
    limit = "harus angka terhingga di bawah 2^53 (9.007.199.254.740.992)"
    for raw in ("NaN", "1e400", "-Infinity"):
        body = f'{{"data": {{"persen": {raw}, "nilai": {raw}}}}}'
        as_json = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, data=body,
                              content_type="application/json")
        as_part = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom,
                              content_type="multipart/form-data",
                              data={"data": body.removeprefix('{"data": ').removesuffix("}")})
        for refused in (as_json, as_part):
            assert (refused.status_code, refused.json["error"]["fields"]) == (422, {
                "persen": f'"Persen" {limit}', "nilai": f'"Nilai" {limit}'}), raw
    off = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={"data": {
        "persen": 0.35, "nilai": 0.3}})
    assert off.json["error"]["fields"] == {"persen": '"Persen" harus kelipatan 0,1',
                                           "nilai": '"Nilai" harus kelipatan 0,5'}
    with app.app_context():
        assert db.session.scalar(select(HumanTask.state).where(HumanTask.id == task)) == "open"
    done = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={"data": {
        "persen": 0.3, "nilai": 2.5}})
    assert done.status_code == 200, done.json
    stored = done.json["instance"]["data"]
    assert (stored["persen"], stored["nilai"]) == (0.3, 2.5)


def test_the_choices_of_an_enum_are_named_as_the_user_reads_them(app, client):
    step = {"type": "object", "properties": {
        "setuju": {"type": "boolean", "title": "Setuju", "enum": [True]},
        "kelas": {"type": "number", "title": "Kelas", "enum": [1.5, 2]}}}
    _deploy(client, step)
    prakom = api_token(client, "prakom")
    task = _start(client, prakom).json["open_tasks"][0]["id"]
    refused = client.post(f"/api/v1/tasks/{task}/complete", headers=prakom, json={"data": {
        "setuju": False, "kelas": 3}})
    assert refused.json["error"]["fields"] == {
        "setuju": '"Setuju" harus salah satu dari: ya',
        "kelas": '"Kelas" harus salah satu dari: 1,5, 2'}
