"""Laporan Layanan TI on the page and as CSV/XLSX; the Prakom's SKP page shows the
satisfaction of the tickets they worked on; an employee without an IT role may not see it."""

import io
from datetime import datetime, timedelta

from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import update

from engine.models import User, UserRole
from engine.reports import desk
from tests.conftest import WIB
from tests.web.conftest import PASSWORD, api_token, login
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import _finish, _start
from web.extensions import clock, db
from web.views.auth import hash_password
from web.views.reports.export import Spent
from web.views.reports.page_words import page_cell

MONTH = "periode=bulan&tahun=2026&ke=11"


def test_the_desk_report_counts_a_rating_and_exports_it(app, client, clock):
    add_employee(app)
    me = api_token(client, "pegawai")
    instance_id = _start(client, me)
    _finish(client, instance_id)
    assert client.post(f"/api/v1/instances/{instance_id}/rating", headers=me,
                       json={"score": 4, "comment": "Baik"}).status_code == 201
    assert clock.now() < datetime(2026, 12, 1, tzinfo=WIB)
    login(client, "prakom")
    page = client.get(f"/laporan/layanan-ti?{MONTH}")
    assert page.status_code == 200
    text = page.get_data(True)
    assert "Kepuasan Pengguna" in text and "Baik" in text
    # The reports probe: a low rating's ticket could not be opened from the report.
    assert f'<a href="/proses/{instance_id}">LTI-2026-0001</a>' in text
    csv = client.get(f"/laporan/layanan-ti?{MONTH}&format=csv&tabel=1").get_data(True)
    assert csv.splitlines()[1].startswith("Semua layanan;100,0;85,0;1;1;100,0")
    book = load_workbook(io.BytesIO(client.get(f"/laporan/layanan-ti?{MONTH}&format=xlsx")
                                    .get_data()))
    assert book.sheetnames[:2] == ["Kepuasan Pengguna", "Komentar pengguna"]
    person = client.get(f"/laporan/orang/prakom?{MONTH}").get_data(True)
    assert "Kepuasan Pengguna" in person
    employee = app.test_client()
    login(employee, "pegawai")
    assert employee.get(f"/laporan/layanan-ti?{MONTH}").status_code == 403


def test_the_desk_report_is_for_who_sees_both_sops_and_a_prakoms_row_for_his_line(app, client):
    with app.app_context():
        other = User(username="prakom2", full_name="Prakom Kedua", created_at=clock().now(),
                     roles=[UserRole(role="Prakom")])
        other.password_hash = hash_password(PASSWORD)
        db.session.add(other)
        db.session.commit()
    rows = {}
    for username in ("prakom", "kasubbag", "admin"):
        login(client, username)
        page = client.get(f"/laporan/layanan-ti?{MONTH}")
        assert page.status_code == 200, username
        rows[username] = [name for name in ("Demo Prakom", "Prakom Kedua")
                          if name in page.get_data(True)]
    assert rows == {"prakom": ["Demo Prakom"], "kasubbag": ["Demo Prakom", "Prakom Kedua"],
                    "admin": ["Demo Prakom", "Prakom Kedua"]}
    login(client, "bidang_terkait")  # a lane of the fault report only
    assert client.get(f"/laporan/layanan-ti?{MONTH}").status_code == 403
    assert "/laporan/layanan-ti" not in client.get("/laporan/").get_data(True)


def test_the_desk_reports_own_words_are_english_on_an_english_page_not_in_its_export(
        app, client):
    with app.app_context():
        db.session.execute(update(User).where(User.username == "kasubbag").values(
            language="en"))
        db.session.commit()
    login(client, "kasubbag")
    page = client.get(f"/laporan/layanan-ti?{MONTH}").get_data(True)
    assert "All services" in page and "Semua layanan" not in page
    assert "backlog at the end of the period" in page
    csv = client.get(f"/laporan/layanan-ti?{MONTH}&format=csv&tabel=1").get_data(True)
    assert csv.splitlines()[1].startswith("Semua layanan;")


def test_the_mttr_table_says_its_sla_in_words_on_the_page_and_in_its_export(app, client):
    """The auditor probe: Excel showed the SLA as ``P1D`` where the page says "1 hari
    kerja"."""
    add_employee(app)
    _finish(client, _start(client, api_token(client, "pegawai")))  # triaged minor: P1D
    login(client, "kasubbag")
    page = client.get(f"/laporan/layanan-ti?{MONTH}").get_data(True)
    assert "1 hari kerja" in page and "P1D" not in page
    csv = client.get(f"/laporan/layanan-ti?{MONTH}&format=csv&tabel=5").get_data(True)
    assert csv.splitlines()[1].startswith("minor;1;") and ";1 hari kerja;" in \
        csv.splitlines()[1]
    workbook = load_workbook(io.BytesIO(client.get(
        f"/laporan/layanan-ti?{MONTH}&format=xlsx").data))
    assert [row[3] for row in workbook["MTTR per prioritas"].iter_rows(
        min_row=2, values_only=True)] == ["1 hari kerja"]
    with app.app_context():
        db.session.execute(update(User).where(User.username == "kasubbag").values(
            language="en"))
        db.session.commit()
    english = client.get(f"/laporan/layanan-ti?{MONTH}").get_data(True)
    assert "1 working day" in english and "P1D" not in english


def test_the_comments_list_stops_at_its_limit_and_says_how_many_more(app, client,
                                                                     monkeypatch):
    monkeypatch.setattr(desk, "MAX_COMMENTS", 1)
    add_employee(app)
    me = api_token(client, "pegawai")
    for comment in ("Lambat", "Baik"):
        instance_id = _start(client, me)
        _finish(client, instance_id)
        assert client.post(f"/api/v1/instances/{instance_id}/rating", headers=me,
                           json={"score": 4, "comment": comment}).status_code == 201
    login(client, "prakom")
    csv = client.get(f"/laporan/layanan-ti?{MONTH}&format=csv&tabel=2").get_data(True)
    rows = csv.splitlines()[1:]
    assert rows[0].endswith(";4;Baik") and rows[1] == (
        "…;;dan 1 komentar yang lebih lama pada periode ini — pilih periode yang lebih pendek "
        "untuk melihatnya") and len(rows) == 2


def test_mttr_is_written_in_words_in_the_unit_of_its_sla(app, client, clock):
    """The reports probe: "1.845,6" under "MTTR (menit)" was clock minutes for kritis and
    office minutes for the others."""
    add_employee(app)
    ticket = _start(client, api_token(client, "pegawai"))
    clock.advance(timedelta(minutes=95))
    _finish(client, ticket)  # triaged minor: office minutes
    login(client, "kasubbag")
    page = client.get(f"/laporan/layanan-ti?{MONTH}").get_data(True)
    assert "<th scope=\"col\">MTTR</th>" in page
    assert "1 jam 35 menit kerja" in page
    csv = client.get(f"/laporan/layanan-ti?{MONTH}&format=csv&tabel=5").get_data(True)
    assert csv.splitlines()[0].split(";")[2] == (
        "MTTR (menit kerja, kritis: menit sepanjang waktu)")
    assert csv.splitlines()[1].startswith("minor;1;95,0;")
    with app.test_request_context():
        assert page_cell(Spent(1845.6, round_the_clock=True)) == "1 hari 6 jam"
        assert page_cell(Spent(515.8)) == "8 jam 36 menit kerja"
        with force_locale("en"):  # a priority as Kotak Masuk names it (not "kritis")
            assert [page_cell(word) for word in ("kritis", "mayor", "minor")] == [
                "critical", "major", "minor"]
