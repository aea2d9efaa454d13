"""The interface in English for a user who chooses it on /akun/; Indonesian for everyone else.

Also that the English catalog is complete and that the committed messages.pot is what
``make messages`` would extract now.
"""

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

from engine.models import AuditRecord, User
from tests.conftest import START_DATA, csrf_token
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee
from web.cli.worker import fire_once
from web.engine_words import in_reader_language
from web.extensions import babel, db

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "web" / "translations"


def _choose_language(client, language: str, email: str = ""):
    token = csrf_token(client.get("/akun/").get_data(True))
    return client.post("/akun/", data={"email": email, "language": language,
                                       "csrf_token": token})


def _start(client, title: str):
    token = csrf_token(client.get("/proses/baru").get_data(True))
    return client.post("/proses/baru", data={"process_key": "penanganan_gangguan_server",
                                             "title": title, "csrf_token": token})


def _logout(client):
    client.post("/keluar", data={"csrf_token": csrf_token(client.get("/").get_data(True))})


def _user(app, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def test_a_user_who_chooses_english_sees_english_and_others_indonesian(app, client, clock):
    login(client, "prakom")
    saved = _choose_language(client, "en")
    assert saved.status_code == 302
    page = client.get(saved.headers["Location"]).get_data(True)
    assert '<html lang="en">' in page
    assert '<p class="flash flash-success" role="status">Account settings saved.</p>' in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert _user(app, "prakom").language == "en"
    with app.app_context():
        [changed] = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "user.language_changed")).all()
        assert changed.detail == {"language": "en"}

    # The starter lands on his first step; its crumb links the process page.
    landed = client.get(_start(client, "Server mati").headers["Location"]).get_data(True)
    assert "Process GS-2026-0001 &#34;Server mati&#34; started." in landed
    process = re.search(r'<p class="crumb"><a href="(/proses/\d+)"', landed).group(1)
    started = client.get(process).get_data(True)
    assert "<h2 id=\"h-steps\">Steps</h2>" in started and "— Process started by Demo Prakom" in started

    inbox = client.get("/").get_data(True)
    assert "<h1>Inbox</h1>" in inbox
    assert 'My tasks <span class="count">(0)</span>' in inbox
    assert 'Unit tasks <span class="count">(1)</span>' in inbox
    assert ('name="urut" value="-batas" class="sort">Deadline<span class="visually-hidden">, '
            'sort descending</span>') in inbox
    assert '<th scope="col">Time left</th>' in inbox
    assert '<td data-label="Deadline">today 09:00 WIB</td>' in inbox
    assert '<td data-label="Time left">1 h of working time left</td>' in inbox
    [task_id] = re.findall(r'href="/tugas/(\d+)"', inbox)

    task = client.get(f"/tugas/{task_id}").get_data(True)
    for text in ('<button type="submit" class="secondary">Claim task</button>',
                 "<dt>Deadline</dt><dd>23 Nov 2026 09:00 WIB — 1 h of working time left</dd>",
                 '<h2 id="h-lampiran">Process attachments</h2>', "No comments yet.",
                 "<dt>Status</dt><dd>Waiting</dd>", "Complete step",
                 "Notes (optional)</label>"):
        assert text in task, text
    # SOP content is not translated.
    assert "<dt>Time (standard)</dt><dd>1 jam</dd>" in task

    clock.advance(timedelta(hours=2))
    assert fire_once(app) == 1 and fire_once(app) == 1
    assert "⚠ late by 1 h of working time</span>" in client.get("/").get_data(True)
    notifications = client.get("/notifikasi/").get_data(True)
    for text in ("<h1>Notifications</h1>", 'aria-label="1 unread">1</span>',
                 "<strong>Reminder</strong> <span class=\"tag\">New</span>",
                 "Mark all as read", ">Open task</a>", "late by 1 h of working time"):
        assert text in notifications, text

    _logout(client)
    login(client, "kasubbag")
    inbox = client.get("/").get_data(True)
    assert '<html lang="id">' in inbox and "<h1>Kotak Masuk</h1>" in inbox
    assert 'Tugas Saya <span class="count">(0)</span>' in inbox
    notifications = client.get("/notifikasi/").get_data(True)
    assert 'aria-label="1 belum dibaca">1</span>' in notifications
    assert "<strong>Eskalasi ke atasan</strong>" in notifications
    assert "Mark all as read" not in notifications


def test_switching_back_to_indonesian(app, client):
    login(client, "prakom")
    _choose_language(client, "en")
    assert "<h1>Inbox</h1>" in client.get("/").get_data(True)
    saved = _choose_language(client, "id")
    page = client.get(saved.headers["Location"]).get_data(True)
    assert '<html lang="id">' in page and "Pengaturan akun disimpan." in page
    assert "<h1>Kotak Masuk</h1>" in client.get("/").get_data(True)


def test_an_unknown_language_is_refused_and_nothing_is_stored(app, client):
    login(client, "prakom")
    refused = _choose_language(client, "fr", email="prakom@pa-bima.go.id")
    assert refused.status_code == 422
    page = refused.get_data(True)
    assert ('aria-invalid="true" aria-describedby="language-error"' in page
            and '<p class="field-error" id="language-error">'
                "Pilih Bahasa Indonesia atau English.</p>" in page)
    user = _user(app, "prakom")
    assert user.language == "id" and user.email is None
    with app.app_context():
        assert not db.session.scalars(select(AuditRecord).where(
            AuditRecord.action.in_(["user.language_changed", "user.email_changed"]))).all()


def test_without_the_compiled_catalog_everything_stays_indonesian(app, client, monkeypatch,
                                                                  tmp_path):
    monkeypatch.setattr(app.extensions["babel"], "translation_directories", [str(tmp_path)])
    monkeypatch.setattr(babel.domain_instance, "cache", {})  # forget the loaded catalogs
    login(client, "prakom")
    assert _choose_language(client, "en").status_code == 302
    page = client.get("/").get_data(True)
    assert '<html lang="en">' in page  # the choice is kept, the texts fall back
    assert "<h1>Kotak Masuk</h1>" in page and 'Tugas Saya <span class="count">' in page


def _catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def test_every_message_has_an_english_translation():
    template = _catalog(TRANSLATIONS / "messages.pot")
    english = _catalog(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")
    untranslated = []
    for message in template:
        if not message.id:
            continue
        found = english.get(message.id, message.context)
        strings = (found.string if isinstance(found.string, tuple) else (found.string,)
                   ) if found is not None else ("",)
        if found is None or found.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert untranslated == []


def test_the_committed_template_is_what_extraction_finds_now(tmp_path):
    extracted = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
                    "-F", str(ROOT / "web" / "babel.cfg"), "-o", str(extracted),
                    str(ROOT / "web")], check=True, cwd=ROOT)

    def ids(catalog):
        return {(message.context, message.id) for message in catalog if message.id}

    assert ids(_catalog(extracted)) == ids(_catalog(TRANSLATIONS / "messages.pot")), (
        "run `make messages` and translate what is new in en/LC_MESSAGES/messages.po")


def test_the_api_answers_in_indonesian_whatever_the_browser_session_chose(app, client):
    """The API's messages are Indonesian (README "API JSON"): a session cookie that chose
    English, sent along with a token (Swagger UI while logged in), changes nothing."""
    login(client, "prakom")
    _choose_language(client, "en")
    token = api_token(client, "prakom")
    missing = client.get("/api/v1/tidak-ada", headers=token)
    assert missing.json["error"]["message"] == (
        "Alamat API tidak ditemukan: GET /api/v1/tidak-ada. Daftar alamatnya ada di /api/v1/docs "
        "(OpenAPI: /api/v1/openapi.json).")
    assert "Log out" in client.get("/").get_data(True)  # the pages stay English


def test_a_ticket_reads_its_status_and_priority_in_english(app, client):
    add_employee(app)
    login(client, "pegawai")
    _choose_language(client, "en")
    ticket = client.post("/api/v1/instances", headers=api_token(client, "pegawai"), json={
        "process_key": "penanganan_permintaan_layanan_ti", "title": "Printer",
        "data": {**START_DATA["penanganan_permintaan_layanan_ti"], "prioritas": "kritis"}}).json
    page = client.get(f"/tiket/{ticket['id']}").get_data(True)
    assert '<dd id="ticket-status">received</dd>' in page
    assert "<dd>critical (your proposal, not yet set by the desk)</dd>" in page
    assert 'class="ticket-status">received</td>' in client.get("/tiket/").get_data(True)


def test_counts_of_one_read_singular_in_english_and_plural_otherwise(app, client):
    login(client, "prakom")
    _choose_language(client, "en")
    _start(client, "Server mati")
    assert "<p>1 process · Download:" in client.get("/proses/").get_data(True)
    found = client.get("/proses/baru?cari=gangguan+server").get_data(True)
    assert 'data-template-one="__N__ SOP matches"' in found
    assert 'data-template-other="__N__ SOPs match">1 SOP matches</p>' in found
    assert "SOPs you can start" not in found and re.search(
        r">You can start \d+ SOPs</p>", client.get("/proses/baru").get_data(True))
    assert "this list has 1 page.</span>" in client.get("/proses/?halaman=9").get_data(True)


def test_english_admin_pages_name_priorities_and_the_steps_number_in_english(app, client):
    login(client, "admin")
    _choose_language(client, "en")
    settings = client.get("/admin/pengaturan").get_data(True)
    assert '<option value="kritis" selected>critical</option>' in settings
    assert ">kritis<" not in settings, "the value stays, the word is the reader's"
    versions = client.get("/admin/sop/penanganan_gangguan_server").get_data(True)
    assert '<th scope="col">No.</th>' in versions


def test_the_commonest_refusals_read_in_english_on_pages_and_stay_indonesian_in_the_api(
        app, client):
    login(client, "prakom")
    _choose_language(client, "en")
    for path, said in (("/proses/999999", "Process #999999 not found."),
                       ("/tugas/999999", "Task #999999 not found."),
                       ("/lampiran/999999", "Attachment #999999 not found."),
                       ("/proses/?cakupan=semua", "Only administrators and auditors may see all processes.")):
        page = client.get(path).get_data(True)
        assert said in page, path
        assert "tidak ditemukan" not in page and "Hanya administrator" not in page, path
    api = client.get("/api/v1/instances/999999", headers=api_token(client, "prakom"))
    assert api.json["error"]["message"] == "Proses #999999 tidak ditemukan."


def test_a_plh_whose_period_ended_reads_so_in_english(app):
    with app.test_request_context(), force_locale("en"):
        said = in_reader_language("Masa Plh Anda untuk peran Kasubbag sudah berakhir; langkah "
                                  "ini kini dikerjakan pemegang peran itu.")
    assert said == ("Your term as Plh for the role Kasubbag has ended; the step is now for "
                    "the holders of that role.")


def test_a_successor_of_a_plh_that_ran_out_reads_in_english(app):
    with app.test_request_context(), force_locale("en"):
        said = in_reader_language(
            "Demo Prakom sudah digantikan sebagai Prakom oleh Demo Kasubbag (Plh, surat "
            "perintah SP-9) sampai 23 Nov 2026 08.00 WIB; satu jabatan punya satu pengganti: "
            "mulai paling awal 23 Nov 2026 08.00 WIB")
    assert said == ("Demo Prakom was replaced as Prakom by Demo Kasubbag (Plh, warrant SP-9) "
                    "until 23 Nov 2026 08:00 WIB; one post has one substitute: start at 23 Nov "
                    "2026 08:00 WIB at the earliest")


def test_a_lost_claim_race_reads_in_english(app):
    """The 409 page of a step someone else took or finished first (its link to Tugas Unit
    was English already; the sentence was not)."""
    with app.test_request_context(), force_locale("en"):
        assert in_reader_language('Tugas "Menerima laporan" sudah diambil oleh Rina Wati '
                                  "(rina).") == ('Task "Menerima laporan" was already taken by '
                                                 "Rina Wati (rina).")
        assert in_reader_language('Tugas "Menerima laporan" sudah tidak terbuka (status: '
                                  "selesai): diselesaikan oleh Rina Wati (rina).") == (
            'Task "Menerima laporan" is no longer open (status: completed): completed by Rina Wati '
            "(rina).")
        assert in_reader_language('Tugas "Menerima laporan" sudah tidak terbuka (status: '
                                  "dibatalkan).") == (
            'Task "Menerima laporan" is no longer open (status: cancelled).')
