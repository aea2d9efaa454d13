"""Before an administrator disables an account, its page says what that leaves: the steps
the person holds go back to their units, and a role no one else holds is left with no one
to do its steps (a Plt, or the role given to someone, is needed)."""

from sqlalchemy import select

from engine.models import User
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from web.extensions import db


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def test_the_account_page_says_what_disabling_leaves_behind(app, client):
    prakom = api_token(client, "prakom")
    for title in ("Server mati", "Jaringan putus"):
        started = client.post("/api/v1/instances", headers=prakom, json={
            "process_key": "penanganan_gangguan_server", "title": title}).json
        assert client.post(f"/api/v1/tasks/{started['open_tasks'][0]['id']}/claim",
                           headers=prakom).status_code == 200
    login(client, "admin")
    page = client.get(f"/admin/pengguna/{_user_id(app, 'prakom')}").get_data(True)
    assert ("Menonaktifkan akun ini mengembalikan 2 langkah yang sedang ia pegang ke Tugas "
            "Unit perannya.") in page
    assert ("Ia satu-satunya pemegang aktif peran Prakom (2 langkah terbuka): sesudah "
            "dinonaktifkan, langkah peran itu tidak dapat dikerjakan siapa pun") in page
    quiet = client.get(f"/admin/pengguna/{_user_id(app, 'ketua')}").get_data(True)
    assert "mengembalikan" not in quiet
    assert "Ia satu-satunya pemegang aktif peran Ketua (0 langkah terbuka)" in quiet


def test_a_role_another_active_account_holds_is_not_said_to_be_left_alone(app, client):
    added = app.test_cli_runner().invoke(args=[
        "user", "add", "gita", "--name", "Gita", "--role", "Prakom", "--password", "rahasia-123"])
    assert added.exit_code == 0, added.output
    login(client, "admin")
    page = client.get(f"/admin/pengguna/{_user_id(app, 'prakom')}").get_data(True)
    assert "satu-satunya" not in page


def test_taking_a_role_away_says_before_and_after_which_steps_go_back(app, client):
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "penanganan_gangguan_server", "title": "Server mati"}).json
    assert client.post(f"/api/v1/tasks/{started['open_tasks'][0]['id']}/claim",
                       headers=prakom).status_code == 200
    login(client, "admin")
    path = f"/admin/pengguna/{_user_id(app, 'prakom')}"
    page = client.get(path).get_data(True)
    assert ("Ia sedang memegang 1 langkah: langkah pada peran yang dicabut kembali ke Tugas Unit "
            "peran itu (alihkan dulu bila perlu).") in page
    moved = client.post(path, data={"csrf_token": csrf_token(page), "full_name": "Demo Prakom",
                                    "roles": ["Kasubbag"]}, follow_redirects=True)
    said = moved.get_data(True)
    assert "Akun prakom disimpan." in said
    assert "1 langkah yang ia pegang pada peran yang dicabut kembali ke Tugas Unit peran itu." \
        in said
    again = client.post(path, data={"csrf_token": csrf_token(said), "full_name": "Demo Prakom",
                                     "roles": ["Kasubbag", "Prakom"]}, follow_redirects=True)
    assert "kembali ke Tugas Unit peran itu." not in again.get_data(True)
