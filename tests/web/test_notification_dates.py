"""Notifikasi by day (``dari``/``sampai``; API ``since``/``until``): an official looking
for last week's reminder among months of notices finds it by its date, in the office's
time zone, and marks read only what the filter shows."""

from datetime import UTC, datetime

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.models import Notification, User
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from web.extensions import db

# 30 Nov 23.30 WIB, 1 Dec 00.10 WIB and 2 Dec 10.00 WIB, in UTC.
CREATED = (datetime(2026, 11, 30, 16, 30, tzinfo=UTC),
           datetime(2026, 11, 30, 17, 10, tzinfo=UTC),
           datetime(2026, 12, 2, 3, 0, tzinfo=UTC))


def _notices(app) -> list[int]:
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        rows = [Notification(user_id=prakom.id, kind="penugasan", role="Prakom",
                             message=f"Pesan {number}", created_at=at)
                for number, at in enumerate(CREATED)]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def _read(app) -> list[bool]:
    with app.app_context():
        return [at is not None for at in db.session.scalars(
            select(Notification.read_at).order_by(Notification.id))]


def test_a_day_keeps_the_notices_of_that_office_day_and_marks_only_them(app, client):
    _notices(app)
    login(client, "prakom")
    page = client.get("/notifikasi/?dari=2026-12-01&sampai=2026-12-01").get_data(True)
    assert "Pesan 1" in page and "Pesan 0" not in page and "Pesan 2" not in page
    assert "1 notifikasi · 1 belum dibaca" in page
    assert 'name="dari" type="date" value="2026-12-01"' in page
    assert "Tandai semua yang tersaring dibaca" in page
    marked = client.post("/notifikasi/baca", data={
        "csrf_token": csrf_token(page), "dari": "2026-12-01", "sampai": "2026-12-01"})
    assert marked.status_code == 302
    assert _read(app) == [False, True, False]
    since = client.get("/notifikasi/?dari=2026-12-01").get_data(True)
    assert "2 notifikasi" in since and "Pesan 0" not in since


def test_a_day_that_is_not_one_is_refused_naming_it_and_marks_nothing(app, client):
    _notices(app)
    login(client, "prakom")
    token = csrf_token(client.get("/notifikasi/").get_data(True))
    for query, said in (
            ("dari=2026-13-01", 'Dari tanggal (dari): &#34;2026-13-01&#34; bukan tanggal'),
            ("sampai=1999-12-31", 'Sampai tanggal (sampai): &#34;1999-12-31&#34; bukan tanggal'),
            ("dari=2026-12-02&sampai=2026-12-01",
             "Sampai tanggal sebelum Dari tanggal: tanggal akhir"),
            ("dari=2026-12-01&dari=2026-12-02", "&#34;dari&#34; hanya satu nilai; 2 dikirim.")):
        refused = client.get(f"/notifikasi/?{query}")
        assert refused.status_code == 400, query
        assert said in refused.get_data(True), query
        form = MultiDict([("csrf_token", token),
                          *(tuple(part.split("=")) for part in query.split("&"))])
        assert client.post("/notifikasi/baca", data=form).status_code == 400, query
    assert _read(app) == [False, False, False]


def test_the_api_takes_since_and_until_as_office_days(app, client):
    _notices(app)
    headers = api_token(client, "prakom")
    listed = client.get("/api/v1/notifications?since=2026-12-01&until=2026-12-01",
                        headers=headers).json
    assert (listed["total"], [item["message"] for item in listed["items"]]) == (1, ["Pesan 1"])
    assert client.get("/api/v1/notifications?until=2026-11-30",
                      headers=headers).json["total"] == 1
    # A day written without its zeros is read as the page reads it: it answered 500 (the
    # API probe), and "2026-12-1" sorted after "2026-12-01" as text.
    unpadded = client.get("/api/v1/notifications?since=2026-12-1&until=2026-12-01",
                          headers=headers)
    assert (unpadded.status_code, unpadded.json["total"]) == (200, 1)
    assert client.get("/api/v1/notifications?since=2026-11-30&until=2026-12-1",
                      headers=headers).json["total"] == 2
    assert client.get("/api/v1/notifications?since=%202026-12-1%20", headers=headers).json[
        "total"] == client.get("/api/v1/notifications?since=2026-12-1", headers=headers).json[
        "total"], "padded, as the page takes it"
    for query, field in (("since=2026-02-30", "since"), ("until=1-1-1", "until"),
                         ("since=2026-12-02&until=2026-12-01", "until")):
        refused = client.get(f"/api/v1/notifications?{query}", headers=headers)
        assert refused.status_code == 422, query
        assert field in refused.json["error"]["fields"], refused.json
    reversed_ = client.get("/api/v1/notifications?since=2026-12-02&until=2026-12-01",
                           headers=headers).json["error"]["fields"]["until"]
    assert "until sebelum since: tanggal akhir harus sama dengan atau sesudah" in str(reversed_)
