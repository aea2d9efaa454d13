"""In Chromium on a 360 px phone against the real server: a list's pager says which page of
how many, its links are large enough to touch, stay on the screen, keep the other query
parameters, and pass axe."""

import re

from playwright.sync_api import expect

from tests.browser.axe import PHONE, assert_no_violations
from tests.browser.conftest import login

TIMEOUT_MS = 10_000


def test_the_pager_works_on_a_phone_and_keeps_the_query(server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        login(page, server, "admin")
        page.goto(f"{server}/admin/pengguna?per_page=2")
        pager = page.get_by_role("navigation", name="Halaman daftar")
        shown = re.search(r"Halaman 1 dari (\d+) \((\d+) baris, 2 per halaman\)",
                          pager.inner_text().replace("\n", " "))
        assert shown is not None and int(shown[1]) == -(-int(shown[2]) // 2) >= 2
        following = pager.get_by_role("link", name="Berikutnya ›")
        box = following.bounding_box()
        assert box is not None and box["height"] >= 44
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
        expect(pager.get_by_role("link", name="‹ Sebelumnya")).to_have_count(0)

        following.click()
        page.wait_for_url(re.compile(r".*halaman=2.*"))
        assert "per_page=2" in page.url
        assert "Halaman 2 dari" in pager.inner_text()
        expect(pager.get_by_role("link", name="‹ Sebelumnya")).to_be_visible()
        assert_no_violations(page)
    finally:
        context.close()


def test_an_empty_lists_row_on_a_phone_starts_with_its_sentence_not_a_colon(server, phone):
    """A list's "nothing here" row (one cell across the columns, no label) shows its
    sentence alone; a cell with a label still starts with it. The row is added to the page's
    own list, as the Plh/Plt list writes it when empty, whatever other tests stored."""
    login(phone, server, "ketua")
    phone.goto(f"{server}/plh/")
    table = phone.locator("table.inbox").first
    expect(table).to_be_visible()
    before = table.evaluate("""table => {
        const row = table.insertRow(-1), cell = row.insertCell(0);
        cell.colSpan = 7; cell.textContent = "Tidak ada Plh/Plt yang berlaku.";
        const labelled = row.insertCell(1); labelled.dataset.label = "Peran";
        return [getComputedStyle(cell, '::before').content,
                getComputedStyle(labelled, '::before').content];
    }""")
    assert before[0] in ("none", "normal") and before[1] == '"Peran: "', before
