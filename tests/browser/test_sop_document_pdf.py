"""In Chromium, against the real server: the RKT SOP document printed to PDF reads like the
seed's table (shared/seeds/002_5a6e921568c419e5.txt, "PROSEDUR PENYUSUNAN RENCANA KINERJA
TAHUNAN (RKT)")."""

import io
import re
import unicodedata

from pypdf import PdfReader

from tests.browser.conftest import login

# (No, Pelaksana, Waktu, start of Kegiatan) as the seed's table has them. The seed's
# Pelaksana "JFU" is Alur's lane Prakom and "Kasubbag Peren, TI dan Pel" is Kasubbag
# (bpmn/penyusunan_rkt.bpmn, keterangan of rows 17 and 18); OCR slips in the seed
# ("Tl", "memverifkasi") are read as "TI" and "memverifikasi".
SEED_ROWS = [
    ("1", "Kasubbag", "1 hari", "Kasubbag Perencanaan, TI dan Pelaporan mengumpulkan bahan"),
    ("2", "Bidang Terkait", "1 hari", "Bidang terkait menyusun draf rancangan"),
    ("3", "Kasubbag", "1 hari", "Kasubbag Perencanaan, TI dan Pelaporan menghimpun draf"),
    ("4", "Panitera", "30 menit", "Panitera memverifikasi draf rancangan"),
    ("5", "Sekretaris", "30 menit", "Sekretaris memverifikasi draf rancangan"),
    ("6", "Ketua", "30 menit", "Ketua memerintahkan Sekretaris untuk mengadakan rapat"),
    ("7", "Sekretaris", "1 hari", "Sekretaris mengumpulkan seluruh bagian terkait"),
    ("8", "Ketua", "1 hari", "Ketua memimpin rapat dan memberikan arahan"),
    ("9", "Kasubbag", "2 hari", "Kasubbag Perencanaan, TI dan Pelaporan menyusun draf"),
    ("10", "Sekretaris", "1 hari", "Sekretaris memeriksa draf Rencana Kinerja Tahunan"),
    ("11", "Kasubbag", "1 hari", "Kasubbag Perencanaan, TI dan Pelaporan mengajukan draf"),
    ("12", "Panitera", "1 hari", "Panitera memverifikasi draft Rencana Kinerja Tahunan"),
    ("13", "Sekretaris", "1 hari", "Sekretaris memverifikasi draft Rencana Kinerja Tahunan"),
    ("14", "Ketua", "1 hari", "Ketua memeriksa draf Rencana Kinerja Tahunan"),
    ("15", "Sekretaris", "20 menit", "Sekretaris meneruskan Rencana Kinerja Tahunan"),
    ("16", "Kasubbag", "30 menit", "Kasubbag Perencanaan, TI dan Pelaporan memerintahkan JFU"),
    ("17", "Prakom", "1 hari", "JFU membuat Surat pengantar"),
    ("18", "Prakom", "10 menit", "JFU mendokumentasikan"),
]
LANES = {lane for _, lane, _, _ in SEED_ROWS}
# The sum of the seed's 18 times (its own footer says "2 jam 47 menit", a slip).
TOTAL = "13 hari 2 jam 30 menit"


def _squash(text: str) -> str:
    """Lower case without whitespace or ligatures (Chromium prints "fi" as one glyph), so
    that line breaks and OCR case slips do not matter."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def test_printed_rkt_document_has_the_seed_rows_actors_and_times(server, browser):
    page = browser.new_page()
    login(page, server, "sekretaris")
    page.goto(f"{server}/sop/penyusunan_rkt/versi/1")
    data = page.pdf(format="A4", landscape=True)

    reader = PdfReader(io.BytesIO(data))
    first = reader.pages[0].mediabox
    assert abs(float(first.width) - 842) < 2 and abs(float(first.height) - 595) < 2  # A4, landscape
    text = _squash("\n".join(p.extract_text() for p in reader.pages))
    assert "kotakmasuk" not in text and "unduhpdf" not in text  # no menu, no buttons
    found = [text.find(_squash(no + kegiatan)) for no, _, _, kegiatan in SEED_ROWS]
    assert all(at >= 0 for at in found), [row[0] for row, at in zip(SEED_ROWS, found) if at < 0]
    assert found == sorted(found)
    for (no, _, waktu, _), start, end in zip(SEED_ROWS, found, found[1:] + [len(text)]):
        assert _squash(waktu) in text[start:end], f"row {no}: {waktu}"
    for lane in LANES:
        assert _squash(lane) in text
    assert _squash(f"Waktu yang diperlukan: {TOTAL}") in text

    # The symbol of each row sits under its Pelaksana's column, as printed.
    page.emulate_media(media="print")
    headers = {th.inner_text().strip(): th.bounding_box()
               for th in page.locator("th.col-lane").all()}
    assert set(headers) == LANES
    rows = page.locator("tr.sop-row").all()
    assert len(rows) == len(SEED_ROWS)
    for row, (no, lane, _, _) in zip(rows, SEED_ROWS):
        box = row.locator("svg.symbol").bounding_box()
        middle = box["x"] + box["width"] / 2
        column = headers[lane]
        assert column["x"] < middle < column["x"] + column["width"], f"row {no} not in {lane}"
    page.close()


def test_no_header_of_the_document_is_broken_inside_a_word(server, browser):
    """The authoring probe: "Kasubba/g" and "Sekretari/s" at 1280 px, "N/o" on a phone."""
    for width in (1280, 375):
        page = browser.new_page(viewport={"width": width, "height": 900})
        login(page, server, "sekretaris")
        page.goto(f"{server}/sop/penyusunan_rkt/versi/1")
        # Each word of a header is on one line: its letters' boxes share one top.
        broken = page.evaluate("""() => [...document.querySelectorAll('.sop-table thead th')]
            .flatMap(th => th.textContent.trim().split(/\\s+/).map(word => {
                const text = th.firstChild, at = text.textContent.indexOf(word);
                const range = document.createRange();
                range.setStart(text, at); range.setEnd(text, at + word.length);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                return tops.size > 1 ? word : null; }))
            .filter(Boolean)""")
        assert broken == [], (width, broken)
        page.close()
