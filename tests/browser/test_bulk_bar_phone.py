"""On a phone, a Kasubbag who ticks a row near the top of a long Tugas Bawahan reaches
"Alihkan yang dipilih" without scrolling to the list's end (found by the larger-office
probe: the bar sat about 18,500 px down at 50 cards), and a row ticked at the screen's
foot is not hidden under that bar (found by the second regression probe)."""

import uuid

from tests.browser.axe import PHONE
from tests.browser.conftest import login
from tests.browser.test_inbox_polish import _start


def _long_list(server, phone, prefix: str):
    """Twelve Prakom steps of this test in the Kasubbag's Tugas Bawahan, open on
    ``phone``; their checkboxes."""
    word = f"{prefix}{uuid.uuid4().hex[:6]}"
    for number in range(12):
        _start(server, "prakom", "penanganan_gangguan_server", f"Server {number} {word}")
    login(phone, server, "kasubbag")
    phone.goto(f"{server}/?tampil=bawahan&cari={word}")
    return phone.locator('input[name="tugas"]')


def test_the_bulk_bar_follows_a_ticked_row_on_a_phone(server, phone):
    boxes = _long_list(server, phone, "massal")
    button = phone.get_by_role("button", name="Alihkan yang dipilih")
    assert button.bounding_box()["y"] > PHONE["height"], "below the fold before a tick"
    boxes.first.check()
    box = button.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]


def test_a_row_ticked_at_the_screens_foot_is_not_hidden_by_the_bar(server, phone):
    fourth = _long_list(server, phone, "kaki").nth(3)
    # Bring the fourth checkbox to about 60 px above the screen's foot, then tick it.
    top = fourth.evaluate("box => box.getBoundingClientRect().top + window.scrollY")
    phone.evaluate(f"window.scrollTo(0, {top} - {PHONE['height']} + 60)")
    fourth.check()
    # The page scrolls the row up at the next frame; this waits for it, at most the page's
    # bounded wait, and fails the test when it never happens.
    fourth.evaluate("""box => new Promise((done, fail) => {
        const bar = document.getElementById("massal");
        const until = Date.now() + 5000;
        (function look() {
            const row = box.closest("tr").getBoundingClientRect().bottom;
            if (row <= bar.getBoundingClientRect().top) { done(); }
            else if (Date.now() > until) { fail(new Error("the ticked row stays under the bar")); }
            else { requestAnimationFrame(look); }
        })();
    })""")
