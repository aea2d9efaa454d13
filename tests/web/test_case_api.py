"""The case through the API: start forms, decisions with reasons, the case on the next desk,
deadlines by priority, MTTR by priority for web-started incidents."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from engine.models import Comment, ProcessInstance, User
from engine.reports.people import person_report
from engine.roles import username_for
from engine.time.calendar import DEFAULT_CALENDAR
from engine.time.periods import calendar_period
from tests.conftest import START_DATA, WIB, csrf_token
from tests.web.conftest import api_token, login
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"
RKT = "penyusunan_rkt"
SERVER = "penanganan_gangguan_server"


def _open(client, headers, instance_id: int) -> dict:
    [task] = client.get(f"/api/v1/instances/{instance_id}", headers=headers).json["open_tasks"]
    return task


def _complete(client, instance_id: int, data: dict | None = None, expect: int = 200):
    """Complete the instance's single open task as its role; return the response."""
    admin = api_token(client, "admin")
    task = _open(client, admin, instance_id)
    response = client.post(f"/api/v1/tasks/{task['id']}/complete",
                           headers=api_token(client, username_for(task["role"])),
                           json={"data": data or {}})
    assert response.status_code == expect, response.json
    return response


def test_start_form_is_published_and_invalid_start_data_is_refused_naming_the_field(
        app, client):
    prakom = api_token(client, "prakom")
    process = client.get(f"/api/v1/processes/{LTI}", headers=prakom).json
    assert process["start_form"]["required"] == ["pemohon", "unit", "kategori", "uraian"]
    assert process["start_form"]["properties"]["kategori"]["enum"][0] == "perangkat keras"
    assert client.get(f"/api/v1/processes/{RKT}", headers=prakom).json["start_form"][
        "properties"]["tahun"] == {"title": "Tahun RKT", "type": "number"}
    bad = {**START_DATA[LTI], "kategori": "printer", "uraian": ""}
    response = client.post("/api/v1/instances", headers=prakom,
                           json={"process_key": LTI, "title": "Printer", "data": bad})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_data"
    assert response.json["error"]["fields"] == {
        "kategori": '"Kategori" harus salah satu dari: perangkat keras, perangkat lunak, '
                    "jaringan, aplikasi, lainnya",
        "uraian": '"Uraian permintaan" wajib diisi'}
    unknown = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": RKT, "title": "RKT", "data": {"tahun": "dua ribu", "x": 1}})
    assert unknown.json["error"]["fields"] == {"tahun": '"Tahun RKT" harus berupa angka',
                                               "x": "kolom ini tidak ada pada formulir mulai"}
    assert client.get("/api/v1/instances?scope=all",
                      headers=api_token(client, "admin")).json["total"] == 0


def _start_lti(client, priority: str, clock) -> int:
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": LTI, "title": f"Printer {priority}", "data": START_DATA[LTI]})
    assert started.status_code == 201, started.json
    instance_id = started.json["id"]
    for _ in range(5):  # Kegiatan_1 to Kegiatan_5
        _complete(client, instance_id)
    missing = _complete(client, instance_id, {}, expect=422)
    assert missing.json["error"]["fields"] == {"prioritas": '"Prioritas penanganan" wajib diisi'}
    _complete(client, instance_id, {"prioritas": priority, "catatan": "Ruang sidang menunggu"})
    _complete(client, instance_id)  # Kegiatan_7
    clock.set(datetime(2026, 11, 23, 15, 30, tzinfo=WIB))
    _complete(client, instance_id)  # Kegiatan_8: Kegiatan_9 opens Monday 15.30
    return instance_id


def test_it_service_request_walks_with_its_forms_and_deadline_by_priority(app, client, clock):
    critical = _start_lti(client, "kritis", clock)
    admin = api_token(client, "admin")
    instance = client.get(f"/api/v1/instances/{critical}", headers=admin).json
    assert instance["number"] == "LTI-2026-0001" and instance["status"] == "running"
    assert instance["data"] == {**START_DATA[LTI], "prioritas": "kritis"}
    task = _open(client, admin, critical)
    # kritis: 1 hour counted round the clock, past the office's 16.00 closing.
    assert datetime.fromisoformat(task["due_at"]) == datetime(2026, 11, 23, 16, 30, tzinfo=WIB)
    desk = client.get(f"/api/v1/tasks/{task['id']}", headers=api_token(client, "prakom")).json
    assert desk["form"]["properties"]["tindakan"]["title"] == "Tindakan yang dilakukan"
    assert desk["case"]["data"]["prioritas"] == "kritis"
    urgency = desk["case"]["steps"][5]
    name = "Menentukan urgensi serta prioritas penanganan masalah/kerusakan"
    assert (urgency["name"], urgency["role"], urgency["completed_by"], urgency["note"],
            urgency["data"]) == (name, "Kasubbag", "kasubbag", "Ruang sidang menunggu",
                                 {"prioritas": "kritis"})

    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=WIB))
    major = _start_lti(client, "mayor", clock)
    task = _open(client, admin, major)
    # mayor: 4 office hours, Monday 15.30-16.00 then Tuesday 07.30-11.00.
    assert datetime.fromisoformat(task["due_at"]) == datetime(2026, 11, 24, 11, 0, tzinfo=WIB)
    assert client.get(f"/api/v1/instances/{major}", headers=admin).json["number"] == \
        "LTI-2026-0002"
    _complete(client, major, {"tindakan": "Toner diganti", "hasil": "selesai"})
    done = client.get(f"/api/v1/instances/{major}", headers=admin).json
    assert done["status"] == "completed"
    assert done["data"]["tindakan"] == "Toner diganti"


def test_rkt_return_needs_a_reason_and_the_next_desk_sees_decision_and_note(app, client):
    kasubbag = api_token(client, "kasubbag")
    started = client.post("/api/v1/instances", headers=kasubbag, json={
        "process_key": RKT, "title": "RKT 2027", "data": {"tahun": 2027}})
    assert started.status_code == 201, started.json
    instance_id = started.json["id"]
    assert started.json["number"] == "RKT-2026-0001"
    for _ in range(3):
        _complete(client, instance_id)
    task = _open(client, kasubbag, instance_id)
    choices = client.get(f"/api/v1/tasks/{task['id']}", headers=api_token(client, "panitera")
                         ).json["fields"][-1]["choices"]
    assert [(c["value"], c["returns"]) for c in choices] == [("setuju", False),
                                                              ("revisi", True)]
    refused = _complete(client, instance_id, {"verifikasi_panitera_rancangan": "revisi"},
                        expect=422)
    assert list(refused.json["error"]["fields"]) == ["catatan"]
    assert "Tidak, kembalikan untuk revisi" in refused.json["error"]["fields"]["catatan"]
    _complete(client, instance_id, {"verifikasi_panitera_rancangan": "revisi",
                                    "catatan": "Indikator kinerja belum terukur"})
    task = _open(client, kasubbag, instance_id)
    assert task["step_id"] == "Kegiatan_3"  # back to the Kasubbag who compiled the draft
    desk = client.get(f"/api/v1/tasks/{task['id']}", headers=kasubbag).json
    last = desk["case"]["steps"][-1]
    assert (last["role"], last["decision"], last["note"], last["returned"]) == (
        "Panitera", "Tidak, kembalikan untuk revisi", "Indikator kinerja belum terukur", True)
    history = client.get(f"/api/v1/instances/{instance_id}", headers=kasubbag).json["history"]
    completed = [h for h in history if h["action"] == "task.completed"]
    assert (completed[-1]["decision"], completed[-1]["note"]) == (
        "Tidak, kembalikan untuk revisi", "Indikator kinerja belum terukur")
    assert completed[0]["decision"] is None
    page_of_done = client.get(f"/api/v1/tasks/{completed[-1]['task_id']}",
                              headers=api_token(client, "panitera"))
    assert page_of_done.json["submitted"]["note"] == "Indikator kinerja belum terukur"


def test_mttr_groups_web_started_incidents_by_their_priority(app, client, clock):
    for priority, hours in (("kritis", 1), ("mayor", 3), ("kritis", 2)):
        prakom = api_token(client, "prakom")  # tokens live 8 h of the moved clock
        started = client.post("/api/v1/instances", headers=prakom, json={
            "process_key": SERVER, "title": f"Server {priority}",
            "data": {"sistem": "SIPP", "prioritas": priority}})
        instance_id = started.json["id"]
        _complete(client, instance_id)
        clock.advance(timedelta(hours=hours))
        _complete(client, instance_id, {"hasil_penanganan": "tuntas", "solusi": "restart"})
        clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=WIB))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "prakom"))
        report = person_report(db.session, DEFAULT_CALENDAR, user,
                               calendar_period("bulan", 2026, 11, "Asia/Jakarta"))
        assert [(m.priority, m.resolved, m.mean_minutes) for m in report.mttr] == [
            ("kritis", 2, 90.0), ("mayor", 1, 180.0)]


def test_rkt_walks_to_its_end_with_its_forms(app, client):
    kasubbag = api_token(client, "kasubbag")
    instance_id = client.post("/api/v1/instances", headers=kasubbag, json={
        "process_key": RKT, "title": "RKT 2027", "data": {"tahun": 2027}}).json["id"]
    values = {"Kegiatan_14": {"keputusan_ketua": "setuju", "tanggal_ttd": "2026-12-01"},
              "Kegiatan_17": {"nomor_surat": "W4-U2/123/PR.01/XII/2026"}}
    returned = False
    for _ in range(30):
        instance = client.get(f"/api/v1/instances/{instance_id}", headers=kasubbag).json
        if instance["status"] != "running":
            break
        [task] = instance["open_tasks"]
        desk = client.get(f"/api/v1/tasks/{task['id']}",
                          headers=api_token(client, username_for(task["role"]))).json
        data = dict(values.get(task["step_id"], {}))
        for field in desk["fields"]:
            if field["type"] == "choice" and field["name"] not in data:
                # The Sekretaris returns the final draft once; every other check agrees.
                back = task["step_id"] == "Kegiatan_10" and not returned
                returned = returned or back
                data[field["name"]] = "revisi" if back else "setuju"
                data["catatan"] = "Target belum selaras dengan Renstra" if back else ""
        _complete(client, instance_id, data)
    assert instance["status"] == "completed" and returned
    assert instance["data"] == {"tahun": 2027, "tanggal_ttd": "2026-12-01",
                                "nomor_surat": "W4-U2/123/PR.01/XII/2026"}
    decided = [(h["decision"], h["note"]) for h in instance["history"]
               if h["action"] == "task.completed" and h["decision"]]
    assert decided[:3] == [("Ya, tandatangani dan serahkan ke Sekretaris", None),
                           ("Ya, tandatangani dan serahkan ke Ketua", None),
                           ("Tidak, kembalikan untuk revisi",
                            "Target belum selaras dengan Renstra")]


def test_a_number_field_takes_only_numbers_it_keeps_exactly(app, client):
    """NaN, infinity and numbers from 2^53 up are refused naming the field, through the
    API (Python's JSON reads ``NaN`` and ``1e400``) and the page (``float()`` reads "nan",
    "inf" and full-width digits); nothing is started. Ordinary numbers still are."""
    prakom = api_token(client, "prakom")
    limit = '"Tahun RKT" harus angka terhingga di bawah 2^53 (9.007.199.254.740.992)'
    for raw in ("NaN", "Infinity", "-Infinity", "1e400", "9007199254740992", "1" + "0" * 309):
        body = f'{{"process_key": "{RKT}", "title": "RKT", "data": {{"tahun": {raw}}}}}'
        response = client.post("/api/v1/instances", headers={
            **prakom, "Content-Type": "application/json"}, data=body)
        assert response.status_code == 422, raw
        assert response.json["error"]["fields"] == {"tahun": limit}, raw
    login(client, "prakom")
    page = client.get(f"/proses/baru?process_key={RKT}").get_data(True)
    for typed, message in (("nan", "harus berupa angka"), ("inf", "harus berupa angka"),
                           ("1e400", "harus berupa angka"), ("１２", "harus berupa angka"),
                           ("99999999999999999999", "harus berupa angka"),
                           ("12.500", ("12.500 dapat dibaca 12500 atau 12,500; tulis tanpa "
                                       "titik ribuan (mis. 12500), desimal dengan koma")),
                           ("1.000.000", "1.000.000 dapat dibaca 1000000; tulis tanpa titik"),
                           ("9999999999999999", "harus angka terhingga di bawah 2^53")):
        response = client.post("/proses/baru", data={
            "csrf_token": csrf_token(page), "process_key": RKT, "title": "RKT",
            "tahun": typed})
        assert response.status_code == 422, typed
        assert f"Tahun RKT&#34; {message}" in response.get_data(True), typed
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
    started = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": RKT, "title": "RKT", "tahun": "2027"})
    assert started.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ProcessInstance.data)) == {"tahun": 2027}


def test_texts_of_invisible_characters_are_blank_wherever_a_text_is_required(app, client):
    """A zero-width space, a word joiner or a byte order mark shows nothing: a reason, a
    title or a comment of only those is refused as empty, not kept as an empty-looking
    one; around a text they are trimmed like spaces."""
    kasubbag = api_token(client, "kasubbag")
    refused = client.post("/api/v1/instances", headers=kasubbag, json={
        "process_key": RKT, "title": "\u2060 \ufeff", "data": {"tahun": 2027}})
    assert refused.status_code == 422 and "title" in refused.json["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
    started = client.post("/api/v1/instances", headers=kasubbag, json={
        "process_key": RKT, "title": "\u200bRKT 2027\ufeff", "data": {"tahun": 2027}})
    instance_id = started.json["id"]
    assert started.json["title"] == "RKT 2027"
    for _ in range(3):
        _complete(client, instance_id)
    refused = _complete(client, instance_id, {"verifikasi_panitera_rancangan": "revisi",
                                              "catatan": "\u200b"}, expect=422)
    assert list(refused.json["error"]["fields"]) == ["catatan"]
    noted = client.post(f"/api/v1/instances/{instance_id}/comments", headers=kasubbag,
                        json={"text": "\u200b\u2060"})
    assert noted.status_code == 422
    assert noted.json["error"]["fields"]["text"] == ["wajib diisi, tidak hanya spasi"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0
