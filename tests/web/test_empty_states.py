"""Empty lists outside the inbox say what to do next (issue 15, point 13): start a process
or clear the filters, submit a first ticket, pick another report period, add a monitoring
source, see all processes when none has failed."""

import re

import pytest

from tests.web.conftest import login
from tests.web.test_reports import Q4


def _empty(page: str) -> str:
    """The text and links of the page's empty state (``class="empty"``), tags dropped but
    link targets kept as ``[href]``."""
    found = re.search(r'<(p|td)[^>]*class="empty"[^>]*>(.*?)</\1>', page, re.DOTALL)
    assert found, "no empty state"
    text = re.sub(r'<a href="([^"]+)"[^>]*>', r"[\1] ", found.group(2))
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


@pytest.mark.parametrize(("username", "url", "expected"), [
    ("prakom", "/",
     ("Tidak ada tugas untuk Anda saat ini. [/proses/baru] Mulai proses baru atau "
      "[/proses/] lihat Daftar Proses.")),
    ("prakom", "/?status=terlambat",
     "Tidak ada tugas yang cocok. [/] Lihat semua tugas tanpa saringan"),
    ("prakom", "/proses/",
     "Belum ada proses di daftar ini. [/proses/baru] Mulai proses baru"),
    ("prakom", "/proses/?cakupan=unit&cari=tidak-ada",
     "Tidak ada proses yang cocok dengan saringan ini. [/proses/?cakupan=unit] Hapus saringan"),
    ("prakom", "/tiket/",
     ("Belum ada tiket. Permintaan layanan TI atau laporan gangguan yang Anda ajukan muncul di "
      "sini, dengan statusnya. [/tiket/ajukan] Ajukan yang pertama")),
    ("admin", "/laporan/orang/prakom",
     "Tidak ada data pada periode ini; periode lain dapat dipilih pada formulir di atas."),
    ("admin", "/laporan/sop/penyusunan_rkt",
     ("Tidak ada proses SOP ini yang dimulai, selesai atau dikerjakan langkahnya pada periode "
      "ini; periode lain dapat dipilih pada formulir di atas.")),
    ("admin", "/laporan/orang/prakom/proses?angka=tugas",
     "Tidak ada proses di balik angka ini pada periode ini. [/laporan/orang/prakom?periode="),
    ("admin", "/admin/proses-bermasalah",
     ("Tidak ada proses bermasalah. Proses yang macet karena galat akan muncul di sini dengan "
      "tombol Coba lagi. [/proses/?cakupan=semua] Lihat semua proses")),
    ("admin", "/admin/sumber-peringatan",
     ("Belum ada sumber. Tambahkan satu dengan formulir di bawah, lalu pasang tokennya di "
      "Alertmanager atau Uptime Kuma.")),
])
def test_an_empty_list_names_the_next_step(client, username, url, expected):
    login(client, username)
    assert _empty(client.get(url).get_data(True)).startswith(expected)


def test_a_report_with_data_says_no_empty_state(client, history):
    login(client, "admin")
    page = client.get(f"/laporan/sop/sop_uji?{Q4}").get_data(True)
    assert "Langkah, paling lambat dulu" in page and "Tidak ada proses SOP ini" not in page
