"""The modeller's conversion notes (``catatan_konversi``) are for administrators, on the
version page (README "Mendeploy SOP"): the diagram every official who sees a process
downloads leaves them out, while the stored file keeps them."""

from tests.conftest import BPMN_DIR
from tests.web.conftest import api_token, login

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
