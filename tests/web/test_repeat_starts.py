"""A start sent again after the Back button (the page comes back with every typed field
and a new form key): both are kept, and the second's page names the first and says to
cancel one if it was sent twice (README "Mulai Proses", "Layanan TI")."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from engine.models import ProcessInstance
from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import login
from tests.web.desk_helpers import add_employee
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"
BACKUP = "backup_database_sipp"
WARNING = re.compile(r'<p class="flash flash-warning" role="status">([^<]*)</p>')


def _ticket(client, title: str):
    page = client.get(f"/tiket/ajukan?process_key={LTI}").get_data(True)  # a new form key
    sent = client.post("/tiket/ajukan", data={
        "csrf_token": csrf_token(page), "sekali": re.search(r'name="sekali" value="([^"]+)"',
                                                            page).group(1),
        "process_key": LTI, "title": title, **START_DATA[LTI]}, follow_redirects=True)
    assert sent.status_code == 200
    return WARNING.findall(sent.get_data(True))


def test_a_ticket_filed_again_after_back_names_the_first_and_says_cancel_one(app, client,
                                                                            clock):
    add_employee(app)
    login(client, "pegawai")
    assert _ticket(client, "Printer ruang sidang") == []
    clock.advance(timedelta(minutes=2))
    assert _ticket(client, "printer  ruang sidang") == [
        "Tiket ini sama layanan dan judulnya dengan LTI-2026-0001 yang Anda ajukan 23 Nov 2026 "
        "08.00 WIB. Bila terkirim dua kali (mis. setelah tombol Kembali), batalkan salah "
        "satunya."]
    clock.advance(timedelta(minutes=2))
    [third] = _ticket(client, "Printer ruang sidang")
    assert "dengan LTI-2026-0001 yang Anda ajukan" in third, "the first one, not the second"
    assert _ticket(client, "Proyektor rusak") == [], "another title is another request"
    clock.advance(timedelta(minutes=31))
    assert _ticket(client, "Printer ruang sidang") == [], "half an hour later: no repeat"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 5


def test_a_process_started_again_after_back_names_the_first(app, client, clock):
    login(client, "prakom")

    def start(title: str, key: str = BACKUP) -> list[str]:
        page = client.get(f"/proses/baru?process_key={key}").get_data(True)
        sent = client.post("/proses/baru", data={
            "csrf_token": csrf_token(page), "process_key": key, "title": title,
            "sekali": re.search(r'name="sekali" value="([^"]+)"', page).group(1)},
            follow_redirects=True)
        assert sent.status_code == 200
        return WARNING.findall(sent.get_data(True))

    assert start("Backup Desember") == []
    clock.advance(timedelta(minutes=1))
    [warning] = start("Backup Desember")
    assert warning.startswith("Proses ini sama SOP dan judulnya dengan BDS-2026-0001 yang "
                              "Anda mulai 23 Nov 2026 08.00 WIB.")
    assert start("Backup Desember", "penanganan_gangguan_server") == [], \
        "another SOP of the same title is another process"
