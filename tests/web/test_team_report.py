"""Kinerja per orang opens on the team's table: each person the reader may see, with the
headline figures of his own report over the period, links to the report and to the
processes behind each figure, and the same table as CSV or XLSX."""

from sqlalchemy import select

from engine.models import User
from tests.web.conftest import login
from tests.web.test_reports import Q4, assert_exports_match
from web.extensions import clock, db


def test_the_kasubbag_compares_his_prakom_with_himself(client, history):
    login(client, "kasubbag")
    shown = assert_exports_match(client, f"/laporan/orang?{Q4}", "&")
    # Each row is the person's own Ringkasan (test_reports: Prakom 10 steps, 7 of 10 on
    # time, 7 escalations; Kasubbag 3 steps without a deadline); the other roles he
    # supervises (Redaktur, Bidang Terkait) did nothing.
    rows = {row[1]: row for row in shown["Tim"]}
    assert rows["prakom"] == ["Demo Prakom", "prakom", "Prakom", "Triwulan IV 2026", 10, 0, 10,
                              7, 70.0, 7]
    assert rows["kasubbag"] == ["Demo Kasubbag", "kasubbag", "Kasubbag", "Triwulan IV 2026",
                                3, 0, 0, 0, None, 0]
    assert rows["redaktur"][4:] == [0, 0, 0, 0, None, 0]
    assert "ketua" not in rows and "sekretaris" not in rows
    page = client.get(f"/laporan/orang?{Q4}").get_data(True)
    assert '<a href="/laporan/orang/prakom?periode=triwulan&amp;tahun=2026&amp;ke=4">Demo Prakom</a>' in page
    assert "/laporan/orang/prakom/proses?angka=eskalasi&amp;periode=triwulan" in page
    person = client.get(f"/laporan/orang/prakom?{Q4}&format=csv").get_data(True)
    assert ";10;0;10;7;70" in person.replace(",0", "")


def test_a_disabled_account_keeps_its_row_and_says_so(app, client, history):
    with app.app_context():
        for name in ("prakom", "admin2"):
            user = db.session.scalar(select(User).where(User.username == name))
            if user is None:
                user = User(username=name, full_name="Admin Lama", password_hash="-",
                            created_at=clock().now())
                db.session.add(user)
            user.is_disabled = True
        db.session.commit()
    login(client, "admin")
    page = client.get(f"/laporan/orang?{Q4}").get_data(True)
    assert "Prakom (akun nonaktif)" in page
    # No role and no step ever (the auditor probe): no row of nothing among the team.
    assert "Admin Lama" not in page and 'href="/laporan/orang/admin?' not in page
    csv = client.get(f"/laporan/orang?{Q4}&format=csv").get_data(True)
    assert "Demo Prakom;prakom;Prakom (akun nonaktif);Triwulan IV 2026;10;0;10;7;70" in csv


def test_a_second_page_keeps_its_size_names_its_file_and_says_one_thing(client, history):
    login(client, "admin")
    page = client.get(f"/laporan/orang?{Q4}&per_page=2&halaman=2").get_data(True)
    assert '<input type="hidden" name="per_page" value="2">' in page
    with client.get(f"/laporan/orang?{Q4}&per_page=2&halaman=2&format=csv") as csv:
        assert "kinerja-tim-" in csv.headers["Content-Disposition"]
        assert "-halaman-2.csv" in csv.headers["Content-Disposition"]
    past = client.get(f"/laporan/orang?{Q4}&halaman=9").get_data(True)
    assert "Halaman 9 kosong" in past and "Tidak ada data pada periode ini" not in past
