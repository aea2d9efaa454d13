"""In Chromium against the real server: a form is sent once. A second submit of the
start form while the first is on its way (a double tap on a slow intranet started the
same process two or three times) is cancelled; a GET form (a search) is left alone; the
form can be sent again once the browser brings the page back from its history."""

import pytest

from tests.browser.axe import PHONE
from tests.browser.conftest import bounded_page, login
from tests.browser.starting import TIMEOUT_MS

START = "/proses/baru?process_key=penanganan_gangguan_server"
# Two submit events in a row on the form the selector names; True = not cancelled.
TWICE = """selector => {
  const form = document.querySelector(selector);
  const submit = () => form.dispatchEvent(new Event("submit", {bubbles: true, cancelable: true}));
  return [submit(), submit()];
}"""


@pytest.fixture
def page(browser):
    with bounded_page(browser, PHONE, TIMEOUT_MS) as page:
        yield page


def test_the_start_form_is_sent_once_and_a_search_form_every_time(server, page):
    login(page, server, "prakom")
    page.goto(f"{server}{START}")
    page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    assert page.evaluate(TWICE, 'form[method="post"].card') == [True, False]
    assert page.locator('form[method="post"].card').get_attribute("aria-busy") == "true"
    page.evaluate("""() => window.dispatchEvent(new PageTransitionEvent("pageshow",
                                                                      {persisted: true}))""")
    assert page.evaluate(TWICE, 'form[method="post"].card') == [True, False]
    page.goto(f"{server}/proses/")
    page.wait_for_load_state("load", timeout=TIMEOUT_MS)
    assert page.evaluate(TWICE, "form.filters") == [True, True]
