"""Waktu reads the same on every SOP page (issue 15, point 13): the table wrote "10 Menit",
the SOP document, the steps tables, the task and process pages, the diff and every
diagram's timer label say "10 menit" — while the bundled BPMN file stays as converted."""

import io
import re

from lxml import etree

from tests.conftest import BPMN_DIR, csrf_token
from tests.web.conftest import api_token, login

SOP = "perawatan_jaringan"  # steps 1 and 3 "10 Menit", step 4 "15 Menit"
SHOUTED = re.compile(r"\b\d+ (Menit|Jam|Hari|Minggu)")
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def _timer_labels(xml: bytes) -> list[str]:
    return [timer.get("name") for timer in etree.fromstring(xml).iterfind(
        ".//bpmn:boundaryEvent", NS) if timer.get("name")]


def test_the_source_writes_the_waktu_in_capitals():
    # What the pages below normalise: the file keeps the table's words.
    bundled = (BPMN_DIR / f"{SOP}.bpmn").read_bytes()
    assert b'name="waktu" value="10 Menit"' in bundled
    assert _timer_labels(bundled).count("10 Menit") == 2


def test_waktu_in_one_casing_on_the_sop_pages_and_diagrams(client):
    api = api_token(client, "prakom")
    instance = client.post("/api/v1/instances", headers=api,
                           json={"process_key": SOP, "title": "Jaringan lantai 2"}).json
    task = instance["open_tasks"][0]  # step 1 is the Sekretaris's
    login(client, "sekretaris")
    pages = {url: client.get(url).get_data(True) for url in (
        f"/sop/{SOP}/versi/1", f"/tugas/{task['id']}", f"/proses/{instance['id']}")}
    document = pages[f"/sop/{SOP}/versi/1"]
    assert document.count('<td class="col-waktu">10 menit</td>') == 2
    assert '<td class="col-waktu">15 menit</td>' in document
    assert re.search(r"<dt>Waktu \(Mutu Baku\)</dt><dd>10 menit</dd>", pages[f"/tugas/{task['id']}"])
    assert "/ 10 menit</td>" in pages[f"/proses/{instance['id']}"]
    diagrams = [client.get(f"/proses/{instance['id']}/diagram.bpmn").data,
                client.get(f"/laporan/sop/{SOP}/diagram.bpmn").data]
    login(client, "admin")
    pages[f"/admin/sop/{SOP}"] = client.get(f"/admin/sop/{SOP}").get_data(True)
    assert '<td data-label="Waktu">10 menit</td>' in pages[f"/admin/sop/{SOP}"]
    diagrams.append(client.get(f"/admin/sop/{SOP}/versi/1/diagram.bpmn").data)
    for url, page in pages.items():
        assert not SHOUTED.search(page), (url, SHOUTED.search(page).group(0))
    for xml in diagrams:
        labels = _timer_labels(xml)
        assert labels.count("10 menit") == 2 and "15 menit" in labels
        assert not any(SHOUTED.search(label) for label in labels), labels


def test_the_diff_and_a_new_versions_diagram_follow_its_waktu(client):
    login(client, "admin")
    token = csrf_token(client.get("/admin/sop").get_data(True))
    # A hand edit that changes the Waktu and the timer but leaves the timer's old name.
    revised = (BPMN_DIR / f"{SOP}.bpmn").read_bytes().replace(
        b'name="waktu" value="10 Menit"', b'name="waktu" value="20 Menit"', 1).replace(
        b'>"PT10M"<', b'>"PT20M"<', 1)
    client.post("/admin/sop", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(revised), f"{SOP}.bpmn")})
    page = client.get(f"/admin/sop/{SOP}").get_data(True)
    assert re.search(r"<strong>Waktu berubah:</strong> [^<]+: 10 menit → 20 menit</li>", page)
    assert not SHOUTED.search(page)
    # The first timer is still named "10 Menit" in the file; its label says the new Waktu.
    assert _timer_labels(client.get(f"/admin/sop/{SOP}/versi/2/diagram.bpmn").data) == [
        "20 menit", "10 menit", "15 menit"]
