"""The version page says what a revision changes in its kept steps' Mutu Baku and flow:
the SOP table probe activated a version that sent "Ya, tuntas" to another step, and one
that rewrote an Output, from a preview that read "Langkah sama dengan versi aktif"."""

import io

from tests.conftest import BPMN_DIR, csrf_token
from tests.engine.process.test_migration import KEY
from tests.web.conftest import api_token, login

SAME = "Langkah sama dengan versi aktif."
OTHER_FILE = ("Langkah, pelaksana, Waktu, Mutu Baku, formulir, keputusan dan alurnya sama "
              "dengan versi aktif; berkasnya berbeda hanya pada hal yang tidak tampil di "
              "langkah (mis. tata letak diagram, atau huruf besar-kecil Waktu).")


def _upload(client, revised: bytes) -> str:
    """The version page after ``revised`` is uploaded as a version waiting for activation."""
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    assert client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(revised), "server.bpmn")}).status_code == 302
    return client.get(f"/admin/sop/{KEY}").get_data(True)


def test_a_changed_flow_and_output_are_named(client):
    revised = (BPMN_DIR / f"{KEY}.bpmn").read_bytes().replace(
        b'sourceRef="Gateway_2" targetRef="EndEvent_1"',
        b'sourceRef="Gateway_2" targetRef="Kegiatan_7"').replace(
        b'value="Terdatanya laporan kondisi server"', b'value="Tercatat di buku register"')
    page = _upload(client, revised)
    assert ("<li><strong>Alur sesudah Mengatasi permasalahan gangguan server:</strong> "
            "Belum tuntas, laporkan → Melaporkan hasil penyelesaian gangguan server yang belum "
            "tuntas; Ya, tuntas → Selesai ⇒ Belum tuntas, laporkan → Melaporkan hasil "
            "penyelesaian gangguan server yang belum tuntas; Ya, tuntas → Menerima laporan "
            "hasil pelaksanaan pembangunan/pengembangan server/mainframe telah selesai</li>"
            ) in page
    assert ("<li><strong>Output Menerima dan mencatat laporan gangguan server:</strong> "
            "Terdatanya laporan kondisi server ⇒ Tercatat di buku register</li>") in page
    assert SAME not in page and OTHER_FILE not in page
    diff = client.get(f"/api/v1/processes/{KEY}/versions/2/diff",
                      headers=api_token(client, "admin")).json
    assert diff["mutu_baku"] == [["Kegiatan_1", "Menerima dan mencatat laporan gangguan server",
                                  "Output", "Terdatanya laporan kondisi server",
                                  "Tercatat di buku register"]]
    assert [change[:2] for change in diff["flows"]] == [
        ["Kegiatan_2", "Mengatasi permasalahan gangguan server"]]


def test_a_file_that_differs_in_no_step_says_so_not_same(client):
    revised = (BPMN_DIR / f"{KEY}.bpmn").read_bytes().replace(
        b'name="waktu" value="3 jam"', b'name="waktu" value="3 Jam"')
    page = _upload(client, revised)
    assert OTHER_FILE in page and SAME not in page
    diff = client.get(f"/api/v1/processes/{KEY}/versions/2/diff",
                      headers=api_token(client, "admin")).json
    assert diff["same_file"] is False and not any(
        diff[name] for name in ("added", "removed", "renamed", "moved", "retimed", "mutu_baku",
                                "flows"))
