"""In Chromium against the real server: what an official typed into a step's completion
form survives posting a comment on the same page (the page reloads) and is refilled with a
note saying so; it is kept for that user and task only."""

import re

import pytest
import requests

from tests.browser.axe import PHONE
from tests.browser.conftest import PASSWORD, bounded_page, login, logout
from tests.browser.starting import TIMEOUT_MS


@pytest.fixture
def page(browser):
    with bounded_page(browser, PHONE, TIMEOUT_MS) as page:
        yield page


def _open_task(base: str) -> int:
    token = requests.post(f"{base}/api/v1/auth/token", timeout=30, json={
        "username": "prakom", "password": PASSWORD}).json()["token"]
    started = requests.post(f"{base}/api/v1/instances", timeout=30,
                            headers={"Authorization": f"Bearer {token}"},
                            json={"process_key": "penanganan_gangguan_server",
                                  "title": "Draf tersimpan"}).json()
    return started["open_tasks"][0]["id"]


def test_typed_notes_survive_a_comment_and_are_dropped_once_sent(server, page):
    task = _open_task(server)
    login(page, server, "prakom")
    page.goto(f"{server}/tugas/{task}")
    page.get_by_label(re.compile("^Catatan")).fill("Kabel LAN ruang server dicek")
    page.get_by_label("Tulis komentar").fill("Mohon dicek juga UPS")
    page.get_by_role("button", name="Kirim komentar").click()
    page.wait_for_url(re.compile(rf"/tugas/{task}#komentar$"))
    assert page.get_by_label(re.compile("^Catatan")).input_value() == \
        "Kabel LAN ruang server dicek"
    assert page.get_by_role("status").filter(has_text="Isian yang belum dikirim dipulihkan"
                                             ).count() == 1
    kept = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('alur-draf-'))")
    assert len(kept) == 1 and kept[0].endswith(f"-{task}") and kept[0] != f"alur-draf-{task}"
    page.get_by_role("button", name="Selesaikan langkah").click()
    page.wait_for_selector(".flash-success")


def test_a_comment_refused_because_the_session_ended_comes_back_until_it_is_sent(
        server, page):
    task = _open_task(server)
    login(page, server, "prakom")
    page.goto(f"{server}/tugas/{task}")
    instance = page.locator(".crumb a").first.get_attribute("href")
    page.goto(f"{server}{instance}")
    page.get_by_label("Tulis komentar").fill("Server ruang 2 sudah dimatikan\nmenunggu UPS")
    other = page.context.new_page()  # another tab of the same browser logs out
    other.goto(f"{server}/")
    logout(other, server)
    other.close()
    page.get_by_role("button", name="Kirim komentar").click()
    page.get_by_role("link", name="Ke halaman masuk").click()  # on the stale-form page
    page.get_by_label("Nama pengguna").fill("prakom")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{server}{instance}")
    assert page.get_by_label("Tulis komentar").input_value() == \
        "Server ruang 2 sudah dimatikan\nmenunggu UPS"
    assert page.get_by_role("status").filter(
        has_text="Komentar yang belum terkirim dipulihkan").count() == 1
    page.get_by_role("button", name="Kirim komentar").click()
    page.wait_for_url(re.compile(r"#komentar$"))
    assert page.locator("#komentar .teks").filter(has_text="menunggu UPS").count() == 1
    assert page.get_by_label("Tulis komentar").input_value() == ""
    page.goto(f"{server}/tugas/{task}")  # the same process's comment form on its task
    assert page.get_by_label("Tulis komentar").input_value() == ""
    assert page.get_by_role("status").filter(has_text="dipulihkan").count() == 0
