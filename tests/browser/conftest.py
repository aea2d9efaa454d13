"""Browser fixtures: the real server (``alur setup`` + ``alur serve``) and Debian's Chromium."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.database import fresh_database

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "uji-peramban"
ALUR = str(Path(sys.executable).with_name("alur"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """``alur setup`` then ``alur serve`` (timer loop every 0.3 s) on a fresh database;
    yields ``(base URL, database URL)``."""
    folder = tmp_path_factory.mktemp("instance")
    with fresh_database(folder) as url:
        for base in _serve(url, folder):
            yield base, url


@pytest.fixture(scope="session")
def server(served) -> str:
    """The real server's base URL."""
    return served[0]


def _serve(database_url: str, folder):
    env = {**os.environ, "ALUR_INSTANCE_PATH": str(folder), "ALUR_DATABASE_URL": database_url,
           "ALUR_DEMO_PASSWORD": PASSWORD, "ALUR_BIND": f"127.0.0.1:{_free_port()}",
           "ALUR_TIMER_INTERVAL": "0.3"}
    subprocess.run([ALUR, "setup"], env=env, check=True, capture_output=True)
    process = subprocess.Popen([ALUR, "serve"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://{env['ALUR_BIND']}"
    for _ in range(100):
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("alur serve did not answer /healthz")
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs it")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def login(page, base: str, username: str) -> None:
    """Log in through the form as ``username`` (the demo password)."""
    page.goto(f"{base}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")
