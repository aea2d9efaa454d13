"""Browser fixtures: the real server (``alur setup`` + ``alur serve``) and Debian's Chromium."""

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.axe import PHONE
from tests.browser.starting import TIMEOUT_MS
from tests.helpers.database import fresh_database
from tests.helpers.servers import alur_server

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "uji-peramban"
ALUR = str(Path(sys.executable).with_name("alur"))
EXPECT_MS = 15_000  # how long an expect() waits for the page to show what it asserts


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """``alur setup`` then ``alur serve`` (timer loop every 0.3 s) on a fresh database;
    yields ``(base URL, database URL)``."""
    folder = tmp_path_factory.mktemp("instance")
    with fresh_database(folder) as url, alur_server(
            ALUR_INSTANCE_PATH=str(folder), ALUR_DATABASE_URL=url, ALUR_DEMO="1",
            ALUR_DEMO_PASSWORD=PASSWORD,
            ALUR_TIMER_INTERVAL="0.3") as base:
        yield base, url


@pytest.fixture(scope="session")
def server(served) -> str:
    """The real server's base URL."""
    return served[0]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@contextmanager
def bounded_page(browser, viewport: dict[str, int], timeout_ms: int) -> Iterator:
    """A new page in a context of its own (``viewport``: width and height in px) whose
    every wait and navigation gives up after ``timeout_ms``, so that a stuck page fails a
    test instead of hanging it; the context is closed at the end."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(timeout_ms)
    context.set_default_navigation_timeout(timeout_ms)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    """A page on a 360 × 740 px phone (``axe.PHONE``) whose waits give up after
    ``TIMEOUT_MS``."""
    with bounded_page(browser, PHONE, TIMEOUT_MS) as page:
        yield page


def login(page, base: str, username: str, landing: str = "/") -> None:
    """Log in through the form as ``username`` (the demo password) and wait for the page
    it lands on: Kotak Masuk (``/``) for an official, Tiket Saya (``/tiket/``) for an
    employee holding no role."""
    page.goto(f"{base}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}{landing}")


def logout(page, base: str) -> None:
    """Press Keluar and wait for the login page it leads to, so that the next login does
    not race the logout's request."""
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(f"{base}/masuk")


def wait_until_drawn(page, timeout: float = 30_000) -> None:
    """Wait until the page's BPMN diagram (an instance, an SOP version, the heatmap) is drawn
    and marked. bpmn-js puts an empty <svg> in its box at once, then fetches and imports
    the BPMN; the zoom tools (``AlurDiagram.enhance``) are added in the one task that draws
    it, hides the escalation endings, lists the steps and sets the markers, so once they are
    there all of that is done. ``timeout`` in ms."""
    page.wait_for_selector(".diagram-tools", state="attached", timeout=timeout)
