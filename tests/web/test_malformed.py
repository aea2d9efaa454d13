"""Every route answers malformed ids, dates and query values with 4xx, never 500; every
HTML answer on the way carries the security headers."""

import pytest

from tests.conftest import csrf_token
from tests.web.conftest import api_token, login

# "²" is a digit to str.isdigit() but not to int(); "٣" is an Arabic-Indic 3.
IDS = ["0", "2147483648", "99999999999999999999", "-1", "abc", "1.5", "%00", "²", "٣"]
QUERIES = [
    "tahun=abc", "tahun=99999", "tahun=-5", "semester=9", "semester=x", "ke=-1", "ke=abc",
    "ke=99999999999999999999", "periode=xyz", "periode=rentang&dari=2026-13-45&sampai=x",
    "periode=rentang&dari=2027-01-01&sampai=2026-01-01", "periode=rentang&dari=&sampai=",
    "periode=bulan&tahun=2026&ke=13", "periode=triwulan&ke=0", "format=exe", "format=",
    "angka=x&sop=../../etc&langkah=%00&prioritas=" + "x" * 3000, "sop=%00", "sop=" + "k" * 500,
    "tampil=x&status=y&cari=" + "z" * 5000, "next=//evil.example", "orang=abc",
    "user=99999999999999999999", "versi=abc&a=x&b=y", "halaman=²&per_page=²", "page=²",
    "tahun=²&ke=²&semester=²", "tahun=٢٠٢٦&ke=²", "per_page=٣",
    # the ends of a date picker's range: a day before or after them is no date
    "dari=0001-01-01&sampai=9999-12-31", "periode=rentang&dari=0001-01-01&sampai=9999-12-31",
]


def _paths(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        if not rule.arguments:
            yield rule.rule, QUERIES
            continue
        for value in IDS:
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", value).replace(
                    f"<{argument}>", value).replace(f"<path:{argument}>", value)
            yield path, QUERIES[:3]


@pytest.mark.parametrize(("who", "with_queries"), [("admin", True), ("kasubbag", False)])
def test_get_routes_never_answer_500(app, client, who, with_queries):
    login(client, who)
    headers = api_token(client, who)
    answered = html = 0
    for path, queries in _paths(app):
        for query in ["", *(queries if with_queries else [])]:
            response = client.get(f"{path}?{query}" if query else path, headers=headers)
            if path == "/readyz":  # 503 is its answer while no worker has run (test_health)
                assert response.status_code in (200, 400, 503), (query, response.status_code)
                continue
            assert response.status_code < 500, (path, query, response.status_code)
            if response.mimetype == "text/html":
                assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert response.headers["Referrer-Policy"] == "same-origin"
                html += 1
            answered += 1
    assert answered > (300 if with_queries else 100) and html > 50


def test_post_routes_with_malformed_ids_and_values_never_answer_500(app, client):
    login(client, "admin")
    token = csrf_token(client.get("/").get_data(True))
    headers = api_token(client, "admin")
    posts = [rule for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and rule.endpoint not in ("auth.logout", "auth.login")]
    assert len(posts) > 10
    for rule in posts:
        for value in IDS:
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", value).replace(f"<{argument}>", value)
            for form in ({"csrf_token": token}, {"csrf_token": token, "starts_at": "2026-99-99",
                                                 "ends_at": "x", "official": "abc",
                                                 "substitute": "99999999999999999999",
                                                 "assignee": "-1", "disabled": "2",
                                                 "kind": "Plh", "tahun": "x"}):
                response = client.post(path, data=form, headers=headers)
                assert response.status_code < 500, (path, form, response.status_code)
            response = client.post(path, json=[1, 2], headers=headers)
            assert response.status_code < 500, (path, "json list", response.status_code)


def test_a_method_a_route_does_not_take_is_answered_405_with_the_methods_it_takes(client):
    answer = client.delete("/api/v1/instances/1", headers=api_token(client, "prakom"))
    assert (answer.status_code, answer.json["error"]["code"]) == (405, "method_not_allowed")
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    # In the README's order (the API probe: the header's order, "OPTIONS, GET, HEAD").
    assert answer.json["error"]["message"] == (
        "Metode DELETE tidak diizinkan di alamat ini; yang diizinkan: GET, HEAD, OPTIONS.")
    page = client.put("/masuk")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]
    login(client, "prakom")
    opened = client.get("/keluar")  # a form's address opened as a page: what to do instead
    assert opened.status_code == 405
    assert "buka halaman itu lalu tekan tombolnya" in opened.get_data(True)
    refused = client.get("/laporan/tabel7")
    assert refused.status_code == 403
    assert "minta administrator memeriksa peran Anda" in refused.get_data(True)
