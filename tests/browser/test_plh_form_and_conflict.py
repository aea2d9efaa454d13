"""In Chromium against the real server (issue 15, points 7 and 9): the Plh/Plt form's role
follows the official and the official is not offered as his own substitute, errors come
all at once with the choices kept, the substitute's inbox banner; a step completed
meanwhile answers who did it and shows the typed text back. axe finds nothing on the
Plh/Plt form at desktop width and on a phone.

Every wait is bounded (``TIMEOUT_MS``): a stuck page fails, it never hangs the run."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from engine.clock import SystemClock
from engine.models import HumanTask, User, UserRole
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.browser.axe import DESKTOP, PHONE, assert_no_violations
from tests.browser.conftest import login
from tests.browser.starting import TIMEOUT_MS
from web import create_app
from web.extensions import db


def _context(browser, viewport):
    context = browser.new_context(viewport=viewport, is_mobile=viewport == PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser):
    context = _context(browser, DESKTOP)
    yield context.new_page()
    context.close()


def test_the_plh_form_guides_and_the_substitute_sees_the_banner(server, page):
    login(page, server, "admin")
    page.goto(f"{server}/plh/")
    page.get_by_label("Pejabat yang digantikan").select_option(label="Demo Panitera (Panitera)")
    role = page.get_by_label("Peran")
    assert role.locator("option").all_inner_texts() == ["Panitera"]
    assert role.input_value() == "Panitera"
    own = page.locator('#substitute option', has_text="Demo Panitera")
    assert own.is_disabled() and not own.is_visible()
    expect(page.locator('#substitute option', has_text="Administrator")).to_have_count(0)
    page.get_by_label("Pengganti").select_option(label="Demo Redaktur (Redaktur)")
    page.get_by_label("Mulai").fill("")
    page.get_by_role("button", name="Catat").click()
    errors = page.locator("#plh-errors")
    errors.wait_for(timeout=TIMEOUT_MS)
    assert errors.locator("li").all_inner_texts() == [
        "Nomor surat perintah: nomor surat perintah wajib diisi",
        "Mulai: tanggal dan jam mulai wajib diisi",
        "Berakhir: tanggal dan jam berakhir wajib diisi"]
    assert page.get_by_label("Pengganti").input_value() != ""
    assert page.locator("#substitute option:checked").inner_text() == "Demo Redaktur (Redaktur)"
    assert page.get_by_label("Peran").input_value() == "Panitera"

    start = datetime.now(ZoneInfo("Asia/Jakarta")).replace(second=0, microsecond=0)
    end = (start + timedelta(days=5)).replace(hour=0, minute=0)
    page.get_by_label("Nomor surat perintah").fill("W8-U1/99/KP.04/XI/2026")
    page.get_by_label("Mulai").fill((start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Berakhir").fill(end.strftime("%Y-%m-%dT%H:%M"))
    # Enter records it: the no-JavaScript "Tampilkan peran" button, first in the form, is
    # removed rather than hidden (it took the Enter key; found by the regression probe).
    page.get_by_label("Nomor surat perintah").press("Enter")
    page.get_by_text("Plh/Plt dicatat.").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("cell", name="W8-U1/99/KP.04/XI/2026").wait_for(timeout=TIMEOUT_MS)

    login(page, server, "redaktur")
    last = end - timedelta(days=1)
    months = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
    banner = page.locator(".plh-banner")
    assert banner.locator("strong").inner_text() == (
        f"Anda Plh. Panitera s.d. {last.day} {months[last.month - 1]}"
        + ("" if last.year == start.year else f" {last.year}"))
    # Ended again, so later browser tests see the demo roles as they were.
    login(page, server, "admin")
    page.goto(f"{server}/plh/")
    row = page.locator("tr", has_text="W8-U1/99/KP.04/XI/2026")
    row.locator("summary", has_text="Akhiri lebih awal").click()  # asks before it ends it
    row.get_by_role("button", name="Ya, akhiri sekarang").click()
    page.get_by_text("Plh/Plt diakhiri.").wait_for(timeout=TIMEOUT_MS)


def test_a_supervisor_choosing_his_prakom_is_offered_himself_as_substitute(server, page):
    """His form opens on himself, so he is hidden among the substitutes; choosing the
    Prakom he records for hides the Prakom and offers him again (he may stand in)."""
    login(page, server, "kasubbag")
    page.goto(f"{server}/plh/")
    himself = page.locator("#substitute option", has_text="Demo Kasubbag")
    assert himself.is_disabled()
    page.get_by_label("Pejabat yang digantikan").select_option(label="Demo Prakom (Prakom)")
    assert page.get_by_label("Peran").locator("option").all_inner_texts() == ["Prakom"]
    assert not himself.is_disabled()
    assert page.locator("#substitute option", has_text="Demo Prakom").is_disabled()
    page.get_by_label("Pengganti").select_option(label="Demo Kasubbag (Kasubbag)")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "360px"])
def test_the_plh_form_has_no_axe_violations(server, browser, viewport):
    context = _context(browser, viewport)
    page = context.new_page()
    try:
        login(page, server, "admin")
        page.goto(f"{server}/plh/")
        page.wait_for_selector("#plh-form", timeout=TIMEOUT_MS)
        assert_no_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.get_by_role("button", name="Catat").click()
        page.wait_for_selector("#plh-errors", timeout=TIMEOUT_MS)
        assert_no_violations(page)
    finally:
        context.close()


def _open_step_and_a_second_prakom(database: str) -> int:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x",
                      "ALUR_CLOCK": SystemClock()})
    with app.app_context():
        prakom = db.session.scalar(db.select(User).where(User.username == "prakom"))
        if db.session.scalar(db.select(User).where(User.username == "rudi_konflik")) is None:
            db.session.add(User(username="rudi_konflik", full_name="Rudi Hartono",
                                password_hash="-", created_at=SystemClock().now(),
                                roles=[UserRole(role="Prakom")]))
        instance = start_instance(db.session, SystemClock(),
                                  process_key="penanganan_gangguan_server",
                                  title="Diselesaikan orang lain", user=prakom)
        db.session.commit()
        task_id = db.session.scalar(db.select(HumanTask.id).where(
            HumanTask.instance_id == instance.id))
        db.session.remove()
        db.engine.dispose()
    return task_id


def _complete_as_rudi(database: str, task_id: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x"})
    with app.app_context():
        rudi = db.session.scalar(db.select(User).where(User.username == "rudi_konflik"))
        complete_task(db.session, SystemClock(), task_id, rudi, {"catatan": "Oleh Rudi"})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_a_step_completed_meanwhile_names_who_and_keeps_the_typed_text(served, page):
    base, database = served
    task_id = _open_step_and_a_second_prakom(database)
    login(page, base, "prakom")
    page.goto(f"{base}/tugas/{task_id}")
    page.get_by_label("Catatan (opsional)").fill("Kabel LAN rak 2 diganti")
    _complete_as_rudi(database, task_id)
    page.get_by_role("button", name="Selesaikan langkah").click()
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=TIMEOUT_MS)
    assert alert.inner_text().startswith("Langkah ini sudah diselesaikan oleh Rudi Hartono pada ")
    assert "completed" not in page.content()
    assert page.locator(".typed-value").all_inner_texts() == ["Kabel LAN rak 2 diganti"]
    page.get_by_role("link", name="Lihat langkah ini").click()
    expect(page.locator("dt", has_text="Status").locator("xpath=following-sibling::dd[1]")
           ).to_have_text("Selesai")
