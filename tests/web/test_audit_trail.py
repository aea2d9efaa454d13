"""Jejak audit (``/admin/jejak-audit``): an administrator or an auditor with him finds who
did what, when, to which process — by period, person, kind of action and process number —
and downloads exactly what the page lists, or is told to narrow a choice too large."""

import csv
import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from engine import audit, settings
from engine.models import AuditRecord, HumanTask, ProcessInstance, User
from engine.people import accounts
from engine.process.deploy import deploy
from tests.conftest import MONDAY_0800, csrf_token, mini_bpmn
from tests.web.conftest import login
from web.extensions import clock, db
from web.views import admin_audit

TRAIL = "/admin/jejak-audit"
PAGER = "({} baris, 20 per halaman)"


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


@pytest.fixture
def trail(app, clock, started):
    """Prakom started a process on Monday 08.00 WIB (``started``); on Tuesday Kasubbag saved
    three inbox filters and the worker escalated nothing but wrote one record of its own;
    on Wednesday Prakom saved one inbox filter."""
    with app.app_context():
        kasubbag, prakom = _user("kasubbag"), _user("prakom")
        clock.set(MONDAY_0800.replace(day=MONDAY_0800.day + 1))
        for n in range(3):
            audit.record(db.session, clock, "inbox.filter_saved", actor=kasubbag, name=f"s{n}")
        audit.record(db.session, clock, "instance.deadlines_recounted")
        clock.set(MONDAY_0800.replace(day=MONDAY_0800.day + 2))
        audit.record(db.session, clock, "inbox.filter_saved", actor=prakom, name="=cmd()")
        db.session.commit()
        return db.session.get(ProcessInstance, started["id"]).number


def _page(client, query: str = "") -> tuple[int, str]:
    response = client.get(TRAIL + query)
    return response.status_code, response.get_data(as_text=True)


def _count(app, **where) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditRecord).filter_by(**where)).all())


def test_filters_by_person_kind_period_and_process_count_exactly(app, client, trail):
    login(client, "admin")
    day = MONDAY_0800.date()
    everything = _count(app)
    status, page = _page(client)
    assert status == 200 and PAGER.format(everything) in page
    assert "sistem (timer dan pekerja Alur)" in page
    status, page = _page(client, "?pengguna=KASUBBAG&jenis=kotak-masuk")
    assert status == 200 and PAGER.format(3) in page
    # By the full name, or as a row writes the person, too (the auditor probe typed it and
    # got 400), whatever its letters' case (SQLite folds A–Z only: the regression probe).
    for typed in ("demo%20%20Kasubbag", "Demo%20Kasubbag%20(kasubbag)"):
        assert _page(client, f"?pengguna={typed}&jenis=kotak-masuk")[1].count(
            PAGER.format(3)) == 1, typed
    with app.app_context():
        db.session.add_all([
            User(username="edo", full_name="ÉDO ÅGUS", password_hash="-", created_at=MONDAY_0800),
            User(username="budi1", full_name="Budi Santoso", password_hash="-",
                 created_at=MONDAY_0800),
            User(username="budi3", full_name="budi  santoso", password_hash="-",
                 created_at=MONDAY_0800)])
        db.session.commit()
    assert _page(client, "?pengguna=%C3%A9do%20%C3%A5gus")[0] == 200
    status, page = _page(client, "?pengguna=Budi%20Santoso")
    assert status == 400 and ('Beberapa akun bernama "Budi Santoso"; tulis nama penggunanya '
                              "(mis. budi1).") in unescape(page)
    status, page = _page(client, f"?jenis=kotak-masuk&dari={day.replace(day=day.day + 2)}")
    assert status == 200 and PAGER.format(1) in page and "=cmd()" in page
    # To the second, as the download's times (the auditor probe: a minute holds many).
    assert '<td data-label="Tanggal dan jam">25 Nov 2026 08.00.00 WIB</td>' in page
    tuesday = day.replace(day=day.day + 1)
    status, page = _page(client, f"?dari={tuesday}&sampai={tuesday}")
    assert status == 200 and PAGER.format(4) in page
    status, page = _page(client, f"?proses={trail.lower()}")
    assert status == 200 and PAGER.format(_count(app, instance_id=1)) in page
    assert "Proses dimulai" in page and f">{trail}</a>" in page
    status, page = _page(client, "?tindakan=inbox.filter_saved&pengguna=prakom")
    assert status == 200 and PAGER.format(1) in page
    status, page = _page(client, "?tanpa_akun=ya&jenis=proses")
    assert status == 200 and PAGER.format(1) in page and "Batas waktu langkah dihitung" in page


@pytest.mark.parametrize(("query", "field"), [
    ("?pengguna=tidakada", "pengguna"), ("?proses=LTI-1999-0001", "proses"),
    ("?jenis=semuanya", "jenis"), ("?tindakan=DROP%20TABLE", "tindakan"),
    ("?dari=2026-13-01", "dari"), ("?dari=2026-11-05&sampai=2026-11-04", "sampai"),
    ("?tanpa_akun=1", "tanpa_akun"), ("?tanpa_akun=ya&pengguna=prakom", "tanpa_akun"),
    ("?format=pdf", "format"), ("?format=csv&sep=|", "sep"), ("?per_page=101", "per_page")])
def test_a_filter_that_names_nothing_known_is_refused_naming_it(client, trail, query, field):
    login(client, "admin")
    response = client.get(TRAIL + query, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert list(response.json["error"]["fields"]) == [field]


def test_a_bad_date_is_named_by_its_label_on_the_page_and_its_parameter(client, trail):
    login(client, "admin")
    refused = unescape(client.get(TRAIL + "?dari=abc").get_data(True))
    assert 'Dari tanggal (dari): "abc" bukan tanggal TTTT-BB-HH tahun 2000–2100.' in refused
    kept = client.get(TRAIL + "?pengguna=budi&jenis=akun").get_data(True)
    assert 'value="budi"' in kept and '<option value="akun" selected>' in kept, (
        "refused in its form, as it was filled in")
    assert '<a href="/admin/jejak-audit?jenis=akun">Buka halaman ini tanpa "pengguna"</a>' in (
        unescape(kept))
    listed = unescape(client.get("/proses/?sampai=31-12-2026").get_data(True))
    assert 'Dimulai sampai (sampai): "31-12-2026" bukan tanggal' in listed
    assert 'Dimulai sejak (dari)' in client.get("/proses/?dari=kemarin").get_data(True)


def test_only_administrators_see_the_trail(client, trail):
    assert client.get(TRAIL).status_code == 302
    login(client, "ketua")
    assert client.get(TRAIL).status_code == 403
    assert client.get(TRAIL + "?format=csv").status_code == 403


def test_the_download_holds_exactly_the_listed_records_in_office_time(app, client, trail):
    login(client, "admin")
    response = client.get(TRAIL + "?jenis=kotak-masuk&format=csv&sep=,")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == admin_audit.HEADINGS
    assert [(row[0][:10], row[1], row[3]) for row in rows[1:]] == [
        ("2026-11-25", "prakom", "inbox.filter_saved")] + [
        ("2026-11-24", "kasubbag", "inbox.filter_saved")] * 3
    assert rows[1][0].endswith("+07:00") and rows[1][8] == '{"name": "=cmd()"}'
    assert rows[1][4] == "Saringan Kotak Masuk disimpan"
    assert 'filename="jejak-audit.csv"' in response.headers["Content-Disposition"]
    # The auditor probe: a month's and a year's downloads landed on one file name.
    for query, name in (("dari=2026-11-01&sampai=2026-11-30", "2026-11-01-sd-2026-11-30"),
                        ("dari=2026-11-24", "sejak-2026-11-24"),
                        ("sampai=2026-11-24", "hingga-2026-11-24")):
        named = client.get(f"{TRAIL}?jenis=kotak-masuk&format=xlsx&{query}")
        assert f'filename="jejak-audit-{name}.xlsx"' in named.headers["Content-Disposition"]


def test_a_download_larger_than_its_limit_is_refused_not_cut(app, client, trail,
                                                             monkeypatch):
    login(client, "admin")
    monkeypatch.setattr(admin_audit, "MAX_DOWNLOAD", 3)
    response = client.get(TRAIL + "?jenis=kotak-masuk&format=xlsx")
    assert response.status_code == 400
    assert "berisi 4 catatan; satu unduhan paling banyak 3" in response.get_data(as_text=True)
    page = client.get(TRAIL + "?jenis=kotak-masuk").get_data(as_text=True)
    assert "Unduh per bagian (2 bagian, paling banyak 3 catatan per berkas" in page
    assert client.get(TRAIL + "?pengguna=kasubbag&format=xlsx").status_code == 200


def test_a_long_trail_downloads_in_parts_cut_from_the_same_records(app, client, trail,
                                                                   monkeypatch):
    """Part 1 the newest, part 2 the rest, each from the records written before the page
    was read: one added meanwhile moves no record from one part to another (an auditor's
    year did not fit one download, and one day could not be narrowed further)."""
    login(client, "admin")
    monkeypatch.setattr(admin_audit, "MAX_DOWNLOAD", 3)
    page = client.get(TRAIL + "?jenis=kotak-masuk").get_data(as_text=True)
    assert "Bagian 1: catatan 1–3" in page and "Bagian 2: catatan 4–4" in page
    links = re.findall(r'href="(/admin/jejak-audit\?[^"]*bagian=[^"]*format=csv[^"]*)"',
                       unescape(page)) or re.findall(
        r'href="(/admin/jejak-audit\?[^"]*format=csv[^"]*bagian=[^"]*)"', unescape(page))
    assert len(links) == 2, links
    token = csrf_token(client.get("/").get_data(True))
    client.post("/kotak-masuk/saringan", data={"csrf_token": token, "nama": "Baru",
                                                "status": "terlambat"})
    assert "5 catatan" in client.get(TRAIL + "?jenis=kotak-masuk").get_data(True)
    parts = []
    for link in links:
        with client.get(link + "&sep=,") as response:
            assert response.status_code == 200
            assert "jejak-audit-bagian-" in response.headers["Content-Disposition"]
            parts.append(list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:])
    assert [len(rows) for rows in parts] == [3, 1]
    assert [row[1] for row in parts[0] + parts[1]] == ["prakom"] + ["kasubbag"] * 3
    past = client.get(links[1].replace("bagian=2", "bagian=3"))
    assert past.status_code == 400 and "bagian" in past.get_data(True)
    uncut = client.get(TRAIL + "?jenis=kotak-masuk&format=csv&bagian=1")
    assert uncut.status_code == 400 and "hingga" in uncut.get_data(True)
    for wrong in ("2147483648", "-1", "abc"):  # past the id column: a 500 on PostgreSQL
        refused = client.get(f"{TRAIL}?jenis=kotak-masuk&format=csv&bagian=1&hingga={wrong}")
        assert refused.status_code == 400 and "Hingga" in refused.get_data(True), wrong
    listed = client.get(TRAIL + "?jenis=kotak-masuk&hingga=1").get_data(True)
    assert "5 catatan" in listed, "the page lists the whole filter, never a silent cut"


def test_each_record_reads_in_words_with_its_step_and_the_actors_username(app, client, clock,
                                                                           started, prakom):
    """The Rincian column is Indonesian labels and values, times in office time; the
    Proses column names the step a step's record is about; Oleh gives the username the
    pengguna filter takes. The download keeps the JSON as recorded."""
    task_id = started["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    with app.app_context():
        audit.record(db.session, clock, "substitution.extended", actor=_user("admin"),
                     kind="Plh", official="kasubbag", substitute="prakom", role="Kasubbag",
                     warrant_number="ST-12/2026", previous="2026-12-31T09:00:00+00:00",
                     ends_at="2027-02-28T16:00:00+07:00", admin=False)
        audit.record(db.session, clock, "user.language_changed", actor=_user("prakom"),
                     language="en")
        step = db.session.get(HumanTask, task_id).name
        db.session.commit()
    login(client, "admin")
    page = unescape(_page(client)[1])
    # People by their full names beside the user names (the auditor probe: "Pejabat:
    # kasubbag"); the download keeps the record's JSON whole.
    assert ("Jenis: Plh · Pejabat: Demo Kasubbag (kasubbag) · Pengganti: Demo Prakom (prakom) "
            "· Peran: Kasubbag · Nomor surat perintah: ST-12/2026 · Sebelumnya: 31 Des 2026 "
            "16.00 WIB · Berakhir: 28 Feb 2027 16.00 WIB · Administrator: tidak") in page
    assert '{"' not in page.split("<table", 1)[1], "no record's JSON on the page"
    assert "Bahasa: English" in page
    claimed = page.split("<code>task.claimed</code>", 1)[1].split("</tr>", 1)[0]
    assert f"· <a href=\"/tugas/{task_id}\">{step}</a>" in claimed
    assert "Demo Prakom <span class=\"hint\">(prakom)</span>" in page
    download = client.get(TRAIL + "?format=csv&tindakan=substitution.extended").get_data(True)
    assert '""previous"": ""2026-12-31T09:00:00+00:00""' in download


def test_a_settings_change_and_a_changed_email_read_as_their_own_pages_write_them(app, client,
                                                                                   clock):
    with app.app_context():
        admin = _user("admin")
        settings.save(db.session, clock, admin, {"smtp": {
            **settings.get(db.session, "smtp"), "port": 587, "starttls": True}})
        prakom = _user("prakom")
        accounts.update_details(db.session, clock, actor=admin, user=prakom,
                                full_name=prakom.full_name, email="prakom@pn.go.id",
                                roles=["Prakom"], is_admin=False)
        db.session.commit()
    login(client, "admin")
    page = unescape(_page(client)[1])
    assert "Surel (SMTP) · port: 25 → 587 · Surel (SMTP) · STARTTLS: tidak → ya" in page
    assert "Pengguna: prakom · surel — → prakom@pn.go.id" in page
    assert "previous_" not in page and "smtp." not in page


def test_a_release_by_a_version_move_reads_with_labels_in_the_reader_s_language(app):
    """Jejak audit showed a move's release as "lane: Prakom · moved: 2", its reason
    Indonesian on an English page (the English admin probe)."""
    from flask_babel import force_locale

    from web.trail_details import detail_words

    detail = {"holder": "kasubbag", "reason": "dipindahkan ke versi 2, lane berubah",
              "lane": "Prakom", "moved": 2}
    with app.test_request_context():
        assert detail_words(detail, 300) == (
            "Pemegang sebelumnya: kasubbag · Alasan: dipindahkan ke versi 2, Pelaksana "
            "langkahnya berubah · "
            "Lane baru: Prakom · Dipindahkan ke versi: 2")
        with force_locale("en"):
            assert detail_words(detail, 300) == (
                "Previous holder: kasubbag · Reason: moved to version 2, the role that performs "
                "the step changed · "
                "New lane: Prakom · Moved to version: 2")
            # A step given back because its holder may no longer act (regression probe).
            assert detail_words({"reason": "pemegang tidak lagi dapat bertindak",
                                 "cause": "disabled"}, 300) == (
                "Reason: its holder can no longer act · Cause: its holder's account was "
                "disabled")


def test_an_email_address_removed_reads_removed_on_the_trail(app):
    """The regression probe: Jejak audit showed only "Sebelumnya: …" for a removed one."""
    from flask_babel import force_locale

    from web.trail_details import detail_words

    with app.test_request_context():
        detail = {"email": None, "previous": "p@pn.id"}
        assert detail_words(detail, 300) == "Surel: dihapus · Sebelumnya: p@pn.id"
        with force_locale("en"):
            assert detail_words(detail, 300).startswith("E-mail: removed · ")


def test_an_sop_reads_by_its_name_and_a_fingerprint_shortened(app, client):
    """The administrator probe: "Kunci SOP: pemeliharaan_server" and the whole 64-character
    SHA-256 on every deploy row; the download keeps both as stored."""
    with app.app_context():
        definition, _ = deploy(db.session, clock(), mini_bpmn(), filename="sop-uji.bpmn")
        file_hash = definition.file_hash
        db.session.commit()
    login(client, "admin")
    page = unescape(_page(client, "?tindakan=process.deployed")[1])
    assert (f"Kunci SOP: SOP Uji (sop_uji) · Versi: 1 · Sidik berkas: {file_hash[:16]}… · "
            "Berkas: sop-uji.bpmn") in page
    assert file_hash not in page
    download = client.get(TRAIL + "?format=csv&tindakan=process.deployed").get_data(True)
    assert file_hash in download and '""key"": ""sop_uji""' in download
