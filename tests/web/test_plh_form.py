"""The Plh/Plt form (issue 15, point 7): the role follows the official, every error at once
beside its named field, choices kept, the right people offered, the substitute's inbox
banner, and no step assigned to an official who is away."""

import json
import re

from sqlalchemy import select

from engine.models import HumanTask, Substitution, User, UserRole
from engine.process.instances import start_instance
from tests.conftest import csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import PASSWORD, login
from web.extensions import clock, db
from web.views.auth import hash_password


def _id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _add_user(app, username: str, full_name: str, *roles: str) -> int:
    with app.app_context():
        user = User(username=username, full_name=full_name,
                    password_hash=hash_password(PASSWORD), created_at=clock().now(),
                    roles=[UserRole(role=r) for r in roles])
        db.session.add(user)
        db.session.commit()
        return user.id


def _options(page: str, select_id: str) -> list[tuple[str, bool]]:
    """``[(option text, selected)]`` of the select ``select_id``."""
    body = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', page, re.DOTALL).group(1)
    return [(text.strip(), "selected" in attrs)
            for attrs, text in re.findall(r"<option([^>]*)>([^<]*)</option>", body)]


def test_the_role_follows_the_official_and_defaults_to_his_highest(app, client):
    both = _add_user(app, "siti", "Siti Kasubbag", "Prakom", "Kasubbag")
    login(client, "siti")
    assert _options(client.get("/plh/").get_data(True), "role") == [
        ("Prakom", False), ("Kasubbag", True)]
    login(client, "admin")
    page = client.get("/plh/").get_data(True)
    officials = _options(page, "official")
    assert officials[0][0] == "— pilih pejabat —" and not any(sel for _, sel in officials)
    roles_of = json.loads(re.search(r'data-roles="([^"]+)"', page).group(1)
                          .replace("&#34;", '"'))
    assert roles_of[str(both)] == {"roles": ["Prakom", "Kasubbag"], "default": "Kasubbag",
                                   "vacant": False}
    assert roles_of[str(_id(app, "ketua"))] == {"roles": ["Ketua"], "default": "Ketua",
                                                "vacant": False}
    chosen = client.get(f"/plh/?official={_id(app, 'sekretaris')}").get_data(True)
    assert _options(chosen, "role") == [("Sekretaris", True)]
    assert re.search(r'<script src="/static/plh\.js\?v=[0-9a-f]{12}">', chosen)


def test_neither_the_official_nor_the_administrator_is_offered_as_substitute(app, client):
    login(client, "kasubbag")
    page = client.get("/plh/").get_data(True)
    offered = [text for text, _ in _options(page, "substitute")]
    assert offered[0] == "— pilih pengganti —"
    assert not any(t.startswith("Administrator") for t in offered)
    assert "Demo Prakom (Prakom)" in offered and "Demo Sekretaris (Sekretaris)" in offered
    assert re.search(r'<option value="\d+"\s+hidden disabled>Demo Kasubbag \(', page)


def test_every_error_at_once_names_its_field_and_empty_dates_are_required(app, client):
    login(client, "admin")
    page = client.get("/plh/").get_data(True)
    response = client.post("/plh/", data={"csrf_token": csrf_token(page), "kind": "Plh",
                                          "official": "", "substitute": "", "role": "",
                                          "warrant_number": "", "starts_at": "",
                                          "ends_at": ""})
    assert response.status_code == 422
    html = response.get_data(True)
    assert "Periksa 5 isian berikut:" in html
    for label, message in (("Pejabat yang digantikan", "pejabat yang digantikan wajib dipilih"),
                           ("Pengganti", "pengganti wajib dipilih"),
                           ("Nomor surat perintah", "nomor surat perintah wajib diisi"),
                           ("Mulai", "tanggal dan jam mulai wajib diisi"),
                           ("Berakhir", "tanggal dan jam berakhir wajib diisi")):
        assert f"{label}</a>: {message}</li>" in html
    assert "tidak valid" not in html
    assert 'id="starts_at" name="starts_at" type="datetime-local" value="" aria-invalid="true"' \
        in html
    assert app_count(app, Substitution) == 0


def test_choices_are_kept_after_an_error_and_a_bad_date_is_named(app, client):
    login(client, "admin")
    page = client.get("/plh/").get_data(True)
    kasubbag, sekretaris = _id(app, "kasubbag"), _id(app, "sekretaris")
    response = client.post("/plh/", data={
        "csrf_token": csrf_token(page), "kind": "Plt", "official": kasubbag,
        "substitute": sekretaris, "role": "Kasubbag", "warrant_number": "",
        "starts_at": "2026-11-23T07:00", "ends_at": "besok"})
    html = response.get_data(True)
    assert response.status_code == 422
    assert ("Demo Sekretaris (Sekretaris)", True) in _options(html, "substitute")
    assert ("Demo Kasubbag (Kasubbag)", True) in _options(html, "official")
    assert _options(html, "role") == [("Kasubbag", True)]
    assert ("Plt (Pelaksana Tugas)", True) in _options(html, "kind")
    assert ("Berakhir</a>: tanggal dan jam tidak valid: “besok” (tulis tanggal lalu jam "
            "seperti 2026-12-31 16:00; tanggal dan jam itu harus ada)</li>") in html
    assert "Nomor surat perintah</a>: nomor surat perintah wajib diisi</li>" in html
    assert 'value="2026-11-23T07:00"' in html
    assert app_count(app, Substitution) == 0


def test_an_official_who_names_another_official_is_refused_not_recorded_for_himself(
        app, client):
    """His form offers himself and those he supervises; a request naming another (or a
    name no account has) was recorded as his own Plh, not the one asked for. Now 403, as
    on the API."""
    login(client, "kasubbag")
    page = client.get("/plh/").get_data(True)
    assert [text for text, _ in _options(page, "official")] == [
        "Demo Kasubbag (Kasubbag)", "Demo Bidang Terkait (Bidang Terkait)",
        "Demo Prakom (Prakom)", "Demo Redaktur (Redaktur)"]
    form = {"csrf_token": csrf_token(page), "kind": "Plh", "substitute": _id(app, "prakom"),
            "role": "Kasubbag", "warrant_number": "SP-1", "starts_at": "2026-11-23T07:00",
            "ends_at": "2026-12-04T00:00"}
    for named in (_id(app, "sekretaris"), "abc", "99999999999999999999"):
        refused = client.post("/plh/", data={**form, "official": named})
        assert refused.status_code == 403, named
        assert "Hanya administrator, pejabat yang bersangkutan atau atasan langsungnya" in (
            refused.get_data(True))
    assert app_count(app, Substitution) == 0
    own = client.post("/plh/", data={**form, "official": _id(app, "kasubbag")})
    assert own.status_code == 302, own.get_data(True)
    with app.app_context():
        recorded = db.session.scalars(select(Substitution)).one()
        assert (recorded.official.username, recorded.substitute.username) == (
            "kasubbag", "prakom")


def _record_plh(client, app, official: str, substitute: str, role: str) -> None:
    page = client.get("/plh/").get_data(True)
    response = client.post("/plh/", data={
        "csrf_token": csrf_token(page), "kind": "Plh", "official": _id(app, official),
        "substitute": _id(app, substitute), "role": role,
        "warrant_number": "W8-U1/12/KP.04/XI/2026", "starts_at": "2026-11-23T07:00",
        "ends_at": "2026-12-04T00:00"})
    assert response.status_code == 302, response.get_data(True)


def test_the_substitutes_inbox_says_in_whose_place_and_until_when(app, client):
    login(client, "admin")
    _record_plh(client, app, "kasubbag", "prakom", "Kasubbag")
    login(client, "prakom")
    inbox = client.get("/").get_data(True)
    assert "<strong>Anda Plh. Kasubbag s.d. 3 Des</strong>" in inbox
    assert "menggantikan Demo Kasubbag (surat perintah W8-U1/12/KP.04/XI/2026)" in inbox
    login(client, "kasubbag")  # the official away is told who stands in for him
    inbox = client.get("/").get_data(True)
    assert "<strong>Anda sedang digantikan: Plh. Kasubbag Demo Prakom s.d. 3 Des</strong>" in inbox
    # Not "juga": they reach his Plh instead of him (the Plh/escalation probe).
    assert ("surat perintah W8-U1/12/KP.04/XI/2026; tugas baru dan pengingat peran Kasubbag "
            "sampai kepadanya, bukan kepada Anda, dan tugas tidak dialihkan kepada Anda selama "
            "itu.") in inbox
    login(client, "sekretaris")
    assert "plh-banner" not in client.get("/").get_data(True)


def test_an_official_who_is_away_is_not_offered_alihkan(app, client):
    _add_user(app, "siti", "Siti Kasubbag", "Prakom", "Kasubbag")
    _add_user(app, "budi", "Budi Prakom", "Prakom")
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        instance = start_instance(db.session, clock(), process_key="penanganan_gangguan_server",
                                  title="Server mati", user=prakom)
        db.session.commit()
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id))
    login(client, "admin")
    _record_plh(client, app, "siti", "budi", "Kasubbag")
    login(client, "budi")  # Plh. Kasubbag: may assign the Prakom step
    offered = [text for text, _ in _options(client.get(f"/tugas/{task_id}").get_data(True),
                                            "assignee")]
    assert offered == ["— pilih pegawai —", "Budi Prakom", "Demo Prakom"]
    # The unclaimed Prakom step is in his Tugas Unit (he holds Prakom), so not again in
    # Tugas Bawahan: assigned from there.
    bulk = [text for text, _ in _options(client.get("/?tampil=unit").get_data(True),
                                         "assignee")]
    assert "Siti Kasubbag" not in bulk and "Budi Prakom" in bulk


def test_an_official_chosen_without_a_role_is_asked_for_the_role(app, client):
    login(client, "kasubbag")
    page = client.get("/plh/").get_data(True)
    response = client.post("/plh/", data={
        "csrf_token": csrf_token(page), "kind": "Plh", "role": "",
        "substitute": _id(app, "prakom"), "warrant_number": "SP-5",
        "starts_at": "2026-11-23T07:00", "ends_at": "2026-11-25T16:00"})
    assert response.status_code == 422
    assert "Peran</a>: peran wajib dipilih</li>" in response.get_data(True)
    assert app_count(app, Substitution) == 0


def test_the_post_of_an_official_who_left_gets_its_plt_through_the_form(app, client):
    """A disabled official (moved, retired) leaves his post empty: the form offers him,
    marked, for the Plt a vacant post needs, and refuses a Plh for him naming the field."""
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "ketua")).is_disabled = True
        db.session.commit()
    login(client, "admin")
    page = client.get("/plh/").get_data(True)
    assert ("Demo Ketua (Ketua) — akun nonaktif: jabatan kosong, catat Plt", False) in \
        _options(page, "official")
    # One of several holders of a role leaves no post empty (the administrator probe).
    with app.app_context():
        db.session.add(User(username="prakom.dua", full_name="Prakom Dua", password_hash="-",
                            created_at=clock().now(), roles=[UserRole(role="Prakom")]))
        db.session.scalar(select(User).where(User.username == "prakom")).is_disabled = True
        db.session.commit()
    assert ("Demo Prakom (Prakom) — akun nonaktif: perannya masih dipegang pegawai lain",
            False) in _options(client.get("/plh/").get_data(True), "official")
    # "Tampilkan peran pejabat ini" sends the form's Jenis (Plh) along: Plt all the same.
    chosen = client.get(f"/plh/?official={_id(app, 'ketua')}&kind=Plh").get_data(True)
    assert ("Plt (Pelaksana Tugas)", True) in _options(chosen, "kind"), "chosen for him"
    assert '&#34;vacant&#34;: true' in chosen, "plh.js chooses Plt as he is picked"
    form = {"csrf_token": csrf_token(page), "official": _id(app, "ketua"), "role": "Ketua",
            "substitute": _id(app, "sekretaris"), "warrant_number": "SP-12/2026",
            "starts_at": "2026-11-23T07:00", "ends_at": "2026-12-04T00:00"}
    refused = client.post("/plh/", data={**form, "kind": "Plh"})
    assert refused.status_code == 422
    assert ("Jenis</a>: akun Demo Ketua nonaktif (berhalangan tetap): catat Plt, bukan "
            "Plh</li>") in refused.get_data(True)
    assert app_count(app, Substitution) == 0
    recorded = client.post("/plh/", data={**form, "kind": "Plt"})
    assert recorded.status_code == 302, recorded.get_data(True)
    with app.app_context():
        plt = db.session.scalars(select(Substitution)).one()
        assert (plt.kind, plt.official.username, plt.substitute.username) == (
            "Plt", "ketua", "sekretaris")


def test_showing_an_official_s_roles_without_javascript_posts_and_follows_the_vacancy(
        app, client):
    """"Tampilkan peran pejabat ini" is a POST (its CSRF token stays out of the address and
    the log) that records nothing; Jenis becomes Plt for a vacant post and goes back to Plh
    for the next official, as plh.js does, but stays Plt when the user chose it."""
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "ketua")).is_disabled = True
        db.session.commit()
    login(client, "admin")
    page = client.get("/plh/").get_data(True)
    button = re.search(r'<button[^>]*id="show-roles"[^>]*>', page).group(0)
    assert 'formmethod="get"' not in button and 'name="tampilkan"' in button
    form = {"csrf_token": csrf_token(page), "tampilkan": "1", "role": "Prakom",
            "substitute": _id(app, "prakom"), "warrant_number": "SP-12/2026",
            "starts_at": "2026-11-23T07:00", "ends_at": "2026-12-04T00:00"}
    vacant = client.post("/plh/", data={**form, "official": _id(app, "ketua"), "kind": "Plh"})
    assert vacant.status_code == 200
    shown = vacant.get_data(True)
    assert ("Plt (Pelaksana Tugas)", True) in _options(shown, "kind")
    assert _options(shown, "role") == [("Ketua", True)], "his role, not the one sent"
    assert '<input type="hidden" name="made_plt" value="1">' in shown
    assert 'value="SP-12/2026"' in shown, "what was typed is kept"
    assert "Plh/Plt belum dicatat. Periksa isiannya, lalu tekan Catat." in shown
    active = client.post("/plh/", data={**form, "official": _id(app, "sekretaris"),
                                        "kind": "Plt", "made_plt": "1"}).get_data(True)
    assert ("Plt (Pelaksana Tugas)", False) in _options(active, "kind"), "back to Plh"
    assert _options(active, "role") == [("Sekretaris", True)]
    assert 'name="made_plt"' not in active
    chosen = client.post("/plh/", data={**form, "official": _id(app, "sekretaris"),
                                        "kind": "Plt"}).get_data(True)
    assert ("Plt (Pelaksana Tugas)", True) in _options(chosen, "kind"), "the user's choice"
    assert app_count(app, Substitution) == 0
    assert client.post("/plh/", data={**form, "csrf_token": "x", "official": _id(
        app, "sekretaris"), "kind": "Plh"}).status_code == 400


def test_who_records_no_plh_gets_no_form_and_a_refusal_in_its_own_words(app, client):
    """The permission probe: an account without a role saw the form and was refused as if
    he were not the official; an auditor's POST got the Plh rule, not "hanya membaca"."""
    employee = _add_user(app, "pegawai", "Pegawai Biasa")
    app.test_cli_runner().invoke(args=["user", "add", "inspektur", "--name", "Inspektur",
                                       "--auditor", "--password", PASSWORD])
    login(client, "pegawai")
    page = client.get("/plh/").get_data(True)
    assert 'id="plh-form"' not in page
    assert "Anda tidak memegang peran SOP, jadi tidak ada Plh/Plt yang dapat Anda catat" in page
    form = {"csrf_token": csrf_token(page), "kind": "Plh", "official": employee,
            "role": "Prakom", "substitute": _id(app, "prakom")}
    assert client.post("/plh/", data=form).status_code == 403
    login(client, "inspektur")
    refused = client.post("/plh/", data={**form, "official": _id(app, "prakom"),
                                         "csrf_token": csrf_token(client.get("/plh/").get_data(
                                             True))})
    assert refused.status_code == 403
    assert "Akun auditor hanya membaca" in refused.get_data(True)
    assert app_count(app, Substitution) == 0
