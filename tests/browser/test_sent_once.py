"""In Chromium against the real server: a form is sent once. A second submit of the
start form while the first is on its way (a double tap on a slow intranet started the
same process two or three times) is cancelled; a GET form (a search) is left alone; the
form can be sent again once the browser brings the page back from its history."""


from tests.browser.conftest import login
from tests.browser.starting import TIMEOUT_MS

START = "/proses/baru?process_key=penanganan_gangguan_server"
# Two submit events in a row on the form the selector names; True = not cancelled.
TWICE = """selector => {
  const form = document.querySelector(selector);
  const submit = () => form.dispatchEvent(new Event("submit", {bubbles: true, cancelable: true}));
  return [submit(), submit()];
}"""


def test_the_start_form_is_sent_once_and_a_search_form_every_time(server, phone):
    login(phone, server, "prakom")
    phone.goto(f"{server}{START}")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    assert phone.evaluate(TWICE, 'form[method="post"].card') == [True, False]
    assert phone.locator('form[method="post"].card').get_attribute("aria-busy") == "true"
    phone.evaluate("""() => window.dispatchEvent(new PageTransitionEvent("pageshow",
                                                                      {persisted: true}))""")
    assert phone.evaluate(TWICE, 'form[method="post"].card') == [True, False]
    phone.goto(f"{server}/proses/")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    assert phone.evaluate(TWICE, "form.filters") == [True, True]
