"""The modeller's conversion notes (``catatan_konversi``) are for administrators, on the
version page (README "Mendeploy SOP"): the diagram every official who sees a process
downloads leaves them out, while the stored file keeps them."""

from engine.process.deploy import active_definition, deploy
from tests.conftest import BPMN_DIR, mini_bpmn
from tests.web.conftest import api_token, login
from web.extensions import db

SOP = "penyusunan_rkt"


def test_the_diagram_of_a_process_leaves_out_the_conversion_notes(client):
    assert b'name="catatan_konversi"' in (BPMN_DIR / f"{SOP}.bpmn").read_bytes()
    instance = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                           json={"process_key": SOP, "title": "RKT 2027"}).json
    login(client, "prakom")
    diagram = client.get(f"/proses/{instance['id']}/diagram.bpmn")
    assert diagram.status_code == 200
    assert b"<bpmn:userTask" in diagram.data and b'name="waktu"' in diagram.data
    assert b"catatan_konversi" not in diagram.data


def test_a_version_without_a_drawing_says_why_instead_of_failing_to_draw(app, client, clock):
    """A BPMN written by hand without bpmndi:BPMNDiagram runs; its pages say it holds no
    drawing (the administrator, how to add one) where a drawn SOP has its diagram."""
    with app.app_context():
        definition, _ = deploy(db.session, clock, mini_bpmn())
        db.session.commit()
        assert definition.catalog["diagram"] is False
        assert active_definition(db.session, SOP).catalog["diagram"] is True
    drawn = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                        json={"process_key": SOP, "title": "RKT 2027"}).json
    bare = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                       json={"process_key": "sop_uji", "title": "Konsep"}).json
    login(client, "prakom")
    page = client.get(f"/proses/{bare['id']}").get_data(True)
    assert 'id="diagram"' not in page
    assert "tidak memuat gambar diagram (bagian bpmndi:BPMNDiagram)" in page
    assert "Camunda Modeler" not in page  # what to do is the administrator's
    page = client.get(f"/proses/{drawn['id']}").get_data(True)
    assert 'id="diagram"' in page and "bpmndi:BPMNDiagram" not in page
    login(client, "admin")
    version = client.get("/admin/sop/sop_uji").get_data(True)
    assert 'id="diagram"' not in version and "Camunda Modeler" in version
    heatmap = client.get("/laporan/sop/sop_uji/peta").get_data(True)
    assert 'id="heatmap"' not in heatmap and "bpmndi:BPMNDiagram" in heatmap
    assert 'id="heatmap"' in client.get(f"/laporan/sop/{SOP}/peta").get_data(True)


def test_the_administrator_downloads_the_stored_file_to_change_and_upload_again(client):
    """The authoring probe: the version page linked no file to edit, and the only one to be
    had (``diagram.bpmn``) lost the notes, so a revision made from it dropped them all."""
    login(client, "admin")
    page = client.get(f"/admin/sop/{SOP}").get_data(True)
    link = f'href="/admin/sop/{SOP}/versi/1/berkas.bpmn" download>Unduh berkas BPMN</a>'
    assert link in page
    stored = client.get(f"/admin/sop/{SOP}/versi/1/berkas.bpmn")
    assert stored.status_code == 200
    assert stored.headers["Content-Disposition"] == f"attachment; filename={SOP}-v1.bpmn"
    assert stored.data == (BPMN_DIR / f"{SOP}.bpmn").read_bytes()
    assert client.get(f"/admin/sop/{SOP}/versi/9/berkas.bpmn").status_code == 404
    login(client, "kasubbag")
    assert client.get(f"/admin/sop/{SOP}/versi/1/berkas.bpmn").status_code == 403
