"""``alur user``: creating accounts and setting roles from the command line."""

import pytest
from sqlalchemy import select

from engine.errors import PermissionDenied
from engine.models import AuditRecord, User
from engine.people import accounts
from tests.conftest import csrf_token
from tests.web.conftest import login
from web.cli import users
from web.extensions import clock, db


def test_add_user_then_log_in_and_change_roles(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "add", "budi", "--name", "Budi Santoso, S.Kom.",
                                 "--role", "Prakom", "--email", "budi@pn.go.id",
                                 "--password", "rahasia-budi-1"])
    assert result.exit_code == 0, result.output
    assert "pengguna budi dibuat (Prakom)" in result.output
    assert login(client, "budi", "rahasia-budi-1").status_code == 302
    result = runner.invoke(args=["user", "roles", "budi", "Prakom", "Kasubbag", "Prakom"])
    assert result.exit_code == 0, result.output
    assert "peran budi: Prakom, Kasubbag\n" in result.output, "each role once, as stored"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "budi"))
        assert (user.role_names, user.email) == ({"Prakom", "Kasubbag"}, "budi@pn.go.id")
        actions = db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.action.like("user.%"))).all()
        assert "user.created" in actions and "user.roles_changed" in actions


def test_roles_typed_without_any_are_shown_and_kept_and_taken_away_only_when_asked(app):
    """Typed to see them, ``alur user roles gita`` took every role away."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["user", "add", "gita", "--name", "Gita", "--role", "Prakom",
                               "--role", "Kasubbag", "--password", "rahasia-gita-1"]
                         ).exit_code == 0
    shown = runner.invoke(args=["user", "roles", "gita"])
    assert (shown.exit_code, shown.output) == (0, (
        "peran gita: Kasubbag, Prakom (tidak diubah; ganti dengan: alur user roles gita "
        "PERAN...)\n"))
    both = runner.invoke(args=["user", "roles", "gita", "Prakom", "--tanpa-peran"])
    assert both.exit_code == 2 and "sebutkan PERAN atau --tanpa-peran" in both.output
    with app.app_context():
        gita = db.session.scalar(select(User).where(User.username == "gita"))
        assert gita.role_names == {"Prakom", "Kasubbag"}
        assert db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.action == "user.roles_changed")).all() == []
    taken = runner.invoke(args=["user", "roles", "gita", "--tanpa-peran"])
    assert (taken.exit_code, taken.output) == (0, "peran gita: tanpa peran\n")
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "gita")).role_names == set()
        [record] = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "user.roles_changed")).all()
        assert (record.detail["roles"], record.detail["previous"]) == (
            [], ["Kasubbag", "Prakom"]), "what was taken away is on the record"


def test_an_administrator_made_on_the_command_line_is_told_so(app):
    made = app.test_cli_runner().invoke(args=["user", "add", "adminx", "--name", "Admin X",
                                              "--admin", "--password", "rahasia-adminx"])
    assert (made.exit_code, made.output) == (0, "pengguna adminx dibuat (administrator, "
                                                "tanpa peran)\n")


def test_a_name_in_capitals_is_stored_in_lower_case_as_on_the_account_page(app, client):
    """``alur user add GITA`` makes the account gita (names are lower case, and found in
    any case: at login, and by ``alur user roles GITA``)."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "add", "GITA", "--name", "Gita",
                                 "--password", "rahasia-gita-1"])
    assert result.exit_code == 0, result.output
    assert "pengguna gita dibuat" in result.output
    assert login(client, "Gita", "rahasia-gita-1").status_code == 302
    result = runner.invoke(args=["user", "roles", "GITA", "Prakom"])
    assert result.exit_code == 0, result.output
    assert result.output == "peran gita: Prakom\n"  # the stored name, not as typed
    result = runner.invoke(args=["user", "reset-password", "GITA"])
    assert result.output.startswith("kata sandi sementara gita (dicetak sekali ini): ")
    assert runner.invoke(args=["user", "disable", "Gita"]).output == "gita dinonaktifkan\n"
    assert runner.invoke(args=["user", "disable", "Gita"]).output == (
        "gita sudah nonaktif; tidak ada yang berubah\n")
    assert runner.invoke(args=["user", "disable", "Gita", "--enable"]).output == "gita aktif\n"
    assert runner.invoke(args=["user", "disable", "Gita", "--enable"]).output == (
        "gita sudah aktif; tidak ada yang berubah\n")
    assert runner.invoke(args=["user", "disable", "Gita"]).output == "gita dinonaktifkan\n"
    result = runner.invoke(args=["user", "add", "Prakom", "--name", "B",
                                 "--password", "rahasia-budi-1"])
    assert result.exit_code != 0 and "NAMA: pengguna prakom sudah ada" in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "gita")).role_names == {
            "Prakom"}


def test_bad_user_input_is_refused_and_nothing_stored(app):
    runner = app.test_cli_runner()
    for args, message in (
            (["Budi!", "--name", "B", "--password", "rahasia-budi-1"], "NAMA: huruf kecil"),
            (["budi", "--name", "B", "--password", "pendek"], "--password: kata sandi paling"),
            (["budi", "--name", "B", "--role", "Satpam", "--password", "rahasia-budi-1"],
             "Satpam"),
            (["prakom", "--name", "B", "--password", "rahasia-budi-1"], "NAMA: pengguna")):
        result = runner.invoke(args=["user", "add", *args])
        assert result.exit_code != 0 and message in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "budi")) is None


def test_an_unknown_account_is_named_by_its_argument(app):
    runner = app.test_cli_runner()
    for args in (["roles", "nobody", "Prakom"], ["disable", "nobody"],
                 ["reset-password", "nobody"]):
        result = runner.invoke(args=["user", *args])
        assert (result.exit_code, said(result)) == (1, "NAMA: pengguna nobody tidak ada\n")
    empty = runner.invoke(args=["user", "roles", "", "Prakom"])
    assert (empty.exit_code, said(empty)) == (1, "NAMA: nama pengguna wajib diisi\n")


UNKEPT = ("memuat karakter kendali yang tidak dapat disimpan (mis. tersalin dari dokumen lain); "
          "hapus karakter itu lalu ulangi perintahnya")


def said(result) -> str:
    """What a refused command said after click's prefix: "GAGAL: " in ``alur``, "Error: "
    in the test runner, which does not load alur's catalog of click's words."""
    prefix, _, sentence = result.output.partition(": ")
    assert prefix in ("GAGAL", "Error"), result.output
    return sentence


@pytest.mark.parametrize("args, sentence", [
    (["budi", "--name", " ", "--password", "rahasia-budi-1"],
     "--name: nama lengkap wajib diisi\n"),
    (["budi", "--name", "B", "--email", "budi@", "--password", "pendek"],
     ("--email: alamat surel tidak valid (contoh: nama@pa-bima.go.id); "
      "--password: kata sandi paling sedikit 10 karakter\n")),
    (["PRAKOM", "--name", "B", "--password", "rahasia-budi-1"],
     "NAMA: pengguna prakom sudah ada\n"),    # The web refuses a control character in any field (400, README "Akun, peran dan
    # keamanan"); the command stored it (rc 0).
    (["budi", "--name", "Bu\x07di", "--password", "rahasia-budi-1"],
     f"--name: {UNKEPT}\n"),
    (["budi", "--name", "Budi", "--email", "budi@pn.go.id\x1b", "--password", "rahasia\x00budi"],
     f"--email: {UNKEPT}; --password: {UNKEPT}\n"),
])
def test_a_refused_field_is_named_as_typed_on_the_command_line(app, args, sentence):
    """README, "Perintah alur": the engine's keys (full_name, username) are not what the
    administrator typed; the option or argument is."""
    result = app.test_cli_runner().invoke(args=["user", "add", *args])
    assert (result.exit_code, said(result)) == (1, sentence)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "budi")) is None


def test_the_last_active_administrator_cannot_be_disabled_or_demoted(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "disable", "admin"])
    assert result.exit_code != 0 and "administrator aktif terakhir" in result.output
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        with pytest.raises(PermissionDenied, match="administrator aktif terakhir"):
            accounts.update_details(db.session, clock(), actor=None, user=admin,
                            full_name=admin.full_name, email=admin.email, roles=[],
                            is_admin=False)
        db.session.rollback()
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        assert admin.is_admin and not admin.is_disabled
    assert runner.invoke(args=["user", "add", "kedua", "--name", "Admin Kedua", "--admin",
                               "--password", "rahasia-kedua-1"]).exit_code == 0
    assert runner.invoke(args=["user", "disable", "admin"]).exit_code == 0


def test_an_existing_account_is_made_administrator_and_back_on_the_command_line(app, client):
    runner = app.test_cli_runner()
    granted = runner.invoke(args=["user", "admin", "PRAKOM"])
    assert (granted.exit_code, granted.output) == (0, "prakom kini administrator\n")
    again = runner.invoke(args=["user", "admin", "prakom"])
    assert (again.exit_code, again.output) == (0, "prakom sudah administrator; tidak ada yang "
                                                  "berubah\n")
    login(client, "prakom")
    assert client.get("/admin/pengguna").status_code == 200
    revoked = runner.invoke(args=["user", "admin", "prakom", "--cabut"])
    assert (revoked.exit_code, revoked.output) == (0, "prakom bukan lagi administrator\n")
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        assert not prakom.is_admin and prakom.role_names == {"Prakom"}, "roles kept"
        assert db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.action.like("user.admin_%")).order_by(AuditRecord.id)).all() == [
            "user.admin_granted", "user.admin_revoked"]
    unknown = runner.invoke(args=["user", "admin", "tidak_ada"])
    assert unknown.exit_code == 1 and "pengguna tidak_ada tidak ada" in unknown.output
    last = runner.invoke(args=["user", "admin", "admin", "--cabut"])
    assert last.exit_code == 1 and "administrator aktif terakhir" in last.output


def test_the_demo_users_made_by_the_command_line_are_on_the_audit_trail(app):
    """Jejak audit says how every account came to exist, the first admin's too."""
    with app.app_context():
        created = {r.detail["username"]: r for r in db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "user.created"))}
        assert {"prakom", "kasubbag", "sekretaris", "ketua", "admin"} <= set(created)
        admin = created["admin"]
        assert (admin.actor_id, admin.detail["admin"], admin.detail["roles"]) == (None, True, [])
        assert created["prakom"].detail["roles"] == ["Prakom"]
        assert "via" in admin.detail  # the system account and host that ran the command


def test_user_list_shows_every_account_with_roles_rights_and_status_bounded(app, monkeypatch):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["user", "disable", "redaktur"]).exit_code == 0
    listed = runner.invoke(args=["user", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0] == "NAMA\tNAMA LENGKAP\tPERAN\tHAK\tSTATUS"
    assert "admin\tAdministrator\ttanpa peran\tadministrator\taktif" in lines
    assert "redaktur\tDemo Redaktur\tRedaktur\t-\tnonaktif" in lines
    assert [line.split("\t")[0] for line in lines[1:]] == sorted(
        line.split("\t")[0] for line in lines[1:])
    prakom = runner.invoke(args=["user", "list", "--peran", "Prakom"])
    assert prakom.stdout.splitlines()[1:] == ["prakom\tDemo Prakom\tPrakom\t-\taktif"]
    # In any case, as the pages and Impor akun take it (the administrator probe).
    lower = runner.invoke(args=["user", "list", "--peran", "prakom"])
    assert lower.exit_code == 0 and lower.stdout == prakom.stdout
    monkeypatch.setattr(users, "MAX_LISTED", 2)
    bounded = runner.invoke(args=["user", "list"])
    assert len(bounded.stdout.splitlines()) == 3
    assert bounded.stderr == f"… dan {len(lines) - 3} akun lagi; saring dengan --peran\n"


def test_a_temporary_password_changed_opens_the_page_the_login_was_for(app, client):
    """The regression probe: a reset official who followed an e-mail's link to his step
    changed his password and landed on Kotak Masuk, the step's address lost."""
    result = app.test_cli_runner().invoke(args=["user", "reset-password", "prakom"])
    temporary = result.output.rsplit(": ", 1)[1].strip()
    token = csrf_token(client.get("/masuk?next=/notifikasi/").get_data(True))
    logged = client.post("/masuk?next=/notifikasi/", data={
        "username": "prakom", "password": temporary, "csrf_token": token})
    assert logged.headers["Location"] == "/akun/"
    changed = client.post("/akun/kata-sandi", data={
        "csrf_token": csrf_token(client.get("/akun/").get_data(True)),
        "current_password": temporary, "new_password": "sandi-baru-2026",
        "confirm_password": "sandi-baru-2026"})
    assert changed.headers["Location"] == "/notifikasi/"
