"""Kotak Masuk names a ticket's priority beside its step, the priority its deadline is
counted by: the desk sees which ticket is kritis without opening each one."""

import re

from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import api_token, login

LTI = "penanganan_permintaan_layanan_ti"
SERVER = "penanganan_gangguan_server"


def _start(client, key: str, title: str, data: dict | None = None) -> None:
    response = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                           json={"process_key": key, "title": title, "data": data or {}})
    assert response.status_code == 201, response.json


def _row(page: str, title: str) -> str:
    [row] = [found for found in re.findall(r"<tr[^>]*>.*?</tr>", page, re.DOTALL)
             if f">{title}</td>" in found]
    return row


def test_ticket_rows_name_their_priority_and_other_sops_none(app, client):
    _start(client, LTI, "Printer kritis", {**START_DATA[LTI], "prioritas": "kritis"})
    _start(client, SERVER, "Server belum triase")
    _start(client, "backup_database_sipp", "Backup Desember")
    login(client, "prakom")
    page = client.get("/").get_data(True)
    assert '<span class="tag late-text">Prioritas kritis</span>' in _row(page, "Printer kritis")
    assert ('<span class="tag">Prioritas minor (belum ditetapkan)</span>'
            in _row(page, "Server belum triase"))
    assert "Prioritas" not in _row(page, "Backup Desember")
    tasks = client.get("/api/v1/tasks", headers=api_token(client, "prakom")).json
    assert {task["instance_title"]: task["priority"] for task in tasks} == {
        "Printer kritis": "kritis", "Server belum triase": "", "Backup Desember": None}


def test_priorities_in_english(app, client):
    _start(client, SERVER, "Server aneh")
    _start(client, SERVER, "Server mayor", {"prioritas": "mayor"})
    login(client, "prakom")
    client.post("/akun/", data={"csrf_token": csrf_token(client.get("/akun/").get_data(True)),
                                "email": "", "language": "en"})
    page = client.get("/").get_data(True)
    assert '<span class="tag">Priority minor (not set yet)</span>' in _row(page, "Server aneh")
    assert '<span class="tag">Priority major</span>' in _row(page, "Server mayor")
