"""A bundled SOP that names another institution's number and approving official says it is
a sample from its source document until the office uploads its own revision (found by the
onboarding probe: a religious court's letterhead above "Disahkan oleh KPN Bengkalis")."""

import io
import re

from PIL import ImageFont
from pypdf import PdfReader

from engine.process.deploy import deploy
from tests.conftest import BPMN_DIR
from tests.web.conftest import login
from web.extensions import clock, db
from web.sop_pdf import BODY_W, FONT_DIR
from web.source_documents import SOURCE_MARK

BACKUP = "backup_database_sipp"
MM_PER_POINT = 25.4 / 72


def _pdf_pages(client, url: str) -> list[str]:
    data = client.get(url).data
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def test_a_bundled_sop_naming_another_office_is_marked_a_sample_until_revised(app, client):
    login(client, "prakom")
    page = " ".join(client.get(f"/sop/{BACKUP}/versi/1").get_data(True).split())
    assert "KPN Bengkalis" in page and SOURCE_MARK in page
    assert all(SOURCE_MARK in text for text in _pdf_pages(client, f"/sop/{BACKUP}/versi/1.pdf"))
    unnamed = client.get("/sop/penanganan_permintaan_layanan_ti/versi/1").get_data(True)
    assert "CONTOH DARI DOKUMEN SUMBER" not in unnamed, "no other office named: no mark"
    with app.app_context():
        revised = (BPMN_DIR / f"{BACKUP}.bpmn").read_text().replace(
            "KPN Bengkalis", "Ketua Pengadilan Agama Mataram")
        deploy(db.session, clock(), revised.encode())
        db.session.commit()
    assert "CONTOH DARI DOKUMEN SUMBER" not in client.get(f"/sop/{BACKUP}/versi/2").get_data(True)
    replaced = " ".join(client.get(f"/sop/{BACKUP}/versi/1").get_data(True).split())
    assert "TIDAK BERLAKU LAGI" in replaced and SOURCE_MARK not in replaced, "one mark at a time"


def _footer(page) -> list[tuple[float, float, str]]:
    """Each text drawn in the page's lowest 40 points: ``(x, y, text)``."""
    found: list[tuple[float, float, str]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: found.append(
        (tm[4], tm[5], text)) if text.strip() and tm[5] < 40 else None)
    return found


def test_the_sample_mark_fits_the_pdf_page_above_its_page_number(client):
    """It was one line cut off at the right edge and printed over "Halaman 1 dari 2"."""
    login(client, "prakom")
    reader = PdfReader(io.BytesIO(client.get(f"/sop/{BACKUP}/versi/1.pdf").data))
    for page in reader.pages:
        footer = _footer(page)
        marked = [(x, y, text) for x, y, text in footer if text.strip() in SOURCE_MARK]
        [number] = [(x, y) for x, y, text in footer if "Halaman" in text]
        assert " ".join(text.strip() for *_, text in marked) == SOURCE_MARK
        assert all(y > number[1] for _, y, _ in marked), "above the page number's line"
        bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 650)  # 100 × 6.5 pt
        assert all(bold.getlength(text) / 100 * MM_PER_POINT <= BODY_W for *_, text in marked)
