"""In Chromium on a phone against the real server: Back to a page that answered a POST
("Tampilkan formulirnya" on Ajukan Tiket) loads that page again instead of Chromium's
"Confirm Form Resubmission" page (ERR_CACHE_MISS, in English), which offered to send the
form twice (web/static/address.js)."""

from tests.browser.conftest import login
from tests.browser.starting import TIMEOUT_MS

LTI = "penanganan_permintaan_layanan_ti"


def test_back_to_the_shown_service_form_loads_it_again(server, phone):
    login(phone, server, "prakom")
    phone.goto(f"{server}/tiket/ajukan")
    # Choosing applies at once: the button for pages without JavaScript is not shown.
    assert not phone.locator("#tampilkan-formulir").is_visible()
    phone.get_by_label("Judul singkat").fill("Printer macet")
    with phone.expect_navigation(timeout=TIMEOUT_MS):
        phone.get_by_label("Layanan").select_option(LTI)  # apply-on-choice.js posts the form
    assert phone.get_by_label("Judul singkat").input_value() == "Printer macet"
    assert phone.url == f"{server}/tiket/ajukan", "the typed text is in no address"
    phone.goto(f"{server}/tiket/")
    failed = []

    def note_failed_page(request):  # not the unread badge's poll, which Back may abort
        if request.is_navigation_request():
            failed.append((request.url, request.failure))

    phone.on("requestfailed", note_failed_page)
    phone.go_back(timeout=TIMEOUT_MS)
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    assert failed == [], failed  # net::ERR_CACHE_MISS: the page was a POST's answer
    assert phone.url == f"{server}/tiket/ajukan"
    assert phone.get_by_role("heading", name="Ajukan Permintaan / Laporkan Gangguan"
                             ).is_visible()
