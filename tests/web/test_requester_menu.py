"""An employee holding no role (only Pemohon) lands on Tiket Saya and sees the ticket pages
in the menu, not the officials' process pages; an official's menu is unchanged."""

import re

from tests.web.conftest import login
from tests.web.desk_helpers import add_employee


def _menu(html: str) -> list[str]:
    """The link texts of the main menu, badge numbers left out."""
    nav = re.search(r'<nav aria-label="Menu utama">(.*?)</nav>', html, re.DOTALL).group(1)
    return [re.sub(r"<span.*", "", text, flags=re.DOTALL).strip()
            for text in re.findall(r"<a [^>]*>(.*?)</a>", nav, re.DOTALL)]


def test_an_employee_without_a_role_lands_on_his_tickets_with_the_ticket_menu(app, client):
    add_employee(app)
    landed = login(client, "pegawai")
    assert landed.status_code == 302 and landed.headers["Location"] == "/tiket/"
    html = client.get("/tiket/").get_data(True)
    assert _menu(html) == ["Tiket Saya", "Ajukan Tiket", "Notifikasi", "Akun"]
    assert '<a class="brand" href="/tiket/">' in html
    home = client.get("/")  # the site's address, as typed (login's next=/ leads here too)
    assert home.status_code == 302 and home.headers["Location"] == "/tiket/"
    missing = client.get("/tiket/999999").get_data(True)
    assert '<a href="/tiket/">Kembali ke Tiket Saya</a>' in missing


def test_an_officials_menu_and_landing_page_are_the_inbox_and_the_process_pages(app, client):
    landed = login(client, "prakom")
    assert landed.status_code == 302 and landed.headers["Location"] == "/"
    assert _menu(client.get("/").get_data(True)) == [
        "Kotak Masuk", "Daftar Proses", "Mulai Proses", "Tiket Saya", "Notifikasi", "Laporan",
        "Plh/Plt", "Akun"]


def test_the_role_form_says_what_ticking_pemohon_does(client):
    """Every account files tickets already; the Pemohon box is explained where it is
    ticked, since any role sends its holder to Kotak Masuk instead of Tiket Saya."""
    login(client, "admin")
    for page in ("/admin/pengguna", "/admin/pengguna/1"):
        html = client.get(page).get_data(True)
        assert re.search(r'value="Pemohon"\s*aria-describedby="hint-pemohon"', html), page
        assert ('id="hint-pemohon">Setiap akun aktif sudah dapat mengajukan tiket tanpa '
                "peran.") in html
