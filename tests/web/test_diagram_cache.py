"""An SOP's diagram holds no case data: the browser keeps it and asks again with its ETag
(304 when unchanged), while every page with case data stays no-store (README
"Keamanan")."""

from tests.web.conftest import api_token, login


def test_an_sop_diagram_is_revalidated_not_sent_again_while_pages_stay_unkept(client):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penyusunan_rkt", "title": "RKT 2027"}).json
    login(client, "prakom")
    for path in (f"/proses/{started['id']}/diagram.bpmn",
                 "/laporan/sop/penyusunan_rkt/diagram.bpmn"):
        first = client.get(path)
        assert first.status_code == 200 and first.data.startswith(b"<?xml")
        assert first.headers["Cache-Control"] == "private, no-cache" and first.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert (again.status_code, again.data) == (304, b""), path
        assert again.headers["Cache-Control"] == "private, no-cache"
    page = client.get(f"/proses/{started['id']}")
    assert page.headers["Cache-Control"] == "no-store", "the process page holds case data"
    login(client, "admin")
    version = client.get("/admin/sop/penyusunan_rkt/versi/1/diagram.bpmn")
    assert version.status_code == 200 and version.headers["Cache-Control"] == "private, no-cache"
