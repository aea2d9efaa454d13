"""The reports say their times run on the office's hours as Pengaturan sets them (Perpres
21/2023 by default), never that weekends are off: an office that works on Saturday prints
Tabel 7 on a true basis (found by the Sekretaris-month probe)."""

from tests.web.conftest import login
from tests.web.test_reports import Q4


def test_the_reports_name_the_office_hours_of_pengaturan(client, history):
    login(client, "kasubbag")
    overview = client.get("/laporan/").get_data(True)
    assert "jam kerja kantor menurut Pengaturan (bawaan: Perpres 21/2023)" in overview
    sop = client.get(f"/laporan/sop/sop_uji?{Q4}").get_data(True)
    assert ("dihitung dalam jam kerja kantor menurut Pengaturan (bawaan: Perpres 21/2023), "
            "tanpa istirahat, hari tanpa jam kerja dan hari libur.") in sop
    assert "akhir pekan" not in overview + sop
