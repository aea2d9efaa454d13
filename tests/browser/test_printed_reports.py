"""Reports and lists on paper: a row of figures is never cut between two sheets, and each sheet
repeats its table's headings (the auditor probe: a printed Kinerja SOP split a step's row)."""

import pytest

from tests.browser.axe import DESKTOP
from tests.browser.conftest import login

IT = "penanganan_permintaan_layanan_ti"


@pytest.mark.parametrize("path", [f"/laporan/sop/{IT}", "/laporan/orang", "/laporan/tabel7",
                                  "/laporan/orang/admin", "/admin/sop"])
def test_a_printed_report_or_list_keeps_each_row_on_one_sheet(server, browser, path):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        login(page, server, "admin")
        page.goto(server + path)
        page.emulate_media(media="print")
        rows = page.evaluate("() => [...document.querySelectorAll('main tr')]"
                             ".map(row => getComputedStyle(row).breakInside)")
        headings = page.evaluate("() => [...document.querySelectorAll('main thead')]"
                                 ".map(head => getComputedStyle(head).display)")
        kept = page.evaluate("() => [...document.querySelectorAll('main h2, main caption')]"
                             ".map(title => getComputedStyle(title).breakAfter).concat("
                             "[...document.querySelectorAll('main tbody tr:first-child')]"
                             ".map(row => getComputedStyle(row).breakBefore))")
    finally:
        context.close()
    assert rows and set(rows) == {"avoid"}
    assert headings and set(headings) == {"table-header-group"}
    # The regression probe: "Langkah, paling lambat dulu" and its headings ended a sheet.
    assert kept and set(kept) == {"avoid"}
