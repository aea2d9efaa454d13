"""On a phone, a Kasubbag who ticks a row near the top of a long Tugas Bawahan reaches
"Alihkan yang dipilih" without scrolling to the list's end (found by the larger-office
probe: the bar sat about 18,500 px down at 50 cards)."""

import uuid

from tests.browser.axe import PHONE
from tests.browser.conftest import login
from tests.browser.test_inbox_polish import _start


def test_the_bulk_bar_follows_a_ticked_row_on_a_phone(server, phone):
    word = f"massal{uuid.uuid4().hex[:6]}"
    for number in range(12):
        _start(server, "prakom", "penanganan_gangguan_server", f"Server {number} {word}")
    login(phone, server, "kasubbag")
    phone.goto(f"{server}/?tampil=bawahan&cari={word}")
    button = phone.get_by_role("button", name="Alihkan yang dipilih")
    assert button.bounding_box()["y"] > PHONE["height"], "below the fold before a tick"
    phone.locator('input[name="tugas"]').first.check()
    box = button.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]


def test_a_row_ticked_at_the_screens_foot_is_not_hidden_by_the_bar(server, phone):
    word = f"kaki{uuid.uuid4().hex[:6]}"
    for number in range(12):
        _start(server, "prakom", "penanganan_gangguan_server", f"Server {number} {word}")
    login(phone, server, "kasubbag")
    phone.goto(f"{server}/?tampil=bawahan&cari={word}")
    boxes = phone.locator('input[name="tugas"]')
    fourth = boxes.nth(3)
    # Bring the fourth checkbox to about 60 px above the screen's foot, then tick it.
    top = fourth.evaluate("box => box.getBoundingClientRect().top + window.scrollY")
    phone.evaluate(f"window.scrollTo(0, {top} - {PHONE['height']} + 60)")
    fourth.check()
    phone.wait_for_timeout(300)
    bar = phone.locator("#massal").bounding_box()
    row = fourth.evaluate("box => box.closest('tr').getBoundingClientRect().bottom")
    assert row <= bar["y"], "the ticked row stays above the bar"
