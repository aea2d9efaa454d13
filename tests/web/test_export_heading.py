"""A report's XLSX says what it is on every printed page: the report, its period and when
its figures were read head each page, in Indonesian whatever the reader's language, with
"Halaman N dari M" at the foot and the headings row repeated; its cells stay as they were
(row 1 the headings)."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from engine import settings
from engine.models import ProcessDefinition, User
from tests.conftest import WIB
from tests.web.conftest import login
from web.extensions import db

Q4 = "periode=triwulan&tahun=2026&ke=4"
TAKEN = "data per {taken}"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def taken(clock) -> str:
    """The clock's now as the heading writes it: ``4 Des 2026 16.00 WIB``."""
    now = clock.now().astimezone(WIB)
    return f"{now.day} {MONTHS[now.month - 1]} {now.year} {now:%H.%M} WIB"


def workbook(client, url: str):
    answer = client.get(url)
    assert answer.status_code == 200, answer.get_data(True)
    return load_workbook(io.BytesIO(answer.data))


@pytest.mark.parametrize(("viewer", "url", "heading", "first_heading"), [
    ("kasubbag", f"/laporan/sop/sop_uji?{Q4}&format=xlsx",
     f"Kinerja SOP: SOP Uji · Triwulan IV 2026 · {TAKEN}", "SOP"),
    ("kasubbag", f"/laporan/sop/sop_uji/peta?{Q4}&format=xlsx",
     f"Peta hambatan: SOP Uji · Triwulan IV 2026 · {TAKEN}", "No"),
    ("kasubbag", f"/laporan/orang/prakom?{Q4}&format=xlsx",
     f"Kinerja Demo Prakom (prakom) · Triwulan IV 2026 · {TAKEN}", None),
    ("ketua", "/laporan/tabel7?tahun=2026&ke=2&format=xlsx",
     f"Tabel 7 Monitoring Pelaksanaan SOP · Semester II 2026 · {TAKEN}", "No"),
    ("kasubbag", "/laporan/layanan-ti?periode=bulan&tahun=2026&ke=11&format=xlsx",
     f"Laporan Layanan TI · November 2026 · {TAKEN}", None),
    ("kasubbag", "/proses/?cakupan=unit&format=xlsx", f"Daftar Proses · {TAKEN}", None),
    ("admin", "/admin/jejak-audit?format=xlsx", f"Jejak audit · {TAKEN}", "Waktu"),
])
def test_every_printed_page_of_a_report_says_which_report_period_and_reading(
        app, client, clock, history, viewer, url, heading, first_heading):
    heading = heading.format(taken=taken(clock))
    with app.app_context():  # an English reader gets the official, Indonesian heading
        db.session.execute(update(User).where(User.username == viewer).values(language="en"))
        db.session.commit()
    login(client, viewer)
    book = workbook(client, url)
    assert book.properties.title == heading
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text == heading
        assert sheet.oddFooter.center.text == "Halaman &P dari &N"
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    if first_heading:
        assert book.worksheets[0].cell(1, 1).value == first_heading


def test_an_ampersand_in_an_sop_name_prints_as_itself_not_as_a_page_code(app, client, clock,
                                                                         history):
    with app.app_context():
        db.session.execute(update(ProcessDefinition).where(ProcessDefinition.key == "sop_uji")
                           .values(name="Surat & Arsip"))
        db.session.commit()
    login(client, "kasubbag")
    sheet = workbook(client, f"/laporan/sop/sop_uji?{Q4}&format=xlsx").worksheets[0]
    assert sheet.oddHeader.center.text == (
        f"Kinerja SOP: Surat && Arsip · Triwulan IV 2026 · data per {taken(clock)}")


def test_tabel7_is_headed_by_the_office_it_reports_on_once_pengaturan_names_it(app, client):
    login(client, "ketua")
    assert 'class="report-kop"' not in client.get("/laporan/tabel7").get_data(True)
    with app.app_context():
        settings.put(db.session, "identity", {"office": "Pengadilan Negeri Contoh",
                                              "unit": "Subbagian Perencanaan, TI & Pelaporan",
                                              "logo": ""})
        db.session.commit()
    page = client.get("/laporan/tabel7").get_data(True)
    kop = page[page.index('class="report-kop"'):page.index("<h1>")]
    assert '<p class="report-instansi" data-identity="office">Pengadilan Negeri Contoh</p>' in kop
    assert ('<p data-identity="unit">Subbagian Perencanaan, TI &amp; Pelaporan</p>' in kop)
    assert "<img" not in kop


def test_a_long_sop_name_is_shortened_in_the_heading_never_the_period(app, client, clock,
                                                                      history):
    long_name = "Penyusunan dan Penelusuran Perkara " * 6
    with app.app_context():
        db.session.execute(update(ProcessDefinition).where(ProcessDefinition.key == "sop_uji")
                           .values(name=long_name.strip()))
        db.session.commit()
    login(client, "kasubbag")
    book = workbook(client, f"/laporan/sop/sop_uji?{Q4}&format=xlsx")
    heading = book.worksheets[0].oddHeader.center.text
    assert len(heading) == 200 and book.properties.title == heading
    assert heading.startswith("Kinerja SOP: Penyusunan dan Penelusuran Perkara")
    assert heading.endswith(f"… · Triwulan IV 2026 · data per {taken(clock)}")
