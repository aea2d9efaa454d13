"""In Chromium against the real server (issue 15, point 5): Mulai Proses groups the SOPs,
filters them while typing exactly as the server's ``?cari=`` does, starts the chosen one
and lands on the starter's first step; axe finds nothing at desktop width and on a phone.

Every wait is bounded (``TIMEOUT_MS``): a stuck page fails, it never hangs the run."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import DESKTOP, PHONE, assert_no_violations
from tests.browser.conftest import bounded_page, login
from tests.browser.starting import TIMEOUT_MS


@pytest.fixture
def page(browser):
    with bounded_page(browser, DESKTOP, TIMEOUT_MS) as page:
        yield page


def _visible_names(page) -> list[str]:
    return page.locator(".sop-item:visible h3 a").all_inner_texts()


def _server_names(page, base: str, search: str) -> list[str]:
    html = page.request.get(f"{base}/proses/baru?cari={search}", timeout=TIMEOUT_MS).text()
    return re.findall(r'<li class="sop-item"[^>]*>\s*<h3><a href="[^"]+">([^<]+)</a>', html)


def test_grouped_list_filters_while_typing_like_the_server(server, page):
    login(page, server, "kasubbag")
    page.get_by_role("link", name="Mulai Proses", exact=True).click()
    page.wait_for_selector("#cari-sop", timeout=TIMEOUT_MS)
    # Loaded, not only parsed: typing before mulai.js has run would filter nothing.
    page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    groups = page.locator(".sop-group h2").all_inner_texts()
    assert groups == ["TI", "Perencanaan", "Persuratan"]
    expect(page.get_by_text("(versi")).to_have_count(0)
    everything = len(_visible_names(page))
    assert page.locator("#sop-count").inner_text() == f"{everything} SOP dapat Anda mulai"

    search = page.get_by_label("Cari SOP")
    search.fill("rkt")
    assert sorted(_visible_names(page)) == sorted(_server_names(page, server, "rkt")) == [
        "Penyusunan Rencana Kerja Tahunan (RKT)", "Penyusunan Rencana Kinerja Tahunan (RKT)"]
    assert page.locator(".sop-group:visible h2").all_inner_texts() == ["Perencanaan"]
    assert page.locator("#sop-count").inner_text() == "2 SOP cocok"
    search.fill("wi-fi jaringan")
    assert _visible_names(page) == _server_names(page, server, "wi-fi+jaringan")
    search.fill("tidak ada sop seperti ini")
    assert _visible_names(page) == []
    expect(page.locator("#sop-none")).to_be_visible()
    search.fill("")
    assert len(_visible_names(page)) == everything
    expect(page.locator("#sop-none")).not_to_be_visible()

    search.fill("rencana kerja tahunan")
    page.get_by_role("link", name="Penyusunan Rencana Kerja Tahunan (RKT)", exact=True).click()
    expect(page.get_by_text("subbagian PTIP sendiri")).to_be_visible()
    page.get_by_label("Judul (apa yang ditangani)").fill("RKT PTIP 2027 (peramban)")
    page.get_by_role("button", name="Mulai", exact=True).click()
    page.wait_for_url(re.compile(r"/tugas/\d+$"), timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name=re.compile("Mempelajari"))).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "360px"])
def test_mulai_proses_has_no_axe_violations(server, browser, viewport):
    context = browser.new_context(viewport=viewport, is_mobile=viewport == PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        login(page, server, "prakom")
        page.goto(f"{server}/proses/baru")
        page.wait_for_selector(".sop-item", timeout=TIMEOUT_MS)
        assert_no_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.goto(f"{server}/proses/baru?process_key=penanganan_permintaan_layanan_ti")
        page.wait_for_selector("#title", timeout=TIMEOUT_MS)
        assert_no_violations(page)
        page.get_by_role("button", name="Mulai", exact=True).click()
        page.wait_for_selector("#title-error", timeout=TIMEOUT_MS)
        assert_no_violations(page)
    finally:
        context.close()
