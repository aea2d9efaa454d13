"""A supervisor looking at his unit's work: he finds what one official holds by typing her
name, and sees which holder is away (a Plh/Plt stands in for her) without opening each
step."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.models import Substitution, User, UserRole
from tests.web.conftest import PASSWORD, api_token, login
from tests.web.test_inbox_lists import (  # noqa: F401 - started: the fixture
    BACKUP,
    INVENTARIS,
    SERVER_A,
    WIFI,
    _api,
    _rows,
    started,
)
from web.extensions import clock, db
from web.views.auth import hash_password

AWAY = "pemegangnya berhalangan (ada Plh/Plt)"


@pytest.fixture
def held(app, client, started):  # noqa: F811 - the fixture imported above
    """Rina Wati, S.Kom. (a second Prakom) holds the Wi-Fi step, Demo Prakom the server
    step; the backup and inventory steps are unclaimed."""
    with app.app_context():
        rina = User(username="rina", full_name="Rina Wati, S.Kom.", created_at=clock().now(),
                    roles=[UserRole(role="Prakom")], password_hash=hash_password(PASSWORD))
        db.session.add(rina)
        db.session.commit()
    tasks = {task["instance_title"]: task["id"]
             for task in client.get("/api/v1/tasks", headers=started).json}
    for user, title in (("rina", WIFI), ("prakom", SERVER_A)):
        claimed = client.post(f"/api/v1/tasks/{tasks[title]}/claim",
                              headers=api_token(client, user))
        assert claimed.status_code == 200, claimed.json
    return tasks


def test_a_holders_name_finds_what_she_holds_on_the_page_and_the_api(client, held):
    login(client, "kasubbag")
    assert _rows(client.get("/?tampil=bawahan&cari=rina").get_data(True)) == [WIFI]
    assert _rows(client.get("/?tampil=bawahan&cari=Rina+Wati+SKom").get_data(True)) == [WIFI]
    kasubbag = api_token(client, "kasubbag")
    assert _api(client, kasubbag, "view=bawahan&q=demo%20prakom") == [SERVER_A]
    assert _api(client, kasubbag, "view=bawahan&q=budi") == []
    assert BACKUP in _rows(client.get("/?tampil=bawahan").get_data(True))


def test_a_holder_someone_stands_in_for_is_marked_away_for_her_supervisor(app, client, held):
    login(client, "kasubbag")
    assert AWAY not in client.get("/?tampil=bawahan").get_data(True)
    with app.app_context():
        official = db.session.scalar(select(User).where(User.username == "rina"))
        substitute = db.session.scalar(select(User).where(User.username == "prakom"))
        now = clock().now()
        db.session.add(Substitution(
            kind="Plh", official_id=official.id, substitute_id=substitute.id, role="Prakom",
            warrant_number="SP-1", starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=3), created_at=now))
        db.session.commit()
    page = client.get("/?tampil=bawahan").get_data(True)
    [wifi_row] = [row for row in page.split("<tr") if WIFI in row]
    assert "Diambil Rina Wati, S.Kom." in wifi_row and AWAY in wifi_row
    assert page.count(AWAY) == 1


def test_the_steps_nobody_took_are_one_filter_away(client, held):
    login(client, "kasubbag")
    assert sorted(_rows(client.get("/?tampil=bawahan&status=belum_diambil").get_data(True))) \
        == sorted([BACKUP, INVENTARIS])
    assert sorted(_rows(client.get("/?tampil=bawahan&status=dalam_proses").get_data(True))) \
        == sorted([SERVER_A, WIFI])
    assert sorted(_api(client, api_token(client, "kasubbag"),
                       "view=bawahan&state=belum_diambil")) == sorted([BACKUP, INVENTARIS])
