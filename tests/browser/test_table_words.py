"""On a desk-sized screen a table's short cells keep their words whole: the SOP probe saw
"Pera|n", "Prako|m", "Menungg|u" on a process page at 1366 px, its steps table squeezed by
a long note ("overflow-wrap: anywhere" let every column shrink to a letter)."""


from tests.browser.served_steps import complete_steps
from tests.browser.test_admin_reports_documents import _it_process, _opened

WIDE = {"width": 1366, "height": 768}
NOTE = ("Printer di ruang kepaniteraan sudah diperiksa bersama petugas gedung; kabel daya "
        "diganti, antrean cetak dibersihkan, dan pengandar dipasang ulang. ") * 4
# Each cell of the steps table's headings and its Peran, Status and Oleh columns: its text
# and how many lines it takes (its text's boxes, one per line).
LINES = """() => [...document.querySelectorAll(
  'table.inbox thead th, table.inbox td:nth-child(2), table.inbox td:nth-child(3), '
  + 'table.inbox td:nth-child(6)')].map(cell => {
    const range = document.createRange(); range.selectNodeContents(cell);
    return [cell.textContent.trim(),
            new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
  })"""


def test_the_steps_table_keeps_short_words_whole_beside_a_long_note(served, browser):
    base, database = served
    url = _it_process(base, database, "Printer kepaniteraan")
    complete_steps(database, url, data={"catatan": NOTE})
    with _opened(browser, WIDE, base, "prakom", url) as page:
        lines = page.evaluate(LINES)
        assert len(lines) > 10
        assert all(count <= len(text.split()) for text, count in lines), lines
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDE["width"]
