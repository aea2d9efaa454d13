"""A page's query parameter sent twice is refused naming it, as the API refuses it, instead
of the page following the first value (found by the lists probe: ``/proses/?status=
berjalan&status=selesai`` listed the running processes)."""

import pytest

from tests.web.conftest import login


@pytest.mark.parametrize(("user", "query", "name"), [
    ("prakom", "/?halaman=1&halaman=2", "halaman"),
    ("prakom", "/?per_page=5&per_page=6", "per_page"),
    ("prakom", "/proses/?status=berjalan&status=selesai", "status"),
    ("prakom", "/proses/?format=csv&format=xlsx", "format"),
    ("prakom", "/tiket/?tampil=berjalan&tampil=berakhir", "tampil"),
    ("admin", "/admin/jejak-audit?jenis=proses&jenis=langkah", "jenis"),
    ("admin", "/admin/pengguna?status=aktif&status=nonaktif", "status"),
    ("admin", "/laporan/orang?per_page=1&per_page=2", "per_page"),
    ("prakom", "/notifikasi/?halaman=1&halaman=2", "halaman")])
def test_a_parameter_sent_twice_is_refused_naming_it(client, user, query, name):
    login(client, user)
    response = client.get(query)
    assert response.status_code == 400
    assert f"&#34;{name}&#34; hanya satu nilai; 2 dikirim." in response.get_data(True)
    assert "Content-Disposition" not in response.headers


def test_the_inbox_still_sorts_by_several_keys_and_ticks_several_steps_again(client):
    """The auditor probe: a refused bulk action's way back (``pilih`` twice) was refused."""
    login(client, "prakom")
    page = client.get("/?urut=-batas&urut=nomor")
    assert page.status_code == 200 and "tidak dikenal" not in page.get_data(True)
    assert client.get("/?tampil=bawahan&pilih=1&pilih=3").status_code == 200


def test_a_refused_bookmark_leads_to_the_page_without_the_bad_parameter(client):
    """The lists probe: a bookmarked /proses/?status=zzz led only back to Kotak Masuk."""
    login(client, "prakom")
    page = client.get("/proses/?status=zzz&sop=perawatan_sipp&cari=printer").get_data(True)
    assert ('<a href="/proses/?sop=perawatan_sipp&amp;cari=printer">Buka halaman ini tanpa '
            '"status"</a>') in page
    assert "Buka halaman ini tanpa" not in client.get(
        "/api/v1/instances?status=zzz", headers={"Accept": "application/json"}).get_data(True)


def test_a_blank_filter_is_no_filter_and_an_empty_filtered_list_offers_all(client):
    """The lists probe: "jenis= " was refused quoting a space back; a filtered empty
    Notifikasi had no way back to all notifications."""
    login(client, "prakom")
    assert client.get("/notifikasi/?jenis=%20&status=%20").status_code == 200
    assert client.get("/tiket/?tampil=%20").status_code == 200
    page = client.get("/notifikasi/?jenis=galat").get_data(True)
    assert ('Tidak ada notifikasi yang cocok. <a href="/notifikasi/">Lihat semua notifikasi</a>'
            in page)


def test_a_search_longer_than_its_box_says_it_was_cut(client):
    """The lists probe: Daftar Proses searched 100 characters of 3,000 without a word."""
    login(client, "prakom")
    page = client.get("/proses/?cari=" + "a" * 3000).get_data(True)
    assert "Pencarian dipotong menjadi 100 karakter pertama." in page
    assert f'value="{"a" * 100}"' in page


def test_a_missing_parameter_gets_no_link_to_the_same_refusal(client):
    """The regression probe: 'tanpa "sop"' led back to the same 400."""
    login(client, "prakom")
    page = client.get("/laporan/orang/prakom/proses?angka=langkah").get_data(True)
    assert "sop belum dipilih" in page and "Buka halaman ini tanpa" not in page
    # Blank is missing too (the next regression probe: "tanpa prioritas" led to its 400).
    blank = client.get("/laporan/orang/prakom/proses?angka=mttr&sop=x&prioritas=").get_data(
        True)
    assert "prioritas belum dipilih" in blank and "Buka halaman ini tanpa" not in blank


def test_a_parameter_sent_twice_leads_to_the_page_with_its_first_value(client):
    """The regression probe: 'tanpa "angka"' led to the drill-down's refusal of no figure."""
    login(client, "prakom")
    page = client.get("/laporan/orang/prakom/proses?angka=langkah&sop=x&angka=telat")
    assert page.status_code == 400
    assert ('<a href="/laporan/orang/prakom/proses?angka=langkah&amp;sop=x">Buka halaman ini '
            'dengan angka "langkah" saja</a>') in page.get_data(True)
    # The same value twice is that value (the next regression probe: halaman=1&halaman=1).
    assert client.get("/proses/?status=selesai&status=selesai").status_code == 200

