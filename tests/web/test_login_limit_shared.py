"""Several web processes (``alur serve --workers N``) count failed logins once when they
share a store (``ALUR_RATELIMIT_STORAGE_URI=redis://…``, deploy/alur.env): the documented
limit, 10 per account in 15 minutes, holds for the whole service. Each process with
``memory://`` keeps its own count, which ``alur serve`` says in the log. Real Redis, as
on the service (Debian's redis-server on 127.0.0.1:6379; .ci/run starts it)."""

from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest
import redis
import requests

from tests.helpers.servers import threaded_server
from tests.web.conftest import PASSWORD, login
from web import create_app
from web.cli.serve import warn_unshared_login_limits
from web.extensions import db

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def process(database):
    """A factory of other web processes on the test's database (``create_app`` with
    ``settings``); their connections closed afterwards (PostgreSQL warns of open ones)."""
    made = []

    def make(**settings):
        app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "uji", **settings})
        made.append(app)
        return app.test_client()

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def prefix():
    """A key prefix of this test's own in Redis, its keys deleted afterwards."""
    name = f"alur-uji-{uuid4().hex}"
    yield name
    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter(f"*{name}*"):
        store.delete(key)


def test_two_web_processes_sharing_redis_count_failed_logins_once(app, process, prefix,
                                                                   monkeypatch):
    monkeypatch.setenv("ALUR_RATELIMIT_STORAGE_URI", REDIS)
    processes = [process(RATELIMIT_KEY_PREFIX=prefix) for _ in range(2)]
    answers = [login(processes[number % 2], "kasubbag", "salah-salah").status_code
               for number in range(12)]
    assert answers == [200] * 10 + [429] * 2, "10 per 15 minutes, not 10 per process"
    assert processes[0].get("/readyz").json["checks"]["limits"] == {"ok": True}


def test_serve_says_when_each_web_process_counts_alone(app, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "ALUR_RATELIMIT_STORAGE_URI", "memory://")
    warn_unshared_login_limits(app, 1)
    assert caplog.records == []
    warn_unshared_login_limits(app, 3)
    assert [record.getMessage() for record in caplog.records] == [
        "alur serve: 3 proses web menghitung masuk yang gagal sendiri-sendiri "
        "(ALUR_RATELIMIT_STORAGE_URI=memory://), sehingga batas masuk 3 kali lebih longgar; "
        "pakai redis://… (README, Konfigurasi)."]
    caplog.clear()
    monkeypatch.setitem(app.config, "ALUR_RATELIMIT_STORAGE_URI", REDIS)
    warn_unshared_login_limits(app, 3)
    assert caplog.records == []


def test_wrong_passwords_sent_together_are_ten_guesses_not_twenty(app):
    """The account limit tests its count before the password is checked: attempts sent at
    once all passed the test. One attempt per account at a time; the others wait for their
    turn (up to 3 s, then 429 with Retry-After: 1, uncounted)."""
    def attempt(base: str) -> int:
        return requests.post(f"{base}/api/v1/auth/token", timeout=30, json={
            "username": "kasubbag", "password": "salah-salah"}).status_code

    with threaded_server(app) as base, ThreadPoolExecutor(20) as pool:
        together = list(pool.map(lambda _: attempt(base), range(20)))
        after = [attempt(base) for _ in range(12)]
    assert set(together) <= {401, 429}
    assert (together + after).count(401) == 10, "10 per 15 minutes, however sent"
    assert after[-1] == 429


def test_with_its_store_down_logins_go_on_and_readyz_names_it(app, process, monkeypatch):
    """Redis down refused every login with a 500 while /readyz said all was well."""
    monkeypatch.setenv("ALUR_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:1/0")
    client = process()
    assert login(client, "kasubbag", "salah-salah").status_code == 200  # refused, in words
    assert login(client, "kasubbag").status_code == 302
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["limits"] == {
        "ok": False, "error": "penyimpanan batas percobaan masuk (ALUR_RATELIMIT_STORAGE_URI "
                              "redis://127.0.0.1:1/0) tidak menjawab; masuk tidak dibatasi "
                              "sampai ia kembali"}, "named, as the other checks' causes are"
    assert "limits" in ready.json["failing"]


def test_a_double_click_on_masuk_logs_in_twice_not_429(app):
    """Without JavaScript a double click sends the login twice at once, and the browser
    shows the second answer only: it waits for the first, then logs in too."""
    def attempt(base: str) -> int:
        return requests.post(f"{base}/api/v1/auth/token", timeout=30, json={
            "username": "kasubbag", "password": PASSWORD}).status_code

    with threaded_server(app) as base, ThreadPoolExecutor(2) as pool:
        assert list(pool.map(lambda _: attempt(base), range(2))) == [200, 200]
