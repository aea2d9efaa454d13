"""Kotak Masuk's tools for a reader who chose English: each task's result of Ambil or
Alihkan sekaligus, and why a filter was not saved, are English sentences (before, the
engine's Indonesian ones stood among the page's English)."""

from sqlalchemy import select

from engine.models import User
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from tests.web.test_inbox_tools import SERVER, _flashes, _start
from web.extensions import db


def test_bulk_results_and_filter_refusals_in_english(app, client):
    tasks = [_start(client, "prakom", SERVER, f"Server {n}") for n in range(2)]
    client.post(f"/api/v1/tasks/{tasks[1]}/complete", headers=api_token(client, "prakom"),
                json={"data": {}})
    own = _start(client, "kasubbag", "surat_masuk_keluar", "Surat dinas")
    with app.app_context():
        prakom = db.session.scalar(select(User.id).where(User.username == "prakom"))
    login(client, "kasubbag")
    token = csrf_token(client.get("/akun/").get_data(True))
    client.post("/akun/", data={"csrf_token": token, "email": "", "language": "en"})
    page = client.get("/?tampil=bawahan").get_data(True)
    assigned = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "aksi": "alihkan", "assignee": prakom,
        "tugas": [tasks[0], tasks[1], own]}).get_data(True)
    step = "Menerima dan mencatat laporan gangguan server"
    assert [text.replace("&#34;", '"') for _, text in _flashes(assigned)] == [
        f'Task "{step}" (GS-2026-0001) reassigned to Demo Prakom.',
        f'Task "{step}" (GS-2026-0002) is already completed; it can no longer be reassigned.',
        'You cannot reassign task "Menerima surat masuk yang telah didisposisi atasan dari '
        'subbag umum dan keuangan" (SMK-2026-0001): tasks of the role Kasubbag are '
        'reassigned only by the Sekretaris.']
    claimed = client.post("/kotak-masuk/massal", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "aksi": "ambil", "tugas": [own, 999999]}).get_data(True)
    assert _flashes(claimed)[0][1].startswith("You took task &#34;Menerima surat masuk")
    assert _flashes(claimed)[1] == ("error", "Task #999999 not found.")
    refused = client.post("/kotak-masuk/saringan", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "nama": " "}).get_data(True)
    assert _flashes(refused) == [
        ("error", "Filter not saved: give this filter a name (at most 60 characters).")]
