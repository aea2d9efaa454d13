"""The diagram as the SOP probe met it: the escalation endings were marked hidden but still
drawn (bpmn-js writes display: block on every shape); on a touch screen the drawing could
not be moved at all; and a step done late read only "terlambat" in the phone's list."""

import re

from playwright.sync_api import expect

from tests.browser.axe import DESKTOP, PHONE
from tests.browser.conftest import login, wait_until_drawn
from tests.browser.served_steps import complete_steps
from tests.browser.test_admin_reports_documents import _it_process, _opened

SIDEWAYS = {"width": 844, "height": 390}  # a phone turned sideways shows the drawing
STEPS_ALONG = 7  # far enough along that the case's step lies beyond the first view
TRANSFORM = "() => document.querySelector('#diagram .viewport').getAttribute('transform')"
SCALE = re.compile(r"matrix\(([\d.]+)")


def test_escalation_endings_are_not_drawn_for_staff(served, browser):
    base, database = served
    url = _it_process(base, database, "Endings hidden")
    with _opened(browser, DESKTOP, base, "prakom", url) as page:
        endings = page.locator(".djs-element[data-element-id^='Eskalasi_']")
        assert endings.count() == 18
        for n in range(18):
            expect(endings.nth(n)).to_be_hidden()
        expect(page.locator(".djs-element[data-element-id='Kegiatan_1']")).to_be_visible()


def _touch(cdp, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
        {"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)]})


def test_a_touch_screen_moves_the_drawing_sideways_and_pinches_it(served, browser):
    base, database = served
    url = _it_process(base, database, "Touch")
    context = browser.new_context(viewport=SIDEWAYS, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        login(page, base, "prakom")
        page.goto(url)
        wait_until_drawn(page)
        page.locator("#diagram").scroll_into_view_if_needed()
        box = page.locator("#diagram").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        cdp = context.new_cdp_session(page)
        before, scrolled = page.evaluate(TRANSFORM), page.evaluate("window.scrollY")
        _touch(cdp, "touchStart", [(x, y)])
        for step in range(1, 6):
            _touch(cdp, "touchMove", [(x - 20 * step, y)])
        _touch(cdp, "touchEnd", [])
        moved = page.evaluate(TRANSFORM)
        assert moved != before, "one finger sideways moves the drawing"
        assert page.evaluate("window.scrollY") == scrolled
        scale = float(SCALE.search(moved)[1])
        _touch(cdp, "touchStart", [(x - 40, y), (x + 40, y)])
        for step in range(1, 6):
            _touch(cdp, "touchMove", [(x - 40 - 10 * step, y), (x + 40 + 10 * step, y)])
        _touch(cdp, "touchEnd", [])
        pinched = float(SCALE.search(page.evaluate(TRANSFORM))[1])
        assert pinched > scale * 1.5, (scale, pinched)
    finally:
        context.close()


def test_a_step_done_late_reads_done_and_late_in_the_phones_list(served, browser):
    base, database = served
    url = _it_process(base, database, "Late and done")
    complete_steps(database, url, late=True)
    with _opened(browser, PHONE, base, "prakom", url, drawn=False) as page:
        first = page.locator(".diagram-steps li").first
        expect(first).to_contain_text("Prakom · selesai · terlambat")
        expect(page.locator(".diagram-steps li").nth(1)).to_contain_text("sedang berjalan")


def test_a_drawing_too_wide_to_fit_opens_on_the_step_where_the_case_stands(served, browser):
    """The SOP probe: the first view showed the drawing's left end, the case's step cut off
    below or beside it."""
    base, database = served
    url = _it_process(base, database, "Far along")
    step = complete_steps(database, url, STEPS_ALONG)
    with _opened(browser, SIDEWAYS, base, "admin", url) as page:
        drawn = page.locator("#diagram").bounding_box()
        shown = page.locator(f".djs-element[data-element-id='{step}']").bounding_box()
        assert drawn["x"] <= shown["x"] and shown["x"] + shown["width"] <= (
            drawn["x"] + drawn["width"]), (step, drawn, shown)
        assert drawn["y"] <= shown["y"] and shown["y"] + shown["height"] <= (
            drawn["y"] + drawn["height"]), (step, drawn, shown)
