"""On a desk-sized screen the Kotak Masuk's short cells and headers keep their words whole
beside a long case title: "Prakom", "Nomor" and "Diterima sejak" were broken mid-word
("Pra/kom", "Nomo r") at 1280 and 1366 px (found by two probes)."""

import uuid

from tests.browser.conftest import bounded_page, login
from tests.browser.test_inbox_polish import WAIT, _start

# The lines the element's first text (a header's label, without its hidden words) takes.
LINES = """element => {
    const range = document.createRange();
    range.selectNodeContents(element.firstChild);
    const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
    return tops.size;
}"""


def test_short_cells_and_headers_are_not_broken_mid_word(server, browser):
    word = f"kolom{uuid.uuid4().hex[:6]}"
    title = f"{word} " + " ".join(["Pengadaan perangkat jaringan gedung arsip lantai dua"] * 3)
    _start(server, "prakom", "penanganan_gangguan_server", title[:190])
    with bounded_page(browser, {"width": 1280, "height": 900}, WAIT) as page:
        login(page, server, "prakom")
        page.goto(f"{server}/?cari={word}")
        role = page.locator('table.inbox td[data-label="Peran"]').first
        assert role.inner_text() == "Prakom"
        assert role.evaluate(LINES) == 1
        number = page.locator('table.inbox td[data-label="Nomor"]').first
        assert number.evaluate(LINES) == 1, number.inner_text()
        for label in ("Nomor", "Diterima sejak", "Batas Waktu"):
            header = page.locator("table.inbox th button.sort", has_text=label).first
            words = label.split()
            assert header.evaluate(LINES) <= len(words), label
