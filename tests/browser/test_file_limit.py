"""In Chromium on a phone against the real server: a file larger than the attachment limit
is named beside its field before the form is sent. Sent, the server refused the whole
request (413) and the Catatan typed with it was gone (web/static/file-limit.js)."""

import requests

from tests.browser.conftest import PASSWORD, login
from tests.browser.starting import TIMEOUT_MS

LIMIT_MB = 10  # ALUR_ATTACHMENT_MAX_BYTES's default


def _token(base: str, username: str) -> dict[str, str]:
    token = requests.post(f"{base}/api/v1/auth/token", timeout=10, json={
        "username": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _open_task(base: str) -> int:
    token = _token(base, "prakom")["Authorization"].removeprefix("Bearer ")
    started = requests.post(f"{base}/api/v1/instances", timeout=10, json={
        "process_key": "penanganan_gangguan_server", "title": "Log besar"},
        headers={"Authorization": f"Bearer {token}"})
    assert started.status_code == 201, started.text
    return started.json()["open_tasks"][0]["id"]


def test_a_file_too_large_is_named_and_nothing_is_sent(server, phone, tmp_path):
    large = tmp_path / "log-server.txt"
    large.write_bytes(b"x" * (LIMIT_MB * 1024 * 1024 + 1))
    small = tmp_path / "ringkas.txt"
    small.write_text("ringkasan log")
    task = _open_task(server)
    login(phone, server, "prakom")
    phone.goto(f"{server}/tugas/{task}")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    field = phone.locator("#lampiran-selesai")
    field.set_input_files(str(large))
    note = phone.locator("#lampiran-selesai-terlalu-besar")
    assert note.inner_text() == (f'Berkas "log-server.txt" lebih besar dari {LIMIT_MB} MB; pilih '
                                 "berkas yang lebih kecil. Belum ada yang dikirim; isian lain "
                                 "tetap.")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("aria-describedby") == "lampiran-selesai-terlalu-besar"
    sent = []
    phone.on("request", lambda request: sent.append(request.method))
    phone.get_by_role("button", name="Selesaikan langkah").click()
    phone.wait_for_timeout(500)
    assert "POST" not in sent, "nothing sent"
    assert field.evaluate("element => element === document.activeElement")
    field.set_input_files(str(small))
    assert note.is_hidden()
    assert field.get_attribute("aria-invalid") is None


def test_an_sop_file_over_the_zip_limit_is_named_on_kelola_sop(server, phone, tmp_path):
    """Kelola SOP names the SOP limits (not the attachment's) before anything is sent."""
    large = tmp_path / "sop.zip"
    large.write_bytes(b"x" * (8 * 1024 * 1024 + 1))
    login(phone, server, "admin")
    phone.goto(f"{server}/admin/sop")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    phone.locator("#file").set_input_files(str(large))
    assert phone.locator("#file-terlalu-besar").inner_text() == (
        'Berkas "sop.zip" terlalu besar: berkas BPMN atau tabel SOP paling besar 2 MB, satu '
        "berkas .zip paling besar 8 MB. Belum ada yang dikirim.")


def test_a_bpmn_file_over_its_own_limit_is_named_though_under_the_zip_s(server, phone,
                                                                         tmp_path):
    """A .bpmn of 5 MB is under the .zip's 8 MB but over its own 2 MB: named before it is
    sent (found by the SOP probe: it was refused only after the upload), while a .zip of
    the same size is not."""
    bpmn, packed = tmp_path / "sop-besar.bpmn", tmp_path / "sop-besar.zip"
    bpmn.write_bytes(b"x" * (5 * 1024 * 1024))
    packed.write_bytes(b"x" * (5 * 1024 * 1024))
    login(phone, server, "admin")
    phone.goto(f"{server}/admin/sop")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    field, note = phone.locator("#file"), phone.locator("#file-terlalu-besar")
    field.set_input_files(str(bpmn))
    assert note.inner_text() == (
        'Berkas "sop-besar.bpmn" terlalu besar: berkas BPMN atau tabel SOP paling besar 2 MB, '
        "satu berkas .zip paling besar 8 MB. Belum ada yang dikirim.")
    field.set_input_files(str(packed))
    assert note.is_hidden()


def test_files_together_over_the_limit_are_named_before_anything_is_sent(server, phone,
                                                                          tmp_path):
    """One request takes the limit for all its files: two of 6 MB each are refused
    together (the server answers 413), naming both; one of them alone fits."""
    halves = []
    for name in ("log-a.txt", "log-b.txt"):
        halves.append(tmp_path / name)
        halves[-1].write_bytes(b"x" * (6 * 1024 * 1024))
    task = _open_task(server)
    login(phone, server, "prakom")
    phone.goto(f"{server}/tugas/{task}")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    field = phone.locator("#lampiran-selesai")
    field.set_input_files([str(path) for path in halves])
    note = phone.locator("#lampiran-selesai-terlalu-besar")
    assert note.inner_text() == (f'Berkas "log-a.txt", "log-b.txt" bersama-sama lebih besar '
                                 f"dari {LIMIT_MB} MB, batas satu kiriman; kirim sebagian "
                                 "dahulu. Belum ada yang dikirim; isian lain tetap.")
    sent = []
    phone.on("request", lambda request: sent.append(request.method))
    phone.get_by_role("button", name="Selesaikan langkah").click()
    phone.wait_for_timeout(500)
    assert "POST" not in sent, "nothing sent"
    field.set_input_files(str(halves[0]))
    assert note.is_hidden()


def _rkt_draft_step(base: str) -> int:
    """An RKT instance at the Kasubbag's draft: a form with Lampiran and a file field."""
    kasubbag = _token(base, "kasubbag")
    started = requests.post(f"{base}/api/v1/instances", timeout=10, headers=kasubbag, json={
        "process_key": "penyusunan_rkt", "title": "RKT 2027"}).json()
    for _ in range(2):
        task = requests.get(f"{base}/api/v1/instances/{started['id']}", timeout=10,
                            headers=kasubbag).json()["open_tasks"][0]
        done = requests.post(f"{base}/api/v1/tasks/{task['id']}/complete", timeout=10,
                             headers=_token(base, task["role"].lower().replace(" ", "_")),
                             json={"data": {}})
        assert done.status_code == 200, done.text
    return requests.get(f"{base}/api/v1/instances/{started['id']}", timeout=10,
                        headers=kasubbag).json()["open_tasks"][0]["id"]


def test_a_note_on_files_together_follows_every_field_of_the_form(server, phone, tmp_path):
    """Files in two fields of one form are together: a smaller file chosen in one clears
    the other's note, which named a file no longer chosen (found by the attachment
    probe)."""
    files = {}
    for name, size in (("lampiran.txt", 6), ("draf.txt", 6), ("kecil.txt", 1)):
        files[name] = tmp_path / name
        files[name].write_bytes(b"x" * (size * 1024 * 1024))
    task = _rkt_draft_step(server)
    login(phone, server, "kasubbag")
    phone.goto(f"{server}/tugas/{task}")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    phone.locator("#lampiran-selesai").set_input_files(str(files["lampiran.txt"]))
    phone.locator("#d-draf_rancangan").set_input_files(str(files["draf.txt"]))
    draft_note = phone.locator("#d-draf_rancangan-terlalu-besar")
    assert '"draf.txt", "lampiran.txt" bersama-sama lebih besar' in draft_note.inner_text()
    assert '"draf.txt", "lampiran.txt" bersama-sama' in phone.locator(
        "#lampiran-selesai-terlalu-besar").inner_text(), "worked out again for both"
    phone.locator("#lampiran-selesai").set_input_files(str(files["kecil.txt"]))
    assert draft_note.is_hidden(), "7 MB together fit: no note left naming lampiran.txt"
    assert phone.locator("#d-draf_rancangan").get_attribute("aria-invalid") is None
