"""In Chromium against the real server: every role's inbox, claim and complete with an
attachment, the diagram highlight moving, an escalation arriving, acting as Plh, and the
inbox on a 360 px phone."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from engine.clock import ManualClock, SystemClock
from engine.models import User
from engine.process.instances import start_instance
from tests.browser.conftest import login, logout
from tests.browser.starting import start
from web import create_app
from web.extensions import db

SERVER = "penanganan_gangguan_server"
ROLES = ("prakom", "kasubbag", "sekretaris", "ketua", "bidang_terkait", "panitera", "redaktur",
         "admin")


def _start(page, base: str, title: str) -> str:
    return start(page, base, SERVER, title)


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context
    context.close()


@pytest.mark.parametrize("username", ROLES)
def test_every_role_logs_in_to_its_inbox(server, context, username):
    page = context.new_page()
    login(page, server, username)
    expect(page.get_by_role("heading", name="Kotak Masuk")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Tugas Saya"))).to_be_visible()


def test_claim_complete_with_attachment_and_the_diagram_moves(server, context, tmp_path):
    page = context.new_page()
    login(page, server, "prakom")
    instance_url = _start(page, server, "Server SIPP mati (lampiran)")
    page.wait_for_selector('.djs-element.alur-current[data-element-id="Kegiatan_1"]')
    # Hidden in the page, shown with the diagram it explains (nothing to explain without JS).
    expect(page.locator("[data-diagram-legend]")).to_be_visible()
    page.goto(f"{server}/?cari=lampiran")
    page.locator("table.inbox a").first.click()
    page.get_by_role("button", name="Ambil Tugas").click()
    expect(page.get_by_role("button", name="Lepaskan")).to_be_visible()
    report = tmp_path / "laporan-gangguan.pdf"
    report.write_bytes(b"%PDF-1.4\n% laporan gangguan server\n")
    # The file goes with the completion form itself.
    page.get_by_label(re.compile(r"Lampiran \(Output\)")).set_input_files(str(report))
    page.get_by_role("button", name="Selesaikan langkah").click()
    page.wait_for_url(instance_url)
    page.wait_for_selector('.djs-element.alur-current[data-element-id="Kegiatan_2"]')
    expect(page.locator('.djs-element.alur-done[data-element-id="Kegiatan_1"]')).to_have_count(1)
    expect(page.get_by_role("link", name="laporan-gangguan.pdf")).to_be_visible()


def test_an_escalation_arrives_in_the_notification_centre(served, context):
    base, database = served
    overdue = ManualClock(SystemClock().now() - timedelta(days=3))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x",
                      "ALUR_CLOCK": overdue})
    with app.app_context():
        prakom = db.session.scalar(db.select(User).where(User.username == "prakom"))
        start_instance(db.session, overdue, process_key=SERVER, title="Server terlambat",
                       user=prakom)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    page = context.new_page()
    login(page, base, "kasubbag")
    badge = page.locator("header .badge")
    for _ in range(50):  # the server's worker loop picks the overdue step up
        if badge.is_visible():  # hidden while nothing is unread
            break
        page.wait_for_timeout(200)
        page.reload()
    page.get_by_role("link", name=re.compile("Notifikasi")).click()
    expect(page.get_by_text(re.compile(r"Untuk Kasubbag \(tingkat 2\).*Server terlambat")
                            ).first).to_be_visible()
    page.get_by_role("link", name="Buka tugas").first.click()
    expect(page.get_by_role("heading", name=re.compile("Menerima dan mencatat"))).to_be_visible()


def test_acting_as_plh(server, context):
    page = context.new_page()
    login(page, server, "prakom")
    instance_url = _start(page, server, "Dikerjakan Plh")
    logout(page, server)
    login(page, server, "admin")
    page.goto(f"{server}/plh/")
    page.get_by_label("Jenis").select_option("Plh")
    page.get_by_label("Pejabat yang digantikan").select_option(label="Demo Prakom (Prakom)")
    page.get_by_label("Peran").select_option("Prakom")
    page.get_by_label("Pengganti").select_option(label="Demo Sekretaris (Sekretaris)")
    page.get_by_label("Nomor surat perintah").fill("W8-U1/77/KP.04/XI/2026")
    # A Plh lasts at most 30 days (the office setting): from an hour ago, for a week.
    start = datetime.now(ZoneInfo("Asia/Jakarta")) - timedelta(hours=1)
    page.get_by_label("Mulai").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Berakhir").fill((start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Catat").click()
    expect(page.get_by_role("cell", name="W8-U1/77/KP.04/XI/2026")).to_be_visible()
    logout(page, server)
    login(page, server, "sekretaris")
    page.goto(f"{server}/?cari=Dikerjakan+Plh")
    page.locator("table.inbox a").first.click()
    expect(page.get_by_text("Anda bertindak sebagai Plh. Prakom")).to_be_visible()
    page.get_by_role("button", name="Selesaikan langkah").click()
    page.wait_for_url(instance_url)
    expect(page.get_by_text("oleh Plh. Prakom Demo Sekretaris").first).to_be_visible()


def test_inbox_fits_a_360_px_phone(server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    login(page, server, "prakom")
    _start(page, server, "Dari ponsel")
    page.goto(f"{server}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the inbox scrolls sideways ({width} px)"
    expect(page.get_by_label("Cari judul")).to_be_visible()
    link = page.locator("table.inbox a").first
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Lewati ke isi"
    context.close()


def test_switching_to_english_and_back(server, context):
    page = context.new_page()
    login(page, server, "ketua")
    page.get_by_role("link", name="Akun").click()
    page.get_by_label("Bahasa tampilan").select_option("en")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("My tasks"))).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("link", name="Account").click()
    page.get_by_label("Display language").select_option("id")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("link", name="Kotak Masuk").click()
    expect(page.get_by_role("heading", name="Kotak Masuk")).to_be_visible()
