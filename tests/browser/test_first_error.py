"""In Chromium on a phone against the real server: a refused form opens at what to mend.
The refused field is often screens below the top; a page that opened at the top looked as
if nothing had happened (web/static/first-error.js)."""


from tests.browser.conftest import login
from tests.browser.starting import TIMEOUT_MS

# Whether the element's box lies within the window (the part of the page on the screen).
ON_SCREEN = """element => {
  const box = element.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def test_a_wrong_current_password_opens_at_that_field_focused(server, phone):
    login(phone, server, "prakom")
    phone.goto(f"{server}/akun/")
    phone.get_by_label("Kata sandi sekarang").fill("bukan-sandinya-123")
    phone.get_by_label("Kata sandi baru (paling sedikit 10 karakter)").fill("sandi-baru-2026")
    phone.get_by_label("Ulangi kata sandi baru").fill("sandi-baru-2026")
    phone.get_by_role("button", name="Ganti kata sandi").click()
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    current = phone.get_by_label("Kata sandi sekarang")
    assert current.get_attribute("aria-invalid") == "true"
    assert current.evaluate("element => element === document.activeElement")
    assert current.evaluate(ON_SCREEN)


def test_a_page_without_a_refusal_stays_at_its_top(server, phone):
    login(phone, server, "prakom")
    phone.goto(f"{server}/akun/")
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    assert phone.evaluate("window.scrollY") == 0
    assert phone.evaluate("document.activeElement === document.body")


def test_a_refused_sop_upload_opens_at_the_file_field_and_its_reasons(server, phone, tmp_path):
    """The reasons were a box below the form, at a phone's third screen, and the page
    opened at its top with nothing focused."""
    refused = tmp_path / "sop.pdf"
    refused.write_bytes(b"%PDF-1.4 bukan BPMN")
    login(phone, server, "admin")
    phone.goto(f"{server}/admin/sop")
    phone.locator("input#file").set_input_files(str(refused))
    phone.get_by_role("button", name="Unggah").click()
    phone.wait_for_load_state("load", timeout=TIMEOUT_MS)
    field = phone.locator("input#file")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("aria-describedby") == "upload-problems"
    assert field.evaluate("element => element === document.activeElement")
    reasons = phone.locator("#upload-problems")
    assert "Berkas ditolak; tidak ada yang disimpan" in reasons.inner_text()
    # Both on the screen: the field and, below it, its reasons (to a subpixel).
    assert field.evaluate(ON_SCREEN)
    assert reasons.evaluate(ON_SCREEN.replace("window.innerHeight", "window.innerHeight + 1"))
