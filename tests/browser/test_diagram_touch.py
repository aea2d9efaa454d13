"""The diagram as the SOP probe met it: the escalation endings were marked hidden but still
drawn (bpmn-js writes display: block on every shape); on a touch screen the drawing could
not be moved at all; and a step done late read only "terlambat" in the phone's list."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select, update

from engine.clock import SystemClock
from engine.models import HumanTask, User
from engine.process.tasks import complete_task
from tests.browser.axe import DESKTOP, PHONE
from tests.browser.conftest import login, wait_until_drawn
from tests.browser.test_admin_reports_documents import _app, _it_process, _opened
from web.extensions import db

SIDEWAYS = {"width": 844, "height": 390}
STEPS_ALONG = 7  # a phone turned sideways shows the drawing
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
    app = _app(database)
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        task_id = int(url.rsplit("/", 1)[1])
        [step] = db.session.scalars(select(HumanTask.id).where(
            HumanTask.instance_id == task_id, HumanTask.state == "open"))
        clock = SystemClock()
        db.session.execute(update(HumanTask).where(HumanTask.id == step).values(
            due_at=clock.now() - timedelta(hours=1)))
        complete_task(db.session, clock, step, prakom, {})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    with _opened(browser, PHONE, base, "prakom", url, drawn=False) as page:
        first = page.locator(".diagram-steps li").first
        expect(first).to_contain_text("Prakom · selesai · terlambat")
        expect(page.locator(".diagram-steps li").nth(1)).to_contain_text("sedang berjalan")


def test_a_drawing_too_wide_to_fit_opens_on_the_step_where_the_case_stands(served, browser):
    """The SOP probe: the first view showed the drawing's left end, the case's step cut off
    below or beside it."""
    base, database = served
    url = _it_process(base, database, "Far along")
    app = _app(database)
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        for _ in range(STEPS_ALONG):
            [step] = db.session.scalars(select(HumanTask).where(
                HumanTask.instance_id == int(url.rsplit("/", 1)[1]),
                HumanTask.state == "open"))
            data = {"prioritas": "minor"} if step.name.startswith("Menentukan") else {}
            complete_task(db.session, SystemClock(), step.id, users[step.role.lower().replace(" ", "_")], data)
            db.session.commit()
        [step] = db.session.scalars(select(HumanTask.bpmn_id).where(
            HumanTask.instance_id == int(url.rsplit("/", 1)[1]), HumanTask.state == "open"))
        db.session.remove()
        db.engine.dispose()
    with _opened(browser, SIDEWAYS, base, "admin", url) as page:
        drawn = page.locator("#diagram").bounding_box()
        shown = page.locator(f".djs-element[data-element-id='{step}']").bounding_box()
        assert drawn["x"] <= shown["x"] and shown["x"] + shown["width"] <= (
            drawn["x"] + drawn["width"]), (step, drawn, shown)
        assert drawn["y"] <= shown["y"] and shown["y"] + shown["height"] <= (
            drawn["y"] + drawn["height"]), (step, drawn, shown)
