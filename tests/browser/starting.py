"""Starting an SOP through Mulai Proses in the browser, as the browser tests need it."""

import re
from typing import Any

TIMEOUT_MS = 15_000  # every wait is bounded: a stuck page fails the test, never hangs it


def to_process_page(page: Any) -> str:
    """After Mulai: the starter lands on his first step (or on the process page); follow
    the step's crumb to the process page and return its URL."""
    page.wait_for_url(re.compile(r"/(tugas|proses)/\d+$"), timeout=TIMEOUT_MS)
    if "/tugas/" in page.url:
        page.locator("p.crumb a").first.click(timeout=TIMEOUT_MS)
        page.wait_for_url(re.compile(r"/proses/\d+$"), timeout=TIMEOUT_MS)
    return page.url


def start(page: Any, base: str, key: str, title: str) -> str:
    """Start SOP ``key`` (no start form) with ``title``; return the process page URL."""
    page.goto(f"{base}/proses/baru?process_key={key}", timeout=TIMEOUT_MS)
    page.get_by_label("Judul (apa yang ditangani)").fill(title, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Mulai", exact=True).click(timeout=TIMEOUT_MS)
    return to_process_page(page)
