"""Proses bermasalah: a runaway loop reached after a step puts the instance in Galat; the
administrator sees it, retries it after fixing the SOP and moving the instance, or
cancels it. Only administrators, and only with the form's CSRF token."""

import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from engine.escalation.timers import due_instances
from engine.models import HumanTask, Notification, ProcessInstance
from tests.conftest import csrf_token, mini_bpmn
from tests.engine.bpmn.edits import START_LANE
from tests.engine.process.test_galat import (  # noqa: F401 - an autouse fixture
    FIXED,
    RUNAWAY,
    _runaway,
    deployed_before_the_gateway_loop_check,
)
from tests.web.conftest import api_token, login
from web.api.views import GALAT_FOR_OFFICIALS
from web.cli.worker import fire_once
from web.extensions import db

# A start form with "jenis" and a gateway right after the start with a way for "a" and "b"
# only: any other value finds no way, before any step opens.
NO_WAY_FOR_C = {
    '<bpmn:startEvent id="StartEvent_1" name="Mulai" />':
        '<bpmn:startEvent id="StartEvent_1" name="Mulai"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="formulir" '
        'value="jenis &quot;Jenis&quot;: teks" /></spiffworkflow:properties>'
        '</bpmn:extensionElements></bpmn:startEvent>'
        '<bpmn:exclusiveGateway id="Gateway_S" />'
        '<bpmn:sequenceFlow id="Flow_S1" sourceRef="Gateway_S" targetRef="Kegiatan_1">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">jenis == "a"'
        '</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="Flow_S2" sourceRef="Gateway_S" targetRef="Kegiatan_2">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">jenis == "b"'
        '</bpmn:conditionExpression></bpmn:sequenceFlow>',
    'sourceRef="StartEvent_1" targetRef="Kegiatan_1" />':
        'sourceRef="StartEvent_1" targetRef="Gateway_S" />',
    START_LANE: START_LANE + "<bpmn:flowNodeRef>Gateway_S</bpmn:flowNodeRef>"}


def _upload(client, token: str, data: bytes):
    """Upload on the admin page; a new SOP is then activated (a new version of a known one
    waits, as the page does, for the test to activate it)."""
    uploaded = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(data), "sop_uji.bpmn")})
    client.post("/admin/sop/sop_uji/versi/1/aktifkan", data={"csrf_token": token})
    return uploaded


def _into_galat(client) -> int:
    """Start an instance of the runaway SOP and send it round the loop; return its id."""
    prakom, kasubbag = api_token(client, "prakom"), api_token(client, "kasubbag")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Surat edaran",
        "data": {"keputusan_kasubbag": "lanjut"}}).json
    first = started["open_tasks"][0]["id"]
    second = client.post(f"/api/v1/tasks/{first}/complete", headers=prakom,
                         json={"data": {}}).json["instance"]["open_tasks"][0]["id"]
    done = client.post(f"/api/v1/tasks/{second}/complete", headers=kasubbag,
                       json={"data": {"keputusan_kasubbag": "revisi", "catatan": "Ulangi"}})
    assert done.status_code == 200
    instance = done.json["instance"]
    assert (instance["status"], instance["open_tasks"]) == ("error", [])
    # An official is told that the SOP is at fault, as the process page tells him; the
    # engine's message and the BPMN element are for administrators.
    official = {"message": GALAT_FOR_OFFICIALS, "element": None,
                "at": instance["error"]["at"]}
    assert instance["error"] == official
    url = f"/api/v1/instances/{started['id']}"
    assert client.get(url, headers=prakom).json["error"] == official
    error = client.get(url, headers=api_token(client, "admin")).json["error"]
    assert error["element"] in ("Gateway_2", "Gateway_3")
    assert "langkah otomatis" in error["message"]
    # Its history too: the record of the failure, as the caller may read it.
    [failed] = [entry for entry in client.get(f"{url}/history", headers=prakom).json["items"]
                if entry["action"] == "instance.failed"]
    assert failed["detail"] == {"message": GALAT_FOR_OFFICIALS}
    [failed] = [entry for entry in client.get(f"{url}/history", headers=api_token(
        client, "admin")).json["items"] if entry["action"] == "instance.failed"]
    assert failed["detail"]["element"] == error["element"]
    return started["id"]


def test_a_step_completed_into_galat_on_its_page_tells_an_official_the_sop_is_at_fault(
        client):
    login(client, "admin")
    _upload(client, csrf_token(client.get("/admin/sop").get_data(True)), _runaway(RUNAWAY))
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Surat edaran",
        "data": {"keputusan_kasubbag": "lanjut"}}).json
    second = client.post(f"/api/v1/tasks/{started['open_tasks'][0]['id']}/complete",
                         headers=prakom, json={"data": {}}).json["instance"]["open_tasks"][0]
    login(client, "kasubbag")
    page = client.get(f"/tugas/{second['id']}").get_data(True)
    done = client.post(f"/tugas/{second['id']}", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "keputusan_kasubbag": "revisi",
        "catatan": "Ulangi"}).get_data(True)
    assert ("Langkah tersimpan, tetapi proses berhenti karena galat dan menunggu "
            "administrator: alur SOP ini bermasalah; administrator sudah diberi tahu.") in done
    assert "langkah otomatis" not in done and "Gateway_" not in done


def test_runaway_goes_to_galat_and_is_retried_after_the_fix(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    assert _upload(client, token, _runaway(RUNAWAY)).status_code == 302
    instance_id = _into_galat(client)
    page = client.get("/admin/proses-bermasalah").get_data(True)
    assert "Surat edaran" in page and "Coba lagi" in page and "Batalkan" in page
    number = client.get(f"/api/v1/instances/{instance_id}",
                        headers=api_token(client, "admin")).json["number"]
    assert f"{number} Surat edaran" in page, "by its number, as every page names it"
    assert "Gateway_" in page and "langkah otomatis" in page
    assert "Gateway_" in client.get(f"/proses/{instance_id}").get_data(True)
    # An official is told the process stopped, not the engine's ids and BPMN terms.
    login(client, "prakom")
    official = client.get(f"/proses/{instance_id}").get_data(True)
    assert "Proses berhenti karena galat pada alur SOP ini sejak" in official
    assert "Gateway_" not in official and "user task" not in official
    login(client, "admin")
    # The login gave the session a new form token.
    token = csrf_token(client.get("/admin/proses-bermasalah").get_data(True))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "galat")) == 1
        assert fire_once(app) == 0  # the worker leaves it alone

    again = client.post(f"/admin/proses-bermasalah/{instance_id}/coba-lagi",
                        data={"csrf_token": token}, follow_redirects=True)
    assert "gagal lagi" in again.get_data(True)
    history = client.get(f"/proses/{instance_id}/riwayat").get_data(True)
    assert "Proses dijalankan ulang oleh Administrator" in history
    assert "oleh administrator oleh" not in history

    assert _upload(client, token, _runaway(FIXED)).status_code == 302
    client.post("/admin/sop/sop_uji/versi/2/aktifkan", data={"csrf_token": token})
    moved = client.post("/admin/sop/sop_uji/pindahkan", data={"csrf_token": token,
                                                             "konfirmasi": "2"},
                        follow_redirects=True)
    assert "1 proses dipindahkan" in moved.get_data(True)
    retried = client.post(f"/admin/proses-bermasalah/{instance_id}/coba-lagi",
                          data={"csrf_token": token}, follow_redirects=True)
    assert "berjalan lagi" in retried.get_data(True)
    assert "Tidak ada proses bermasalah." in retried.get_data(True)
    shown = client.get(f"/api/v1/instances/{instance_id}",
                       headers=api_token(client, "prakom")).json
    assert (shown["status"], shown["version"], shown["error"]) == ("running", 2, None)
    assert [t["step_id"] for t in shown["open_tasks"]] == ["Kegiatan_1"]
    # Again, from the page shown before (a second tab): said on the list, as Batalkan says
    # it, instead of a bare 409 page.
    twice = client.post(f"/admin/proses-bermasalah/{instance_id}/coba-lagi",
                        data={"csrf_token": token}, follow_redirects=True)
    assert twice.status_code == 200
    assert "tidak dalam status Galat (status: berjalan)." in twice.get_data(True).replace(
        "&#34;", '"')


def test_cancel_needs_a_reason_and_closes_the_instance(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    _upload(client, token, _runaway(RUNAWAY))
    instance_id = _into_galat(client)
    versions = client.get("/admin/sop/sop_uji").get_data(True)
    assert "<dt>Proses berjalan (termasuk Galat)</dt><dd>1</dd>" in versions
    url = f"/admin/proses-bermasalah/{instance_id}/batalkan"
    refused = client.post(url, data={"csrf_token": token, "alasan": " "})
    assert refused.status_code == 422, "refused as every form is, with the list shown again"
    assert re.search(r"Proses SU-2026-\d{4} &#34;Surat edaran&#34; tidak dibatalkan: alasan "
                     r"pembatalan wajib diisi\.", refused.get_data(True))
    assert "Surat edaran" in refused.get_data(True)
    long = client.post(url, data={"csrf_token": token, "alasan": "x" * 2001})
    assert long.status_code == 422
    assert "tidak dibatalkan: alasan pembatalan paling banyak 2.000 karakter." in \
        long.get_data(True)
    with app.app_context():
        assert db.session.get(ProcessInstance, instance_id).status == "error"
    client.post(url, data={"csrf_token": token, "alasan": "Surat ditarik"})
    with app.app_context():
        assert db.session.get(ProcessInstance, instance_id).status == "cancelled"
    again = client.post(url, data={"csrf_token": token, "alasan": "Lagi"}, follow_redirects=True)
    assert again.status_code == 200 and "Tidak ada proses bermasalah." in again.get_data(True)
    assert "Tidak ada proses bermasalah." in client.get("/admin/proses-bermasalah").get_data(True)


def test_only_administrators_with_the_form_token(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    _upload(client, token, _runaway(RUNAWAY))
    instance_id = _into_galat(client)
    assert client.post(f"/admin/proses-bermasalah/{instance_id}/coba-lagi").status_code == 400
    client.post("/keluar", data={"csrf_token": token})
    login(client, "kasubbag")
    assert client.get("/admin/proses-bermasalah").status_code == 403
    token = csrf_token(client.get("/").get_data(True))
    for action in ("coba-lagi", "batalkan"):
        assert client.post(f"/admin/proses-bermasalah/{instance_id}/{action}",
                           data={"csrf_token": token, "alasan": "x"}).status_code == 403
    with app.app_context():
        assert db.session.get(ProcessInstance, instance_id).status == "error"


def test_a_runaway_at_start_is_refused_and_nothing_stored(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    _upload(client, token, _runaway(RUNAWAY))
    refused = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "sop_uji", "title": "Berputar", "data": {"keputusan_kasubbag": "revisi"}})
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "process_error"
    # An official is told the SOP is at fault; the engine's account is the administrators'.
    assert refused.json["error"]["message"] == (
        "Proses belum dapat dimulai karena alur SOP ini bermasalah, bukan karena isian Anda; "
        "tidak ada yang disimpan. Administrator Alur sudah diberi tahu agar SOP-nya "
        "diperbaiki.")
    by_admin = client.post("/api/v1/instances", headers=api_token(client, "admin"), json={
        "process_key": "sop_uji", "title": "Berputar", "data": {"keputusan_kasubbag": "revisi"}})
    assert by_admin.status_code == 422
    assert "langkah otomatis" in by_admin.json["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_the_worker_puts_an_instance_it_cannot_fire_in_galat_and_stops(app, client, clock):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penanganan_gangguan_server", "title": "Katalog rusak"}).json
    with app.app_context():
        task = db.session.get(HumanTask, started["open_tasks"][0]["id"])
        task.duration = "bukan durasi"  # the step's Waktu: level 2 cannot be scheduled
        db.session.commit()
    clock.advance(timedelta(hours=1))
    assert fire_once(app) == 0
    with app.app_context():
        instance = db.session.get(ProcessInstance, started["id"])
        assert instance.status == "error"
        assert instance.error_message.startswith("Pengatur waktu gagal: InvalidDuration")
        assert instance.error_element is None
        assert due_instances(db.session, clock) == []
    clock.advance(timedelta(days=3))
    assert fire_once(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "galat")) == 1
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "eskalasi")) == 0


def test_a_start_that_fails_is_refused_on_the_form(app, client):
    """The form passes no data: the first gateway cannot decide, nothing is stored."""
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    _upload(client, token, _runaway(RUNAWAY))
    refused = client.post("/proses/baru", data={"csrf_token": token, "process_key": "sop_uji",
                                                "title": "Tanpa keputusan"})
    assert refused.status_code == 422
    page = refused.get_data(True)
    assert "Elemen Gateway_2 gagal dijalankan" in page and 'id="process_key-error"' in page
    assert "tidak satu pun kondisi alur keluar gateway ini terpenuhi" in page
    assert "WorkflowException" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_a_step_of_a_process_in_galat_says_so_and_nobody_can_take_or_assign_it(app, client):
    """The open step of a process stopped by Galat: its page says why it waits, its form
    answers 409 with that reason (not "sudah diambil"), Alihkan is refused and not offered."""
    prakom, kasubbag = api_token(client, "prakom"), api_token(client, "kasubbag")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "penanganan_gangguan_server", "title": "Server SIPP mati"}).json
    task_id = started["open_tasks"][0]["id"]
    client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom)
    with app.app_context():
        db.session.get(ProcessInstance, started["id"]).status = "error"
        db.session.commit()
    stopped = "berhenti karena galat dan menunggu administrator"

    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert stopped in page
    sent = client.post(f"/tugas/{task_id}", data={"csrf_token": csrf_token(page)})
    assert sent.status_code == 409
    assert stopped in sent.get_data(True) and "sudah diambil" not in sent.get_data(True)

    assigned = client.post(f"/api/v1/tasks/{task_id}/assign", headers=kasubbag,
                           json={"assignee": "prakom"})
    assert assigned.status_code == 409 and stopped in assigned.json["error"]["message"]
    login(client, "kasubbag")
    assert "Alihkan kepada" not in client.get(f"/tugas/{task_id}").get_data(True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "penugasan")) == 0


def test_batalkan_on_a_page_left_open_leaves_a_process_that_runs_again(app, client):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penanganan_gangguan_server", "title": "Server SIPP mati"}).json
    login(client, "admin")
    token = csrf_token(client.get("/admin/proses-bermasalah").get_data(True))
    refused = client.post(f"/admin/proses-bermasalah/{started['id']}/batalkan",
                          data={"csrf_token": token, "alasan": "Sudah beres"},
                          follow_redirects=True)
    assert "tidak dalam status Galat (status: berjalan); tidak dibatalkan." in \
        refused.get_data(True)
    with app.app_context():
        assert db.session.get(ProcessInstance, started["id"]).status == "running"


def test_a_start_the_sops_flow_fails_tells_an_official_whom_to_tell(app, client):
    """A gateway after the start finds no way for what was typed: nothing is stored; the
    administrator reads the engine's account, anyone else that the SOP is at fault."""
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    assert _upload(client, token, mini_bpmn(NO_WAY_FOR_C)).status_code == 302
    for who, said, hidden in (
            ("prakom", "Proses belum dapat dimulai karena alur SOP ini bermasalah, bukan karena "
                       "isian Anda; tidak ada yang disimpan.", "Gateway_S"),
            ("admin", "Gateway_S", "bukan karena isian Anda")):
        login(client, who)
        page = client.get("/proses/baru?process_key=sop_uji").get_data(True)
        refused = client.post("/proses/baru", data={
            "csrf_token": csrf_token(page), "process_key": "sop_uji", "title": "Konsep",
            "jenis": "c"})
        assert refused.status_code == 422, who
        html = refused.get_data(True)
        assert said in html and hidden not in html, who
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_a_retry_that_finishes_the_process_says_so(app, client):
    """Found by the engine probe: "berjalan lagi" for a process that had just completed."""
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    _upload(client, token, _runaway(RUNAWAY))
    instance_id = _into_galat(client)
    to_the_end = {**RUNAWAY, '<bpmn:sequenceFlow id="Flow_6" sourceRef="Gateway_3" '
                  'targetRef="Gateway_2" />': '<bpmn:sequenceFlow id="Flow_6" '
                  'sourceRef="Gateway_3" targetRef="EndEvent_1" />'}
    assert _upload(client, token, _runaway(to_the_end)).status_code == 302
    client.post("/admin/sop/sop_uji/versi/2/aktifkan", data={"csrf_token": token})
    client.post("/admin/sop/sop_uji/pindahkan", data={"csrf_token": token, "konfirmasi": "2"})
    retried = client.post(f"/admin/proses-bermasalah/{instance_id}/coba-lagi",
                          data={"csrf_token": token}, follow_redirects=True)
    assert "berjalan lagi dan langsung selesai." in retried.get_data(True).replace("&#34;", '"')
    with app.app_context():
        assert db.session.get(ProcessInstance, instance_id).status == "completed"
