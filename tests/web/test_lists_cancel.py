"""Process lists (scope, filters, search, pages) and cancelling an instance."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import render_template_string
from sqlalchemy import func, select, update

from engine import settings
from engine.models import AuditRecord, Delivery, Escalation, HumanTask, ProcessInstance, Timer, User
from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from web.cli.worker import fire_once
from web.extensions import db
from web.views import instances as instances_view

LTI = "penanganan_permintaan_layanan_ti"
SERVER = "penanganan_gangguan_server"


def _start(client, user: str, key: str, title: str, data: dict | None = None) -> dict:
    response = client.post("/api/v1/instances", headers=api_token(client, user),
                           json={"process_key": key, "title": title, "data": data or {}})
    assert response.status_code == 201, response.json
    return response.json


def _list(client, user: str, query: str) -> dict:
    response = client.get(f"/api/v1/instances?{query}", headers=api_token(client, user))
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture
def several(client, clock):
    made = {}
    for n in range(3):
        made[f"server{n}"] = _start(client, "prakom", SERVER, f"Server mati {n}",
                                    {"sistem": f"SIPP-{n}", "prioritas": "mayor"})
        clock.advance(timedelta(minutes=1))
    made["lti"] = _start(client, "kasubbag", LTI, "Printer rusak", START_DATA[LTI])
    made["rkt"] = _start(client, "sekretaris", "penyusunan_rkt", "RKT 2027")
    return made


def test_lists_by_scope_filters_search_and_pages(client, clock, several):
    mine = _list(client, "prakom", "scope=mine")
    assert [i["title"] for i in mine["items"]] == ["Server mati 2", "Server mati 1",
                                                   "Server mati 0"]
    assert mine["total"] == 3 and mine["items"][0]["number"] == "GS-2026-0003"
    unit = _list(client, "kasubbag", "scope=unit")  # Kasubbag has a lane in all three SOPs
    assert unit["total"] == 5
    assert _list(client, "kasubbag", "scope=mine")["total"] == 1
    refused = client.get("/api/v1/instances?scope=all", headers=api_token(client, "prakom"))
    assert refused.status_code == 403
    everything = _list(client, "admin", "scope=all&per_page=2&page=2")
    assert (everything["total"], everything["page"], everything["per_page"]) == (5, 2, 2)
    assert [i["title"] for i in everything["items"]] == ["Server mati 2", "Server mati 1"]
    assert _list(client, "admin", "scope=all&page=3&per_page=2")["items"][0]["title"] == \
        "Server mati 0"
    by_key = _list(client, "admin", f"scope=all&process_key={LTI}")
    assert [i["number"] for i in by_key["items"]] == ["LTI-2026-0001"]
    assert _list(client, "admin", "scope=all&q=GS-2026-0002")["items"][0]["title"] == \
        "Server mati 1"
    by_data = _list(client, "admin", "scope=all&q=Kepaniteraan")
    assert [i["title"] for i in by_data["items"]] == ["Printer rusak"]
    assert _list(client, "admin", "scope=all&q=SIPP-1")["total"] == 1
    # The data's values are searched, not its field names or JSON punctuation; "%" and
    # "_" are what they are, not wildcards of the database's LIKE.
    assert _list(client, "admin", "scope=all&q=perangkat keras")["total"] == 1
    for typed in ("%25", "_", "Server_mati", "SIPP%251", "kategori", "{", "%22:"):
        assert _list(client, "admin", f"scope=all&q={typed}")["total"] == 0, typed
    assert _list(client, "admin", "scope=all&status=completed")["total"] == 0
    clock.advance(timedelta(hours=2))  # first steps of 1 hour or less are late, RKT's (1 day) not
    assert _list(client, "admin", "scope=all&status=late")["total"] == 4
    assert _list(client, "admin", "scope=all&status=terlambat&q=RKT")["total"] == 0
    assert _list(client, "admin", "scope=all&status=")["total"] == 5
    login(client, "admin")
    page = client.get("/proses/?cakupan=semua").get_data(True)
    assert page.count('· <span class="late-text">terlambat</span></td>') == 4, \
        "a late running process says so in its Status cell, as the filter finds it"
    exported = client.get("/proses/?cakupan=semua&format=csv").get_data(True)
    assert exported.count(";berjalan, terlambat;") == 4, "the download says it too"
    commas = client.get("/proses/?cakupan=semua&format=csv&sep=,").get_data(True)
    assert commas.count(',"berjalan, terlambat",') == 4, "sep=, as on the reports"
    for query in ("&format=csv&sep=x", "&sep=x"):
        refused = client.get(f"/proses/?cakupan=semua{query}")
        assert refused.status_code == 400 and "Pemisah CSV (sep)" in refused.get_data(True)
    refused = client.get("/api/v1/instances?scope=all&status=bogus",
                         headers=api_token(client, "admin"))
    assert refused.status_code == 422 and "status" in refused.json["error"]["fields"]


def test_cancel_empties_inboxes_timers_and_outbox_of_that_instance_only(app, client, clock):
    with app.app_context():
        settings.put(db.session, "webhook", {"url": "http://127.0.0.1:9/hook"})
        db.session.commit()
    doomed = _start(client, "prakom", SERVER, "Salah mulai")
    kept = _start(client, "prakom", SERVER, "Benar")
    clock.advance(timedelta(hours=1))
    assert fire_once(app) == 2  # both first steps escalate: webhook messages pending
    prakom = api_token(client, "prakom")
    assert len(client.get("/api/v1/tasks", headers=prakom).json) == 2

    for blank in ("  ", "", "\u200b"):  # README: "alasan pembatalan wajib diisi"
        no_reason = client.post(f"/api/v1/instances/{doomed['id']}/cancel", headers=prakom,
                                json={"reason": blank})
        assert no_reason.status_code == 422
        assert no_reason.json["error"]["code"] == "invalid_request"
        assert no_reason.json["error"]["fields"] == {"reason": ["alasan pembatalan wajib diisi"]}
    for body, said in (({}, "wajib diisi"), ({"reason": "x" * 2001},
                                               "paling panjang 2000 karakter")):
        refused = client.post(f"/api/v1/instances/{doomed['id']}/cancel", headers=prakom,
                              json=body)
        assert (refused.status_code, refused.json["error"]["fields"]) == (422, {"reason": [said]})
    other = client.post(f"/api/v1/instances/{doomed['id']}/cancel",
                        headers=api_token(client, "kasubbag"), json={"reason": "x"})
    assert other.status_code == 403
    done = client.post(f"/api/v1/instances/{doomed['id']}/cancel", headers=prakom,
                       json={"reason": "Dimulai karena salah pilih SOP"})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "cancelled" and done.json["open_tasks"] == []
    assert [t["instance_id"] for t in client.get("/api/v1/tasks", headers=prakom).json] == [
        kept["id"]]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Timer).where(
            Timer.instance_id == doomed["id"])) == 0
        assert db.session.scalar(select(func.count()).select_from(Timer).where(
            Timer.instance_id == kept["id"])) > 0
        by_instance = dict(db.session.execute(
            select(HumanTask.instance_id, Delivery.state)
            .join(Escalation, Delivery.escalation_id == Escalation.id)
            .join(HumanTask, Escalation.human_task_id == HumanTask.id)).all())
        assert by_instance == {doomed["id"]: "dropped", kept["id"]: "pending"}
        record = db.session.scalar(select(AuditRecord).where(
            AuditRecord.action == "instance.cancelled"))
        assert (record.instance_id, record.detail["reason"], record.actor.username) == (
            doomed["id"], "Dimulai karena salah pilih SOP", "prakom")
    again = client.post(f"/api/v1/instances/{doomed['id']}/cancel",
                        headers=api_token(client, "admin"), json={"reason": "lagi"})
    assert again.status_code == 409
    assert again.json["error"]["code"] == "instance_ended"
    assert again.json["error"]["message"].endswith("sudah berakhir (status: dibatalkan).")
    assert _list(client, "admin", "scope=all&status=dibatalkan")["total"] == 1
    # Sent again without a reason (found by the engine probe: a 422 page whose reason
    # field, and so its message, an ended process no longer shows): that it ended.
    login(client, "admin")
    page = client.get(f"/proses/{doomed['id']}").get_data(True)
    empty = client.post(f"/proses/{doomed['id']}/batalkan",
                        data={"csrf_token": csrf_token(page), "reason": ""})
    assert empty.headers["Location"] == f"/proses/{doomed['id']}"
    assert "sudah berakhir (status: dibatalkan)." in client.get(empty.headers["Location"]
                                                                ).get_data(True)


def test_starter_may_not_cancel_once_someone_else_acted_but_an_admin_may(client):
    started = _start(client, "prakom", LTI, "Printer rusak", START_DATA[LTI])
    prakom, kasubbag = api_token(client, "prakom"), api_token(client, "kasubbag")
    first = started["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{first}/complete", headers=prakom,
                       json={"data": {}}).status_code == 200
    admin = api_token(client, "admin")
    [second] = client.get(f"/api/v1/instances/{started['id']}", headers=admin).json[
        "open_tasks"]
    assert client.post(f"/api/v1/tasks/{second['id']}/claim", headers=kasubbag
                       ).status_code == 200
    refused = client.post(f"/api/v1/instances/{started['id']}/cancel", headers=prakom,
                          json={"reason": "Salah"})
    assert refused.status_code == 403
    assert client.post(f"/api/v1/instances/{started['id']}/cancel", headers=admin,
                       json={"reason": "Duplikat"}).status_code == 200


def test_the_process_list_refuses_a_date_that_is_none_naming_its_filter(client, several):
    login(client, "admin")
    assert "Server mati 0" in client.get("/proses/?cakupan=semua&dari=2026-11-23"
                                         "&sampai=2026-11-23").get_data(True)
    for query, named in (("dari=kemarin", "Dimulai sejak (dari): "),
                         ("dari=2026-02-30", "Dimulai sejak (dari): "),
                         ("dari=0001-01-01", "Dimulai sejak (dari): "),
                         ("sampai=9999-12-31", "Dimulai sampai (sampai): ")):
        response = client.get(f"/proses/?cakupan=semua&{query}")
        assert response.status_code == 400, query
        assert named in response.get_data(True), query
    for fmt in ("", "&format=csv"):  # a mistyped status never lists (or exports) every row
        response = client.get(f"/proses/?cakupan=semua&status=xyz{fmt}")
        assert response.status_code == 400, fmt
        assert 'Status &#34;xyz&#34; tidak dikenal' in response.get_data(True), fmt
    galat = client.get("/proses/?cakupan=semua&status=galat").get_data(True)
    assert '<option value="galat" selected>Galat</option>' in galat
    # A reversed range or an SOP no version has would list nothing, as if none were there.
    for query, said in (("dari=2026-12-01&sampai=2026-01-01",
                         "Dimulai sampai sebelum Dimulai sejak: tanggal akhir harus sama "
                         "dengan atau sesudah tanggal awal."),
                        ("sop=zz", "SOP &#34;zz&#34; tidak dikenal; pilih SOP dari daftarnya")):
        response = client.get(f"/proses/?cakupan=semua&{query}")
        assert response.status_code == 400 and said in response.get_data(True), query
    listed = client.get("/proses/?cakupan=semua&sop=penanganan_gangguan_server")
    assert listed.status_code == 200
    assert listed.get_data(True).count('min="2000-01-01" max="2100-12-31">') == 2, (
        "the date pickers stop at the years the filter takes")


def test_names_and_words_pasted_with_a_zero_width_space_find_what_they_name(app, client,
                                                                           several):
    """Copied from a chat, "\u200b" rides at an end of what was typed: the process search,
    Jejak audit's pengguna and the login read it as the spaces they already ignore."""
    login(client, "admin")
    pasted = client.get("/proses/?cakupan=semua&cari=%E2%80%8BServer+mati+1").get_data(True)
    assert "Server mati 1" in pasted and "Server mati 2" not in pasted
    trail = client.get("/admin/jejak-audit?pengguna=prakom%E2%80%8B")
    assert trail.status_code == 200 and "Pengguna &#34;prakom&#34; tidak ada" not in (
        trail.get_data(True))
    other = app.test_client()
    assert login(other, "kasubbag\u200b").status_code == 302


@pytest.mark.parametrize(("query", "status", "message"), [
    ("cakupan=lain", 400, "Cakupan &#34;lain&#34; tidak dikenal; pilih saya, unit atau semua."),
    ("format=pdf", 400, "Format &#34;pdf&#34; tidak dikenal; pilih csv atau xlsx."),
    ("format=CSV", 400, "Format &#34;CSV&#34; tidak dikenal; pilih csv atau xlsx."),
    ("cakupan=semua", 403, "Hanya administrator dan auditor yang dapat melihat semua proses.")])
def test_the_process_list_refuses_a_list_or_format_it_does_not_have(client, several, query,
                                                                    status, message):
    """Never another list than the one asked for (the page read them as Proses Saya), nor
    the page for a download asked for."""
    login(client, "prakom")
    response = client.get(f"/proses/?{query}")
    assert response.status_code == status and message in response.get_data(True)


def test_a_page_past_the_end_of_a_list_says_so_and_links_the_last(client, several):
    login(client, "admin")
    past = client.get("/proses/?cakupan=semua&per_page=2&halaman=9").get_data(True)
    assert "Halaman 9 kosong: daftar ini punya 3 halaman." in past
    assert "halaman=3" in past and "‹ Sebelumnya" not in past


def test_the_cancel_form_shows_only_while_its_reader_may_cancel(app, client):
    started = _start(client, "prakom", SERVER, "Salah mulai")
    login(client, "prakom")
    assert 'id="batalkan"' in client.get(f"/proses/{started['id']}").get_data(True)
    commented = client.post(f"/api/v1/instances/{started['id']}/comments",
                            headers=api_token(client, "kasubbag"), json={"text": "Saya cek"})
    assert commented.status_code == 201
    assert 'id="batalkan"' not in client.get(f"/proses/{started['id']}").get_data(True)
    login(client, "admin")
    assert 'id="batalkan"' in client.get(f"/proses/{started['id']}").get_data(True)


def test_a_requester_cancels_his_ticket_from_the_ticket_page(app, client):
    add_employee(app)
    login(client, "pegawai")
    ticket = client.post("/api/v1/instances", headers=api_token(client, "pegawai"), json={
        "process_key": "penanganan_permintaan_layanan_ti", "title": "Printer",
        "data": START_DATA["penanganan_permintaan_layanan_ti"]}).json
    page = client.get(f"/tiket/{ticket['id']}").get_data(True)
    assert 'id="batalkan"' in page
    empty = client.post(f"/proses/{ticket['id']}/batalkan",
                        data={"csrf_token": csrf_token(page), "reason": " "})
    assert empty.status_code == 422 and 'id="alasan-error"' in empty.get_data(True)
    assert "Percakapan dengan petugas" in empty.get_data(True)  # still the ticket page
    login(client, "panitera")  # neither its requester nor its desk
    assert client.post(f"/proses/{ticket['id']}/batalkan", data={
        "csrf_token": csrf_token(client.get("/akun/").get_data(True)),
        "reason": "x"}).status_code == 403
    login(client, "pegawai")
    page = client.get(f"/tiket/{ticket['id']}").get_data(True)
    done = client.post(f"/proses/{ticket['id']}/batalkan",
                       data={"csrf_token": csrf_token(page), "reason": "Sudah beres sendiri"})
    assert (done.status_code, done.headers["Location"]) == (302, f"/tiket/{ticket['id']}")
    with app.app_context():
        assert db.session.get(ProcessInstance, ticket["id"]).status == "cancelled"
    assert 'id="batalkan"' not in client.get(f"/tiket/{ticket['id']}").get_data(True)


def test_the_list_says_when_its_export_holds_only_the_newest_rows(client, several,
                                                                   monkeypatch):
    login(client, "admin")
    page = " ".join(client.get("/proses/?cakupan=semua").get_data(True).split())
    assert "5 proses · Unduh" in page and "unduhan memuat" not in page
    monkeypatch.setattr(instances_view, "MAX_EXPORT", 4)
    page = " ".join(client.get("/proses/?cakupan=semua").get_data(True).split())
    assert ("(unduhan memuat 4 proses terbaru dari 5; saring menurut tanggal mulai untuk "
            "sisanya)") in page


def test_the_pager_writes_its_count_with_thousands_separators(app):
    page = SimpleNamespace(page=1, pages=52, total=1025, per_page=20)
    with app.test_request_context("/proses/"):
        shown = render_template_string(
            '{% from "_pager.html" import pager %}{{ pager(page) }}', page=page)
    assert "(1.025 baris, 20 per halaman)" in shown


def test_the_api_lists_refuse_an_sop_key_no_version_has(client, several):
    """A typo in an integration's process_key answered an empty list, as if nothing were
    there; the pages refuse it already."""
    token = api_token(client, "prakom")
    for url in ("/api/v1/instances?process_key=zz", "/api/v1/tasks?process_key=zz",
                "/api/v1/notifications?process_key=zz"):
        refused = client.get(url, headers=token)
        assert refused.status_code == 422, url
        assert list(refused.json["error"]["fields"]) == ["process_key"], url
    found = client.get(f"/api/v1/tasks?process_key={SERVER}", headers=token)
    assert found.status_code == 200 and len(found.json) == 3


def test_a_cancel_form_sent_twice_goes_back_to_the_page_saying_it_ended(app, client):
    started = _start(client, "prakom", SERVER, "Salah mulai")
    login(client, "prakom")
    page = client.get(f"/proses/{started['id']}").get_data(True)
    form = {"csrf_token": csrf_token(page), "reason": "Salah SOP"}
    assert client.post(f"/proses/{started['id']}/batalkan", data=form).status_code == 302
    with app.app_context():
        records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    again = client.post(f"/proses/{started['id']}/batalkan", data=form)
    assert (again.status_code, again.location) == (302, f"/proses/{started['id']}")
    shown = client.get(again.location).get_data(True)
    assert (f'<p class="flash flash-info" role="status">Proses {started["number"]} sudah '
            "berakhir (status: dibatalkan).</p>") in shown
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records


def test_an_english_reader_is_told_in_english_that_the_process_ended(app, client):
    started = _start(client, "prakom", SERVER, "Salah mulai")
    with app.app_context():
        db.session.execute(update(User).where(User.username == "prakom").values(language="en"))
        db.session.commit()
    login(client, "prakom")
    form = {"csrf_token": csrf_token(client.get(f"/proses/{started['id']}").get_data(True)),
            "reason": "Salah SOP"}
    client.post(f"/proses/{started['id']}/batalkan", data=form)
    again = client.post(f"/proses/{started['id']}/batalkan", data=form, follow_redirects=True)
    assert (f"Process {started['number']} has already ended (status: cancelled)."
            in again.get_data(True))


def test_an_english_reader_refused_a_cancel_is_told_why_in_english(app, client):
    started = _start(client, "prakom", SERVER, "Server mati")
    with app.app_context():
        db.session.execute(update(User).where(User.username == "kasubbag")
                           .values(language="en"))
        db.session.commit()
    login(client, "kasubbag")
    page = client.get(f"/proses/{started['id']}").get_data(True)
    refused = client.post(f"/proses/{started['id']}/batalkan", data={
        "csrf_token": csrf_token(page), "reason": "Bukan milik saya"})
    assert refused.status_code == 403
    assert ("Only an administrator, the staff member who holds a step of this ticket (take the "
            "step first), or its requester while no staff member has acted on it, can cancel "
            "this ticket.") in refused.get_data(True)
