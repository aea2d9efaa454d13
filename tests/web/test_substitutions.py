"""Plh/Plt on the page and in effect: the official losing the role, limits, ending early."""

import re
from datetime import timedelta

from sqlalchemy import select

from engine.models import HumanTask, Substitution, User
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from web.extensions import db

SERVER = "penanganan_gangguan_server"


def _ids(app) -> dict[str, int]:
    with app.app_context():
        return {u.username: u.id for u in db.session.scalars(select(User))}


def _form(client, ids, *, kind="Plh", official="prakom", role="Prakom",
          substitute="kasubbag", warrant_number="W8-U1/99/KP/XI/2026",
          starts_at="2026-11-23T07:00", ends_at="2026-11-25T16:00") -> dict:
    """The body of the Plh/Plt form (``/plh/``) with a fresh CSRF token; ``official`` and
    ``substitute`` are usernames, dates as the form's datetime-local fields send them."""
    return {"csrf_token": csrf_token(client.get("/plh/").get_data(True)), "kind": kind,
            "official": ids[official], "role": role, "substitute": ids[substitute],
            "warrant_number": warrant_number, "starts_at": starts_at, "ends_at": ends_at}


def _plh_body(now) -> dict:
    """The API body of kasubbag's Plh for prakom (SP-9) from ``now`` for a day."""
    return {"kind": "Plh", "official": "prakom", "substitute": "kasubbag", "role": "Prakom",
            "warrant_number": "SP-9", "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat()}


def _record(client, ids, ends_at="2026-11-25T16:00", substitute="kasubbag") -> int:
    return client.post("/plh/", data=_form(client, ids, ends_at=ends_at,
                                           substitute=substitute)).status_code


def test_a_plh_after_the_official_lost_the_role_gets_403(app, client):
    task_id = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": SERVER, "title": "Server mati"}).json["open_tasks"][0]["id"]
    ids = _ids(app)
    login(client, "admin")
    assert _record(client, ids, substitute="sekretaris") == 302
    plh = app.test_client()
    login(plh, "sekretaris")
    assert plh.get(f"/tugas/{task_id}").status_code == 200
    page_token = csrf_token(plh.get("/").get_data(True))
    assert app.test_cli_runner().invoke(args=["user", "roles", "prakom", "Redaktur"]
                                        ).exit_code == 0
    page = plh.get(f"/tugas/{task_id}").get_data(True)
    assert "Plh. Prakom" not in page, "the Sekretaris sees the step read-only, as supervisor"
    assert f'action="/tugas/{task_id}"' not in page
    assert plh.post(f"/tugas/{task_id}", data={"csrf_token": page_token}).status_code == 403
    with app.app_context():
        assert db.session.get(HumanTask, task_id).state == "open"


def test_a_plh_beyond_the_limit_is_refused_and_nothing_stored(app, client):
    login(client, "admin")
    ids = _ids(app)
    response = client.post("/plh/", data=_form(client, ids, warrant_number="SP-1",
                                               ends_at="2030-12-31T07:00"))
    assert response.status_code == 422
    assert 'id="ends_at-error">Plh paling lama 30 hari' in response.get_data(True)
    assert _record(client, ids, ends_at="2026-12-24T07:00") == 422, "31 days"
    with app.app_context():
        assert db.session.scalars(select(Substitution)).all() == []


def test_the_official_ends_a_plh_early_others_may_not(app, client, clock):
    ids = _ids(app)
    login(client, "prakom")
    assert _record(client, ids) == 302
    with app.app_context():
        substitution_id = db.session.scalars(select(Substitution.id)).one()
    stranger = app.test_client()
    login(stranger, "redaktur")
    assert stranger.post(f"/plh/{substitution_id}/akhiri", data={
        "csrf_token": csrf_token(stranger.get("/").get_data(True))}).status_code == 403
    page = client.get("/plh/").get_data(True)
    # It asks first: the button that ends it is behind "Akhiri lebih awal", saying what
    # happens (no undo).
    assert re.search(r"<summary>Akhiri lebih awal</summary><form [^>]*/akhiri\"[^>]*>.*?"
                     r"<p>Akhiri Plh ini sekarang\? Tugas yang diambil [^<]+ dalam peran "
                     r"Prakom kembali ke Tugas Unit\. Tidak dapat dibatalkan\.</p>"
                     r"<button type=\"submit\">Ya, akhiri sekarang</button>", page)
    assert client.post(f"/plh/{substitution_id}/akhiri",
                       data={"csrf_token": csrf_token(page)}).status_code == 302
    with app.app_context():
        assert db.session.get(Substitution, substitution_id).ends_at == clock.now()
    assert client.post("/plh/999999/akhiri",
                       data={"csrf_token": csrf_token(page)}).status_code == 404
    # Over, it leaves the list in force and stays on record under "Sudah berakhir".
    assert "W8-U1/99/KP/XI/2026" not in client.get("/plh/").get_data(True)
    over = client.get("/plh/?tampil=berakhir").get_data(True)
    assert '<td data-label="Surat perintah">W8-U1/99/KP/XI/2026</td>' in over
    assert "Akhiri lebih awal" not in over and 'aria-current="page">Sudah berakhir' in over
    assert "(diakhiri lebih awal oleh Demo Prakom)" in over  # who ended it, for the one back
    assert "Belum ada Plh/Plt yang berakhir." in stranger.get(
        "/plh/?tampil=berakhir").get_data(True)  # not one he was part of


def test_only_active_staff_holding_a_role_may_stand_in(app, client):
    """The form offers neither an administrator without a role nor a disabled account;
    the server refuses them too, naming Pengganti, and stores nothing."""
    ids = _ids(app)
    assert app.test_cli_runner().invoke(args=["user", "disable", "panitera"]).exit_code == 0
    login(client, "kasubbag")
    for substitute in ("admin", "panitera"):
        response = client.post("/plh/", data=_form(
            client, ids, official="kasubbag", role="Kasubbag", substitute=substitute,
            warrant_number="SP-2"))
        assert response.status_code == 422
        assert ("tidak dapat menjadi pengganti: hanya pegawai aktif yang memegang peran"
                in response.get_data(True))
    with app.app_context():
        assert db.session.scalars(select(Substitution)).all() == []


def _plt(client, ids) -> int:
    assert client.post("/plh/", data=_form(client, ids, kind="Plt", warrant_number="SP-3",
                                           ends_at="2026-12-23T07:00")).status_code == 302
    return _last_substitution(client.application)


def _last_substitution(app) -> int:
    with app.app_context():
        return db.session.scalars(select(Substitution.id).order_by(Substitution.id.desc())
                                  ).first()


def test_a_refused_extension_is_said_beside_its_plt_and_nothing_changes(app, client):
    ids = _ids(app)
    login(client, "admin")
    plt_id = _plt(client, ids)
    for ends_at, reason in (("", "tanggal dan jam wajib diisi"),
                            ("besok", "tanggal dan jam tidak valid: “besok” (tulis tanggal "
                                      "lalu jam seperti 2026-12-31 16:00; tanggal dan jam itu "
                                      "harus ada)"),
                            ("2027-02-30T07:00", "tanggal dan jam tidak valid: "
                                                 "“2027-02-30T07:00” (tulis tanggal"),
                            ("20270110", "tanggal dan jam tidak valid: “20270110” (tulis "
                                         "tanggal"),  # tests/web/test_plh_typed_dates.py
                            ("2026-12-01T07:00", "akhir baru harus sesudah akhir yang sekarang"),
                            ("9999-12-31T07:00", "tanggal harus dalam tahun 2000–2100"),
                            ("2027-06-01T07:00", "perpanjangan paling lama 3 bulan sesudah akhir")):
        token = csrf_token(client.get("/plh/").get_data(True))
        response = client.post(f"/plh/{plt_id}/perpanjang",
                               data={"csrf_token": token, "ends_at": ends_at})
        html = response.get_data(True)
        assert response.status_code == 422, ends_at
        assert f'id="row-{plt_id}-error">Perpanjang sampai: {reason}' in html, ends_at
        assert "Data tugas" not in html and "ends_at" not in html.split("<form")[0]
        assert 'name="ends_at" type="datetime-local" aria-invalid="true"' in html
    with app.app_context():
        kept = db.session.get(Substitution, plt_id)
        assert kept.extended_at is None
        assert kept.ends_at.isoformat() == "2026-12-23T00:00:00+00:00"
    # Written as an official writes it (day first, a space, not the picker's "T"; the time
    # as Alur writes it, 07.30, which Python read as 07:00 and a fraction; the zone after
    # it), it is taken whole.
    # Extended once, the Plt's second extension is refused under the action's name too.
    token = csrf_token(client.get("/plh/").get_data(True))
    assert client.post(f"/plh/{plt_id}/perpanjang", data={
        "csrf_token": token, "ends_at": "10-01-2027  07.30 WIB"}).status_code == 302
    with app.app_context():
        assert db.session.get(Substitution, plt_id).ends_at.isoformat() == \
            "2027-01-10T00:30:00+00:00"
    again = client.post(f"/plh/{plt_id}/perpanjang", data={
        "csrf_token": token, "ends_at": "2027-01-20T07:00"}).get_data(True)
    assert (f'id="row-{plt_id}-error">Perpanjang sampai: Plt hanya dapat diperpanjang satu '
            "kali") in again


def test_a_plh_ended_before_it_began_leaves_the_list(app, client, clock):
    ids = _ids(app)
    login(client, "prakom")
    assert client.post("/plh/", data=_form(client, ids, warrant_number="SP-4",
                                           starts_at="2026-12-03T07:00",
                                           ends_at="2026-12-04T16:00")).status_code == 302
    plh_id = _last_substitution(app)
    page = client.get("/plh/").get_data(True)
    assert "SP-4" in page
    assert client.post(f"/plh/{plh_id}/akhiri",
                       data={"csrf_token": csrf_token(page)}).status_code == 302
    page = client.get("/plh/").get_data(True)
    assert "SP-4" not in page and "Akhiri lebih awal" not in page
    again = client.post(f"/plh/{plh_id}/akhiri", data={"csrf_token": csrf_token(page)})
    assert again.status_code == 422
    html = again.get_data(True)
    assert f'id="row-{plh_id}-error"' not in html, "no longer listed"
    assert ('role="alert">Plh. Prakom Demo Kasubbag (menggantikan Demo Prakom, surat '
            'perintah SP-4): Plh/Plt ini sudah berakhir atau dibatalkan</p>') in html, "said above the list instead"


def test_extending_a_plt_that_has_ended_says_why_above_the_list(app, client, clock):
    """From a tab opened before it ended: the row is gone, the reason is said at the top."""
    ids = _ids(app)
    login(client, "admin")
    plt_id = _plt(client, ids)
    page = client.get("/plh/").get_data(True)
    clock.advance(timedelta(days=31))
    response = client.post(f"/plh/{plt_id}/perpanjang", data={
        "csrf_token": csrf_token(page), "ends_at": "2027-01-10T07:00"})
    assert response.status_code == 422
    assert ('role="alert">Plt. Prakom Demo Kasubbag (menggantikan Demo Prakom, surat '
            'perintah SP-3): Plt ini sudah berakhir</p>') in response.get_data(True)
    with app.app_context():
        assert db.session.get(Substitution, plt_id).extended_at is None


def test_dates_outside_2000_to_2100_are_refused_naming_the_field_never_a_500(app, client):
    """Year 1 at +14:00 and 31 Dec 9999 at -12:00 are past what a date can hold in UTC; a
    date of 2100 at -12:00 is 2101 as stored, and is refused as that."""
    admin = api_token(client, "admin")
    body = {"kind": "Plh", "official": "kasubbag", "substitute": "prakom", "role": "Kasubbag",
            "warrant_number": "ST-9/2026"}
    for starts_at, ends_at, bad in (
            ("0001-01-01T00:00:00+14:00", "0001-01-02T00:00:00+14:00", {"starts_at", "ends_at"}),
            ("9999-12-31T20:00:00-12:00", "9999-12-31T23:59:59-12:00", {"starts_at", "ends_at"}),
            ("2026-11-23T08:00:00+07:00", "9999-12-31T07:00:00+07:00", {"ends_at"}),
            ("1999-12-31T08:00:00+07:00", "2000-01-02T08:00:00+07:00", {"starts_at"}),
            # Within the years as written, past them once stored in UTC.
            ("2100-12-31T20:00:00-12:00", "2100-12-31T23:00:00-12:00", {"starts_at", "ends_at"}),
            ("2000-01-01T01:00:00+14:00", "2000-01-02T01:00:00+14:00", {"starts_at"})):
        refused = client.post("/api/v1/substitutions", headers=admin,
                              json={**body, "starts_at": starts_at, "ends_at": ends_at})
        assert refused.status_code == 422, (starts_at, refused.get_data(True))
        assert set(refused.json["error"]["fields"]) == bad
        assert refused.json["error"]["fields"] == dict.fromkeys(
            bad, "tanggal harus dalam tahun 2000–2100")
    with app.app_context():
        assert db.session.scalars(select(Substitution)).all() == []
    ids = _ids(app)
    login(client, "admin")
    response = client.post("/plh/", data=_form(client, ids, warrant_number="SP-1",
                                               starts_at="0001-01-01T00:00",
                                               ends_at="0001-01-02T00:00"))
    assert response.status_code == 422
    html = response.get_data(True)
    assert 'id="starts_at-error">tanggal harus dalam tahun 2000–2100' in html
    assert 'id="ends_at-error">tanggal harus dalam tahun 2000–2100' in html
    with app.app_context():
        assert db.session.scalars(select(Substitution)).all() == []


def test_a_refused_extension_shows_nothing_of_a_substitution_to_an_outsider(app, client):
    ids = _ids(app)
    login(client, "admin")
    assert _record(client, ids) == 302
    with app.app_context():
        plh_id = db.session.scalars(select(Substitution.id)).one()
    outsider = app.test_client()  # the Ketua: neither part of it nor above its substitute
    login(outsider, "ketua")
    token = csrf_token(outsider.get("/plh/").get_data(True))
    for unreadable in ("", "kemarin"):
        response = outsider.post(f"/plh/{plh_id}/perpanjang",
                                 data={"csrf_token": token, "ends_at": unreadable})
        assert response.status_code == 404
        assert "W8-U1/99/KP/XI/2026" not in response.get_data(True)
    with app.app_context():
        assert db.session.get(Substitution, plh_id).extended_at is None
    official = app.test_client()
    login(official, "prakom")
    token = csrf_token(official.get("/plh/").get_data(True))
    shown = official.post(f"/plh/{plh_id}/perpanjang", data={"csrf_token": token,
                                                             "ends_at": ""})
    assert shown.status_code == 422


def test_a_plh_that_gives_nothing_now_says_why_in_the_list(app, client):
    """A disabled substitute or an official who lost the role: the row stays (its period
    runs), marked, so that an official on leave does not believe he is covered."""
    ids = _ids(app)
    login(client, "admin")
    assert _record(client, ids) == 302
    page = client.get("/plh/").get_data(True)
    assert "Tidak berlaku" not in page
    assert " s.d. 25 Nov 16.00 WIB</td>" in page, "its end as the substitute's banner writes it"
    edit = f"/admin/pengguna/{ids['kasubbag']}"
    client.post(f"{edit}/status", data={"csrf_token": csrf_token(page), "disabled": "1"})
    assert ('<span class="late-text">Tidak berlaku: akun Demo Kasubbag nonaktif; tugas kembali '
            "kepada pejabatnya.</span>") in client.get("/plh/").get_data(True)
    client.post(f"{edit}/status", data={"csrf_token": csrf_token(page), "disabled": "0"})
    client.post(f"/admin/pengguna/{ids['prakom']}", data={
        "csrf_token": csrf_token(page), "full_name": "Demo Prakom", "email": "",
        "roles": ["Redaktur"]})
    assert ("Tidak berlaku: Demo Prakom tidak lagi memegang peran Prakom."
            in client.get("/plh/").get_data(True))


def test_a_plh_ended_before_it_began_reads_as_cancelled_and_dates_read_alike(app, client):
    """Berlaku writes its start as its end (no year this year, the day alone at midnight);
    one ended before it began is "Dibatalkan sebelum berlaku", not a zero-length period
    "diakhiri lebih awal"."""
    ids = _ids(app)
    login(client, "admin")
    for starts_at, ends_at in (("2026-11-23T07:00", "2026-11-25T16:00"),
                               ("2026-12-01T00:00", "2026-12-04T00:00")):
        assert client.post("/plh/", data=_form(client, ids, starts_at=starts_at,
                                               ends_at=ends_at)).status_code == 302
    page = client.get("/plh/").get_data(True)
    assert ">23 Nov 07.00 WIB s.d. 25 Nov 16.00 WIB</td>" in page
    assert ">1 Des s.d. 3 Des</td>" in page
    with app.app_context():
        later = db.session.scalar(select(Substitution.id).where(
            Substitution.starts_at > Substitution.created_at))
    ended = client.post(f"/plh/{later}/akhiri", data={"csrf_token": csrf_token(page)})
    assert "Plh/Plt dibatalkan sebelum berlaku." in client.get(
        ended.headers["Location"]).get_data(True)
    over = client.get("/plh/?tampil=berakhir").get_data(True)
    assert ">Dibatalkan sebelum berlaku (akan mulai 1 Des) oleh Administrator</td>" in over
    assert "diakhiri lebih awal" not in over
    work = client.get(f"/plh/{later}/langkah").get_data(True)
    assert "dibatalkan sebelum berlaku (akan mulai 1 Des) oleh Administrator." in work


def test_a_plh_ended_in_its_first_minute_keeps_what_its_substitute_did(app, client, clock):
    """Ended in the minute it began, after its substitute acted: it ends at that moment
    and reads "diakhiri lebih awal", not "Dibatalkan sebelum berlaku" (found by the SKP
    probe); the API says which was cancelled and that nothing is left to end."""
    admin = api_token(client, "admin")
    now = clock.now()
    body = _plh_body(now)
    begun = client.post("/api/v1/substitutions", headers=admin, json=body)
    later = client.post("/api/v1/substitutions", headers=admin, json={
        **body, "warrant_number": "SP-10", "starts_at": (now + timedelta(days=2)).isoformat(),
        "ends_at": (now + timedelta(days=3)).isoformat()})
    assert begun.status_code == later.status_code == 201
    clock.advance(timedelta(seconds=40))
    ended = client.post(f"/api/v1/substitutions/{begun.json['id']}/end", headers=admin)
    assert ended.status_code == 200
    assert (ended.json["cancelled"], ended.json["may_end"]) == (False, False)
    with app.app_context():
        assert db.session.get(Substitution, begun.json["id"]).ends_at == clock.now()
    cancelled = client.post(f"/api/v1/substitutions/{later.json['id']}/end", headers=admin)
    assert (cancelled.json["cancelled"], cancelled.json["may_end"]) == (True, False)
    again = client.post(f"/api/v1/substitutions/{later.json['id']}/end", headers=admin)
    assert again.json["error"]["fields"] == {
        "ends_at": "Plh/Plt ini sudah berakhir atau dibatalkan"}
    login(client, "admin")
    over = client.get("/plh/?tampil=berakhir").get_data(True)
    assert over.count("Dibatalkan sebelum berlaku") == 1 and "(diakhiri lebih awal oleh" in over
    # Its successor begins the next minute: the same minute is refused, saying until when
    # it ran rather than to end it (found by the regression probe).
    same_minute = client.post("/api/v1/substitutions", headers=admin, json={
        **body, "substitute": "sekretaris", "warrant_number": "SP-11"})
    assert same_minute.status_code == 422
    assert same_minute.json["error"]["fields"]["starts_at"] == (
        "Demo Prakom sudah digantikan sebagai Prakom oleh Demo Kasubbag (Plh, surat perintah "
        "SP-9) sampai 23 Nov 2026 08.00 WIB, saat diakhiri; satu jabatan punya satu "
        "pengganti: mulai paling awal 23 Nov 2026 08.01 WIB")
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "admin")).language = "en"
        db.session.commit()
    refused = client.post("/plh/", data={**_form(client, _ids(app), substitute="sekretaris"),
                                         "starts_at": "2026-11-23T08:00"})
    assert refused.status_code == 422
    assert ("Demo Prakom was replaced as Prakom by Demo Kasubbag (Plh, warrant SP-9) until "
            "23 Nov 2026 08:00 WIB, when it was ended; one post has one substitute: start at "
            "23 Nov 2026 08:01 WIB at the earliest") in refused.get_data(True), \
        "the moments as English writes them, too"


def test_one_not_begun_is_offered_to_be_cancelled_not_ended_now(app, client):
    ids = _ids(app)
    login(client, "admin")
    assert client.post("/plh/", data=_form(client, ids, starts_at="2026-12-01T00:00",
                                           ends_at="2026-12-04T00:00")).status_code == 302
    page = client.get("/plh/").get_data(True)
    assert "<summary>Batalkan sebelum berlaku</summary>" in page
    assert ("Batalkan Plh ini sebelum berlaku? Demo Kasubbag tidak akan menggantikan Demo "
            "Prakom dalam peran Prakom. Tidak dapat diurungkan.") in page
    assert "Akhiri Plh ini sekarang?" not in page


def test_a_successor_is_told_the_first_minute_it_may_begin(app, client, clock):
    """Ended after its first minute, a Plh ends at the start of that minute, where its
    successor may begin: the refusal of an earlier start names that minute, not the next
    (found by the second regression probe)."""
    admin = api_token(client, "admin")
    now = clock.now()
    body = _plh_body(now)
    begun = client.post("/api/v1/substitutions", headers=admin, json=body)
    clock.advance(timedelta(minutes=2, seconds=30))
    assert client.post(f"/api/v1/substitutions/{begun.json['id']}/end",
                       headers=admin).status_code == 200
    successor = {**body, "substitute": "sekretaris", "warrant_number": "SP-11"}
    early = client.post("/api/v1/substitutions", headers=admin, json=successor)
    assert early.json["error"]["fields"]["starts_at"].endswith(
        "sampai 23 Nov 2026 08.02 WIB, saat diakhiri; satu jabatan punya satu pengganti: "
        "mulai paling awal 23 Nov 2026 08.02 WIB")
    assert client.post("/api/v1/substitutions", headers=admin, json={
        **successor, "starts_at": (now + timedelta(minutes=2)).isoformat()}).status_code == 201
