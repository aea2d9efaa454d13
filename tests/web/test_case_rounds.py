"""The case across revision rounds: each round's file in Berkas Proses is the one that round
submitted, an older upload of a name says a newer one exists, a decision sent as a list of
one is told to send its value, and a refused form asks for its files again only when one
was chosen."""

import html
import io
import re

from sqlalchemy import select

from engine.models import Attachment, HumanTask
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from tests.web.test_case_pages import PDF, _complete_open, _rkt_at_the_draft
from web.extensions import db


def test_each_rounds_file_in_the_case_file_opens_what_that_round_submitted(app, client):
    """Returned for revision and sent again with a new file of the same name: the first
    round's entry opens the first round's file, the case data the newest."""
    started, task = _rkt_at_the_draft(client)
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task}").get_data(True)
    client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "draf_rancangan": (io.BytesIO(PDF), "draf.pdf")})
    _complete_open(client, started["id"], {"verifikasi_panitera_rancangan": "revisi",
                                           "catatan": "Indikator belum terukur"})
    again = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                       ).json["open_tasks"][0]["id"]
    page = client.get(f"/tugas/{again}").get_data(True)
    client.post(f"/tugas/{again}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "catatan": "Diperbaiki",
        "draf_rancangan": (io.BytesIO(PDF + b"% v2\n"), "draf.pdf")})
    with app.app_context():
        first, second = db.session.scalars(select(Attachment.id).where(
            Attachment.filename == "draf.pdf").order_by(Attachment.id)).all()
    login(client, "panitera")
    step = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                      ).json["open_tasks"][0]["id"]
    shown = client.get(f"/tugas/{step}").get_data(True)
    case_data, rounds = shown.split("Langkah yang sudah selesai", 1)
    assert f'<dd><a href="/lampiran/{second}">draf.pdf</a></dd>' in case_data
    links = re.findall(r'<dd><a href="/lampiran/(\d+)">draf\.pdf</a></dd>', rounds)
    assert sorted(map(int, links)) == [first, second], "each round its own file"
    listed = client.get(f"/proses/{started['id']}").get_data(True)
    lines = re.findall(r'<li><a href="/lampiran/\d+">draf\.pdf</a>[^<]*', listed)
    assert len(lines) == 2 and " (putaran 1) · " in lines[0], lines
    assert lines[1].endswith(" (putaran 2)"), "the second round's upload says so"
    with app.app_context():
        step = db.session.get(HumanTask, db.session.get(Attachment, first).human_task_id).name
    assert all(f" · {step}" in line for line in lines)
    assert f", {step} (putaran 2)" in shown, "the next desk's task page says it too"


def test_an_older_upload_of_a_name_says_a_newer_one_exists(app, client):
    started, task = _rkt_at_the_draft(client)
    token = api_token(client, "kasubbag")
    for version in (b"", b"% v2\n"):
        assert client.post(f"/api/v1/tasks/{task}/attachments", headers=token,
                           content_type="multipart/form-data", data={
                               "lampiran": (io.BytesIO(PDF + version), "draf.pdf")}
                           ).status_code == 201
    login(client, "kasubbag")
    for page in (client.get(f"/proses/{started['id']}").get_data(True),
                 client.get(f"/tugas/{task}").get_data(True)):
        assert page.count("versi lama: ada unggahan lebih baru bernama sama") == 1
    assert client.get(f"/tugas/{task}").get_data(True).count(", langkah ini") == 2, \
        "on its own step's page an upload says so"


def test_a_decision_sent_as_a_list_of_one_is_told_to_send_its_value(client):
    started, _ = _rkt_at_the_draft(client)
    _complete_open(client, started["id"])
    task = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                      ).json["open_tasks"][0]
    refused = client.post(f"/api/v1/tasks/{task['id']}/complete",
                          headers=api_token(client, "panitera"),
                          json={"data": {"verifikasi_panitera_rancangan": ["revisi"],
                                         "catatan": "Belum terukur"}})
    assert refused.status_code == 422
    [message] = refused.json["error"]["fields"].values()
    assert message.endswith('" satu nilai, bukan daftar; kirim nilainya saja'), message


def test_a_refused_step_form_without_a_chosen_file_asks_for_none_again(client):
    started, _ = _rkt_at_the_draft(client)
    _complete_open(client, started["id"])
    step = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                      ).json["open_tasks"][0]["id"]
    login(client, "panitera")
    page = client.get(f"/tugas/{step}").get_data(True)
    refused = client.post(f"/tugas/{step}", data={
        "csrf_token": csrf_token(page), "verifikasi_panitera_rancangan": "revisi"})
    assert refused.status_code == 422
    assert "perlu dipilih ulang" not in refused.get_data(True)


def test_a_long_reason_for_a_return_scrolls_in_its_own_box_above_the_form(client):
    started, _ = _rkt_at_the_draft(client)
    _complete_open(client, started["id"])
    reason = "Indikator belum terukur. " * 40
    _complete_open(client, started["id"], {"verifikasi_panitera_rancangan": "revisi",
                                           "catatan": reason})
    again = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                       ).json["open_tasks"][0]["id"]
    login(client, "kasubbag")
    page = client.get(f"/tugas/{again}").get_data(True)
    assert ('<span class="teks long-note" tabindex="0" role="region" aria-label="Alasan '
            'pengembalian (dapat digulir)">Indikator belum terukur.') in page


def test_a_returned_steps_page_links_the_files_its_reviewer_attached(app, client):
    """"Lihat koreksi terlampir": the official sent back finds the correction beside the
    reason, not only far down in the case's attachment list."""
    started, task = _rkt_at_the_draft(client)
    draft = client.post(f"/api/v1/tasks/{task}/complete", headers=api_token(client, "kasubbag"),
                        content_type="multipart/form-data",
                        data={"draf_rancangan": (io.BytesIO(PDF), "draf.pdf")})
    assert draft.status_code == 200, draft.json
    review = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                        ).json["open_tasks"][0]
    reviewer = api_token(client, review["role"].lower())
    for name in ("koreksi.pdf", "contoh.pdf"):
        assert client.post(f"/api/v1/tasks/{review['id']}/attachments", headers=reviewer,
                           content_type="multipart/form-data",
                           data={"lampiran": (io.BytesIO(PDF), name)}).status_code == 201
    _complete_open(client, started["id"], {"verifikasi_panitera_rancangan": "revisi",
                                           "catatan": "Lihat koreksi terlampir"})
    again = client.get(f"/api/v1/instances/{started['id']}", headers=api_token(client, "admin")
                       ).json["open_tasks"][0]["id"]
    with app.app_context():
        files = db.session.scalars(select(Attachment.id).where(
            Attachment.human_task_id == review["id"]).order_by(Attachment.id)).all()
    login(client, "kasubbag")
    notice = re.search(r'<p class="flash flash-warning returned".*?</p>',
                       client.get(f"/tugas/{again}").get_data(True), re.DOTALL).group(0)
    assert "Lihat koreksi terlampir" in notice
    assert notice.endswith(f'<br>Lampirannya: <a href="/lampiran/{files[0]}">koreksi.pdf</a>, '
                           f'<a href="/lampiran/{files[1]}">contoh.pdf</a></p>')


def test_a_refused_file_is_said_with_every_other_mistake_of_the_form(app, client):
    """One round names every mistake: a wrong file and a note too long, both at once."""
    _, task = _rkt_at_the_draft(client)
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task}").get_data(True)
    refused = client.post(f"/tugas/{task}", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "catatan": "x" * 2001,
        "draf_rancangan": (io.BytesIO(b"MZ\x90"), "draf.exe")})
    shown = html.unescape(refused.get_data(True))
    assert refused.status_code == 422
    assert 'Draf rancangan RKT "draf.exe": jenis berkas tidak diizinkan' in shown
    assert '"Catatan" harus teks, paling banyak 2000 karakter' in shown
    with app.app_context():
        assert db.session.scalars(select(Attachment)).all() == []
