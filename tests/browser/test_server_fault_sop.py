"""In Chromium, against the real server: Penanganan Gangguan Server from start to end."""

from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.browser.starting import start, to_process_page
from tests.conftest import sop_walks


def test_each_role_finishes_its_steps_until_the_instance_is_complete(server, browser):
    walk = sop_walks()["penanganan_gangguan_server"]
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    login(page, server, "prakom")
    page.get_by_role("link", name="Mulai Proses", exact=True).click()
    page.get_by_role("link", name="Penanganan Gangguan Server", exact=True).click()
    page.get_by_label("Judul (apa yang ditangani)").fill("Server SIPP tidak dapat diakses")
    page.get_by_role("button", name="Mulai", exact=True).click()
    instance_url = to_process_page(page)

    for step in walk:
        logout(page, server)
        login(page, server, step["lane"].lower().replace(" ", "_"))
        page.goto(f"{server}/?cari=Server+SIPP+tidak+dapat+diakses")
        page.locator("table.inbox a").first.click()
        page.locator("dt", has_text="Kelengkapan").wait_for()  # the task page, once loaded
        for name, value in step["data"].items():
            page.locator(f'input[name="{name}"][value="{value}"]').check()
        page.get_by_role("button", name="Selesaikan langkah").click()
        page.wait_for_url(instance_url)
        assert page.get_by_role("status").inner_text().startswith("Langkah")

    assert page.locator("p strong").inner_text() == "Selesai"
    page.wait_for_selector("#diagram svg .djs-element.alur-done")
    expect(page.locator(".djs-element.alur-current")).to_have_count(0)
    expect(page.locator(".djs-element.alur-done")).to_have_count(len({s["task"] for s in walk}))
    context.close()


def test_diagram_marks_the_current_step(server, browser):
    page = browser.new_page()
    login(page, server, "prakom")
    start(page, server, "penanganan_gangguan_server", "Diagram")
    page.wait_for_selector('.djs-element.alur-current[data-element-id="Kegiatan_1"]')
    page.close()
