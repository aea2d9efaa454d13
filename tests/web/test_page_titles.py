"""A page's title (tabs, browser history) is read by whoever uses the computer after; a
case's title may hold a name or a NIK (UU 27/2022): the process page is titled by its
number, as the ticket page already was."""

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
