"""In Chromium on a phone against the real server: a box to tick is as wide as itself and
sits beside its words (the Administrator box took the whole row: any tap across it gave or
took administrator rights)."""

import pytest

from tests.browser.axe import PHONE
from tests.browser.conftest import bounded_page, login
from tests.browser.starting import TIMEOUT_MS


@pytest.fixture
def page(browser):
    with bounded_page(browser, PHONE, TIMEOUT_MS) as page:
        yield page


def test_the_administrator_box_is_no_wider_than_a_box(server, page):
    login(page, server, "admin")
    page.goto(f"{server}/admin/pengguna")
    box = page.locator('input[name="is_admin"]').bounding_box()
    words = page.get_by_text("Administrator", exact=True).last.bounding_box()
    assert box is not None and box["width"] <= 30
    assert abs((box["y"] + box["height"] / 2) - (words["y"] + words["height"] / 2)) < 20
