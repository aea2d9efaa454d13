"""Several web processes (``alur serve --workers N``) count failed logins once when they
share a store (``ALUR_RATELIMIT_STORAGE_URI=redis://…``, deploy/alur.env): the documented
limit, 10 per account in 15 minutes, holds for the whole service. Each process with
``memory://`` keeps its own count, which ``alur serve`` says in the log. Real Redis, as
on the service (Debian's redis-server on 127.0.0.1:6379; .ci/run starts it)."""

from uuid import uuid4

import pytest
import redis

from tests.web.conftest import login
from web import create_app
from web.cli.serve import warn_unshared_login_limits

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def prefix():
    """A key prefix of this test's own in Redis, its keys deleted afterwards."""
    name = f"alur-uji-{uuid4().hex}"
    yield name
    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter(f"*{name}*"):
        store.delete(key)


def test_two_web_processes_sharing_redis_count_failed_logins_once(app, database, prefix,
                                                                   monkeypatch):
    monkeypatch.setenv("ALUR_RATELIMIT_STORAGE_URI", REDIS)
    processes = [create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "uji",
                             "RATELIMIT_KEY_PREFIX": prefix}).test_client() for _ in range(2)]
    answers = [login(processes[number % 2], "kasubbag", "salah-salah").status_code
               for number in range(12)]
    assert answers == [200] * 10 + [429] * 2, "10 per 15 minutes, not 10 per process"


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
