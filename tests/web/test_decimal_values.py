"""A number typed on a form is stored as typed, shown with every decimal it has, and sent
back unchanged by a revision's prefilled form (README "Formulir")."""

import json

from sqlalchemy import select

from engine.bpmn.forms import fields
from engine.models import ProcessInstance
from engine.process.forms import read_posted
from tests.conftest import csrf_token
from tests.web.conftest import login
from tests.web.test_form_upload import _files, _post
from web.extensions import db
from web.field_values import form_values

START = {"type": "object", "properties": {"besar": {"type": "number", "title": "Angka besar"}}}
FORM = {"schema": START, "ui": {}}


def _start(client, typed: str):
    page = client.get("/proses/baru?process_key=sop_uji").get_data(True)
    return client.post("/proses/baru", data={"csrf_token": csrf_token(page),
                                             "process_key": "sop_uji", "title": "Konsep",
                                             "besar": typed})


def test_a_small_decimal_is_shown_with_its_digits_and_a_long_one_refused(app, client):
    """0,0000001 was shown as 0; 12345678901234,567 was stored as …,566 without a word."""
    assert _post(client, {**_files(), "mulai-schema.json": json.dumps(START).encode()}
                 ).status_code == 201
    login(client, "prakom")
    long = _start(client, "12345678901234,567")
    assert long.status_code == 422
    assert ('"Angka besar" 12345678901234,567 punya lebih dari 15 angka bermakna'
            in long.get_data(True).replace("&#34;", '"'))
    with app.app_context():
        assert db.session.scalars(select(ProcessInstance)).all() == []
    small = _start(client, "0,0000001")
    assert small.status_code == 302
    with app.app_context():
        [instance] = db.session.scalars(select(ProcessInstance)).all()
        assert instance.data["besar"] == 1e-07
    shown = client.get(f"/proses/{instance.id}").get_data(True)
    assert "0,0000001" in shown


def test_a_prefilled_decimal_sent_back_unchanged_is_the_same_number(app):
    """A revision's form wrote 1e-13 with 13 decimals, which the form then refused."""
    declared = fields(FORM)
    for value in (1e-13, 0.1 + 0.2, 12345.678901234, -2.5):
        with app.test_request_context():
            assert read_posted(FORM, form_values(declared, {"besar": value})) == {
                "besar": value}, value


def test_a_number_is_found_as_the_pages_write_it(app, client):
    """Typed "12345,5" and shown "12.345,5": either finds it, as the stored 12345.5 does."""
    assert _post(client, {**_files(), "mulai-schema.json": json.dumps(START).encode()}
                 ).status_code == 201
    login(client, "prakom")
    assert _start(client, "12345,5").status_code == 302
    assert _start(client, "7").status_code == 302
    with app.app_context():
        first = db.session.scalar(select(ProcessInstance.number).where(
            ProcessInstance.data["besar"].as_float() == 12345.5))
    for typed in ("12.345,5", "12345,5", "12345.5", "345,5", "12.345,50"):
        found = client.get("/proses/", query_string={"cakupan": "saya", "cari": typed}).get_data(True)
        assert "1 proses" in found and first in found, typed
    for typed in ("12.345,6", "12,5"):
        missed = client.get("/proses/", query_string={"cakupan": "saya", "cari": typed}).get_data(True)
        assert first not in missed, typed
