"""A step whose text is taller than a page prints whole, continued on the next page: the
SOP table probe's 3,999-character Kegiatan ran past the page's foot and over its footer,
and half of its words were missing from the PDF."""

import io
import re

from pypdf import PdfReader

from engine.process.deploy import deploy
from tests.conftest import mini_bpmn
from tests.web.conftest import login
from web.extensions import db

WORDS = [f"kata{number:04d}" for number in range(1, 400)]  # 3,590 characters


def test_a_step_taller_than_a_page_prints_whole_on_the_next(app, client, clock):
    with app.app_context():
        deploy(db.session, clock, mini_bpmn({'name="Menyusun konsep"':
                                             f'name="{" ".join(WORDS)}"'}))
        db.session.commit()
    login(client, "admin")
    response = client.get("/sop/sop_uji/versi/1.pdf")
    assert response.status_code == 200
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]
    printed = re.findall(r"kata\d{4}", " ".join(pages))
    assert printed == WORDS, "every word, once, in order"
    continued = [index for index, text in enumerate(pages)
                 if re.search(r"\(lanjutan\)\s+kata0", text)]
    assert continued and all(index > 0 for index in continued)
    assert "Memeriksa konsep" in pages[-1] or "Memeriksa konsep" in pages[-2]
