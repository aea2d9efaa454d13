"""/api/v1/docs renders the OpenAPI document in Chromium from the app's own files, under
the strict CSP: no request leaves the server and no CSP violation is reported."""

from playwright.sync_api import expect


def test_api_docs_render_offline_under_the_csp(browser, server):
    page = browser.new_page()
    requested: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{server}/api/v1/docs")
    page.get_by_text("/api/v1/tasks/{task_id}/release").first.wait_for()
    expect(page.get_by_text("Alur API").first).to_be_visible()
    assert requested and all(url.startswith(server) for url in requested), requested
    assert not [text for text in console if "Content Security Policy" in text], console
    page.close()
