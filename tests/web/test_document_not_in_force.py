"""A version not in force says so on its SOP document, page and PDF, on every PDF page (found
by the SOP lifecycle probe: a draft and a replaced version printed as clean official SOPs)."""

import io
import re

from pypdf import PdfReader

from engine.process import versions
from engine.process.deploy import deploy
from tests.conftest import mini_bpmn
from tests.web.conftest import login
from web.extensions import clock, db

DRAFT = "RANCANGAN, BELUM BERLAKU: versi ini menunggu aktivasi; yang berlaku versi 1."
REPLACED = "TIDAK BERLAKU LAGI: versi ini sudah digantikan; yang berlaku versi 2."


def _deploy(app, replace: dict[str, str], activate: bool) -> None:
    with app.app_context():
        deploy(db.session, clock(), mini_bpmn(replace), activate=activate)
        db.session.commit()


def _page(client, version: int) -> str:
    return " ".join(client.get(f"/sop/sop_uji/versi/{version}").get_data(True).split())


def _pdf_pages(client, version: int) -> list[str]:
    data = client.get(f"/sop/sop_uji/versi/{version}.pdf").data
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def test_a_draft_then_a_replaced_version_say_which_is_in_force(app, client):
    _deploy(app, {}, activate=True)
    _deploy(app, {'name="Memeriksa konsep"': 'name="Memeriksa ulang"'}, activate=False)
    login(client, "prakom")
    assert "BERLAKU" not in _page(client, 1) and not any(
        "BERLAKU" in page for page in _pdf_pages(client, 1))
    assert DRAFT in _page(client, 2) and "cases-keep-version" not in _page(client, 2)
    assert all(DRAFT in page and "tetap dikerjakan" not in page for page in _pdf_pages(client, 2))

    with app.app_context():
        versions.activate(db.session, clock(), "sop_uji", 2, None)
        db.session.commit()
    assert REPLACED in _page(client, 1), "the PDF drawn before is not served again"
    # A case's SOP link leads to its own version: its cases keep it (the SOP probe: Ketua
    # read only that it was no longer in force).
    assert ("Proses yang dimulai dengan versi ini tetap dikerjakan menurut versi ini, sampai "
            "administrator memindahkannya ke versi yang berlaku.") in _page(client, 1)
    assert "cases-keep-version" not in _page(client, 2)
    assert all(REPLACED in page for page in _pdf_pages(client, 1))
    # Printed, it says so too (the regression probe: only the page did).
    assert all("Proses yang dimulai dengan versi ini tetap dikerjakan menurut versi ini, "
               "sampai administrator memindahkannya ke versi yang berlaku." in page
               for page in _pdf_pages(client, 1))
    assert "BERLAKU" not in _page(client, 2) and not any(
        "BERLAKU" in page for page in _pdf_pages(client, 2))
    # Version 1 put back in force: version 2's cases are never moved to an older one, so
    # its document promises no move (the regression probe).
    with app.app_context():
        versions.activate(db.session, clock(), "sop_uji", 1, None)
        db.session.commit()
    assert "TIDAK BERLAKU LAGI" in _page(client, 2) and "cases-keep-version" not in _page(
        client, 2)
    assert not any("tetap dikerjakan" in page for page in _pdf_pages(client, 2))


def test_an_older_version_never_activated_says_so(app, client):
    _deploy(app, {}, activate=False)
    _deploy(app, {'name="Memeriksa konsep"': 'name="Memeriksa ulang"'}, activate=True)
    login(client, "prakom")
    assert ("TIDAK PERNAH BERLAKU: versi ini tidak pernah diaktifkan; yang berlaku versi 2."
            in _page(client, 1))


def test_the_document_is_marked_indonesian_for_a_reader_in_english(app, client):
    """A screen reader of an official who chose English reads the SOP, which is written in
    Indonesian, with Indonesian pronunciation (WCAG 3.1.2; found by the accessibility probe)."""
    _deploy(app, {}, activate=True)
    login(client, "prakom")
    page = client.get("/sop/sop_uji/versi/1").get_data(True)
    assert '<article class="sop" aria-labelledby="sop-title" lang="id">' in page


def test_the_sops_key_is_for_administrators_only(app, client):
    """The SOP probe: "kunci pemeliharaan_server" stood on every official's SOP page."""
    _deploy(app, {}, activate=True)
    login(client, "prakom")
    assert "SOP Uji · versi 1" in _page(client, 1) and "kunci sop_uji" not in _page(client, 1)
    login(client, "admin")
    assert "SOP Uji · kunci sop_uji · versi 1" in _page(client, 1)
