"""On a desk-sized screen a report's cells wrap between words: at 1366 px the Kinerja SOP
summary broke its SOP's name inside words ("Penyu / sunan / Renca / na")."""

from tests.browser.conftest import login

WIDE = {"width": 1366, "height": 900}
# Every word of every cell of the report tables, as the page lays it out: a word broken
# over two lines has two boxes.
BROKEN_WORDS = """() => {
    const broken = [];
    for (const cell of document.querySelectorAll("table.report td, table.report th")) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.textContent.matchAll(/\\S+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                if (range.getClientRects().length > 1) broken.push(match[0]);
            }
        }
    }
    return broken;
}"""


def test_report_cells_keep_their_words_whole_on_a_desk_screen(browser, server):
    context = browser.new_context(viewport=WIDE)
    try:
        page = context.new_page()
        login(page, server, "ketua")
        for path in ("/laporan/sop/penyusunan_rkt", "/laporan/orang/ketua", "/laporan/orang"):
            page.goto(f"{server}{path}")
            page.locator("table.report").first.wait_for()
            assert page.evaluate(BROKEN_WORDS) == [], path
    finally:
        context.close()
