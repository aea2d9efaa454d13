"""Alert sources over their life: the administrator sees which source still sends, and
replaces a token that leaked (``alur alerts rotate-token``, the Ganti token button): the
old token is refused from then on, the new one works, the change is audited."""

import html
import re
from datetime import timedelta

from sqlalchemy import select

from engine import settings
from engine.models import AlertSource, AuditRecord, User
from tests.conftest import csrf_token
from tests.web.conftest import login
from tests.web.test_alerts_api import FIRING, add_source, incidents, kuma
from web.extensions import db

HEADER = "NAMA\tJENIS\tAKUN\tSTATUS\tDIBUAT\tTERAKHIR MENERIMA"


def _rotated(app, name: str) -> list[AuditRecord]:
    with app.app_context():
        return [record for record in db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "alert_source.token_rotated"))
            if record.detail.get("name") == name]


def _via(app, action: str) -> str:
    with app.app_context():
        return db.session.scalar(select(AuditRecord).where(
            AuditRecord.action == action)).detail["via"]


def _post(client, headers) -> int:
    return client.post("/api/v1/alerts", headers=headers, json=FIRING).status_code


def test_rotate_token_refuses_the_old_token_and_prints_the_new_one_once(app, client):
    old = add_source(app, "prometheus", "alertmanager")
    result = app.test_cli_runner().invoke(args=["alerts", "rotate-token", "prometheus"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ("token bearer baru sumber prometheus (dicetak sekali ini saja; "
                             "token lama tidak berlaku lagi):\n")
    new = {"Authorization": f"Bearer {result.stdout.strip()}"}
    assert new != old
    assert _post(client, old) == 401
    assert incidents(app) == []
    assert _post(client, new) == 202
    assert len(incidents(app)) == 1
    [record] = _rotated(app, "prometheus")
    assert record.actor_id is None and record.detail["via"]
    with app.app_context():
        assert result.stdout.strip() not in db.session.scalar(select(AlertSource.token_hash))


def _once(page: str) -> str:
    return re.search(r'name="sekali" value="([0-9a-f]{32})"', page).group(1)


def test_a_source_is_named_in_any_case_as_its_name_is_lower_case(app, client):
    old = add_source(app, "prometheus", "alertmanager")
    result = app.test_cli_runner().invoke(args=["alerts", "rotate-token", "PROMETHEUS"])
    assert result.exit_code == 0, result.output
    assert _post(client, old) == 401
    assert len(_rotated(app, "prometheus")) == 1


def test_rotating_a_source_that_does_not_exist_names_it_and_changes_nothing(app, client):
    kept = add_source(app, "prometheus", "alertmanager")
    result = app.test_cli_runner().invoke(args=["alerts", "rotate-token", "prometeus"])
    assert result.exit_code == 1
    assert result.output.partition(": ")[2] == "NAMA: sumber prometeus tidak ada\n"
    assert _rotated(app, "prometeus") == []
    assert _post(client, kept) == 202


def test_the_list_says_when_each_source_last_sent_and_whether_it_is_refused(
        app, client, clock):
    headers = add_source(app, "prometheus", "alertmanager")
    add_source(app, "kuma-kantor", "uptime-kuma")
    runner = app.test_cli_runner()
    created = "23 Nov 2026 08.00 WIB"
    assert clock.now().isoformat() == "2026-11-23T01:00:00+00:00"  # 08.00 WIB
    assert runner.invoke(args=["alerts", "list"]).stdout.splitlines() == [
        HEADER,
        f"kuma-kantor\tuptime-kuma\tpantau.kuma_kantor\taktif\t{created}\tbelum pernah",
        f"prometheus\talertmanager\tpantau.prometheus\taktif\t{created}\tbelum pernah"]
    clock.advance(timedelta(minutes=90))
    assert _post(client, headers) == 202
    refused = client.post("/api/v1/alerts", headers=headers, json={"version": "3"})
    assert refused.status_code == 422  # a refused webhook is not what it last sent
    clock.advance(timedelta(minutes=30))
    assert client.post("/api/v1/alerts", headers=headers, json={"version": "3"}
                       ).status_code == 422
    assert runner.invoke(args=["user", "disable", "pantau.kuma_kantor"]).exit_code == 0
    assert runner.invoke(args=["alerts", "list"]).stdout.splitlines()[1:] == [
        f"kuma-kantor\tuptime-kuma\tpantau.kuma_kantor\tnonaktif\t{created}\tbelum pernah",
        f"prometheus\talertmanager\tpantau.prometheus\taktif\t{created}\t"
        "23 Nov 2026 09.30 WIB"]


def test_the_admin_page_shows_the_last_webhook_and_replaces_a_token(app, client, clock):
    headers = add_source(app, "kuma-kantor", "uptime-kuma")
    login(client, "admin")
    page = client.get("/admin/sumber-peringatan").get_data(True)
    assert "belum pernah" in page and "pantau.kuma_kantor" in page
    clock.advance(timedelta(minutes=5))
    pending = client.post("/api/v1/alerts", headers=headers, json=kuma(2, "2026-11-23 01:05:00"))
    assert pending.json == {"instances": [], "ignored": 1}
    page = client.get("/admin/sumber-peringatan").get_data(True)
    assert "23 Nov 2026 08.05 WIB" in page and "belum pernah" not in page
    with app.app_context():
        source_id = db.session.scalar(select(AlertSource.id))
    url = f"/admin/sumber-peringatan/{source_id}/token"
    assert f'href="{url}"' in page  # a link to a page that says what it does, no button
    asked = client.get(url).get_data(True)
    assert "Token lama langsung ditolak" in asked and "Ya, ganti token" in asked
    assert _rotated(app, "kuma-kantor") == []
    assert client.post(url).status_code == 400  # no CSRF token: nothing replaced
    assert _rotated(app, "kuma-kantor") == []
    form = {"csrf_token": csrf_token(asked), "sekali": _once(asked)}
    replaced = client.post(url, data=form)
    assert replaced.status_code == 200 and replaced.headers["Cache-Control"] == "no-store"
    shown = replaced.get_data(True)
    assert "Token baru sumber kuma-kantor" in shown and "token lama sudah tidak berlaku" in shown
    token = re.search(r'<code id="token">([^<]+)</code>', shown).group(1)
    down = kuma(0, "2026-11-23 01:06:00")
    assert client.post("/api/v1/alerts", headers=headers, json=down).status_code == 401
    assert client.post("/api/v1/alerts", headers={"Authorization": f"Bearer {token}"},
                       json=down).status_code == 202
    # Reloading the page that shows the token sends its form again: nothing is replaced.
    again = client.post(url, data=form)
    assert again.status_code == 302 and again.headers["Location"] == "/admin/sumber-peringatan"
    [record] = _rotated(app, "kuma-kantor")
    with app.app_context():
        assert db.session.get(AuditRecord, record.id).actor.username == "admin"
    history = client.get("/admin/sumber-peringatan/riwayat").get_data(True)
    assert history.index("Token sumber kuma-kantor diganti") < history.index(
        "Sumber kuma-kantor (uptime-kuma) ditambahkan")
    with app.app_context():
        admin = db.session.scalar(select(User.full_name).where(User.username == "admin"))
    assert re.findall(r'<td data-label="Oleh">(.*?)</td>', history) == [
        f'{admin} <span class="hint">(admin)</span>', "baris perintah (alur) — " + _via(app, "alert_source.added")]
    assert client.post(f"/admin/sumber-peringatan/{source_id + 1}/token",
                       data={"csrf_token": csrf_token(page)}).status_code == 404
    other = app.test_client()
    login(other, "prakom")
    assert other.post(url, data={"csrf_token": csrf_token(
        other.get("/").get_data(True))}).status_code == 403
    assert other.get(url).status_code == 403
    assert other.get("/admin/sumber-peringatan/riwayat").status_code == 403
    assert len(_rotated(app, "kuma-kantor")) == 1


def test_a_refused_source_name_is_explained_before_and_after_in_the_reader_s_language(
        app, client):
    """The English admin probe: no format given beforehand, and the refusal Indonesian on
    an English page."""
    login(client, "admin")
    client.post("/akun/", data={"language": "en", "email": "",
                                "csrf_token": csrf_token(client.get("/akun/").get_data(True))})
    page = client.get("/admin/sumber-peringatan").get_data(True)
    assert ('<p class="hint" id="name-hint">2–41 lower-case letters, digits or -, a letter or '
            "digit first, e.g. prometheus-kantor; its account is pantau.prometheus_kantor (- "
            "becomes _)</p>") in page
    refused = client.post("/admin/sumber-peringatan", data={
        "csrf_token": csrf_token(page), "name": "Kantor Pusat", "kind": "alertmanager"})
    assert refused.status_code == 422
    assert ("the name: 2–41 lower-case letters, digits or &#39;-&#39;, a letter or digit first"
            in refused.get_data(True))
    with app.app_context():
        assert db.session.scalars(select(AlertSource)).all() == []


def test_an_empty_source_name_is_said_to_be_required(app, client):
    login(client, "admin")
    page = client.get("/admin/sumber-peringatan").get_data(True)
    refused = client.post("/admin/sumber-peringatan", data={
        "csrf_token": csrf_token(page), "name": " ", "kind": "alertmanager"})
    assert refused.status_code == 422
    assert "nama wajib diisi" in refused.get_data(True)
    with app.app_context():
        assert db.session.scalars(select(AlertSource)).all() == []


def test_a_new_source_s_page_says_how_to_set_up_its_tool_with_the_full_address(app, client):
    """The administrator probe: only the token and the bare path /api/v1/alerts were shown;
    the header, the full address and the tool's settings were in the README only."""
    login(client, "admin")
    page = client.get("/admin/sumber-peringatan").get_data(True)
    assert ("webhook ke http://localhost/api/v1/alerts dengan token sumbernya di kepala "
            "Authorization: Bearer") in page
    added = client.post("/admin/sumber-peringatan", data={
        "csrf_token": csrf_token(page), "name": "prometheus-kantor", "kind": "alertmanager"})
    shown = added.get_data(True)
    assert added.status_code == 200 and added.headers["Cache-Control"] == "no-store"
    token = re.search(r'<code id="token">([^<]+)</code>', shown).group(1)
    # With its route: a receiver alone is never sent anything (the regression probe).
    assert ("<pre><code>route:\n  receiver: alur\n  group_by: [alertname]\nreceivers:\n"
            "  - name: alur\n    webhook_configs:\n"
            "      - url: http://localhost/api/v1/alerts\n        send_resolved: true\n"
            "        http_config:\n          authorization: {credentials: " + token + "}"
            ) in shown
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                          "base_url": "https://alur.pa-bima.go.id"})
        db.session.commit()
    page = client.get("/admin/sumber-peringatan").get_data(True)
    kuma = html.unescape(client.post("/admin/sumber-peringatan", data={
        "csrf_token": csrf_token(page), "name": "kuma", "kind": "uptime-kuma"}).get_data(True))
    token = re.search(r'<code id="token">([^<]+)</code>', kuma).group(1)
    assert "Post URL: <code>https://alur.pa-bima.go.id/api/v1/alerts</code>" in kuma
    assert '<pre><code>{"Authorization": "Bearer ' + token + '"}</code></pre>' in kuma
    # The listing alone gives no token, so no setup either.
    assert 'id="pasang"' not in client.get("/admin/sumber-peringatan").get_data(True)


def test_an_alert_source_s_account_takes_no_role_right_or_password(app, client):
    """The administrator probe: the page of pantau.<name> offered roles, admin rights and a
    password reset; reset, the machine account logged in as a person."""
    source = add_source(app, "prometheus-kantor", "alertmanager")
    with app.app_context():
        account = db.session.scalar(select(User).where(
            User.username == "pantau.prometheus_kantor"))
        account_id, password_hash = account.id, account.password_hash
    login(client, "admin")
    page = html.unescape(client.get(f"/admin/pengguna/{account_id}").get_data(True))
    assert ("Akun ini milik sumber peringatan prometheus-kantor: ia tidak masuk ke Alur, tidak "
            "memegang peran dan tidak punya hak admin atau auditor.") in page
    assert 'name="roles"' not in page and 'name="is_admin"' not in page
    assert "/kata-sandi" not in page.split('id="riwayat"')[0]
    # Asked before it is disabled as what it is (the regression probe: "Ia langsung keluar
    # dari setiap sesi", of an account that never logs in).
    assert ("Nonaktifkan akun sumber peringatan prometheus-kantor sekarang? Alur menolak "
            "kirimannya sampai akun ini diaktifkan kembali.") in page and "setiap sesi" not in page
    token = csrf_token(page)
    refused = client.post(f"/admin/pengguna/{account_id}", data={
        "csrf_token": token, "full_name": "Pemantauan prometheus-kantor", "roles": ["Prakom"],
        "is_admin": "on"})
    assert refused.status_code == 403
    assert "milik sumber peringatan prometheus-kantor" in html.unescape(refused.get_data(True))
    reset = client.post(f"/admin/pengguna/{account_id}/kata-sandi", data={"csrf_token": token})
    assert reset.status_code == 403
    cli = app.test_cli_runner().invoke(args=["user", "roles", "pantau.prometheus_kantor",
                                             "Prakom"])
    assert cli.exit_code != 0 and "milik sumber peringatan prometheus-kantor" in cli.output
    with app.app_context():
        account = db.session.get(User, account_id)
        assert (account.role_names, account.is_admin, account.password_hash) == (
            set(), False, password_hash)
    # Disabling stops it and says so, not that its tokens ended (the regression probe: the
    # source's token works again once it is enabled).
    stopped = client.post(f"/admin/pengguna/{account_id}/status", data={
        "csrf_token": token, "disabled": "1"}, follow_redirects=True)
    assert ("Sumber peringatan prometheus-kantor dihentikan: kirimannya ditolak (403) sampai "
            "akun pantau.prometheus_kantor diaktifkan kembali; tokennya tetap.") in \
        html.unescape(stopped.get_data(True))
    assert client.post("/api/v1/alerts", headers=source, json=FIRING).status_code == 403
    again = client.post(f"/admin/pengguna/{account_id}/status", data={
        "csrf_token": token, "disabled": "0"}, follow_redirects=True)
    assert "Sumber peringatan prometheus-kantor aktif kembali dengan tokennya yang lama." in \
        html.unescape(again.get_data(True))
    # Its name may still be corrected, and it still posts alerts.
    assert client.post(f"/admin/pengguna/{account_id}", data={
        "csrf_token": token, "full_name": "Prometheus kantor pusat"}).status_code == 302
    assert client.post("/api/v1/alerts", headers=source, json=FIRING).status_code == 202


def test_a_source_whose_account_name_is_taken_is_refused_beside_its_name(app, client):
    """The regression probe: an account pantau.zabbix of a person made "zabbix" a 422
    with no message at all (it was filed under a field the page does not show)."""
    result = app.test_cli_runner().invoke(args=[
        "user", "add", "pantau.zabbix", "--name", "Orang Pantau", "--password", "sandi-panjang-1"])
    assert result.exit_code == 0, result.output
    login(client, "admin")
    page = client.get("/admin/sumber-peringatan").get_data(True)
    refused = client.post("/admin/sumber-peringatan", data={
        "csrf_token": csrf_token(page), "name": "zabbix", "kind": "alertmanager"})
    assert refused.status_code == 422
    assert ('<p class="field-error" id="name-error">akun pantau.zabbix sudah ada (bukan milik '
            "sumber peringatan); pilih nama lain</p>") in refused.get_data(True)
    with app.app_context():
        assert db.session.scalars(select(AlertSource)).all() == []
