"""The Akun page's API tokens on a phone: each token a block of labelled lines, as every
list, not a five-column table whose words broke mid-letter ("Tok/en", "Re/vok/e") at 390 px
(English admin probe)."""

import requests

from tests.browser.axe import PHONE
from tests.browser.conftest import PASSWORD, login


def test_a_phone_reads_each_token_as_labelled_lines(server, phone):
    assert requests.post(f"{server}/api/v1/auth/token", timeout=10, json={
        "username": "redaktur", "password": PASSWORD}).status_code == 200
    login(phone, server, "redaktur")
    phone.goto(f"{server}/akun/")
    table = phone.locator("table.tokens")
    assert table.locator("thead").is_hidden()
    labels = table.locator("tbody tr").first.evaluate(
        "row => [...row.cells].map(cell => getComputedStyle(cell, '::before').content)")
    assert labels[:4] == ['"Token: "', '"Dibuat: "', '"Berlaku sampai: "',
                          '"Terakhir dipakai: "']
    revoke = table.locator("details.confirm summary").first
    assert revoke.inner_text() == "Cabut" and revoke.bounding_box()["height"] < 60, \
        "one line, not a letter per line"
    revoke.click()  # revoking cannot be undone: it asks first, saying what it does
    assert "langsung ditolak" in table.locator("details.confirm[open]").inner_text()
    assert table.get_by_role("button", name="Ya, cabut token").is_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
