"""In Chromium against the real server (issue 15, points 1, 2, 8, 10, 11, 12, 13): the
admin SOP pages, the reports, the diagram, the SOP document and the account page pass
axe-core on a desktop and a 360 px phone; the version page previews a new version and
moves running instances only after a dry run; the period form shows only the chosen
period's inputs; diagrams zoom, hide escalation endings from staff and list the steps
on phones; conversion notes never reach staff."""

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from engine.clock import SystemClock
from engine.models import User
from engine.process.instances import start_instance
from tests.browser.axe import DESKTOP, PHONE, assert_no_violations
from tests.browser.conftest import login, wait_until_drawn
from tests.conftest import BPMN_DIR
from web import create_app
from web.extensions import db

IT = "penanganan_permintaan_layanan_ti"
BACKUP = "backup_database_sipp"
PAGES = ["/admin/sop", f"/admin/sop/{IT}", "/admin/pengaturan", "/laporan/",
         f"/laporan/sop/{IT}", f"/laporan/sop/{IT}/peta", "/laporan/orang",
         "/laporan/orang/admin", "/laporan/orang/admin/proses?angka=tugas", "/laporan/tabel7",
         f"/sop/{IT}/versi/1", "/akun/"]


@contextmanager
def _opened(browser, viewport: dict[str, int], base: str, username: str, url: str,
            drawn: bool = True) -> Iterator:
    """A page of its own context (``viewport``) logged in as ``username`` on ``url``, its
    diagram drawn when ``drawn``; the context closed when the block ends."""
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        login(page, base, username)
        page.goto(url)
        if drawn:
            wait_until_drawn(page)
        yield page
    finally:
        context.close()


@pytest.fixture
def admin_page(browser, server, request):
    size = getattr(request, "param", DESKTOP)
    context = browser.new_context(viewport=size)
    page = context.new_page()
    login(page, server, "admin")
    yield page
    context.close()


def _app(database: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x",
                       "ALUR_CLOCK": SystemClock()})


@pytest.mark.parametrize("admin_page", [DESKTOP, PHONE], indirect=True, ids=["desktop", "360"])
@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_axe_violations(server, admin_page, url):
    admin_page.goto(server + url)
    admin_page.wait_for_load_state("networkidle")
    assert_no_violations(admin_page)


def _it_process(base: str, database: str, title: str) -> str:
    """Start an IT service request as prakom on the served database; its page's URL."""
    app = _app(database)
    with app.app_context():
        prakom = db.session.scalar(db.select(User).where(User.username == "prakom"))
        instance = start_instance(db.session, app.config["ALUR_CLOCK"], process_key=IT,
                                  title=title, user=prakom, data={
                                      "pemohon": "Budi", "unit": "Kepaniteraan",
                                      "kategori": "jaringan", "uraian": "Wi-Fi mati"})
        db.session.commit()
        url = f"{base}/proses/{instance.id}"
        db.session.remove()
        db.engine.dispose()
    return url


def test_new_version_preview_dry_run_and_migration(served, browser, tmp_path):
    base, database = served
    app = _app(database)
    with app.app_context():
        prakom = db.session.scalar(db.select(User).where(User.username == "prakom"))
        started = [start_instance(db.session, app.config["ALUR_CLOCK"], process_key=BACKUP,
                                  title=f"Cadangan {n}", user=prakom).number for n in (1, 2)]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # no pooled connection outlives the test (PostgreSQL pass)
    revised = (BPMN_DIR / f"{BACKUP}.bpmn").read_text().replace(
        'name="waktu" value="1 Jam"', 'name="waktu" value="2 hari kerja"', 1).replace(
        '>"PT1H"<', '>"P2D"<', 1)
    upload = tmp_path / "backup.bpmn"
    upload.write_text(revised)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    login(page, base, "admin")
    page.goto(f"{base}/admin/sop")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Unggah").click()
    page.wait_for_url(f"{base}/admin/sop/{BACKUP}")
    # The new version is previewed (diagram with its escalation endings, steps) beside
    # the diff, which names the duration; nothing offers to move instances to it yet.
    wait_until_drawn(page)
    assert "Menunggu aktivasi" in page.inner_text("#h-preview")
    expect(page.locator(".diagram-steps li")).to_have_count(4)
    assert page.locator(".djs-element[data-element-id^='Eskalasi_']:not(.alur-hidden)").count() > 0
    changes = page.inner_text(".preview .changes")
    assert "Waktu berubah:" in changes and "1 jam → 2 hari kerja" in changes
    assert "Durasi:" not in changes, "the timer changes with its Waktu: one line says both"
    expect(page.get_by_role("link", name=re.compile("Pindahkan"))).to_have_count(0)
    assert_no_violations(page)

    page.get_by_role("button", name="Aktifkan versi 2").click()
    page.get_by_role("link", name=re.compile("Pindahkan 2 proses berjalan ke versi 2")).click()
    page.locator("ul.moving li").first.wait_for()
    moving = page.locator("ul.moving li").all_inner_texts()
    assert [re.sub(r"\s+", " ", text) for text in moving] == [
        f"{started[0]} Cadangan 1 — versi 1 → 2", f"{started[1]} Cadangan 2 — versi 1 → 2"]
    assert_no_violations(page)
    page.get_by_role("button", name="Ya, pindahkan").click()
    expect(page.locator("main")).to_contain_text("2 proses dipindahkan")
    expect(page.locator("ul.moved li")).to_have_count(2)
    context.close()


def test_a_step_listed_in_one_lane_but_drawn_in_another_is_refused_at_upload(
        server, browser, tmp_path):
    """A revision moved step 1 to Prakom's lane in the lane lists (flowNodeRef), its shape
    left in Kasubbag's band: the phone's list named Kasubbag, the engine assigns Prakom, and
    the drawing showed the wrong Pelaksana. Such a file is now refused, naming the step."""
    letters = "surat_masuk_keluar"
    moved = [f"        <bpmn:flowNodeRef>{name}</bpmn:flowNodeRef>\n"
             for name in ("Kegiatan_1", "Waktu_Kegiatan_1", "Eskalasi_Kegiatan_1")]
    revised = (BPMN_DIR / f"{letters}.bpmn").read_text()
    for line in moved:
        revised = revised.replace(line, "", 1)
    revised = revised.replace('<bpmn:lane id="Lane_Prakom" name="Prakom">\n',
                              '<bpmn:lane id="Lane_Prakom" name="Prakom">\n' + "".join(moved), 1)
    upload = tmp_path / "letters.bpmn"
    upload.write_text(revised)
    with _opened(browser, DESKTOP, server, "admin", f"{server}/admin/sop", drawn=False) as page:
        page.set_input_files("input[type=file]", str(upload))
        page.get_by_role("button", name="Unggah").click()
        expect(page.locator("main")).to_contain_text(
            'terdaftar di lane "Prakom" (flowNodeRef) tetapi digambar di luar lane itu')
        assert page.url == f"{server}/admin/sop"


def test_diagram_zooms_hides_escalations_from_staff_and_lists_steps_on_phones(served, browser):
    base, database = served
    url = _it_process(base, database, "Diagram")
    with _opened(browser, DESKTOP, base, "prakom", url) as page:
        endings = page.locator(".djs-element[data-element-id^='Eskalasi_']")
        # Nine endings and their nine labels, all hidden; the first step stays visible.
        assert endings.count() == 18 and all(
            "alur-hidden" in (endings.nth(n).get_attribute("class") or "") for n in range(18))
        expect(page.locator(".djs-element[data-element-id='Kegiatan_1']")).to_be_visible()
        zoom = page.evaluate("() => document.querySelector('#diagram .viewport')"
                             ".getAttribute('transform')")
        page.get_by_role("button", name="Perbesar").click()
        assert page.evaluate("() => document.querySelector('#diagram .viewport')"
                             ".getAttribute('transform')") != zoom
        # Labels stay readable: the first view never shrinks the drawing below 60 %.
        assert float(re.search(r"matrix\(([\d.]+)", zoom).group(1)) >= 0.6 - 1e-6
        page.set_viewport_size(PHONE)
        expect(page.locator("#diagram")).not_to_be_visible()
        steps = page.locator(".diagram-steps li")
        expect(steps).to_have_count(9)
        expect(steps.first).to_be_visible()
        assert "sedang berjalan" in steps.first.inner_text()


@pytest.mark.parametrize("url", [f"/admin/sop/{IT}", f"/laporan/sop/{IT}/peta"])
def test_a_diagram_first_hidden_on_a_phone_is_drawn_when_the_screen_widens(server, browser,
                                                                           url):
    """A phone hides the drawing (the step list stands in for it); turned sideways, or a
    window widened, the drawing appears fitted, not "Diagram tidak dapat ditampilkan"."""
    with _opened(browser, PHONE, server, "admin", server + url) as page:
        expect(page.locator(".diagram").first).not_to_be_visible()
        # Peta hambatan says where its drawing went (the auditor probe: nothing did).
        wide_only = page.locator("#diagram-wide-only")
        if url.endswith("/peta"):
            expect(wide_only).to_be_visible()
        page.set_viewport_size(DESKTOP)
        expect(page.locator(".djs-element[data-element-id='Kegiatan_1']")).to_be_visible()
        expect(wide_only).to_have_count(1 if url.endswith("/peta") else 0)
        expect(wide_only).not_to_be_visible()
        assert "tidak dapat ditampilkan" not in page.inner_text("main")
        zoom = page.evaluate("() => document.querySelector('.diagram .viewport')"
                             ".getAttribute('transform')")
        assert float(re.search(r"matrix\(([\d.]+)", zoom).group(1)) >= 0.6 - 1e-6


def test_a_printed_process_page_keeps_its_content_whole_without_menu_or_forms(served,
                                                                            browser):
    """On paper: no menu, no comment box, the steps listed (a drawing wider than the paper
    was cut), the roles as whole words in their narrow column."""
    base, database = served
    url = _it_process(base, database, "Dicetak")
    with _opened(browser, DESKTOP, base, "admin", url) as page:
        printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(
            format="A4"))).pages)
    assert "Jejak audit" not in printed and "Kirim komentar" not in printed
    assert "Menerima permintaan layanan TI" in printed, "the step list stands for the drawing"
    assert "Prakom" in printed.split() and "Perbesar" not in printed
    with _opened(browser, DESKTOP, base, "prakom", base + "/", drawn=False) as page:
        inbox = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(
            format="A4"))).pages).split())
    # The sortable headings are buttons: they print as words, the keyboard help does not.
    assert "Batas Waktu" in inbox and "Diterima sejak" in inbox and "Dicetak" in inbox
    assert "Pintasan papan ketik" not in inbox


def test_a_printed_heat_map_shows_its_drawing_and_its_colours_key(server, browser):
    """On paper Peta hambatan printed its heading and then nothing: the drawing (and its
    key) were hidden as every page's diagram is. Printed now: a copy of the whole drawing
    scaled to the paper, coloured, without the screen's badges (one landed on a row of the
    list) or its zoom tools."""
    with _opened(browser, DESKTOP, server, "admin", f"{server}/laporan/sop/{IT}/peta") as page:
        page.locator(".heat-print svg").wait_for(state="attached")
        page.emulate_media(media="print")
        printed = page.locator(".heat-print svg")
        expect(printed).to_be_visible()
        expect(page.locator("#heatmap")).to_be_hidden()
        expect(page.locator(".heat-legend")).to_be_visible()
        expect(page.locator(".diagram-tools")).to_be_hidden()
        main, drawn = page.locator("main").bounding_box(), printed.bounding_box()
        assert drawn["width"] <= main["width"] and drawn["height"] > 100
        assert page.locator(".heat-print [class*='alur-band-']").count() == 9  # its 9 steps
        # The copy keeps bpmn-js's styles (a copy parsed from markup lost them to the CSP).
        assert page.evaluate("() => getComputedStyle(document.querySelector("
                             "'.heat-print .djs-visual rect')).fill") == "rgb(255, 255, 255)"
        assert page.locator(".heat-badge:visible").count() == 0
        page.emulate_media(media="screen")
        expect(printed).to_be_hidden()


def test_conversion_notes_never_reach_staff(served, browser):
    base, _ = served
    with _opened(browser, DESKTOP, base, "prakom", f"{base}/sop/{IT}/versi/1",
                 drawn=False) as page:
        text = page.inner_text("main")
        assert "OCR" not in text and "diasumsikan" not in text
        pdf = PdfReader(io.BytesIO(page.request.get(f"{base}/sop/{IT}/versi/1.pdf").body()))
        printed = "".join(p.extract_text() for p in pdf.pages)
        assert "OCR" not in printed and "diasumsikan" not in printed
        assert "Disahkan oleh" in printed and "NIP." in printed


def test_period_form_shows_only_the_chosen_periods_inputs(server, admin_page):
    admin_page.goto(f"{server}/laporan/sop/{IT}?periode=tahun&tahun=2026")
    form = admin_page.locator("form.period-form")
    expect(form.get_by_label("Tahun")).to_be_visible()
    expect(form.get_by_label("Bulan", exact=True)).not_to_be_visible()
    expect(form.get_by_role("button", name="Ganti")).not_to_be_visible()
    form.get_by_label("Periode").select_option("bulan")
    month = form.get_by_label("Bulan", exact=True)
    expect(month).to_be_visible()
    expect(form.get_by_label("Dari")).not_to_be_visible()
    month.select_option(label="Maret")
    form.get_by_role("button", name="Tampilkan").click()
    admin_page.wait_for_url(re.compile(r"periode=bulan"))
    assert "Maret 2026" in admin_page.inner_text("main")
    assert "bulan=3" in admin_page.url and "triwulan" not in admin_page.url


def test_documents_fit_on_a_phone_and_the_pdf_embeds_its_fonts(server, admin_page):
    pdf = PdfReader(io.BytesIO(admin_page.request.get(f"{server}/sop/{IT}/versi/1.pdf").body()))
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor
    assert Path(__file__).with_name("vendor").joinpath("axe.min.js").is_file()


@pytest.mark.parametrize("admin_page", [PHONE], indirect=True, ids=["360"])
def test_an_sop_document_with_a_long_sop_number_does_not_scroll_the_page(server, admin_page):
    """Only the step table scrolls on a phone (its own box); the identitas wraps."""
    admin_page.goto(f"{server}/sop/backup_database_sipp/versi/1")
    assert admin_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("admin_page", [{"width": 320, "height": 640}], indirect=True,
                         ids=["320"])
def test_an_sop_s_version_page_does_not_scroll_sideways_at_320_px(server, admin_page):
    """WCAG reflow (found by the accessibility probe): the step list beside the diagram
    was 314 px wide in a narrower card, and the page 347 px."""
    admin_page.goto(f"{server}/admin/sop/penyusunan_rkt")
    assert admin_page.evaluate("document.documentElement.scrollWidth") <= 320
    # Its steps are listed once, in the table (found by the regression probe: the phone's
    # list that stands in for a drawing came first, the same steps again below).
    admin_page.wait_for_selector(".diagram-steps li", state="attached")
    expect(admin_page.locator(".preview .diagram-steps")).not_to_be_visible()
    expect(admin_page.locator(".preview table.inbox")).to_be_visible()


@pytest.mark.parametrize("admin_page", [{"width": 1440, "height": 900}], indirect=True,
                         ids=["1440"])
def test_an_sop_s_version_steps_keep_whole_words_on_a_wide_screen(server, admin_page):
    """Found by the regression probe: beside the diagram the table had 407 px, and its
    header row read "N o", "Pela ksa na"."""
    admin_page.goto(f"{server}/admin/sop/penyusunan_rkt")
    # No word of a heading or a Pelaksana broken: no more lines than words (its text's
    # boxes, one per line it takes).
    lines = admin_page.evaluate("""[...document.querySelectorAll(
        '.preview table.inbox thead th, .preview table.inbox td:nth-child(3)')].map(cell => {
          const range = document.createRange(); range.selectNodeContents(cell);
          return [cell.textContent, new Set([...range.getClientRects()].map(r => r.top)).size];
        })""")
    assert lines and all(count <= len(text.split()) for text, count in lines), lines


# Words of a report table's headings that Chromium broke across lines ("Eskala|si").
BROKEN_WORDS = """() => [...document.querySelectorAll("table.report th")].flatMap(th => {
  const text = th.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) { return []; }
  const broken = [];
  for (const word of text.data.matchAll(/\\S+/g)) {
    const range = document.createRange();
    range.setStart(text, word.index);
    range.setEnd(text, word.index + word[0].length);
    const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
    if (lines.size > 1) { broken.push(word[0]); }
  }
  return broken;
})"""


def test_report_headings_keep_their_words_whole_on_a_desktop(server, admin_page):
    """At 1280 px a heading wraps between words; a table wider than the page scrolls in its
    own box instead of breaking "Eskalasi" or "berbatas" in the middle."""
    for url in (f"/laporan/sop/{IT}?periode=tahun&tahun=2026", "/laporan/orang/admin",
                "/laporan/tabel7"):
        admin_page.goto(server + url)
        assert admin_page.locator("table.report th").count() > 5, url
        assert admin_page.evaluate(BROKEN_WORDS) == [], url


# The narrowest cell of ``selector``, px: a column squeezed to one letter a line is ~10 px.
NARROWEST = """selector => Math.min(...[...document.querySelectorAll(selector)]
  .map(cell => cell.getBoundingClientRect().width))"""


@pytest.mark.parametrize("admin_page", [PHONE], indirect=True, ids=["360"])
def test_tabel7_and_the_sop_identitas_keep_readable_columns_on_a_phone(server, admin_page):
    """Tabel 7's Prosedur and headings, and the SOP document's identitas values, were one
    letter wide at 360 px (the page 32,000 px tall); Tabel 7 now scrolls in its box and
    the identitas stacks."""
    admin_page.goto(f"{server}/laporan/tabel7")
    assert admin_page.evaluate(NARROWEST, "table.tabel7 tbody td:nth-child(2)") >= 100
    assert admin_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    admin_page.goto(f"{server}/sop/{IT}/versi/1")
    assert admin_page.evaluate(NARROWEST, ".sop-identitas td.sop-value") >= 200
    assert admin_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("admin_page", [PHONE], indirect=True, ids=["360"])
def test_the_step_chart_wraps_its_labels_on_a_phone_and_writes_numbers_as_the_page(
        server, admin_page):
    """A step's name beside its bar is cut at the canvas's left edge on a phone unless it
    is drawn in lines; the axis writes 1.000 on an Indonesian page, not the browser's 1,000."""
    admin_page.goto(f"{server}/laporan/sop/penyusunan_rkt")
    admin_page.locator("canvas#chart").wait_for()
    locale, labels = admin_page.evaluate("""() => {
      const chart = Chart.getChart(document.getElementById("chart"));
      return [chart.options.locale, chart.data.labels];
    }""")
    assert locale == "id"
    assert labels and all(isinstance(label, list) for label in labels)
    assert all(len(line) <= 18 or " " not in line for label in labels for line in label)
    assert any(len(label) > 1 for label in labels), "RKT's long step names take two lines"
    assert any(line.endswith("/") for label in labels for line in label), \
        "a word joined by / breaks after it (JFU mendokumentasikan/mengarsip)"


@pytest.mark.parametrize("admin_page", [PHONE], indirect=True, ids=["360"])
def test_a_report_figure_that_links_is_a_target_of_at_least_24_px(server, admin_page):
    admin_page.goto(f"{server}/laporan/orang/prakom?periode=tahun&tahun=2026")
    sizes = admin_page.eval_on_selector_all(
        "table.report td a", "links => links.map(a => [a.getBoundingClientRect().width, "
        "a.getBoundingClientRect().height])")
    assert sizes and all(width >= 24 and height >= 24 for width, height in sizes), sizes
