"""A refused API body names each field in Bahasa Indonesia (web/api/field_messages.py)."""

import pytest
from sqlalchemy import func, select

from engine.models import ProcessInstance
from tests.web.conftest import api_token
from web.api.field_messages import indonesian
from web.extensions import db


@pytest.fixture
def prakom(client):
    return api_token(client, "prakom")


def test_a_start_without_title_and_a_bad_key_says_so_in_indonesian(app, client, prakom):
    response = client.post("/api/v1/instances", headers=prakom,
                           json={"process_key": 7, "data": "bukan objek", "lain": 1})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "title": ["wajib diisi"], "process_key": ["harus teks"],
        "data": ["harus objek JSON"], "lain": ["kolom ini tidak dikenal"]}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_a_query_out_of_range_and_not_a_number(client, prakom):
    assert client.get("/api/v1/tasks?per_page=abc", headers=prakom).json["error"][
        "fields"] == {"per_page": ["harus bilangan bulat"]}


def test_every_marshmallow_wording_alur_meets_is_translated_keeping_keys_and_shape():
    english = {
        "a": ["Length must be between 1 and 300."], "b": ["Longer than maximum length 64."],
        "c": ["Shorter than minimum length 2."], "d": ["Must be one of: x, y."],
        "e": {"0": {"f": ["Field may not be null."]}}, "g": ["Must be greater than 0."],
        "h": ["Not a valid boolean."], "i": ["Not a valid datetime."],
        "j": ["Invalid input type."], "k": ["sudah dalam bahasa Indonesia"],
        "l": ["Not a valid aware datetime."], "m": ["Must be equal to 4."]}
    assert indonesian(english) == {
        "a": ["panjangnya 1 sampai 300 karakter"], "b": ["paling panjang 64 karakter"],
        "c": ["paling pendek 2 karakter"], "d": ["harus salah satu dari: x, y"],
        "e": {"0": {"f": ["tidak boleh null"]}}, "g": ["harus lebih dari 0"],
        "h": ["harus benar/salah (true/false)"], "i": ["harus waktu ISO 8601"],
        "j": ["nilainya tidak sah"], "k": ["sudah dalam bahasa Indonesia"],
        "l": ["harus waktu ISO 8601 dengan zona waktu (mis. 2026-12-03T08:00:00+07:00)"],
        "m": ["harus 4"]}
