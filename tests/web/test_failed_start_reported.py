"""A start that the SOP's own flow fails stores no process, so no Galat would tell anyone:
each administrator is notified (once per failure while unread, however often officials
retry) and the attempt is audited, from the start page, Ajukan Tiket and the API."""

import re

from sqlalchemy import func, select

from engine.models import AuditRecord, Notification, ProcessInstance
from tests.conftest import csrf_token, mini_bpmn
from tests.web.conftest import api_token, login
from tests.web.test_incidents import NO_WAY_FOR_C, _upload
from web.extensions import db

SAID = ('Mulai proses SOP "SOP Uji" (versi 1) oleh Demo Prakom gagal pada Gateway_S; tidak '
        "ada yang disimpan: Elemen Gateway_S gagal dijalankan: tidak satu pun kondisi alur "
        'keluar gateway ini terpenuhi oleh data proses (jenis = "c") (mis. pilihan')


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(table).where(where))
                     for table, where in (
                         (Notification, Notification.kind == "galat"),
                         (AuditRecord, AuditRecord.action == "instance.start_failed"),
                         (ProcessInstance, True)))


def _start_on_the_page(client, value: str):
    page = client.get("/proses/baru?process_key=sop_uji").get_data(True)
    return client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": "sop_uji", "title": "Konsep",
        "jenis": value})


def test_the_administrator_is_told_once_per_unread_failure(app, client):
    login(client, "admin")
    assert _upload(client, csrf_token(client.get("/admin/sop").get_data(True)),
                   mini_bpmn(NO_WAY_FOR_C)).status_code == 302
    login(client, "prakom")
    refused = _start_on_the_page(client, "c")
    assert refused.status_code == 422
    assert "Administrator Alur sudah diberi tahu" in refused.get_data(True)
    assert "Periksa isian yang ditandai" not in refused.get_data(True), "no field is wrong"
    assert _counts(app) == (1, 1, 0)
    assert _start_on_the_page(client, "c").status_code == 422
    assert client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "sop_uji", "title": "Konsep", "data": {"jenis": "c"}}).status_code == 422
    assert _counts(app) == (1, 3, 0), "every attempt audited, the unread notice not repeated"

    login(client, "admin")
    centre = client.get("/notifikasi/").get_data(True)
    assert SAID in centre.replace("&#34;", '"').replace("&quot;", '"')
    opened = re.search(r'href="(/notifikasi/\d+/buka)">Lihat SOP-nya</a>', centre)
    assert client.get(opened.group(1)).headers["Location"] == "/admin/sop/sop_uji"
    client.post("/notifikasi/baca", data={"csrf_token": csrf_token(centre)})
    login(client, "prakom")
    assert _start_on_the_page(client, "c").status_code == 422
    assert _counts(app) == (2, 4, 0), "read, the same failure is told again"
    assert _start_on_the_page(client, "a").status_code == 302
    assert _counts(app) == (2, 4, 1)
    with app.app_context():
        record = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "instance.start_failed")).first()
        assert record.actor.username == "prakom"
        assert (record.detail["process_key"], record.detail["version"],
                record.detail["element"]) == ("sop_uji", 1, "Gateway_S")
