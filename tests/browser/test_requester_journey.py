"""In Chromium against the real server, as an employee with no IT role: submit an IT
service request with a file, see it in Tiket Saya, answer the desk's question, get the
done notice, rate it; the Prakom sees the rating; the requester never sees internal
notes."""

import re

import pytest
from playwright.sync_api import expect

from engine.clock import SystemClock
from engine.errors import InvalidTaskData
from engine.models import HumanTask, ProcessInstance, User
from engine.people import accounts
from engine.process.attachments import comment_on_instance
from engine.process.tasks import complete_task
from tests.browser.conftest import PASSWORD, login
from web import create_app
from web.extensions import db
from web.views.auth import hash_password

LTI = "penanganan_permintaan_layanan_ti"
SECRET = "Catatan internal: pemohon sering lupa kata sandi"


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context
    context.close()


def _in_database(database: str, work) -> object:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x",
                      "ALUR_CLOCK": SystemClock()})
    with app.app_context():
        try:
            found = work()
            db.session.commit()
        finally:  # also when the work fails: no connection left open for the GC to find
            db.session.remove()
            db.engine.dispose()
    return found


def _employee(database: str) -> None:
    _in_database(database, lambda: accounts.create(
        db.session, SystemClock(), hash_password, actor=None, username="pegawai_tu",
        full_name="Sari Pegawai TU", password=PASSWORD))


def _internal_note_and_finish(database: str, instance_id: int) -> None:
    def work() -> None:
        users = list(db.session.scalars(db.select(User)))
        prakom = next(u for u in users if u.username == "prakom")
        instance = db.session.get(ProcessInstance, instance_id)
        comment_on_instance(db.session, SystemClock(), instance, prakom, SECRET)
        for _ in range(20):
            task = db.session.scalar(db.select(HumanTask).where(
                HumanTask.instance_id == instance_id, HumanTask.state == "open"))
            if task is None:
                return
            performer = next(u for u in users  # an account another test disabled cannot act
                             if task.role in u.role_names and not u.is_disabled)
            try:
                complete_task(db.session, SystemClock(), task.id, performer, {})
            except InvalidTaskData:
                complete_task(db.session, SystemClock(), task.id, performer,
                              {"prioritas": "minor"})
    _in_database(database, work)


def test_an_employee_asks_answers_is_told_done_and_rates(served, context, tmp_path):
    base, database = served
    _employee(database)
    photo = tmp_path / "printer.txt"
    photo.write_text("lampu printer berkedip merah")
    page = context.new_page()
    login(page, base, "pegawai_tu", landing="/tiket/")
    page.get_by_role("link", name="Ajukan Tiket").click()
    # Loaded, apply-on-choice.js included: on the loaded CI machine a choice made before the
    # script ran changed nothing (the test's race, not the page's).
    page.wait_for_url(f"{base}/tiket/ajukan", wait_until="load")
    page.get_by_label("Judul singkat").fill("Printer ruang sidang macet")
    # Choosing the service shows its form at once, keeping what was typed, none of it in
    # the address; Nama pemohon opens with his name.
    page.get_by_label("Layanan").select_option(LTI)
    expect(page.get_by_label("Nama pemohon")).to_have_value("Sari Pegawai TU")
    assert page.url == f"{base}/tiket/ajukan"
    assert page.get_by_label("Judul singkat").input_value() == "Printer ruang sidang macet"
    page.get_by_label("Nama pemohon").fill("Sari")
    page.get_by_label("Unit kerja").fill("Kepaniteraan Pidana")
    page.get_by_label("perangkat keras").check()
    page.get_by_label("Uraian permintaan").fill("Kertas macet terus")
    page.get_by_label("Lampiran (opsional)").set_input_files(str(photo))
    page.get_by_role("button", name="Kirim", exact=True).click()
    page.wait_for_url(re.compile(r".*/tiket/\d+$"))
    instance_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator("#ticket-status").inner_text() == "diterima"
    expect(page.get_by_role("link", name="printer.txt")).to_be_visible()
    page.get_by_role("link", name="Tiket Saya").click()
    expect(page.locator("table")).to_contain_text("Printer ruang sidang macet")

    desk = context.browser.new_context().new_page()
    login(desk, base, "prakom")
    desk.goto(f"{base}/tiket/{instance_id}")
    desk.get_by_label("Pesan", exact=True).fill("Printer merek apa dan di ruang mana?")
    desk.get_by_label("Menunggu jawaban pemohon (jam SLA berhenti)").check()
    desk.get_by_role("button", name="Kirim pesan").click()
    expect(desk.locator(".thread")).to_contain_text("Printer merek apa")

    page.goto(f"{base}/tiket/{instance_id}")
    assert page.locator("#ticket-status").inner_text() == "menunggu Anda"
    assert "Printer merek apa" in page.locator(".thread").inner_text()
    page.get_by_label("Pesan", exact=True).fill("Epson L3110, ruang sidang 2")
    page.get_by_role("button", name="Kirim pesan").click()
    expect(page.locator("#ticket-status")).to_have_text("diterima")

    _internal_note_and_finish(database, instance_id)
    page.goto(f"{base}/notifikasi/")
    assert "selesai" in page.locator("main").inner_text()
    page.goto(f"{base}/tiket/{instance_id}")
    assert page.locator("#ticket-status").inner_text() == "selesai"
    page.get_by_label("5").check()
    page.get_by_label("Komentar (opsional)").fill("Cepat dan ramah")
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.locator("#rating")).to_have_text("Nilai 5 dari 5 — Cepat dan ramah")
    for path in ("/tiket/", f"/tiket/{instance_id}", "/notifikasi/"):
        page.goto(f"{base}{path}")
        assert SECRET not in page.content()
    # The process page is the desk's: its address leads him to his ticket, secrets unseen.
    led = page.goto(f"{base}/proses/{instance_id}")
    assert (led.status, led.url) == (200, f"{base}/tiket/{instance_id}")
    assert SECRET not in page.content()

    desk.goto(f"{base}/tiket/{instance_id}")
    assert desk.locator("#rating").inner_text() == "Nilai 5 dari 5 — Cepat dan ramah"
    desk.context.close()

    phone = context.browser.new_context(viewport={"width": 360, "height": 740},
                                        is_mobile=True, device_scale_factor=2)
    small = phone.new_page()
    login(small, base, "pegawai_tu", landing="/tiket/")
    for path in ("/tiket/", f"/tiket/{instance_id}"):
        small.goto(f"{base}{path}")
        assert small.evaluate("document.documentElement.scrollWidth") <= 360, path
    phone.close()
