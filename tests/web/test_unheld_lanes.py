"""An SOP version with a lane nobody holds is stored and may be activated, but the
administrator is told, on every way in, that its instances stop at that lane's steps (found
by the SOP lifecycle probe: a "Pihak Ketiga" lane was activated without a word)."""

import io

from sqlalchemy import select

from engine.models import User, UserRole
from tests.conftest import csrf_token, mini_bpmn
from tests.web.conftest import api_token, login
from web.extensions import db

THIRD_PARTY = mini_bpmn({'name="Kasubbag"': 'name="Pihak Ketiga"'})
WARNING = ("Tidak seorang pun memegang peran Pihak Ketiga sekarang: langkah di lane itu tidak "
           "dapat dikerjakan siapa pun, dan proses versi ini berhenti di sana sampai peran itu "
           "diberikan kepada seorang pengguna (Pengguna dan Peran), atau Plt dicatat bila "
           "pemegangnya yang nonaktif masih tercatat.")


def _page(client, url: str) -> str:
    return " ".join(client.get(url).get_data(True).split())


def test_the_upload_the_version_page_and_the_activation_say_so(client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    uploaded = client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(THIRD_PARTY), "uji.bpmn")})
    assert uploaded.headers["Location"] == "/admin/sop/sop_uji"
    page = _page(client, "/admin/sop/sop_uji")
    assert page.count(WARNING) == 2, "the upload's flash and the preview's note"
    client.post("/admin/sop/sop_uji/versi/1/aktifkan", data={"csrf_token": token})
    page = _page(client, "/admin/sop/sop_uji")
    assert page.count(WARNING) == 2, "the activation's flash and the preview's note"
    assert _page(client, "/admin/sop/sop_uji").count(WARNING) == 1, "the note stays"


def test_a_holder_takes_the_warning_away(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(THIRD_PARTY), "uji.bpmn")})
    assert WARNING in _page(client, "/admin/sop/sop_uji")
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        prakom.roles.append(UserRole(role="Pihak Ketiga"))
        db.session.commit()
    assert "Tidak seorang pun memegang peran" not in _page(client, "/admin/sop/sop_uji")


def test_the_api_names_the_lanes_on_deploy_and_on_activation(client):
    admin = api_token(client, "admin")
    deployed = client.post("/api/v1/processes", headers=admin, data={
        "file": (io.BytesIO(THIRD_PARTY), "uji.bpmn")}, content_type="multipart/form-data")
    assert (deployed.status_code, deployed.json["unheld_lanes"]) == (201, ["Pihak Ketiga"])
    activated = client.post("/api/v1/processes/sop_uji/versions/1/activate", headers=admin)
    assert (activated.status_code, activated.json["unheld_lanes"]) == (200, ["Pihak Ketiga"])
    usual = client.post("/api/v1/processes", headers=admin, data={
        "file": (io.BytesIO(mini_bpmn()), "uji.bpmn")}, content_type="multipart/form-data")
    assert (usual.status_code, usual.json["unheld_lanes"]) == (201, [])


def test_alur_deploy_warns_on_stderr(app, tmp_path):
    path = tmp_path / "uji.bpmn"
    path.write_bytes(THIRD_PARTY)
    deployed = app.test_cli_runner().invoke(args=["deploy", str(path)])
    assert deployed.exit_code == 0, deployed.output
    assert deployed.stderr == (
        "PERINGATAN uji.bpmn: tidak seorang pun memegang peran Pihak Ketiga sekarang; proses "
        "versi ini berhenti di langkah lane itu sampai peran itu diberikan kepada seorang "
        "pengguna (alur user), atau Plt dicatat bila pemegangnya yang nonaktif masih "
        "tercatat.\n")


def test_a_process_waiting_at_such_a_step_says_why_on_its_page(client):
    """BPMN probe: the process page said only "Sekarang di: … — Pihak Ketiga", with no
    word that no account can act there, and no list showed it."""
    admin = api_token(client, "admin")
    assert client.post("/api/v1/processes", headers=admin, data={
        "file": (io.BytesIO(THIRD_PARTY), "uji.bpmn")},
        content_type="multipart/form-data").status_code == 201
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Uji"}).json
    said = ("Tidak seorang pun memegang peran Pihak Ketiga sekarang: langkah terbuka proses "
            "ini di peran itu tidak dapat dikerjakan siapa pun sampai peran itu diberikan "
            "kepada seorang pengguna (Pengguna dan Peran), atau Plt dicatat.")
    login(client, "prakom")
    assert "Tidak seorang pun" not in _page(client, f"/proses/{started['id']}"), "Prakom's step"
    assert client.post(f"/api/v1/tasks/{started['open_tasks'][0]['id']}/complete",
                       headers=prakom, json={"data": {}}).status_code == 200
    assert said in _page(client, f"/proses/{started['id']}")
