"""A custom SOP's form on the page: a number field with choices offers them and stores the
number picked, a start form opens with its defaults, several values for one field are
refused (README "Formulir"), and the list's export reads the data as the page does."""

import json

from lxml import html
from sqlalchemy import select

from engine.models import ProcessInstance
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from tests.web.test_form_upload import _files, _post
from web.extensions import db

START = {"type": "object", "required": ["tingkat"], "properties": {
    "tingkat": {"type": "integer", "title": "Tingkat", "oneOf": [
        {"const": 1, "title": "Satu"}, {"const": 2, "title": "Dua"}]},
    "skala": {"type": "number", "title": "Skala", "enum": [0.5, 1.5]}}}


def test_a_number_field_with_choices_offers_them_and_stores_a_number(app, client):
    """It was a text box: the titles were never shown, and typing one was refused."""
    assert _post(client, {**_files(), "mulai-schema.json": json.dumps(START).encode()}
                 ).status_code == 201
    login(client, "prakom")
    page = client.get("/proses/baru?process_key=sop_uji").get_data(True)
    tree = html.fromstring(page)
    for name, labels in (("tingkat", ["Satu", "Dua"]), ("skala", ["0,5", "1,5"])):
        buttons = tree.xpath(f"//input[@name='{name}']")
        assert {b.get("type") for b in buttons} == {"radio"}, name
        assert [b.getparent().text_content().strip() for b in buttons] == labels
    sent = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": "sop_uji", "title": "Konsep",
        "tingkat": "2", "skala": "1.5"})
    assert sent.status_code == 302, sent.get_data(True)
    with app.app_context():
        data = db.session.scalars(select(ProcessInstance.data)).one()
    assert (data["tingkat"], data["skala"]) == (2, 1.5)
    shown = client.get(sent.headers["Location"]).get_data(True)
    assert "Dua" in shown
    # The list's export reads the data as the page does: labels, not names and keys.
    exported = client.get("/proses/?cakupan=saya&format=csv").data.decode("utf-8-sig")
    assert exported.split("\r\n")[1].endswith(";Demo Prakom;\"Tingkat: Dua; Skala: 1,5\"")


def test_several_values_for_a_field_that_takes_one_are_refused_not_cut_to_the_first(
        app, client):
    """A crafted page sent tingkat=1&tingkat=2, or setuju and revisi for one decision: the
    first was kept without a word."""
    assert _post(client, {**_files(), "mulai-schema.json": json.dumps(START).encode()}
                 ).status_code == 201
    login(client, "prakom")
    page = client.get("/proses/baru?process_key=sop_uji").get_data(True)
    refused = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": "sop_uji", "title": "Konsep",
        "tingkat": ["1", "2"]})
    assert refused.status_code == 422
    assert '"Tingkat" hanya satu nilai; 2 dikirim' in refused.get_data(True).replace("&#34;", '"')
    with app.app_context():
        assert db.session.scalars(select(ProcessInstance)).all() == []
    assert _post(client, _files()).status_code in (200, 201)  # start form without choices
    prakom, kasubbag = api_token(client, "prakom"), api_token(client, "kasubbag")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"unit": "PTIP"}}).json
    first = started["open_tasks"][0]["id"]
    listed = client.post(f"/api/v1/tasks/{first}/complete", headers=prakom, json={
        "data": {"judul_konsep": ["Konsep"]}})
    assert listed.json["error"]["fields"]["judul_konsep"] == (
        '"Judul konsep" satu nilai, bukan daftar; kirim nilainya saja'), "not '1 dikirim'"
    second = client.post(f"/api/v1/tasks/{first}/complete", headers=prakom, json={
        "data": {"judul_konsep": "Konsep"}}).json["instance"]["open_tasks"][0]["id"]
    login(client, "kasubbag")
    page = client.get(f"/tugas/{second}").get_data(True)
    both = client.post(f"/tugas/{second}", data={
        "csrf_token": csrf_token(page), "keputusan_kasubbag": ["setuju", "revisi"],
        "catatan": "x"})
    assert both.status_code == 422
    assert "hanya satu nilai; 2 dikirim" in both.get_data(True)
    # A value that is none of the buttons is told with the buttons' words too.
    other = client.post(f"/api/v1/tasks/{second}/complete", headers=kasubbag, json={
        "data": {"keputusan_kasubbag": "tunda", "catatan": "x"}})
    assert other.json["error"]["fields"]["keputusan_kasubbag"] == (
        '"Ada revisi?" harus salah satu dari: setuju (Setuju), revisi (Kembalikan untuk '
        'revisi)')
    assert client.get(f"/api/v1/tasks/{second}", headers=kasubbag).json["state"] == "open"


def test_a_start_form_opens_with_its_fields_defaults(client):
    """A default the schema gave was accepted at upload and never shown."""
    defaults = {"type": "object", "properties": {
        "unit": {"type": "string", "title": "Unit", "default": "PTIP"},
        "tingkat": {**START["properties"]["tingkat"], "default": 2},
        "penting": {"type": "boolean", "title": "Penting", "default": True}}}
    assert _post(client, {**_files(), "mulai-schema.json": json.dumps(defaults).encode()}
                 ).status_code == 201
    login(client, "prakom")
    tree = html.fromstring(client.get("/proses/baru?process_key=sop_uji").get_data(True))
    assert tree.xpath("//input[@name='unit']/@value") == ["PTIP"]
    assert tree.xpath("//input[@name='tingkat'][@checked]/@value") == ["2"]
    assert tree.xpath("//input[@name='penting'][@checked]/@value") == ["ya"]
    asked = html.fromstring(client.get("/proses/baru?process_key=sop_uji&unit=Kepaniteraan"
                                       ).get_data(True))
    assert asked.xpath("//input[@name='unit']/@value") == ["Kepaniteraan"]


def test_a_refused_choice_marks_its_buttons_so_the_page_opens_at_them(client):
    """The message was tied to the group, but no button was marked invalid: the page
    (first-error.js) opened at the first marked field below it instead."""
    login(client, "prakom")
    page = client.get("/proses/baru?process_key=penanganan_permintaan_layanan_ti"
                      ).get_data(True)
    refused = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": "penanganan_permintaan_layanan_ti",
        "title": "Printer", "pemohon": "Budi", "unit": "Umum"})
    assert refused.status_code == 422
    marked = html.fromstring(refused.get_data(True)).xpath(
        "//*[@id='isi']//*[@aria-invalid='true']")
    assert [(e.get("name"), e.get("type")) for e in marked[:2]] == [
        ("kategori", "radio"), ("kategori", "radio")]
