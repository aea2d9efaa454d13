"""A bundled SOP that names another institution's number and approving official says it is
a sample from its source document until the office uploads its own revision (found by the
onboarding probe: a religious court's letterhead above "Disahkan oleh KPN Bengkalis")."""

import io
import re

from pypdf import PdfReader

from engine.process.deploy import deploy
from tests.conftest import BPMN_DIR
from tests.web.conftest import login
from web.extensions import clock, db
from web.source_documents import SOURCE_MARK

BACKUP = "backup_database_sipp"


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
