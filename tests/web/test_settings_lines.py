"""The calendar's lists on Pengaturan: several bad lines are each named in one answer
(the first five in full, the rest counted), so that one save shows every line to mend,
and nothing is stored; a Ramadan period counts both its ends."""

from sqlalchemy import select

from engine import settings
from engine.models import Setting
from tests.web.conftest import login
from tests.web.test_settings import FORM, _post
from web.extensions import db


def _error(page: str, field: str) -> str:
    start = page.index(f'id="{field}-error">') + len(f'id="{field}-error">')
    return page[start:page.index("</p>", start)]


def test_every_bad_ramadan_and_holiday_line_is_named_at_once(app, client):
    login(client, "admin")
    with app.app_context():
        before = settings.get(db.session, "calendar")
    ramadan = "2027-02-08 2027-03-09\n2027-02-30 2027-03-09\n2028-01-28 2028-01-01\n" \
              "2027-03-01 2027-03-05"
    added = "\n".join(["2026-12-01 Rapat", "x Libur", "2026-02-30 Syukuran", "1999-12-31 Lama",
                       "2026-12-01 Lagi", "2026-12-02 " + "k" * 201, "y", "z"])
    response = _post(client, {**FORM, "ramadan": ramadan, "added": added})
    assert response.status_code == 422
    page = response.get_data(True)
    assert _error(page, "ramadan") == (
        'Baris 2: &#34;2027-02-30&#34; bukan tanggal (TTTT-BB-HH). Baris 3: tanggal akhir '
        "2028-01-01 sebelum tanggal awal 2028-01-28; tulis awal lalu akhir. Baris 4: "
        "bertumpang tindih dengan periode di atasnya.")
    assert _error(page, "added") == (
        "Baris 2: tanggal harus berbentuk TTTT-BB-HH, tahun 2000–2100. Baris 3: 2026-02-30 "
        "tidak ada di kalender; periksa bulan dan tanggalnya. Baris 4: tanggal harus "
        "berbentuk TTTT-BB-HH, tahun 2000–2100. Baris 5: tanggal 2026-12-01 sudah ditulis "
        "di baris lain. Baris 6: keterangan paling banyak 200 karakter. Ada 2 baris lain "
        "yang juga salah.")
    with app.app_context():
        assert settings.get(db.session, "calendar") == before


def test_a_ramadan_period_counts_both_its_ends_up_to_31_days(app, client):
    login(client, "admin")
    refused = _post(client, {**FORM, "ramadan": "2027-02-08 2027-03-11"})  # 32 days
    assert refused.status_code == 422
    assert "Baris 1: periode 32 hari; Ramadan paling lama 31 hari." in refused.get_data(True)
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []
    assert _post(client, {**FORM, "ramadan": "2027-02-08 2027-03-10"}).status_code == 302
    with app.app_context():
        assert settings.get(db.session, "calendar")["ramadan"] == [
            {"start": "2027-02-08", "end": "2027-03-10"}]
