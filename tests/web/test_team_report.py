"""Kinerja per orang opens on the team's table: each person the reader may see, with the
headline figures of his own report over the period, links to the report and to the
processes behind each figure, and the same table as CSV or XLSX."""

from sqlalchemy import select

from engine.models import User
from tests.web.conftest import login
from tests.web.test_reports import Q4, assert_exports_match
from web.extensions import db


def test_the_kasubbag_compares_his_prakom_with_himself(client, history):
    login(client, "kasubbag")
    shown = assert_exports_match(client, f"/laporan/orang?{Q4}", "&")
    # Each row is the person's own Ringkasan (test_reports: Prakom 10 steps, 7 of 10 on
    # time, 7 escalations; Kasubbag 3 steps without a deadline); the other roles he
    # supervises (Redaktur, Bidang Terkait) did nothing.
    rows = {row[1]: row for row in shown["Tim"]}
    assert rows["prakom"] == ["Demo Prakom", "prakom", "Prakom", "Triwulan IV 2026", 10, 10, 7,
                              70.0, 7]
    assert rows["kasubbag"] == ["Demo Kasubbag", "kasubbag", "Kasubbag", "Triwulan IV 2026",
                                3, 0, 0, None, 0]
    assert rows["redaktur"][4:] == [0, 0, 0, None, 0]
    assert "ketua" not in rows and "sekretaris" not in rows
    page = client.get(f"/laporan/orang?{Q4}").get_data(True)
    assert '<a href="/laporan/orang/prakom?periode=triwulan&amp;tahun=2026&amp;ke=4">Demo Prakom</a>' in page
    assert "/laporan/orang/prakom/proses?angka=eskalasi&amp;periode=triwulan" in page
    person = client.get(f"/laporan/orang/prakom?{Q4}&format=csv").get_data(True)
    assert ";10;10;7;70" in person.replace(",0", "")


def test_a_disabled_account_keeps_its_row_and_says_so(app, client, history):
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "prakom")).is_disabled = True
        db.session.commit()
    login(client, "admin")
    page = client.get(f"/laporan/orang?{Q4}").get_data(True)
    assert "Prakom (akun nonaktif)" in page
    csv = client.get(f"/laporan/orang?{Q4}&format=csv").get_data(True)
    assert "Demo Prakom;prakom;Prakom (akun nonaktif);Triwulan IV 2026;10;10;7;70" in csv
