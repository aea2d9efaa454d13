"""In Chromium against the real server: the Kotak Masuk's sortable headers, filters that
apply on change, keyboard shortcuts and the skip link, bulk claim, the "Ada tugas baru"
notice, and axe-core finding nothing on the inbox and the task page (desktop, 360 px)."""

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.axe import DESKTOP, PHONE, assert_no_violations
from tests.browser.conftest import PASSWORD, bounded_page, login

WAIT = 15_000  # ms: the longest any step of these tests waits for the page on a busy machine


def _token(base: str, username: str) -> dict[str, str]:
    response = requests.post(f"{base}/api/v1/auth/token", timeout=10,
                             json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _start(base: str, username: str, key: str, title: str) -> int:
    response = requests.post(f"{base}/api/v1/instances", headers=_token(base, username),
                             json={"process_key": key, "title": title}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["open_tasks"][0]["id"]


def _titles(page) -> list[str]:
    return page.locator('table.inbox td[data-label="Proses"]').all_inner_texts()


@pytest.fixture(scope="module")
def marker(server) -> str:
    """A word only this module's instances carry in their titles: three Prakom steps of
    different SOPs, and two Kasubbag steps."""
    word = f"poles{uuid.uuid4().hex[:6]}"
    for key, title in (("penanganan_gangguan_server", "Server"),
                       ("penanganan_kendala_jaringan", "Wi-Fi"),
                       ("backup_database_sipp", "Backup")):
        _start(server, "prakom", key, f"{title} {word}")
    for n in (1, 2):
        _start(server, "kasubbag", "surat_masuk_keluar", f"Surat {n} {word}")
    return word


@pytest.fixture
def page(browser):
    with bounded_page(browser, DESKTOP, WAIT) as page:
        yield page


def test_sort_headers_turn_the_order_and_filters_apply_on_change(server, page, marker):
    login(page, server, "prakom")
    page.goto(f"{server}/?cari={marker}")
    expect(page.get_by_role("button", name="Terapkan")).to_be_hidden()
    assert _titles(page) == [f"Backup {marker}", f"Wi-Fi {marker}", f"Server {marker}"]
    page.get_by_role("button", name=re.compile("^Nomor")).click()
    page.wait_for_url(re.compile(r"urut=nomor"), timeout=WAIT)
    header = page.locator("th", has=page.get_by_role("button", name=re.compile("^Nomor")))
    assert header.get_attribute("aria-sort") == "ascending"
    assert _titles(page) == [f"Backup {marker}", f"Server {marker}", f"Wi-Fi {marker}"]
    page.get_by_role("button", name=re.compile("^Nomor")).click()
    page.wait_for_url(re.compile(r"urut=-nomor"), timeout=WAIT)
    assert header.get_attribute("aria-sort") == "descending"
    assert _titles(page) == [f"Wi-Fi {marker}", f"Server {marker}", f"Backup {marker}"]
    expect(page.locator("th[aria-sort]")).to_have_count(1)

    page.get_by_label("SOP", exact=True).select_option("penanganan_kendala_jaringan")
    page.wait_for_url(re.compile(r"sop=penanganan_kendala_jaringan"), timeout=WAIT)
    assert _titles(page) == [f"Wi-Fi {marker}"]
    assert "urut=-nomor" in page.url, "the sort stays when a filter changes"
    page.get_by_label("SOP", exact=True).select_option("")
    page.wait_for_url(lambda url: "sop=penanganan" not in url, timeout=WAIT)
    page.get_by_label(re.compile("^Cari")).fill("wifi")
    page.get_by_label(re.compile("^Cari")).press("Enter")
    page.wait_for_url(re.compile(r"cari=wifi"), timeout=WAIT)
    assert f"Wi-Fi {marker}" in _titles(page)


def test_a_filter_chosen_with_the_keys_applies_on_enter_not_on_each_key(server, page, marker):
    """Each arrow press changes a select's value: applied at once, the page reloaded under
    a keyboard user at every key and threw his focus back to the top (WCAG 3.2.2)."""
    login(page, server, "prakom")
    page.goto(f"{server}/?cari={marker}")
    shown = page.url
    keeping = page.get_by_label("Keadaan")
    keeping.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("button", name="Terapkan")).to_be_visible()
    assert page.url == shown, "no reload while moving through the options"
    assert page.evaluate("document.activeElement.id") == "status"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"status=hari_ini"), timeout=WAIT)


def test_skip_link_and_keyboard_shortcuts(server, page, marker):
    login(page, server, "prakom")
    page.goto(f"{server}/?cari={marker}")
    page.keyboard.press("Tab")
    page.keyboard.press("j")  # on the first skip link: outside the task list, no shortcut
    assert page.evaluate("document.activeElement.textContent") == "Lewati ke isi"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Lewati ke tugas pertama"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "tugas-pertama"
    links = page.locator("table.inbox a.task-link")
    first, second = links.nth(0).get_attribute("href"), links.nth(1).get_attribute("href")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.getAttribute('href')") == second
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.getAttribute('href')") == first
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "cari"
    page.keyboard.press("j")  # typed into the search box, not a shortcut
    assert page.locator("#cari").input_value().endswith("j")
    page.evaluate("() => { document.getElementById('saring').submit = () => { window.sent = true; }; }")
    links.nth(1).focus()
    assert page.evaluate("window.sent") is None, "leaving the search box does not reload"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}{second}", timeout=WAIT)
    page.go_back()
    shortcuts = page.get_by_role("region", name="Pintasan papan ketik")
    expect(shortcuts).to_be_visible()
    expect(shortcuts).to_contain_text("ke kotak cari")


def test_bulk_claim_by_a_kasubbag(server, page, marker):
    login(page, server, "kasubbag")
    page.goto(f"{server}/?cari={marker}")
    assert _titles(page) == [f"Surat 1 {marker}", f"Surat 2 {marker}"]
    for title in _titles(page):
        page.get_by_role("checkbox", name=re.compile(re.escape(title))).check()
    page.get_by_role("button", name="Ambil yang dipilih").click()
    page.wait_for_selector(".flash-success", timeout=WAIT)
    expect(page.locator(".flash-success")).to_have_count(2)
    expect(page.locator(".flash-error")).to_have_count(0)
    expect(page.locator("table.inbox .tag", has_text="Diambil Demo Kasubbag")).to_have_count(2)
    page.locator("table.inbox a.task-link").first.click()
    expect(page.get_by_text("Dalam proses — diambil Demo Kasubbag")).to_be_visible()


def test_a_new_task_shows_a_notice_instead_of_reloading(server, page, marker):
    page.clock.install()
    login(page, server, "prakom")
    page.goto(f"{server}/?cari={marker}")
    notice = page.get_by_role("link", name="Ada tugas baru — muat ulang")
    expect(notice).to_be_hidden()
    _start(server, "prakom", "penanganan_gangguan_server", f"Baru {marker}")
    page.clock.run_for(61_000)
    notice.wait_for(state="visible", timeout=WAIT)
    # Inside the live region that was there, empty, from the start.
    assert page.locator("#ada-baru[role=status] a").count() == 1
    assert _titles(page) == [f"Backup {marker}", f"Wi-Fi {marker}", f"Server {marker}"], \
        "the list stays as it was until the user reloads"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "360px"])
@pytest.mark.parametrize("username", ["prakom", "kasubbag"])
def test_inbox_and_task_page_have_no_axe_violations(server, browser, marker, viewport,
                                                     username):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT)
    page = context.new_page()
    login(page, server, username)
    page.goto(f"{server}/?cari={marker}")
    page.locator("details.saved-filters summary").click()
    assert_no_violations(page)
    page.locator("table.inbox a.task-link").first.click()
    page.wait_for_url(re.compile(r"/tugas/\d+$"), timeout=WAIT)
    assert_no_violations(page)
    context.close()
