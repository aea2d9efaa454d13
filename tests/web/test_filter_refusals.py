"""A list filter the page cannot read (a reversed range, a status or user that is none) is
said in the list's own form, filled in as sent, its field marked, and no rows listed — not
on an error page where the form is gone (Proses, Notifikasi, Jejak audit)."""

import html
import re

from tests.conftest import START_DATA
from tests.web.conftest import api_token, login

LTI = "penanganan_permintaan_layanan_ti"


def _refused_in_form(page: str, name: str, said: str) -> None:
    text = html.unescape(page)
    alert = re.search(r'<p class="errors" role="alert" id="saringan-ditolak">(.*?)</p>', text,
                      re.DOTALL)
    assert alert is not None and said in alert[1], text[:2000]
    assert "Perbaiki saringan lalu tekan Terapkan." in alert[1]
    marked = re.findall(r'name="([a-z_]+)" aria-invalid="true" '
                        r'aria-describedby="saringan-ditolak"', text)
    assert marked == [name]


def test_the_process_list_says_a_reversed_range_in_its_form_listing_nothing(client):
    assert client.post("/api/v1/instances", headers=api_token(client, "kasubbag"), json={
        "process_key": LTI, "title": "Printer rusak", "data": START_DATA[LTI]}
    ).status_code == 201
    login(client, "admin")
    assert "Printer rusak" in client.get("/proses/?cakupan=semua").get_data(True)
    refused = client.get("/proses/?cakupan=semua&status=selesai&dari=2026-12-01"
                         "&sampai=2026-11-01")
    page = refused.get_data(True)
    assert refused.status_code == 400
    _refused_in_form(page, "sampai", "Dimulai sampai sebelum Dimulai sejak")
    assert 'value="2026-12-01"' in page and 'value="2026-11-01"' in page
    assert '<option value="selesai" selected>' in page, "the form as it was sent"
    assert "Printer rusak" not in page and "<table" not in page
    status = client.get("/proses/?cakupan=semua&status=xyz").get_data(True)
    _refused_in_form(status, "status", 'Status "xyz" tidak dikenal')
    api = client.get("/proses/?cakupan=semua&status=xyz", headers={"Accept": "application/json"})
    assert (api.status_code, api.json["error"]["fields"]) == (400, {"status": api.json[
        "error"]["message"]}), "a JSON caller gets the refusal, not a page"


def test_notifications_and_the_audit_trail_say_a_bad_filter_in_their_forms(client):
    login(client, "admin")
    refused = client.get("/notifikasi/?jenis=pengingat&dari=2026-12-02&sampai=2026-12-01")
    page = refused.get_data(True)
    assert refused.status_code == 400
    _refused_in_form(page, "sampai", "Sampai tanggal sebelum Dari tanggal")
    assert '<option value="pengingat" selected>' in page
    assert "Tandai semua" not in page, "nothing to mark read on a list not shown"
    trail = client.get("/admin/jejak-audit?pengguna=siapa&jenis=akun")
    page = trail.get_data(True)
    assert trail.status_code == 400
    _refused_in_form(page, "pengguna", 'Pengguna "siapa" tidak ada')
    assert 'value="siapa"' in page and "catatan" not in page.split("</form>")[1]
    shown = client.get("/admin/jejak-audit?pengguna=admin").get_data(True)
    assert "saringan-ditolak" not in shown and "user.logged_in" in shown


def test_the_way_out_opens_the_page_and_a_refused_action_code_is_not_sent_again(client):
    """The regression probe: "Buka halaman ini tanpa …" of a CSV address downloaded the
    whole list, and a refused tindakan rode along in a hidden field, refused again."""
    login(client, "admin")
    page = html.unescape(client.get("/proses/?cakupan=semua&status=xyz&format=csv&sep=,")
                         .get_data(True))
    assert '<a href="/proses/?cakupan=semua">Buka halaman ini tanpa "status"</a>' in page
    trail = client.get("/admin/jejak-audit?tindakan=bad").get_data(True)
    assert client.get("/admin/jejak-audit?tindakan=bad").status_code == 400
    assert 'name="tindakan"' not in trail, "Terapkan sends the form without it"
    assert 'name="tindakan"' in client.get("/admin/jejak-audit?tindakan=user.logged_in"
                                            ).get_data(True)
