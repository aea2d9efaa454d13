"""The requester's pages: submit with a file, Tiket Saya, the thread (the desk's question
waits for the requester), no internal notes, the rating the Prakom then sees."""

import io
import re
from datetime import timedelta

from lxml import html
from sqlalchemy import select

from engine import settings
from engine.models import Attachment, HumanTask, ProcessInstance, User
from engine.roles import username_for
from tests.conftest import START_DATA, csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from tests.web.desk_helpers import add_employee, file_ticket
from tests.web.test_servicedesk_api import _finish
from web.extensions import db
from web.notification_words import FILTER_LABELS

LTI = "penanganan_permintaan_layanan_ti"


def test_an_employee_submits_follows_answers_and_rates_and_never_sees_internal_notes(
        app, client):
    add_employee(app)
    assert login(client, "pegawai").status_code == 302
    page = client.get(f"/tiket/ajukan?process_key={LTI}")
    assert page.status_code == 200
    assert '<label for="title">Judul singkat <span aria-hidden="true">*</span>' in (
        page.get_data(True)), "a required field is marked as the form's others are"
    assert re.search(r'<input id="title"[^>]*aria-describedby="title-hint">\s*<p class="hint" '
                     r'id="title-hint">Judul tampil di daftar, notifikasi dan subjek surel: '
                     r"jangan tulis NIK, NIP, nomor HP", page.get_data(True)), \
        "the title is read by many: the form says so before anything is typed"
    assert "Tiket Anda dibaca petugas yang menanganinya dan atasan mereka." in page.get_data(True)
    form = {"csrf_token": csrf_token(page.get_data(True)), "process_key": LTI,
            "title": "Printer ruang sidang", **START_DATA[LTI]}
    # The form has one file input; two files (a crafted request) were filed as the first.
    two = client.post("/tiket/ajukan", content_type="multipart/form-data", data={
        **form, "lampiran": [(io.BytesIO(b"a"), "a.txt"), (io.BytesIO(b"b"), "b.txt")]})
    assert two.status_code == 422
    assert ('<p class="field-error" id="lampiran-error">paling banyak 1 berkas per permintaan; '
            "2 dikirim, tidak ada yang disimpan</p>") in two.get_data(True)
    assert re.search(r'<input id="lampiran"[^>]*aria-invalid="true"[^>]*'
                     r'aria-describedby="lampiran-error[ "]', two.get_data(True)), \
        "the message tied to its field"
    assert app_count(app, ProcessInstance) == 0
    posted = client.post("/tiket/ajukan", content_type="multipart/form-data", data={
        **form, "lampiran": (io.BytesIO(b"foto printer"), "printer.txt")})
    assert posted.status_code == 302, posted.get_data(True)
    with app.app_context():
        instance_id = db.session.scalar(select(ProcessInstance.id))
    mine = client.get("/tiket/").get_data(True)
    assert "Printer ruang sidang" in mine and "diterima" in mine
    # On a phone's card the title is tapped, not only the number (the requester probe).
    title = html.fromstring(mine).xpath("//td[@data-label='Judul']/a")[0]
    assert title.get("href") == f"/tiket/{instance_id}" and "Printer" in title.text_content()
    shown = client.get(f"/tiket/{instance_id}").get_data(True)
    assert "printer.txt" in shown
    with app.app_context():
        file_id = db.session.scalar(select(Attachment.id))
    with client.get(f"/api/v1/attachments/{file_id}",
                    headers=api_token(client, "pegawai")) as through_the_api:
        assert (through_the_api.status_code, through_the_api.data) == (200, b"foto printer")
    assert client.get(f"/api/v1/attachments/{file_id}",
                      headers=api_token(client, "redaktur")).status_code == 403
    internal = client.get(f"/proses/{instance_id}")  # never the process page: his ticket's
    assert (internal.status_code, internal.headers["Location"]) == (302,
                                                                    f"/tiket/{instance_id}")
    colleague = app.test_client()  # redaktur: neither the requester nor of the desk
    login(colleague, "redaktur")
    other = colleague.get(f"/tiket/{instance_id}")
    assert other.status_code == 403
    assert "Anda bukan pemohon atau petugas tiket ini." in other.get_data(True)
    assert "administrator" not in other.get_data(True), "no roles of his to be checked"
    prakom = app.test_client()
    login(prakom, "prakom")
    assert f'href="/tiket/{instance_id}"' in prakom.get(f"/proses/{instance_id}").get_data(True)
    desk_page = prakom.get(f"/tiket/{instance_id}")
    token = csrf_token(desk_page.get_data(True))
    noted = prakom.post(f"/proses/{instance_id}/komentar",
                        data={"csrf_token": token, "komentar": "RAHASIA internal"})
    assert noted.status_code == 302
    asked = prakom.post(f"/tiket/{instance_id}/pesan", data={
        "csrf_token": token, "text": "Merek printernya apa?", "asks": "ya"})
    assert asked.status_code == 302
    # His ticket's page says what its notifications say: opened, they are read (the
    # requester probe: the menu's count grew to 9 while he followed every ticket).
    unread = client.get("/notifikasi/jumlah").json["unread"]
    assert unread > 0
    waiting = client.get(f"/tiket/{instance_id}").get_data(True)
    assert client.get("/notifikasi/jumlah").json["unread"] == 0
    assert "menunggu Anda" in waiting and "Merek printernya apa?" in waiting
    # The desk probe: "Target selesai" moved each minute without a word, and the desk could
    # not tell whose ticket it was ("Nama pemohon" is typed, maybe for a colleague).
    assert "(bergeser selama menunggu jawaban Anda: waktu menunggu tidak dihitung)" in waiting
    at_desk = prakom.get(f"/tiket/{instance_id}").get_data(True)
    assert "(bergeser selama menunggu jawaban pemohon: waktu menunggu" in at_desk
    assert "oleh akun Pegawai Biasa (pegawai)" in at_desk and "oleh akun" not in waiting
    with app.app_context():  # a low rating's Kasubbag can write to him (the regression probe)
        db.session.scalars(select(User).filter_by(username="pegawai")).one().email = "p@pn.id"
        db.session.commit()
    assert '· <a href="mailto:p@pn.id">p@pn.id</a>' in prakom.get(
        f"/tiket/{instance_id}").get_data(True)
    assert "<em>meminta jawaban Anda</em>" in waiting, "the requester reads he is asked"
    assert "<em>meminta jawaban pemohon</em>" in prakom.get(f"/tiket/{instance_id}").get_data(
        True)
    answered = client.post(f"/tiket/{instance_id}/pesan", data={
        "csrf_token": csrf_token(waiting), "text": "Epson"})
    assert answered.status_code == 302
    assert "<dd>minor (belum ditetapkan)</dd>" in client.get(f"/tiket/{instance_id}").get_data(True)
    _finish(client, instance_id)
    done = client.get(f"/tiket/{instance_id}").get_data(True)
    assert "selesai" in done and "Seberapa puas" in done
    assert "<dt>Prioritas</dt><dd>minor</dd>" in done, "ended without one: minor, not 'yet'"
    # Asked to rate, he is told where the desk says what it did, and what to do if the
    # problem remains (the requester probe); the desk is not told so.
    [note] = html.fromstring(done).xpath("//p[@id='ended-note']")
    assert note.text_content().startswith("Petugas telah menyelesaikan tiket ini")
    assert note.xpath(".//a/@href") == [
        "/tiket/ajukan?process_key=penanganan_permintaan_layanan_ti"]
    assert 'id="ended-note"' not in prakom.get(f"/tiket/{instance_id}").get_data(True)
    # The scale says which end is which.
    assert '> 1 (sangat tidak puas)</label>' in done and '> 5 (sangat puas)</label>' in done
    assert "selesai" in client.get("/notifikasi/").get_data(True)
    rated = client.post(f"/tiket/{instance_id}/nilai", data={
        "csrf_token": csrf_token(done), "score": "5", "comment": "Mantap"})
    assert rated.status_code == 302
    assert ('Nilai 5 dari 5 — <span class="teks">Mantap</span>'  # line breaks kept
            in prakom.get(f"/tiket/{instance_id}").get_data(True))
    for page in ("/tiket/", f"/tiket/{instance_id}", "/notifikasi/"):
        assert "RAHASIA" not in client.get(page).get_data(True)


def test_an_employee_starting_from_mulai_proses_lands_on_the_ticket_not_a_403(app, client):
    add_employee(app)
    login(client, "pegawai")
    page = client.get(f"/proses/baru?process_key={LTI}").get_data(True)
    started = client.post("/proses/baru", data={
        "csrf_token": csrf_token(page), "process_key": LTI, "title": "Akun Wi-Fi tamu rusak",
        **START_DATA[LTI]})
    assert started.status_code == 302
    with app.app_context():
        instance_id = db.session.scalar(select(ProcessInstance.id))
    assert started.headers["Location"] == f"/tiket/{instance_id}"
    ticket = client.get(started.headers["Location"])
    assert ticket.status_code == 200
    # What he asked for is on his ticket, as the form named it.
    html = ticket.get_data(True)
    for label, value in (("Unit kerja", "Kepaniteraan Pidana"),
                         ("Uraian permintaan", "Printer ruang sidang tidak dapat mencetak")):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html
    mine = client.get("/proses/").get_data(True)
    assert f'href="/tiket/{instance_id}"' in mine and f'href="/proses/{instance_id}"' not in mine
    assert "/laporan/layanan-ti" not in client.get("/laporan/").get_data(True)
    staff = app.test_client()
    login(staff, "prakom")
    assert f'href="/proses/{instance_id}"' in staff.get("/proses/?cakupan=unit").get_data(True)
    assert "/laporan/layanan-ti" in staff.get("/laporan/").get_data(True)


def test_refused_messages_and_ratings_keep_what_was_typed_and_say_why(app, client):
    add_employee(app)
    login(client, "pegawai")
    page = client.get(f"/proses/baru?process_key={LTI}").get_data(True)
    client.post("/proses/baru", data={"csrf_token": csrf_token(page), "process_key": LTI,
                                      "title": "Printer", **START_DATA[LTI]})
    with app.app_context():
        instance_id = db.session.scalar(select(ProcessInstance.id))
    shown = client.get(f"/tiket/{instance_id}").get_data(True)
    long_text = "Printer masih macet. " * 100
    refused = client.post(f"/tiket/{instance_id}/pesan", data={
        "csrf_token": csrf_token(shown), "text": long_text})
    assert refused.status_code == 422
    html = refused.get_data(True)
    assert 'id="text-error">Pesan: tulis 1–2000 karakter' in html
    assert f">{long_text}</textarea>" in html
    staff = app.test_client()
    login(staff, "prakom")
    desk_page = staff.get(f"/tiket/{instance_id}").get_data(True)
    staff.post(f"/tiket/{instance_id}/pesan", data={
        "csrf_token": csrf_token(desk_page), "text": "Merek printernya?", "asks": "ya"})
    assert 'id="ticket-status">menunggu pemohon<' in staff.get(f"/tiket/{instance_id}").get_data(True)
    assert 'id="ticket-status">menunggu Anda<' in client.get(f"/tiket/{instance_id}").get_data(True)
    client.post(f"/tiket/{instance_id}/pesan", data={"csrf_token": csrf_token(shown),
                                                     "text": "Epson"})
    # Not finished: the reason is said, whatever was typed as the score (a 422 for the
    # score was shown on a page with no rating form to show it).
    # Back on the ticket's page (not a page under /nilai that leads to Tiket Saya only).
    for score in ("9", "abc", "", "4"):
        early = client.post(f"/tiket/{instance_id}/nilai", data={
            "csrf_token": csrf_token(shown), "score": score})
        assert early.headers["Location"] == f"/tiket/{instance_id}", score
        assert "Tiket belum selesai; penilaian diberikan setelah selesai." in client.get(
            early.headers["Location"]).get_data(True)
    with app.app_context():  # in his language (found by the regression probe)
        db.session.scalar(select(User).where(User.username == "pegawai")).language = "en"
        db.session.commit()
    client.post(f"/tiket/{instance_id}/nilai", data={"csrf_token": csrf_token(shown),
                                                      "score": "4"})
    assert "The ticket is not done yet; it is rated once it is done." in client.get(
        f"/tiket/{instance_id}").get_data(True)
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "pegawai")).language = "id"
        db.session.commit()
    _finish(client, instance_id)
    done = client.get(f"/tiket/{instance_id}").get_data(True)
    unreadable = client.post(f"/tiket/{instance_id}/nilai", data={
        "csrf_token": csrf_token(done), "score": "1" * 5000})
    assert unreadable.status_code == 422
    shown = unreadable.get_data(True)
    assert '<p class="field-error" id="score-error">pilih nilai 1–5 (bilangan bulat)</p>' in shown
    assert shown.count('aria-invalid="true" aria-describedby="score-error"') == 5, (
        "the radios carry the mark, so the page opens focused on them")
    comment = "Lambat sekali. " * 150
    refused = client.post(f"/tiket/{instance_id}/nilai", data={
        "csrf_token": csrf_token(done), "score": "3", "comment": comment})
    assert refused.status_code == 422
    html = refused.get_data(True)
    assert ('id="comment-error">Komentar paling banyak 2000 karakter</p>' in html
            and f">{comment}</textarea>" in html), "the message names the field"
    assert 'value="3" checked' in html


def test_a_ticket_for_a_service_not_offered_is_refused_not_filed_as_another(app, client):
    add_employee(app)
    login(client, "pegawai")
    page = client.get("/tiket/ajukan").get_data(True)
    for key in ("laporan_tahunan", ""):
        refused = client.post("/tiket/ajukan", data={
            "csrf_token": csrf_token(page), "process_key": key, "title": "x",
            "formulir_layanan": "penanganan_gangguan_server"})
        assert refused.status_code == 422, key
        assert "Layanan diganti" not in refused.get_data(True), "no one changed it (probe)"
        assert 'id="process_key-error">pilih salah satu layanan yang ditawarkan' in (
            refused.get_data(True))
        # Said once, beside its field, without the field's internal name.
        assert refused.get_data(True).count("pilih salah satu layanan") == 1
    with app.app_context():
        assert db.session.scalars(select(ProcessInstance)).all() == []


def test_tiket_saya_past_its_last_page_says_so(app, client):
    add_employee(app)
    login(client, "pegawai")
    page = client.get("/tiket/ajukan").get_data(True)
    client.post("/tiket/ajukan", data={"csrf_token": csrf_token(page), "process_key": LTI,
                                       "title": "Printer", **START_DATA[LTI]})
    past = client.get("/tiket/?halaman=999").get_data(True)
    assert "Halaman 999 kosong: daftar ini punya 1 halaman." in past
    assert 'href="/tiket/?halaman=1">Ke halaman terakhir' in past
    assert "Belum ada tiket" not in past


def test_an_employee_is_offered_only_the_front_door_sops_as_list_filters(app, client):
    add_employee(app)
    login(client, "pegawai")
    offered = re.findall(r'<option value="([a-z_]+)"', client.get("/notifikasi/").get_data(True))
    assert {LTI, "penanganan_gangguan_server"} <= set(offered)
    assert "penyusunan_rkt" not in offered
    # Kinds: only his tickets' notices reach him, so "Tiket" is the one offered.
    assert [kind for kind in offered if kind in FILTER_LABELS] == ["tiket"]
    staff = app.test_client()
    login(staff, "prakom")
    assert 'value="penyusunan_rkt"' in staff.get("/").get_data(True)
    kinds = re.findall(r'<option value="([a-z_]+)"', staff.get("/notifikasi/").get_data(True))
    assert [kind for kind in kinds if kind in FILTER_LABELS] == list(FILTER_LABELS)


def test_the_requester_files_and_cancels_a_tiket_while_officials_keep_proses(app, client):
    """README "Pemohon": a requester's pages speak of his ticket, never of a process."""
    add_employee(app)
    login(client, "pegawai")
    page = client.get(f"/proses/baru?process_key={LTI}").get_data(True)
    started = client.post("/proses/baru", follow_redirects=True, data={
        "csrf_token": csrf_token(page), "process_key": LTI, "title": "Printer",
        **START_DATA[LTI]})
    html = started.get_data(True)
    assert "Tiket LTI-2026-0001 diterima." in html and "dimulai" not in html
    assert "Batalkan tiket" in html and "Batalkan proses" not in html
    ticket_id = started.request.path.rsplit("/", 1)[1]  # led to its page, /tiket/<id>
    cancelled = client.post(f"/proses/{ticket_id}/batalkan", follow_redirects=True, data={
        "csrf_token": csrf_token(html), "reason": "Sudah beres sendiri"}).get_data(True)
    assert "Tiket LTI-2026-0001 dibatalkan." in cancelled and "Proses LTI" not in cancelled
    admin = app.test_client()
    login(admin, "admin")
    form = admin.get(f"/proses/baru?process_key={LTI}").get_data(True)
    opened = admin.post("/proses/baru", follow_redirects=True, data={
        "csrf_token": csrf_token(form), "process_key": LTI, "title": "Server",
        **START_DATA[LTI]})
    assert "Proses LTI-2026-0002 &#34;Server&#34; dimulai." in opened.get_data(True)
    assert opened.request.path.startswith("/proses/")
    assert "Batalkan proses" in admin.get(opened.request.path).get_data(True)
    # An official with a role who files a ticket at the front door cancels it on its page
    # and is led back there, told of his ticket (not the process page he may also open).
    kasubbag = app.test_client()
    login(kasubbag, "kasubbag")
    form = kasubbag.get(f"/tiket/ajukan?process_key={LTI}").get_data(True)
    filed = kasubbag.post("/tiket/ajukan", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(form), "process_key": LTI, "title": "Proyektor",
        **START_DATA[LTI]})
    ticket_page = kasubbag.get(filed.headers["Location"]).get_data(True)
    assert "Batalkan tiket" in ticket_page and 'name="dari" value="tiket"' in ticket_page
    back = kasubbag.post(f"{filed.headers['Location'].replace('/tiket/', '/proses/')}/batalkan",
                         data={"csrf_token": csrf_token(ticket_page), "reason": "Tidak jadi",
                               "dari": "tiket"}, follow_redirects=True)
    assert back.request.path == filed.headers["Location"]
    assert "Tiket LTI-2026-0003 dibatalkan." in back.get_data(True)


def test_the_task_page_of_a_tickets_step_leads_to_the_conversation(app, client):
    """The official handling a ticket reads and answers the requester on the ticket page,
    which whoever may view the step may open (README "Pemohon")."""
    add_employee(app)
    instance_id = client.post("/api/v1/instances", headers=api_token(client, "pegawai"),
                              json={"process_key": LTI, "title": "Printer",
                                    "data": START_DATA[LTI]}).json["id"]
    login(client, "prakom")
    with app.app_context():
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance_id))
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert f'<a href="/tiket/{instance_id}">Percakapan dengan pemohon</a>' in page
    ticket = client.get(f"/tiket/{instance_id}")
    assert ticket.status_code == 200
    # The heading as the link names it, for the official; the running ticket offers no rating.
    assert "<h2>Percakapan dengan pemohon</h2>" in ticket.get_data(True)
    assert "Penilaian" not in ticket.get_data(True)
    assert _menu_marked(ticket.get_data(True)) == [], "the desk's reader: not his Tiket Saya"
    login(client, "pegawai")
    own = client.get(f"/tiket/{instance_id}").get_data(True)
    assert "<h2>Percakapan dengan petugas</h2>" in own
    assert _menu_marked(own) == [("Tiket Saya", "true")]
    assert "Penilaian" not in own and "Belum dinilai" not in own
    login(client, "prakom")
    other = client.post("/api/v1/instances", headers=api_token(client, "prakom"), json={
        "process_key": "penyusunan_rkt", "title": "RKT", "data": {"tahun": 2027}})
    other_task = other.json["open_tasks"][0]["id"]
    login(client, "kasubbag")
    assert "Percakapan dengan pemohon" not in client.get(f"/tugas/{other_task}").get_data(True)


def test_the_file_field_says_which_files_it_takes_before_one_is_chosen(app, client):
    """The picker offers only the kinds Alur stores, and the field says them with the
    size: an employee learned both only from the refusal."""
    add_employee(app)
    login(client, "pegawai")
    page = client.get("/tiket/ajukan").get_data(True)
    field = re.search(r'<input id="lampiran"[^>]*>', page).group(0)
    assert 'accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt,.ods,.txt,.csv"' in field
    assert ("Jenis berkas: PDF, PNG, JPG, DOCX, XLSX, ODT, ODS, TXT, CSV; paling besar 10 MB "
            "per berkas.") in page


def test_the_triage_says_what_each_priority_promises(app, client, clock):
    """The desk probe: the Kasubbag chose among bare kritis, mayor and minor; the
    regression probe: as the ticket was reported, not as the setting stands now."""
    add_employee(app)
    login(client, "pegawai")
    instance_id = file_ticket(app, client, "Printer", prioritas="mayor")
    # Until the triage, his priority is said to be his proposal (the requester probe).
    assert "<dd>mayor (usulan Anda, belum ditetapkan petugas)</dd>" in client.get(
        f"/tiket/{instance_id}").get_data(True)
    admin = api_token(client, "admin")
    for _ in range(8):
        [task] = client.get(f"/api/v1/instances/{instance_id}", headers=admin).json["open_tasks"]
        if task["name"].startswith("Menentukan"):
            break
        client.post(f"/api/v1/tasks/{task['id']}/complete",
                    headers=api_token(client, username_for(task["role"])), json={"data": {}})
    clock.advance(timedelta(minutes=5))
    with app.app_context():
        settings.save(db.session, clock, None, {"sla_minor": "PT2H"})
        db.session.commit()
    login(client, "kasubbag")
    shown = client.get(f"/tugas/{task['id']}").get_data(True)
    assert ("Target penyelesaian, dihitung dari waktu laporan — kritis: 1 jam, siang dan "
            "malam; mayor: 4 jam kerja; minor: 1 hari kerja.") in shown
    assert "<dd>mayor (usulan pemohon, belum ditetapkan)</dd>" in client.get(
        f"/tiket/{instance_id}").get_data(True)
    assert client.post(f"/api/v1/tasks/{task['id']}/complete", headers=api_token(
        client, "kasubbag"), json={"data": {"prioritas": "kritis"}}).status_code == 200
    assert "<dt>Prioritas</dt><dd>kritis</dd>" in client.get(f"/tiket/{instance_id}").get_data(
        True), "set by the triage: no longer a proposal"


def _menu_marked(page: str) -> list[tuple[str, str]]:
    """The main menu's links marked current on ``page``: (text, aria-current)."""
    return [(a.text.strip(), a.get("aria-current")) for a in html.fromstring(page).xpath(
        "//nav[@aria-label='Menu utama']//a[@aria-current]")]
