"""In Chromium against the real server: an administrator runs "Pengguna dan Peran" —
creates a Prakom, gives him Kasubbag, disables him — while he is logged in in another
browser; and no page breaks under the Content Security Policy."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, login


@pytest.fixture
def contexts(browser):
    found = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(2)]
    yield found
    for context in found:
        context.close()


def _log_in_as(page, server: str, username: str, password: str) -> None:
    page.goto(f"{server}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_admin_creates_promotes_and_disables_a_prakom_who_is_logged_out(server, contexts):
    admin, budi = (context.new_page() for context in contexts)
    login(admin, server, "admin")
    admin.get_by_role("link", name="Pengguna dan Peran").click()
    admin.get_by_label("Nama pengguna").fill("budi")
    admin.get_by_label("Nama lengkap (dengan gelar)").fill("Budi Santoso, S.Kom.")
    admin.get_by_label("Prakom").check()
    admin.get_by_role("button", name="Tambah pengguna").click()
    temporary = admin.locator("#temporary-password").inner_text()
    assert len(temporary) >= 16

    _log_in_as(budi, server, "budi", temporary)
    budi.wait_for_url(f"{server}/akun/")
    budi.get_by_label("Kata sandi sekarang").fill(temporary)
    budi.get_by_label("Kata sandi baru (paling sedikit 10 karakter)").fill("sandi-budi-2026")
    budi.get_by_label("Ulangi kata sandi baru").fill("sandi-budi-2026")
    budi.get_by_role("button", name="Ganti kata sandi").click()
    budi.goto(f"{server}/")
    expect(budi.get_by_role("heading", name="Kotak Masuk")).to_be_visible()

    admin.get_by_role("link", name="Ke akun budi").click()
    admin.get_by_label("Kasubbag").check()
    admin.get_by_role("button", name="Simpan", exact=True).click()
    expect(admin.get_by_text("Akun budi disimpan.")).to_be_visible()
    budi.goto(f"{server}/")
    assert budi.url.startswith(f"{server}/masuk"), "a change of roles ends his session"
    _log_in_as(budi, server, "budi", "sandi-budi-2026")
    budi.wait_for_url(f"{server}/")
    expect(budi.get_by_text("Budi Santoso, S.Kom. · Kasubbag, Prakom")).to_be_visible()

    # Asked once more: a stray tap on a phone would end his sessions at once.
    admin.get_by_text("Nonaktifkan", exact=True).click()
    expect(admin.get_by_text("Nonaktifkan akun Budi Santoso, S.Kom. sekarang?")).to_be_visible()
    admin.get_by_role("button", name="Ya, nonaktifkan").click()
    expect(admin.get_by_text("Akun budi dinonaktifkan")).to_be_visible()
    budi.goto(f"{server}/")
    assert budi.url.startswith(f"{server}/masuk"), "the disabled user is logged out"
    _log_in_as(budi, server, "budi", "sandi-budi-2026")
    expect(budi.get_by_text("Akun ini dinonaktifkan.")).to_be_visible()


def test_pages_with_diagrams_charts_and_print_work_under_the_csp(server, contexts):
    token = requests.post(f"{server}/api/v1/auth/token", timeout=10, json={
        "username": "prakom", "password": PASSWORD}).json()["token"]
    instance = requests.post(f"{server}/api/v1/instances", timeout=10, json={
        "process_key": "penanganan_gangguan_server", "title": "Uji CSP"},
        headers={"Authorization": f"Bearer {token}"}).json()
    page = contexts[0].new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    login(page, server, "kasubbag")
    page.goto(f"{server}/proses/{instance['id']}")
    page.locator(".djs-container svg").first.wait_for()
    key = "penanganan_gangguan_server"
    page.goto(f"{server}/laporan/sop/{key}")
    page.locator("canvas").first.wait_for()
    page.goto(f"{server}/laporan/sop/{key}/peta")
    page.locator(".djs-container svg").first.wait_for()
    page.goto(f"{server}/sop/{key}/versi/1")
    page.get_by_role("button", name="Cetak").wait_for()
    page.goto(f"{server}/laporan/tabel7")
    page.get_by_role("button", name="Cetak").wait_for()
    page.goto(f"{server}/sop/{key}/versi/1")
    widths = page.eval_on_selector_all(".sop-table col", "cols => cols.map("
                                       "c => getComputedStyle(c).width)")
    assert len(widths) > 6 and all(re.match(r"[\d.]+px", w) for w in widths)
    assert violations == []
