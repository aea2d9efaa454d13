"""Daftar Proses and the Kotak Masuk find a case as people type it: a NIP or phone number
with or without its spaces and dashes, a name's apostrophe straight or curly (as Word and
phone keyboards write it), words pasted from Word with no-break spaces, tabs and soft
hyphens (README "Daftar Proses", "Kotak Masuk")."""

import pytest

from tests.web.conftest import api_token

SERVER = "penanganan_gangguan_server"
NURUL = "Pengaduan Nurul \u2018Aini \u201cKutip\u201d"
SPACED = "SIPP 19850312 201001 1 003 / 0812-3456-7890"
PASTED = "Jakarta Sela\u00adtan, Menteng\u00a0Dalam,\tPerdata (PTSP)"


@pytest.fixture
def started(client):
    made = {}
    for title, sistem, gejala in ((NURUL, SPACED, PASTED),
                                  ("Server mati", "SIPP-2", "Layar biru"),
                                  ("Biaya", "12.5", "-"), ("Biaya besar", "1250000", "-")):
        answer = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
            "process_key": SERVER, "title": title,
            "data": {"sistem": sistem, "gejala": gejala, "prioritas": "minor"}})
        assert answer.status_code == 201, answer.json
        made[title] = answer.json["number"]
    return made


def _found(client, user: str, query: dict) -> list[str]:
    answer = client.get("/api/v1/instances", query_string={"scope": "all", **query},
                        headers=api_token(client, user))
    assert answer.status_code == 200, answer.json
    return [item["title"] for item in answer.json["items"]]


@pytest.mark.parametrize("typed", [
    "198503122010011003", "19850312201001", "1985 0312 2010", "081234567890", "0812 3456",
    "Nurul 'Aini", "Nurul Aini", "nurul\u2019aini", "\u201cKutip\u201d", '"kutip"',
    "Jakarta Selatan", "Menteng Dalam", "Perdata (PTSP)", "perdata ptsp",
])
def test_daftar_proses_finds_a_case_typed_with_other_spaces_dashes_and_quotes(
        client, started, typed):
    assert _found(client, "admin", {"q": typed}) == [NURUL]


@pytest.mark.parametrize(("typed", "found"), [
    ("Server_mati", []), ("SIPP%1", []), ("SIPP-2", ["Server mati"]), ("SIPP2", ["Server mati"]),
    ("sipp", ["Server mati", NURUL]), ("0812-3456-7891", []),
    # A number is looked for as a number: "12,5" is not 125.000 without its comma.
    ("12,5", ["Biaya"]), ("12.5", ["Biaya"]), ("1,25", []), ("125", ["Biaya besar", "Biaya"]),
    ("1.250.000", ["Biaya besar"]), ("1.5", []),
])
def test_what_is_typed_still_decides_what_is_found(client, started, typed, found):
    assert _found(client, "admin", {"q": typed}) == found


@pytest.mark.parametrize("typed", ["Nurul Aini", "Nurul 'Aini", "Kutip", "aini kutip"])
def test_kotak_masuk_ignores_curly_quotes_as_it_ignores_straight_ones(client, started, typed):
    answer = client.get("/api/v1/tasks", query_string={"q": typed},
                        headers=api_token(client, "prakom"))
    assert [task["instance_title"] for task in answer.json] == [NURUL]
