"""A page's title (tabs, browser history) is read by whoever uses the computer after; a
case's title may hold a name or a NIK (UU 27/2022): the process page is titled by its
number, as the ticket page already was, and so are its Riwayat and its steps' pages, which
two open tabs must tell apart (found by the accessibility probe)."""

import re

from tests.web.conftest import api_token, login


def test_the_process_pages_title_names_its_number_not_its_title(client):
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penyusunan_skp_prakom", "title": "Cuti NIK 3273012345678901"}).json
    login(client, "prakom")
    page = client.get(f"/proses/{started['id']}").get_data(True)
    assert re.search(r"<title>Proses SKP-2026-0001\b", page)
    assert "3273012345678901" not in page.split("</title>")[0]
    assert "· Cuti NIK 3273012345678901</h1>" in page, "the page itself still names it"
    history = client.get(f"/proses/{started['id']}/riwayat").get_data(True)
    assert re.search(r"<title>Riwayat · Proses SKP-2026-0001 — Alur</title>", history)
    task = client.get(f"/tugas/{started['open_tasks'][0]['id']}").get_data(True)
    assert re.search(rf"<title>{re.escape(started['open_tasks'][0]['name'])} · SKP-2026-0001 — "
                     "Alur</title>", task)


def test_without_javascript_the_process_page_says_where_its_steps_are(client):
    """Found by the accessibility probe: an empty diagram box named as a diagram, and a
    legend of nothing, when scripts do not run."""
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penyusunan_skp_prakom", "title": "SKP"}).json
    login(client, "prakom")
    page = client.get(f"/proses/{started['id']}").get_data(True)
    assert ("<noscript><p class=\"hint\">Diagram hanya tampil bila JavaScript berjalan; "
            "langkah-langkahnya ada di tabel Langkah di atas.</p></noscript>") in page
    assert '<p class="legend" data-diagram-legend hidden>' in page
    assert 'role="group" aria-label="Diagram proses' not in page
