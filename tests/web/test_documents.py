"""The official SOP document (Permenpan RB 35/2012) of a deployed version: page and PDF."""

import io
import re
from zoneinfo import ZoneInfo

import pytest
from lxml import html
from pypdf import PdfReader

from engine.models import ProcessDefinition
from engine.process.deploy import deploy
from engine.sop.document import long_date
from engine.time.duration import office_units
from tests.conftest import BPMN_DIR, mini_bpmn
from tests.web.conftest import login
from web.extensions import db

RKT = "/sop/penyusunan_rkt/versi/1"
LANES = ["Kasubbag", "Bidang Terkait", "Panitera", "Sekretaris", "Ketua", "Prakom"]
# (No, Pelaksana, symbol, Waktu) of the RKT table (seed 002), as bpmn/penyusunan_rkt.bpmn
# models it: JFU is Prakom; "Kasubbag Perencanaan, TI dan Pelaporan" is Kasubbag.
RKT_ROWS = [
    ("1", "Kasubbag", "terminator", "1 hari"),
    ("2", "Bidang Terkait", "process", "1 hari"),
    ("3", "Kasubbag", "process", "1 hari"),
    ("4", "Panitera", "decision", "30 menit"),
    ("5", "Sekretaris", "decision", "30 menit"),
    ("6", "Ketua", "process", "30 menit"),
    ("7", "Sekretaris", "process", "1 hari"),
    ("8", "Ketua", "process", "1 hari"),
    ("9", "Kasubbag", "process", "2 hari"),
    ("10", "Sekretaris", "decision", "1 hari"),
    ("11", "Kasubbag", "process", "1 hari"),
    ("12", "Panitera", "decision", "1 hari"),
    ("13", "Sekretaris", "decision", "1 hari"),
    ("14", "Ketua", "decision", "1 hari"),
    ("15", "Sekretaris", "process", "20 menit"),
    ("16", "Kasubbag", "process", "30 menit"),
    ("17", "Prakom", "process", "1 hari"),
    ("18", "Prakom", "terminator", "10 menit"),
]
# The "jika ada revisi dikembalikan" decisions: Ya goes on, Tidak loops back.
RKT_EXITS = {"4": ["Ya → No 5", "Tidak → No 3"], "5": ["Ya → No 6", "Tidak → No 3"],
             "10": ["Ya → No 11", "Tidak → No 9"], "12": ["Ya → No 13", "Tidak → No 9"],
             "13": ["Ya → No 14", "Tidak → No 9"], "14": ["Ya → No 15", "Tidak → No 13"]}
# 12 rows of 1 hari (row 9: 2 hari) and 150 minutes. The seed prints "13 hari 2 jam 47
# menit", which is not the sum of its own rows.
RKT_TOTAL = "13 hari 2 jam 30 menit"

HEADER = """<bpmn:extensionElements><spiffworkflow:properties>
  <spiffworkflow:property name="nomor_sop" value="W22-A11/123/OT.01.2/I/2024"/>
  <spiffworkflow:property name="tanggal_pembuatan" value="2 Januari 2024"/>
  <spiffworkflow:property name="tanggal_efektif" value="15 Januari 2024"/>
  <spiffworkflow:property name="disahkan_oleh" value="Ketua — Drs. H. Muhammad; NIP 19650101"/>
  <spiffworkflow:property name="nama_sop" value="Prosedur Penyusunan RKT"/>
  <spiffworkflow:property name="dasar_hukum" value="UU 17/2007; Permenpan RB 35/2012"/>
  <spiffworkflow:property name="keterkaitan" value="1. SOP Penyusunan LKjIP&#10;2. SOP Renstra"/>
  <spiffworkflow:property name="peringatan" value="Waktu ≥ 13 hari: RKT terlambat"/>
</spiffworkflow:properties></bpmn:extensionElements>"""


def _squash(text: str) -> str:
    """Text without whitespace, so that line breaks in a PDF do not matter."""
    return re.sub(r"\s+", "", text)


def _cls(name: str) -> str:
    """An XPath test that an element has the CSS class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _wires(row, kind: str, acting: bool = False) -> list:
    """The connector spans ``wire-<kind>`` (every wire for "") of a row, or of its symbol's cell."""
    cell = f"td[{_cls('acting')}]" if acting else "td"
    return row.xpath(f"{cell}/span[{_cls('wire' + ('-' + kind if kind else ''))}]")


def _page(client, url: str = RKT) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.fromstring(response.get_data(as_text=True))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_rkt_document_shows_every_row_in_order_with_its_lane_symbol_and_waktu(client):
    login(client, "prakom")
    page = _page(client)
    assert [th.text_content().strip() for th in page.xpath(f"//th[{_cls('col-lane')}]")] == LANES
    rows = page.xpath(f"//tr[{_cls('sop-row')}]")
    found = []
    for row in rows:
        lane_cells = row.xpath(f"td[{_cls('lane')}]")
        [acting] = [i for i, cell in enumerate(lane_cells) if cell.xpath(".//*[local-name()='svg']")]
        [symbol] = lane_cells[acting].xpath(".//*[local-name()='svg']")
        found.append((row.xpath(f"td[{_cls('col-no')}]")[0].text_content().strip(), LANES[acting],
                      symbol.get("class").removeprefix("symbol symbol-"),
                      row.xpath(f"td[{_cls('col-waktu')}]")[0].text_content().strip()))
        assert row.get("data-lane") == LANES[acting]
    assert found == RKT_ROWS


def test_rkt_decisions_name_the_rows_their_exits_lead_to(client):
    login(client, "prakom")
    page = _page(client)
    exits = {row.get("data-no"): [li.text_content().strip() for li in row.xpath(".//ul[@class='exits']/li")]
             for row in page.xpath(f"//tr[{_cls('sop-row')}]") if row.xpath(".//ul[@class='exits']")}
    assert exits == RKT_EXITS
    [first] = page.xpath("//tr[@data-no='4']//ul[@class='exits']/li")[:1]
    assert first.get("title") == "Ya, tandatangani dan serahkan ke Sekretaris"


def test_a_decision_without_names_is_labelled_by_its_values(app, client):
    """README, "Konvensi BPMN": without a ``name``, the condition's value is the label."""
    with app.app_context():
        deploy(db.session, app.config["ALUR_CLOCK"], mini_bpmn({
            ' name="Setuju" sourceRef="Gateway_2"': ' sourceRef="Gateway_2"',
            ' name="Kembalikan untuk revisi" sourceRef': " sourceRef"}))
        db.session.commit()
    login(client, "prakom")
    page = _page(client, "/sop/sop_uji/versi/1")
    exits = [li.text_content().split()[0] for li in page.xpath("//ul[@class='exits']/li")]
    assert exits == ["setuju", "revisi"]


def test_connectors_join_consecutive_rows(client):
    login(client, "prakom")
    rows = _page(client).xpath(f"//tr[{_cls('sop-row')}]")
    assert not _wires(rows[0], "in")
    assert all(_wires(row, "in", acting=True) for row in rows[1:])
    # Row 1 (Kasubbag) flows to row 2 (Bidang Terkait): out of the side, then down.
    assert _wires(rows[0], "h-right", acting=True)
    assert rows[0].xpath(f"td[@data-lane='Bidang Terkait']/span[{_cls('wire-down')}]")
    # Rows 17 and 18 are both Prakom's: straight down; the last row flows nowhere.
    assert _wires(rows[16], "out", acting=True)
    assert {w.get("class") for w in _wires(rows[17], "")} == {"wire wire-in"}


def test_total_time_header_values_and_missing_ones(client):
    login(client, "sekretaris")
    page = _page(client)
    assert page.xpath("//*[@data-total]")[0].text_content() == RKT_TOTAL
    values = [td.text_content().strip() for td in page.xpath(f"//table[@class='sop-identitas']//td[{_cls('sop-value')}]")]
    assert values == ["—"] * 5 + ["Penyusunan Rencana Kinerja Tahunan (RKT)"]
    grid = [td.text_content() for td in page.xpath("//table[@class='sop-grid']//td")]
    assert len(grid) == 6 and "—" not in grid
    assert "Permenpan dan RB Nomor 35 Tahun 2012 tentang Pedoman Penyusunan SOP" in grid[0]
    assert page.xpath("//div[@class='sop-actions']/button")[0].get("data-print") is not None
    assert page.xpath("//div[@class='sop-actions']/button")[0].get("hidden") is not None, \
        "shown by print.js: without JavaScript Cetak would do nothing"
    assert page.xpath("//script/@src")[-1].split("?v=")[0].endswith("/static/print.js")
    assert page.xpath("//div[@class='sop-actions']/a")[0].get("href") == RKT + ".pdf"


def test_header_comes_from_process_properties(app, client):
    source = (BPMN_DIR / "penyusunan_rkt.bpmn").read_text()
    source = re.sub(r"</bpmn:documentation>\s*<bpmn:extensionElements>.*?</bpmn:extensionElements>",
                    lambda _: "</bpmn:documentation>" + HEADER, source, count=1, flags=re.DOTALL)
    with app.app_context():
        definition, created = deploy(db.session, app.config["ALUR_CLOCK"], source.encode())
        db.session.commit()
        assert created and definition.version == 2
        deployed_on = definition.deployed_at.astimezone(ZoneInfo("Asia/Jakarta")).date()
    login(client, "ketua")
    page = _page(client, "/sop/penyusunan_rkt/versi/2")
    identitas = {th.text_content(): th.getnext().text_content()
                 for th in page.xpath("//table[@class='sop-identitas']//th")}
    assert identitas["Nomor SOP"] == "W22-A11/123/OT.01.2/I/2024"
    # Not written in the BPMN: version 2 is the revision, dated the day it was uploaded.
    assert identitas["Tanggal Revisi"] == long_date(deployed_on)
    assert identitas["Nama SOP"] == "Prosedur Penyusunan RKT"
    assert identitas["Disahkan oleh"] == "Ketua — Drs. H. Muhammad\nNIP 19650101"
    # Items joined with "; " (the table importer) or on lines become a numbered list.
    grid = page.xpath("//table[@class='sop-grid']//td")
    assert [li.text for li in grid[0].iter("li")] == ["UU 17/2007", "Permenpan RB 35/2012"]
    assert [li.text for li in grid[2].iter("li")] == ["SOP Penyusunan LKjIP", "SOP Renstra"]
    assert grid[1].text_content() == "—"

    text = _squash(_pdf_text(client.get("/sop/penyusunan_rkt/versi/2.pdf").data))
    # DejaVu Sans is embedded: the dash and "≥" print as written.
    for expected in ("W22-A11/123/OT.01.2/I/2024", "Ketua—Drs.H.MuhammadNIP19650101",
                     "1.UU17/20072.PermenpanRB35/2012", "1.SOPPenyusunanLKjIP2.SOPRenstra",
                     "Waktu≥13hari", "15Januari2024"):
        assert expected in text


def test_pdf_has_every_row_its_lanes_and_times(app, client):
    login(client, "prakom")
    response = client.get(RKT + ".pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = _squash(_pdf_text(response.data))
    with app.app_context():
        definition = db.session.query(ProcessDefinition).filter_by(
            key="penyusunan_rkt", version=1).one()
        names = {entry["no"]: entry["name"] for entry in definition.catalog["tasks"].values()}
    position = 0
    for no, _, _, waktu in RKT_ROWS:
        start = _squash(" ".join(names[no].split()[:5]))
        found = text.find(start, position)
        assert found >= 0, f"row {no}: {start!r} missing or out of order"
        assert _squash(waktu) in text[found:]
        position = found
    for lane in LANES:
        assert _squash(lane) in text
    assert "Ya→No5" in text and "Tidak→No13" in text
    assert _squash(f"Waktu yang diperlukan: {RKT_TOTAL}") in text


@pytest.mark.parametrize("url", ["/sop/tidak_ada/versi/1", "/sop/penyusunan_rkt/versi/9",
                                 "/sop/tidak_ada/versi/1.pdf", "/sop/penyusunan_rkt/versi/9.pdf"])
def test_unknown_key_or_version_is_404(client, url):
    login(client, "prakom")
    missing = client.get(url)
    assert missing.status_code == 404
    key, version = url.removeprefix("/sop/").removesuffix(".pdf").split("/versi/")
    said = (f"SOP &#34;{key}&#34; tidak ditemukan." if key == "tidak_ada"
            else f"SOP &#34;{key}&#34; tidak punya versi {version}.")
    assert said in missing.get_data(True), \
        "which SOP lacks which version, or that there is no such SOP, not 'Halaman tidak ditemukan'"


@pytest.mark.parametrize("url", [RKT, RKT + ".pdf"])
def test_login_required(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


def test_admin_versions_link_to_their_document(client):
    login(client, "admin")
    page = client.get("/admin/sop").get_data(as_text=True)
    assert f'href="{RKT}"' in page


@pytest.mark.parametrize(("durations", "text"), [
    (["P1D", "PT30M", "PT45M"], "1 hari 1 jam 15 menit"),
    (["P1W", "P2D", "PT8H"], "7 hari 8 jam"),
    (["P3M", "P1Y"], "15 bulan"),
    (["PT0.5H", "P1D", "PT1.5H"], "1 hari 2 jam"),  # fractions only on clock parts
    ([], "0 menit"),
])
def test_office_units(durations, text):
    assert office_units(durations) == text
