"""The notification centre in Chromium against a real ``alur serve`` (issue 15 point 4): the
menu's badge follows new notifications by polling, without a reload; "Belum dibaca"
filters; one item marked read; axe-core finds nothing on the centre at desktop and 360 px.
"""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.axe import DESKTOP, PHONE, assert_no_violations
from tests.browser.conftest import PASSWORD, login
from tests.helpers.database import fresh_database
from tests.helpers.servers import alur_server

SERVER = "penanganan_gangguan_server"
WAIT = 15_000  # ms: a few poll rounds on a busy machine


@pytest.fixture(scope="module")
def polled(tmp_path_factory):
    """A server whose pages ask for the unread count every 0.5 s (instead of 60 s)."""
    folder = tmp_path_factory.mktemp("notif")
    with fresh_database(folder) as url, alur_server(
            ALUR_INSTANCE_PATH=str(folder), ALUR_DATABASE_URL=url, ALUR_DEMO="1",
            ALUR_DEMO_PASSWORD=PASSWORD, ALUR_NOTIFICATION_POLL="0.5") as base:
        yield base


def _token(base: str, username: str) -> dict[str, str]:
    answer = requests.post(f"{base}/api/v1/auth/token", timeout=10,
                           json={"username": username, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _assigned_to_prakom(base: str, title: str) -> None:
    """The Prakom starts a server fault through the API; the Kasubbag assigns its first
    step to him: one "Penugasan" notification for the Prakom."""
    prakom, kasubbag = _token(base, "prakom"), _token(base, "kasubbag")
    started = requests.post(f"{base}/api/v1/instances", headers=prakom, timeout=30,
                            json={"process_key": SERVER, "title": title, "data": {}})
    assert started.status_code == 201, started.text
    [task] = started.json()["open_tasks"]
    assigned = requests.post(f"{base}/api/v1/tasks/{task['id']}/assign", headers=kasubbag,
                             json={"assignee": "prakom"}, timeout=30)
    assert assigned.status_code == 200, assigned.text


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


def test_badge_follows_new_notifications_filter_and_mark_one_read(polled, page):
    login(page, polled, "prakom")
    badge = page.locator("header .badge")
    expect(badge).to_be_hidden()
    _assigned_to_prakom(polled, "Server arsip mati")
    page.wait_for_function("() => document.querySelector('header .badge').textContent === '1'",
                           timeout=WAIT)
    expect(badge).to_be_visible()
    expect(badge).to_have_attribute("aria-label", "1 belum dibaca")
    _assigned_to_prakom(polled, "Server surat mati")
    page.wait_for_function("() => document.querySelector('header .badge').textContent === '2'",
                           timeout=WAIT)

    page.get_by_role("link", name=re.compile("^Notifikasi")).click()
    page.wait_for_url(f"{polled}/notifikasi/")
    assert badge.inner_text() == "2"  # opening the centre marks nothing read
    page.get_by_label("Status").select_option("belum")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"status=belum"))
    items = page.locator("ul.notifications > li")
    expect(items).to_have_count(2)
    assert items.first.locator("strong").inner_text() == "Penugasan"
    expect(items.first.get_by_text(re.compile("Dipegang Demo Prakom · .+ · sisa"))).to_be_visible()
    items.first.get_by_role("button", name=re.compile("Tandai dibaca")).click()
    page.wait_for_url(re.compile(r"status=belum"))
    expect(items).to_have_count(1)
    expect(badge).to_have_text("1")
    expect(page.get_by_text("Halaman 1 dari 1")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "360px"])
def test_notification_centre_has_no_axe_violations(polled, browser, viewport):
    _assigned_to_prakom(polled, "Server axe")
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        login(page, polled, "prakom")
        page.goto(f"{polled}/notifikasi/")
        assert page.locator("ul.notifications > li").count() >= 1
        assert_no_violations(page)
        page.goto(f"{polled}/akun/")
        assert page.get_by_label("Beri tahu saya setiap ada tugas baru di Kotak Masuk").count()
        assert_no_violations(page)
    finally:
        context.close()
