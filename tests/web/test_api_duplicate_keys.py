"""A JSON body whose object names a key twice is refused (400, naming the key) before
anything changes; before, the last value was taken silently, whichever the client meant."""

from sqlalchemy import func, select

from engine.models import ProcessInstance
from tests.web.conftest import api_token
from web.extensions import db


def test_a_key_written_twice_is_refused_naming_it_and_nothing_is_started(app, client):
    headers = {**api_token(client, "prakom"), "Content-Type": "application/json"}
    body = ('{"process_key": "penanganan_gangguan_server", "title": "Server mati", '
            '"data": {"prioritas": "minor", "prioritas": "kritis"}}')
    refused = client.post("/api/v1/instances", headers=headers, data=body)
    assert refused.status_code == 400
    assert refused.json["error"] == {
        "code": "bad_request",
        "message": 'Kunci "prioritas" muncul dua kali dalam satu objek JSON; tidak ada yang '
                   "diubah."}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
    once = client.post("/api/v1/instances", headers=headers,
                       data=body.replace('"prioritas": "minor", ', ""))
    assert once.status_code == 201, once.json
    broken = client.post("/api/v1/instances", headers=headers, data="{bad")
    assert broken.json["error"]["message"] == "Badan permintaan harus JSON yang sah."


def test_a_body_not_sent_as_json_says_which_content_type_it_came_with(client):
    headers = api_token(client, "prakom")
    body = '{"process_key": "penanganan_gangguan_server", "title": "Server"}'
    plain = client.post("/api/v1/instances", headers={**headers, "Content-Type": "text/plain"},
                        data=body)
    assert plain.status_code == 400
    assert plain.json["error"]["message"] == (
        "Badan permintaan harus dikirim sebagai JSON (Content-Type: application/json); bukan "
        "text/plain.")
    bare = client.post("/api/v1/instances", headers=headers, data=body.encode())
    assert bare.json["error"]["message"].endswith("; permintaan ini tanpa Content-Type.")
