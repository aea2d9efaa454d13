"""Tabel 7 on a phone screen in Chromium against the real server: each SOP is a card of
its cells under their columns' names, so that Catatan, the column with the figures, is in
view, not off to the right of a scroll box (the auditor probe)."""

from tests.browser.axe import PHONE
from tests.browser.conftest import login


def test_tabel7_s_catatan_is_in_view_under_its_name_on_a_phone(server, browser):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        login(page, server, "admin")
        page.goto(f"{server}/laporan/tabel7")
        note = page.locator("table.tabel7 tbody tr").first.locator("td").nth(4)
        box = note.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert note.evaluate("cell => getComputedStyle(cell, '::before').content") == \
            '"Catatan: "'
        assert page.evaluate("document.querySelector('.table-wrap').scrollWidth") <= \
            page.evaluate("document.querySelector('.table-wrap').clientWidth")
        # A step named with slashes in Catatan, one word wider than the screen, breaks
        # inside its card: it made every card 409 px on a 390 px phone (the reports probe).
        note.evaluate("cell => cell.textContent = 'Paling sering terlambat: Menyiapkan/"
                      "mengumpulkan sumber data/laporan/informasi/gambar/audio/multimedia'")
        assert page.evaluate("document.querySelector('.table-wrap').scrollWidth") <= \
            page.evaluate("document.querySelector('.table-wrap').clientWidth")
    finally:
        context.close()
