"""Report pages: they render, obey who may see what, and their CSV and XLSX exports hold
the numbers the page shows (the hand-made history of tests/report_history.py)."""

import csv
import io
import json
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, npgettext
from lxml import html
from openpyxl import load_workbook
from sqlalchemy import update

from engine.models import User
from tests.conftest import WIB
from tests.web.conftest import login
from web.extensions import db

Q4 = "periode=triwulan&tahun=2026&ke=4"


class _Tables(HTMLParser):
    """``{data-table: [[cell text, ...], ...]}`` of a page's body rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._table = self.tables.setdefault(attrs["data-table"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def csv_rows(data: bytes, sep: str = ";") -> list[list[str]]:
    """The rows of a one-table CSV export (after its headings): the form for Excel (``;``)
    starts with a byte-order mark, the plain form (``,``) does not."""
    text = data.decode("utf-8")
    mark = "\ufeff" if sep == ";" else ""
    assert text.startswith(mark) and not text[len(mark):].startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[len(mark):]), delimiter=sep))[1:]


def csv_tables(client, url: str, titles, sep: str = ";") -> dict[str, list[list[str]]]:
    """Each table's CSV (``&tabel=1``, ``2``, ...) as ``{title: rows}``."""
    found = {}
    for number, title in enumerate(titles, start=1):
        response = client.get(f"{url}&format=csv&tabel={number}&sep={sep}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        found[title] = csv_rows(response.data, sep)
    return found


def xlsx_tables(data: bytes) -> dict[str, list[list]]:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
            for sheet in workbook.worksheets}


WORKING_TIME = re.compile(r"^(?:(\d+) (?:jam|h))?\s*(?:(\d+) (?:menit|min))?\s*"
                          r"(?:kerja|of working time)$")


def norm(value):
    """One reading of a cell, whichever format it came from: None for "—" or empty,
    numbers as numbers (decimal comma or point), office time in words ("2 jam 30 menit
    kerja" on the page) as its minutes, other text as it is."""
    if value is None:
        return None
    text = str(value).strip()
    if text in ("", "—"):
        return None
    words = WORKING_TIME.match(text)
    if words and any(words.groups()):
        return 60 * int(words.group(1) or 0) + int(words.group(2) or 0)
    for kind in (int, float):
        try:
            return kind(text.replace(",", ".") if kind is float else text)
        except ValueError:
            pass
    return text


def normalised(tables):
    return {title: [[norm(cell) for cell in row] for row in rows]
            for title, rows in tables.items()}


def assert_exports_match(client, url: str, sep: str = "?") -> dict:
    page = client.get(url)
    assert page.status_code == 200, page.get_data(True)
    shown = normalised(page_tables(page.get_data(True)))
    as_csv = client.get(f"{url}{sep}format=csv")
    assert as_csv.headers["Content-Disposition"].endswith('.csv"')
    as_xlsx = client.get(f"{url}{sep}format=xlsx")
    assert as_xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert normalised(xlsx_tables(as_xlsx.data)) == shown
    query = url if "?" in url else f"{url}?"
    assert normalised(csv_tables(client, query, shown)) == shown
    assert normalised(csv_tables(client, query, shown, ",")) == shown
    assert client.get(f"{url}{sep}format=csv&tabel={len(shown) + 1}").status_code == 400
    return shown


def test_sop_performance_page_and_exports_hold_the_same_numbers(client, history):
    login(client, "kasubbag")
    shown = assert_exports_match(client, f"/laporan/sop/sop_uji?{Q4}", "&")
    # SOP, period, started, finished, running, cancelled, cycle median, p90, with deadline,
    # on time, %, escalations.
    assert shown["Ringkasan"] == [["SOP Uji", "Triwulan IV 2026", 3, 2, 1, 0, 150, 610, 4, 2,
                                   50.0, 4]]
    # Slowest first: No, Kegiatan, Pelaksana, Waktu, Waktu (min), done, median, p90,
    # with deadline, on time, %, escalations.
    assert shown["Langkah"] == [
        [2, "Memeriksa konsep", "Kasubbag", "Relatif", None, 3, 130, 450, 0, 0, None, 0],
        [1, "Menyusun konsep", "Prakom", "30 menit", 30, 4, 20, 120, 4, 2, 50.0, 4],
    ]
    # "No" is a number in the workbook, as in Tabel 7: text sorted 10 before 2.
    for url, sheet in ((f"/laporan/sop/sop_uji?{Q4}&format=xlsx", "Langkah"),
                       (f"/laporan/sop/sop_uji/peta?{Q4}&format=xlsx", "Peta Hambatan")):
        book = load_workbook(io.BytesIO(client.get(url).data))
        assert [row[0] for row in book[sheet].iter_rows(min_row=2, values_only=True)
                if row[0] is not None][-2:] in ([2, 1], [1, 2]), url
    html = client.get(f"/laporan/sop/sop_uji?{Q4}").get_data(True)
    assert "vendor/chartjs/chart.umd.min.js" in html
    # A period's figures change while it runs: the page, and so its printout, says when.
    assert re.search(r"data per \d{1,2} \w{3} \d{4} \d{2}\.\d{2} WIB", html)
    assert '"median": [20, 130]' in html.replace("\n", "") or '"median":[20,130]' in html
    # Named once on the page (its heading); the caption names it to screen readers.
    assert '<caption class="visually-hidden">Langkah (paling lambat dulu)</caption>' in html


def test_heatmap_colours_each_step_by_its_on_time_share(client, history):
    login(client, "prakom")
    shown = assert_exports_match(client, f"/laporan/sop/sop_uji/peta?{Q4}", "&")
    assert shown["Peta Hambatan"] == [
        [1, "Menyusun konsep", "Prakom", 50.0, "50–74,9% tepat waktu", 2, 4, 20, 30, 4],
        [2, "Memeriksa konsep", "Kasubbag", None, "tanpa data atau tanpa batas waktu", 0, 0,
         130, None, 0],
    ]
    html = client.get(f"/laporan/sop/sop_uji/peta?{Q4}").get_data(True)
    assert '"band": "kurang"' in html or '"band":"kurang"' in html
    assert 'tabindex="0" data-step="Kegiatan_1"' in html
    assert "1. Menyusun konsep: tepat waktu 50,0% (2 dari 4)" in html  # title / aria-label
    assert "swatch band-buruk" in html  # the legend lists every band
    listed = " ".join(html.split("heat-list", 1)[1].split())
    assert "<strong>1. Menyusun konsep</strong> — 50,0% tepat waktu (2/4), 4 selesai" in listed
    assert "belum ada yang selesai pada periode ini" not in listed
    # A period in which nothing was done says so, not "— — tepat waktu" (the supervisor
    # probe); nor does a phone's list speak of a drawing it does not show.
    empty = client.get("/laporan/sop/sop_uji/peta?periode=tahun&tahun=2020").get_data(True)
    assert empty.count("belum ada yang selesai pada periode ini") == 2
    assert '<span class="no-print with-diagram">' in empty
    diagram = client.get("/laporan/sop/sop_uji/diagram.bpmn")
    assert diagram.mimetype == "application/xml" and b'id="sop_uji"' in diagram.data


def test_person_page_exports_and_links_to_the_instances_behind_each_figure(client, history):
    login(client, "prakom")
    shown = assert_exports_match(client, f"/laporan/orang/prakom?{Q4}", "&")
    # G (kritis: 1 hour round the clock) is late, its timer fired at levels 1-3; E was
    # done at its deadline, on time and not reminded.
    assert shown["Ringkasan"] == [["Demo Prakom", "prakom", "Triwulan IV 2026", 10, 0, 10, 7,
                                   70.0, 7, 3]]
    assert shown["Per SOP"] == [["Penanganan Gangguan Server", 6, 0, 6, 5, 83.3, 1],
                                ["SOP Uji", 4, 0, 4, 2, 50.0, 2]]
    assert shown["MTTR"] == [["Penanganan Gangguan Server", "kritis", 2, 120.0],
                             ["Penanganan Gangguan Server", "tanpa prioritas", 1, 140.0]]
    html = client.get(f"/laporan/orang/prakom?{Q4}").get_data(True)
    late = client.get(f"/laporan/orang/prakom/proses?angka=terlambat&sop=sop_uji&{Q4}")
    assert late.status_code == 200
    titles = late.get_data(True)
    assert f'/proses/{history["B"]}"' in titles and f'/proses/{history["C"]}"' in titles
    assert f'/proses/{history["A"]}"' not in titles
    critical = client.get("/laporan/orang/prakom/proses?angka=mttr&sop=penanganan_gangguan_"
                          f"server&prioritas=kritis&{Q4}").get_data(True)
    assert f'/proses/{history["E"]}"' in critical and f'/proses/{history["G"]}"' in critical
    assert f'/proses/{history["F"]}"' not in critical
    assert "angka=eskalasi" in html and "angka=notifikasi" in html
    unknown = client.get(f"/laporan/orang/prakom/proses?angka=lain&{Q4}")
    assert unknown.status_code == 400
    assert ("Angka &#34;lain&#34; tidak dikenal; pilih tugas, plh, terlambat, langkah, mttr, "
            "eskalasi, notifikasi.") in unknown.get_data(True)
    every_late = client.get(f"/laporan/orang/prakom/proses?angka=terlambat&{Q4}").get_data(True)
    assert "(3 baris, 20 per halaman)" in every_late, "late steps of every SOP (1 + 2)"
    past = client.get(f"/laporan/orang/prakom/proses?angka=terlambat&sop=sop_uji&halaman=99&{Q4}")
    page = past.get_data(True)
    assert "Halaman 99 kosong: daftar ini punya 1 halaman." in page
    assert "Tidak ada proses di balik angka ini" not in page and "<table" not in page


@pytest.mark.parametrize(("viewer", "person", "status"), [
    ("prakom", "prakom", 200), ("kasubbag", "prakom", 200), ("admin", "prakom", 200),
    ("prakom", "kasubbag", 403), ("sekretaris", "prakom", 403), ("sekretaris", "kasubbag", 200),
    ("admin", "tidak_ada", 404), ("prakom", "tidak_ada", 403)])  # no names told
def test_who_may_see_a_persons_figures(client, history, viewer, person, status):
    login(client, viewer)
    assert client.get(f"/laporan/orang/{person}?{Q4}").status_code == status
    assert client.get(f"/laporan/orang/{person}?{Q4}&format=csv").status_code == status


@pytest.mark.parametrize("path", [
    "/laporan/orang/prakom?username=x", "/laporan/orang/prakom/proses?angka=tugas&username=x",
    "/laporan/sop/sop_uji?key=x", "/laporan/sop/sop_uji/peta?key=x"])
def test_a_query_parameter_named_as_part_of_the_address_is_ignored_not_a_500(
        client, history, path):
    """The export links put the address's own value and the query's under one name."""
    login(client, "admin")
    page = client.get(path)
    assert page.status_code == 200, page.get_data(True)[:500]
    assert "=x" not in page.get_data(True).split("format=xlsx")[0].rsplit('href="', 1)[-1]


def test_a_persons_name_in_the_address_is_read_in_any_case(client, history):
    """/laporan/orang/PRAKOM is Prakom's page, as "PRAKOM" logs in as prakom; its links
    and exports carry the stored name."""
    login(client, "kasubbag")
    page = client.get(f"/laporan/orang/PRAKOM?{Q4}")
    assert page.status_code == 200
    assert "/laporan/orang/prakom/proses?angka=tugas" in page.get_data(True)
    assert "kinerja-prakom-" in client.get(
        f"/laporan/orang/Prakom?{Q4}&format=csv").headers["Content-Disposition"]
    assert client.get(f"/laporan/orang/PRAKOM/proses?angka=tugas&{Q4}").status_code == 200


def test_people_list_shows_only_whom_one_may_see(client, history):
    login(client, "kasubbag")
    html = client.get("/laporan/orang").get_data(True)
    assert "/laporan/orang/prakom" in html and "/laporan/orang/sekretaris" not in html


def test_tabel7_is_prefilled_printable_and_exported(app, client, history, clock):
    staff = app.test_client()
    login(staff, "prakom")
    assert staff.get("/laporan/tabel7?tahun=2026&semester=2").status_code == 403
    login(client, "kasubbag")
    shown = assert_exports_match(client, "/laporan/tabel7?tahun=2026&semester=2", "&")
    rows = {row[1]: row for row in shown["Tabel 7"]}
    assert rows["SOP Uji"][2:4] == [None, None]  # Penilaian left to the assessor
    assert rows["SOP Uji"][4] == (  # the semester has not ended
        "Proses: 3 dimulai, 2 selesai, 1 masih berjalan sekarang (periode belum berakhir). "
        "Tepat waktu 50,0% (2 dari 4 langkah berbatas waktu). "
        "Median waktu siklus 2 jam 30 menit kerja. "
        "Langkah paling lambat: 2. Memeriksa konsep (median 2 jam 10 menit kerja; "
        "Waktu Relatif). Paling sering terlambat: 1. Menyusun konsep (tepat waktu 50,0%, 2 dari "
        "4; Waktu 30 menit). Eskalasi: 4.")
    assert rows["Penanganan Permintaan Layanan TI"][4] == "Tidak ada proses pada periode ini."
    figures = {row[1]: row for row in shown["Angka terukur"]}
    assert figures["SOP Uji"][2:] == ["Semester II 2026", 3, 2, 1, 0, 4, 2, 50.0, 150,
                                      "2. Memeriksa konsep", 130, "1. Menyusun konsep", 50.0,
                                      0, 4], "every figure of the Catatan, to check in Excel"
    html = client.get("/laporan/tabel7?tahun=2026&semester=2").get_data(True)
    assert "reports.css" in html and "data-print" in html
    assert '<button type="button" data-print hidden>' in html, \
        "Cetak is shown by its script: without JavaScript it would do nothing"
    assert "Berjalan dengan baik" in html and "Paraf" in html
    clock.set(datetime(2027, 1, 4, 8, tzinfo=WIB))
    login(client, "kasubbag")
    over = client.get("/laporan/tabel7?tahun=2026&semester=2").get_data(True)
    assert "Proses: 3 dimulai, 2 selesai, 1 masih berjalan di akhir periode. " in over


def test_english_pages_and_indonesian_exports(app, client, history):
    """A user who reads English sees the report pages in English; the exports are official
    documents and keep their Indonesian titles and headings, with the same figures."""
    with app.app_context():
        db.session.execute(update(User).where(User.username == "kasubbag").values(language="en"))
        db.session.commit()
    login(client, "kasubbag")
    page = client.get(f"/laporan/sop/sop_uji?{Q4}").get_data(True)
    for text in ('<html lang="en">', "<h1>SOP performance: SOP Uji</h1>",
                 '<p class="exports no-print">Download: <a',
                 "<caption>Summary Quarter IV 2026</caption>",
                 '<th scope="col">Median cycle time</th>',
                 '<td data-label="Median cycle time" class="num">2 h 30 min of working time</td>',
                 '<td data-label="Activity"><a href="/laporan/sop/sop_uji/langkah/Kegiatan_1?',
                 '">Menyusun konsep</a></td>',
                 '<h2 id="h-steps">Steps, slowest first</h2>',
                 '<option value="triwulan" selected>Quarter</option>'):
        assert text in page, text
    assert "<h1>Kinerja SOP" not in page and "Median waktu siklus" not in page

    tabel7 = client.get("/laporan/tabel7?tahun=2026&semester=2").get_data(True)
    for text in ("<h1>SOP implementation monitoring</h1>",
                 "<caption>Table 7 SOP implementation monitoring — Semester II 2026</caption>",
                 '<th scope="colgroup" colspan="2">Assessment</th>',
                 '<th scope="col">Running well</th><th scope="col">Not running well</th>',
                 '<option value="2" selected>II (July–December)</option>',
                 '<h2 id="h-figures">Measured figures</h2>', "<p>Assessor,</p>",
                 (">Processes: 3 started, 2 finished, 1 still running now (the period has not "
                  "ended). "
                  "On time 50.0% (2 of 4 steps with a deadline). Median cycle time 2 h 30 min "
                  "of working time. Slowest step: 2. Memeriksa konsep (median 2 h 10 min of "
                  "working time; Time Relatif). Most often late: 1. Menyusun konsep (on time "
                  "50.0%, 2 of 4; Time 30 menit). Escalations: 4.<"),
                 ">No process in this period.<"):
        assert text in tabel7, text
    official = client.get("/laporan/tabel7?tahun=2026&semester=2&format=csv").data.decode()
    assert "Proses: 3 dimulai, 2 selesai" in official and "Processes" not in official
    chart = json.loads(re.search(r'id="chart-data">(.*?)</script>', page).group(1))
    assert chart["names"] == {"median": "Median (working minutes)", "p90": "P90 (working minutes)",
                              "standard": "Time standard applied (working minutes)",
                              "axis": "working minutes"}
    person = client.get("/laporan/orang/prakom?periode=bulan&tahun=2026&bulan=5").get_data(True)
    assert '<td data-label="Period">May 2026</td>' in person
    mttr = client.get(f"/laporan/orang/prakom?{Q4}").get_data(True)
    assert ">no priority</td>" in mttr and "tanpa prioritas</td>" not in mttr
    backwards = client.get("/laporan/sop/sop_uji?periode=rentang&dari=2026-02-01&sampai=2026-01-01")
    assert ("To is before From: the end date must be on or after the start date."
            in backwards.get_data(True))
    assert "Berjalan dengan baik" not in tabel7

    exported = client.get(f"/laporan/sop/sop_uji?{Q4}&format=csv")
    assert exported.headers["Content-Disposition"] == (
        'attachment; filename="kinerja-sop_uji-2026-T4-ringkasan.csv"')
    lines = exported.data.decode("utf-8").lstrip("\ufeff").split("\r\n")
    assert lines[0].split(";") == [
        "SOP", "Periode", "Proses dimulai", "Proses selesai", "Masih berjalan", "Dibatalkan",
        "Median waktu siklus (menit kerja)", "P90 waktu siklus (menit kerja)",
        "Langkah berbatas waktu", "Langkah tepat waktu", "Tepat waktu (%)", "Eskalasi"]
    assert lines[1].split(";")[-2] == "50,0", "decimal comma for Excel in Indonesian"
    steps = client.get(f"/laporan/sop/sop_uji?{Q4}&format=csv&tabel=2").data.decode("utf-8")
    assert steps.lstrip("\ufeff").split("\r\n")[0].split(";") == [
        "No", "Kegiatan", "Pelaksana", "Waktu (Mutu Baku)", "Waktu (menit kerja)", "Selesai",
        "Median (menit kerja)", "P90 (menit kerja)", "Berbatas waktu", "Tepat waktu",
        "Tepat waktu (%)", "Eskalasi"]
    shown = normalised(page_tables(page))
    exported = normalised(csv_tables(client, f"/laporan/sop/sop_uji?{Q4}", shown))
    assert (shown["Ringkasan"][0][1], exported["Ringkasan"][0][1]) == (
        "Quarter IV 2026", "Triwulan IV 2026"), "the period in each one's language"
    exported["Ringkasan"][0][1] = "Quarter IV 2026"
    assert exported == shown
    form = client.get("/laporan/tabel7?tahun=2026&semester=2&format=csv").data.decode("utf-8")
    assert form.startswith("\ufeffNo;Prosedur;Penilaian: berjalan dengan baik;")
    plain = client.get("/laporan/tabel7?tahun=2026&semester=2&format=csv&sep=,").data
    assert plain.decode("utf-8").startswith("No,Prosedur,")  # no byte-order mark
    assert client.get("/laporan/tabel7?tahun=2026&semester=2&format=csv&sep=x"
                      ).status_code == 400


def test_sop_reports_need_a_role_in_the_sop(client, history):
    login(client, "redaktur")
    assert client.get(f"/laporan/sop/sop_uji?{Q4}").status_code == 403
    assert client.get("/laporan/sop/sop_uji/diagram.bpmn").status_code == 403
    assert client.get("/laporan/tabel7").status_code == 403
    assert client.get("/laporan/sop/tidak_ada").status_code == 404
    index = client.get("/laporan/").get_data(True)
    assert "pengelolaan_konten_website" in index and "sop_uji" not in index


def test_the_index_is_an_overview_of_cards(app, client, history):
    login(client, "admin")
    page = html.fromstring(client.get("/laporan/").get_data(True))
    card = page.xpath("//li[@data-key='sop_uji']")[0]
    figures = " ".join(card.xpath(".//p[@class='figures']")[0].text_content().split())
    assert figures == "1 berjalan 0 langkah terlambat"  # its open step has no deadline
    with app.app_context():
        db.session.execute(update(User).where(User.username == "admin").values(language="en"))
        db.session.commit()
    english = html.fromstring(client.get("/laporan/").get_data(True))
    card = english.xpath("//li[@data-key='sop_uji']")[0]
    assert " ".join(card.xpath(".//p[@class='figures']")[0].text_content().split()) == (
        "1 running 0 late steps")
    with app.test_request_context(), force_locale("en"):
        assert [npgettext("kartu", "langkah terlambat", "langkah terlambat", n)
                for n in (1, 2)] == ["late step", "late steps"]
    assert card.xpath(".//a[contains(@href, '/laporan/sop/sop_uji?')]")
