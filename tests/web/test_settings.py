"""Administrators set the office's channels, chain and calendar; users their e-mail."""

from datetime import timedelta

from sqlalchemy import select, update

from engine import settings
from engine.models import AuditRecord, Escalation, ProcessInstance, Setting, User
from tests.conftest import csrf_token
from tests.web.conftest import PASSWORD, api_token, login, refused_login
from tests.web.test_alerts_api import FIRING, add_source
from web.cli.worker import fire_once, run_round
from web.extensions import db

FORM = {"multiples": "1, 1, 2", "timezone": "Asia/Makassar", "ramadan": "2027-02-08 2027-03-09",
        "added": "2026-11-24 Syukuran kantor", "removed": "2026-12-24",
        "smtp_host": "mail.pn.go.id", "smtp_port": "587", "smtp_username": "alur",
        "smtp_password": "rahasia", "smtp_sender": "alur@pn.go.id", "smtp_starttls": "on",
        "webhook_url": "https://chat.pn.go.id/hook"}


def _post(client, form):
    token = csrf_token(client.get("/admin/pengaturan").get_data(True))
    return client.post("/admin/pengaturan", data={**form, "csrf_token": token})


def test_admin_saves_settings(app, client):
    login(client, "admin")
    assert _post(client, FORM).status_code == 302
    with app.app_context():
        assert settings.get(db.session, "escalation") == {"multiples": [1, 1, 2]}
        assert settings.get(db.session, "calendar") == {
            "timezone": "Asia/Makassar", "ramadan": [{"start": "2027-02-08", "end": "2027-03-09"}],
            "added": {"2026-11-24": "Syukuran kantor"}, "removed": ["2026-12-24"]}
        stored = settings.get(db.session, "smtp")["password"]
        assert stored.startswith("fernet:") and "rahasia" not in stored, "sealed"
        assert settings.smtp_for_sending(db.session, "uji", None)["password"] == "rahasia"
        assert settings.smtp_for_sending(db.session, "uji", "dari-env")["password"] == "dari-env"
        assert settings.get(db.session, "webhook") == {"url": "https://chat.pn.go.id/hook",
                                                       "secret": ""}
    assert _post(client, {**FORM, "smtp_password": ""}).status_code == 302
    with app.app_context():
        assert settings.get(db.session, "smtp")["password"] == stored, "empty keeps it"


def _changes(app) -> list[dict]:
    with app.app_context():
        return [record.detail for record in db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "settings.changed")
            .order_by(AuditRecord.id))]


def test_the_audit_names_each_changed_field_with_old_and_new_and_hides_secrets(app, client):
    login(client, "admin")
    hook = "https://chat.pn.go.id/hook/T0K3N-rahasia?key=abc"
    assert _post(client, {**FORM, "webhook_url": hook}).status_code == 302
    [first] = _changes(app)
    assert first["keys"] == ["calendar", "escalation", "smtp", "webhook"]
    assert first["changes"]["smtp.host"] == {"old": "", "new": "mail.pn.go.id"}
    assert first["changes"]["smtp.password"] == {"old": "", "new": "***"}
    assert first["changes"]["webhook.url"] == {"old": "", "new": "https://chat.pn.go.id/***"}
    assert first["changes"]["escalation.multiples"] == {"old": [1, 2, 3], "new": [1, 1, 2]}
    assert "rahasia" not in str(first) and "T0K3N" not in str(first) and "fernet" not in str(
        first)
    # The same form again (the password field is never shown back, so it comes empty).
    same = _post(client, {**FORM, "webhook_url": hook, "smtp_password": ""})
    assert same.status_code == 302
    assert "Tidak ada yang berubah" in client.get(same.headers["Location"]).get_data(True)
    assert len(_changes(app)) == 1
    _post(client, {**FORM, "webhook_url": hook, "smtp_password": "", "smtp_port": "465"})
    assert _changes(app)[1] == {"keys": ["smtp"],
                                "changes": {"smtp.port": {"old": 587, "new": 465}}}
    _post(client, {**FORM, "webhook_url": hook, "smtp_port": "465", "smtp_password": "baru"})
    assert _changes(app)[2]["changes"] == {"smtp.password": {"old": "***", "new": "***"}}
    token = csrf_token(client.get("/admin/pengaturan").get_data(True))
    for _ in range(2):
        saved = client.post("/admin/pengaturan/identitas", data={
            "csrf_token": token, "office": "PA Bima", "unit": ""})
    assert "Tidak ada yang berubah" in client.get(saved.headers["Location"]).get_data(True)
    assert [d["changes"] for d in _changes(app)[3:]] == [
        {"identity.office": {"old": "", "new": "PA Bima"}}]


def test_bad_settings_name_the_field_and_store_nothing(app, client):
    login(client, "admin")
    response = _post(client, {**FORM, "multiples": "2, 1", "webhook_url": "ftp://x",
                              "added": "besok libur", "smtp_base_url": "alur.pn.go.id"})
    page = response.get_data(True)
    assert response.status_code == 422
    assert ('id="multiples-error">Tulis kelipatan bilangan bulat naik, misalnya 1, 2, 3: bagian '
            "ke-2 (1) lebih kecil dari sebelumnya (2).") in page
    for multiples, why in (("1,,2", "bagian ke-2 kosong"),
                           ("0, 1", "bagian ke-1 (&#34;0&#34;) bukan bilangan bulat 1 atau lebih"),
                           ("1, -1", "bagian ke-2 (&#34;-1&#34;) bukan bilangan bulat 1 atau "
                                     "lebih")):
        assert f"1, 2, 3: {why}." in _post(client, {**FORM, "multiples": multiples}).get_data(
            True), multiples
    assert 'id="webhook_url-error">Alamat webhook harus diawali http' in page
    assert 'id="added-error">Baris 1: tanggal harus berbentuk TTTT-BB-HH, tahun 2000–2100.' \
        in page
    for added, why in (("2026-12-01 Rapat\n2026-02-30 Syukuran", "Baris 2: 2026-02-30 tidak ada "
                        "di kalender; periksa bulan dan tanggalnya."),
                       ("1999-12-31 Lama", "Baris 1: tanggal harus berbentuk TTTT-BB-HH, tahun "
                        "2000–2100.")):
        assert f'id="added-error">{why}' in _post(client, {**FORM, "added": added}).get_data(
            True), added
    assert 'id="smtp_base_url-error">Alamat Alur harus diawali http:// atau https://' in page
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []


def test_addresses_no_parser_reads_are_refused_beside_their_field(app, client):
    login(client, "admin")
    # No resolver reads these hosts: a webhook there was queued and retried without end.
    for base_url, webhook_url in (("http://[::1", "http://[abc"), ("https://[abc]/", "http://a]b/"),
                                  ("https://alur.go.id:99999", "https://chat.go.id:x/hook"),
                                  ("https://:443", "http:///hook"),
                                  ("http://a b", "http://exa mple.com/x"),
                                  ("https://-alur.go.id", "http://<x>/hook")):
        response = _post(client, {**FORM, "smtp_base_url": base_url, "webhook_url": webhook_url})
        page = response.get_data(True)
        assert response.status_code == 422, (base_url, webhook_url)
        assert 'id="smtp_base_url-error">Alamat Alur harus diawali http' in page, base_url
        assert 'id="webhook_url-error">Alamat webhook harus diawali http:// atau https:// dan ' \
            "berisi nama host (serta port 1–65535) yang terbaca." in page, webhook_url
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []


def test_calendar_lines_take_only_what_the_form_asks_for(app, client):
    login(client, "admin")
    for field, text, message in (
            ("added", "20261230 Libur", "Baris 1: tanggal harus berbentuk TTTT-BB-HH"),
            ("added", "2026-12-30 Libur\n2026W535 Libur", "Baris 2: tanggal harus berbentuk"),
            ("added", "2026-12-30 " + "k" * 201, "Baris 1: keterangan paling banyak 200 karakter."),
            ("removed", "2026-12-24 dibatalkan", "Baris 1: tulis satu tanggal saja, tanpa keterangan."),
            ("removed", "2026-W52-4", "Baris 1: tanggal harus berbentuk TTTT-BB-HH"),
            ("ramadan", "20270208 20270309", 'Baris 1: "20270208" bukan tanggal (TTTT-BB-HH).'),
            ("ramadan", "2027-02-30 2027-03-09", 'Baris 1: "2027-02-30" bukan tanggal '
                                                 "(TTTT-BB-HH)."),
            ("removed", "2027-01-04", "Baris 1: 2027-01-04 bukan hari libur nasional atau cuti "
                                      "bersama (lihat daftarnya di bawah), jadi sudah hari "
                                      "kerja; periksa tanggalnya."),
            ("ramadan", "2026-12-20 2026-12-01", "Baris 1: tanggal akhir 2026-12-01 sebelum "
                                                 "tanggal awal 2026-12-20; tulis awal lalu akhir."),
            ("removed", "2026-11-24", "Tanggal 2026-11-24 tertulis juga sebagai hari libur "
                                      "tambahan; tulis di salah satu daftar saja.")):
        response = _post(client, {**FORM, "added": "2026-11-24 Syukuran", field: text}
                         if field == "removed" else {**FORM, field: text})
        assert response.status_code == 422, (field, text)
        page = response.get_data(True).replace("&#39;", "'").replace("&#34;", '"')
        assert f'id="{field}-error">{message}' in page, text
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []
    assert _post(client, {**FORM, "added": "2026-12-30\t" + "k" * 200}).status_code == 302
    with app.app_context():
        assert settings.get(db.session, "calendar")["added"] == {"2026-12-30": "k" * 200}


def test_overlong_odd_or_clashing_settings_are_refused_beside_their_field(app, client):
    login(client, "admin")
    response = _post(client, {
        **FORM, "multiples": "1, " + "9" * 5000, "plh_max_days": "9" * 5000,
        "smtp_port": "9" * 5000, "smtp_host": "h" * 254, "smtp_password": "p" * 501,
        "smtp_sender": "bukan alamat <script>", "webhook_url": "https://x.go.id/" + "a" * 2000,
        "ramadan": "0001-01-01 9999-12-31\n2027-02-08 2027-03-09 sisa\n"
                   "2027-02-08 2027-03-09\n2027-02-10 2027-03-01",
        "added": "2026-11-24 Syukuran\n2026-11-24 Lagi"})
    page = response.get_data(True).replace("&#39;", "'")
    assert response.status_code == 422
    for field, message in (
            ("multiples", "Tulis kelipatan bilangan bulat naik"),
            ("plh_max_days", "Masa Plh harus bilangan bulat 1–365 hari."),
            ("smtp_port", "Port harus angka 1–65535."),
            ("smtp_host", "Paling banyak 253 karakter."),
            ("smtp_password", "Paling banyak 500 karakter."),
            ("smtp_sender", "Alamat pengirim harus satu alamat surel"),
            ("webhook_url", "Paling banyak 2000 karakter."),
            ("ramadan", "Baris 1: tahun harus 2000–2100. Baris 2: tulis dua tanggal saja"),
            ("added", "Baris 2: tanggal 2026-11-24 sudah ditulis di baris lain.")):
        assert f'id="{field}-error">{message}' in page, field
    assert "Baris 4: bertumpang tindih dengan periode di atasnya.</p>" in page
    assert 'name="smtp_starttls" checked' in page, "the ticked box stays ticked"
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []
    for ramadan, message in (
            ("0001-01-01 9999-12-31", "Baris 1: tahun harus 2000–2100."),
            ("2027-02-08 2027-03-09 sisa", "Baris 1: tulis dua tanggal saja, awal lalu akhir, "
                                           "mis. '2027-02-08 2027-03-09' (tanpa keterangan).")):
        refused = _post(client, {**FORM, "ramadan": ramadan})
        assert f'id="ramadan-error">{message}' in refused.get_data(True).replace(
            "&#39;", "'"), ramadan


def test_an_escalation_multiple_over_ten_is_refused(app, client):
    login(client, "admin")
    response = _post(client, {**FORM, "multiples": "1, 2, 11"})
    assert response.status_code == 422
    assert ('id="multiples-error">Kelipatan paling besar 10 (10 kali Waktu langkahnya); yang '
            "ditulis 11.") in response.get_data(True)
    eleven = _post(client, {**FORM, "multiples": ", ".join(["1"] * 11)}).get_data(True)
    assert 'id="multiples-error">Paling banyak 10 tingkat eskalasi; yang ditulis 11.' in eleven
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []


def test_digits_of_other_scripts_and_gaps_or_repeats_in_the_chain_are_refused(app, client):
    """Only 0–9 make a number (int() also takes "١٢"); the chain's multiples never fall
    and have no empty part between the commas; a refused form changes no stored setting."""
    login(client, "admin")
    assert _post(client, FORM).status_code == 302
    with app.app_context():
        stored = {row.key: row.value for row in db.session.scalars(select(Setting))}
    naik = "Tulis kelipatan bilangan bulat naik"
    for field, value, message in (
            ("smtp_port", "٥٨٧", "Port harus angka 1–65535."),  # ٥٨٧
            ("smtp_port", "５８７", "Port harus angka 1–65535."),  # fullwidth
            ("plh_max_days", "١٢", "Masa Plh harus bilangan bulat 1–365 hari."),
            ("multiples", "١, ٢", naik),
            ("multiples", "1,,2", naik),
            ("multiples", "1; ;2", naik),
            ("multiples", "1, 2,", naik),
            ("multiples", "2, 1", naik),
            ("multiples", "1, 3, 2", naik)):
        refused = _post(client, {**FORM, field: value})
        assert refused.status_code == 422, value
        assert f'id="{field}-error">{message}' in refused.get_data(True), value
        with app.app_context():
            assert {row.key: row.value for row in db.session.scalars(select(Setting))} == (
                stored), value


def test_the_page_lists_the_holidays_alur_counts_this_year_and_next(client, clock):
    login(client, "admin")
    page = " ".join(client.get("/admin/pengaturan").get_data(True).split())
    assert "Hari libur nasional dan cuti bersama yang sudah dihitung Alur" in page
    assert ('<time datetime="2026-12-24">2026-12-24</time> Cuti Bersama Hari Raya Natal'
            in page)
    assert ('<time datetime="2027-03-10">2027-03-10</time> Hari Raya Idul Fitri (perkiraan)'
            in page)
    assert 'datetime="2028-' not in page
    assert _post(client, {**FORM, "removed": "2026-12-24"}).status_code == 302
    page = " ".join(client.get("/admin/pengaturan").get_data(True).split())
    assert ('<time datetime="2026-12-24">2026-12-24</time> Cuti Bersama Hari Raya Natal <span '
            'class="tag">tetap masuk kerja</span>') in page


def test_only_administrators_reach_settings(client):
    login(client, "kasubbag")
    assert client.get("/admin/pengaturan").status_code == 403


def test_office_chain_and_added_holiday_take_effect(app, client, clock):
    login(client, "admin")
    _post(client, {**FORM, "timezone": "Asia/Jakarta", "added": "2026-11-23 Libur kantor"})
    # Monday 23 Nov is now the office's holiday: "1 jam" from Monday 08.00 runs on Tuesday.
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                          json={"process_key": "penanganan_gangguan_server", "title": "x"}).json
    assert started["open_tasks"][0]["due_at"] == "2026-11-24T01:30:00+00:00"  # Tue 08.30 WIB
    clock.set(clock.now() + timedelta(days=1, minutes=30))
    assert fire_once(app) == 1
    assert fire_once(app) == 1  # multiples "1, 1, 2": level 2 falls due with level 1
    with app.app_context():
        assert sorted(db.session.scalars(select(Escalation.level))) == [1, 2]


def test_a_holiday_added_later_moves_the_deadline_of_a_step_already_open(app, client):
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "penanganan_gangguan_server", "title": "x"}).json
    [task] = started["open_tasks"]
    assert task["due_at"] == "2026-11-23T02:00:00+00:00"  # Monday 09.00 WIB
    login(client, "admin")
    assert _post(client, {**FORM, "timezone": "Asia/Jakarta",
                          "added": "2026-11-23 Libur kantor"}).status_code == 302
    run_round(app)
    # 1 jam from Tuesday's 07.30, the office's first working minute after the holiday.
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=prakom).json["due_at"] == \
        "2026-11-24T01:30:00+00:00"
    page = client.get(f"/proses/{started['id']}").get_data(True)
    assert ("Batas waktu langkah dihitung ulang: kalender kantor berubah — "
            f"“{task['name']}” 23 Nov 2026 09.00 WIB → 24 Nov 2026 08.30 WIB") in \
        " ".join(page.split())


def test_user_sets_own_email(app, client):
    login(client, "prakom")
    token = csrf_token(client.get("/akun/").get_data(True))
    bad = client.post("/akun/", data={"email": "bukan-surel", "csrf_token": token})
    assert bad.status_code == 422 and "Alamat surel tidak valid" in bad.get_data(True)
    long = client.post("/akun/", data={"email": "a" * 309 + "@pa-bima.go.id", "csrf_token": token})
    assert long.status_code == 422 and "Alamat surel paling banyak 320 karakter." in (
        long.get_data(True)), "too long, said as such"
    assert client.post("/akun/", data={"email": "prakom@pa-bima.go.id",
                                       "csrf_token": token}).status_code == 302
    assert client.post("/akun/", data={"email": "prakom@pa-bima.go.id", "language": "en",
                                       "csrf_token": token}).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "prakom"))
        assert user.email == "prakom@pa-bima.go.id"
        # Saving the language alone records no change of address.
        assert db.session.scalars(select(AuditRecord.action).where(
            AuditRecord.action.like("user.%_changed")).order_by(AuditRecord.id)).all() == [
            "user.email_changed", "user.language_changed"]


def test_user_changes_own_password(app, client):
    login(client, "prakom")
    token = csrf_token(client.get("/akun/").get_data(True))
    refused = client.post("/akun/kata-sandi", data={
        "csrf_token": token, "current_password": "salah", "new_password": "pendek",
        "confirm_password": "pendek"})
    page = refused.get_data(True)
    assert refused.status_code == 422
    assert 'id="current_password-error">Kata sandi sekarang salah.' in page
    assert 'id="new_password-error">Kata sandi baru paling sedikit 10 karakter.' in page
    empty = client.post("/akun/kata-sandi", data={
        "csrf_token": token, "current_password": "", "new_password": "sandi-baru-2026",
        "confirm_password": "sandi-baru-2026"})
    assert empty.status_code == 422
    assert 'id="current_password-error">Kata sandi sekarang wajib diisi.' in empty.get_data(True)
    assert client.post("/akun/kata-sandi", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": "sandi-baru-2026",
        "confirm_password": "sandi-baru-2026"}).status_code == 302
    client.post("/keluar", data={"csrf_token": token})
    assert refused_login(login(client, "prakom")), "the old password no longer works"
    assert login(client, "prakom", "sandi-baru-2026").status_code == 302


def test_an_escalation_chain_of_more_than_ten_levels_is_refused(app, client):
    login(client, "admin")
    ten = ", ".join(["1"] * 10)
    assert _post(client, {**FORM, "multiples": ten}).status_code == 302
    response = _post(client, {**FORM, "multiples": ", ".join(["1"] * 500)})
    assert response.status_code == 422
    assert 'id="multiples-error">Paling banyak 10 tingkat eskalasi' in response.get_data(True)
    with app.app_context():
        assert settings.get(db.session, "escalation") == {"multiples": [1] * 10}
        db.session.execute(update(Setting).where(Setting.key == "escalation").values(
            value={"multiples": [1] * 500}))  # stored before the limit
        db.session.commit()
    with app.app_context():
        assert settings.escalation_multiples(db.session) == [1] * 10


def test_the_service_desk_settings_are_set_on_the_page_and_used(app, client):
    login(client, "admin")
    refused = _post(client, {**FORM, "sla_minor": "2 hari", "priority_info": "sedang"})
    assert refused.status_code == 422
    page = refused.get_data(True)
    assert 'id="sla_minor-error">Tulis durasi ISO 8601 waktu kerja' in page
    assert 'id="priority_info-error">Pilih kritis, mayor atau minor.' in page
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []
    for nothing in ("PT0S", "P0D", "PT30S"):  # every minor ticket late as it is filed
        zero = _post(client, {**FORM, "sla_minor": nothing})
        assert zero.status_code == 422, nothing
        assert "paling pendek 1 menit" in zero.get_data(True)
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []
    assert _post(client, {**FORM, "sla_minor": "pt4h", "priority_info": "mayor"}
                 ).status_code == 302
    with app.app_context():
        assert settings.get(db.session, "sla_minor") == "PT4H"
        assert settings.get(db.session, "alert_priorities") == {
            "critical": "kritis", "warning": "mayor", "info": "mayor"}
    source = add_source(app, "prometheus", "alertmanager")
    alert = {**FIRING["alerts"][0], "labels": {**FIRING["alerts"][0]["labels"],
                                                "severity": "info"}}
    opened = client.post("/api/v1/alerts", headers=source, json={**FIRING, "alerts": [alert]})
    assert opened.status_code == 202, opened.json
    with app.app_context():
        [instance_id] = opened.json["instances"]
        assert db.session.get(ProcessInstance, instance_id).data["prioritas"] == "mayor"


def test_the_page_keeps_a_history_of_who_changed_which_setting(app, client):
    login(client, "admin")
    assert "Pengaturan belum pernah diubah." in client.get("/admin/pengaturan").get_data(True)
    assert _post(client, {**FORM, "timezone": "Asia/Jakarta"}).status_code == 302
    assert _post(client, {**FORM, "timezone": "Asia/Jakarta",
                          "added": "2026-12-31 Libur kantor"}).status_code == 302
    page = " ".join(client.get("/admin/pengaturan").get_data(True).split())
    newest = page.index("Kalender kerja · hari libur tambahan: 2026-11-24: Syukuran kantor → "
                        "2026-12-31: Libur kantor")
    assert page.index("Surel (SMTP) · kata sandi: — → ***") > newest
    assert page.index("Kalender kerja · periode Ramadan: — → 2027-02-08–2027-03-09") > newest
    assert page.index("Surel (SMTP) · STARTTLS: tidak → ya") > newest
    assert "{&#34;" not in page.split('id="h-riwayat"')[1], "no record's JSON"
    assert "rahasia" not in page
    assert page.count('<td data-label="Oleh">Administrator <span class="hint">(admin)</span></td>'
                      ) == 2, "the name with the username Jejak audit's filter takes"
    assert _post(client, {**FORM, "timezone": "Asia/Jakarta", "added": "2027-01-04"}
                 ).status_code == 302
    page = " ".join(client.get("/admin/pengaturan").get_data(True).split())
    assert "tambahan: 2026-12-31: Libur kantor → 2027-01-04</span>" in page, "not 2027-01-04: —"
