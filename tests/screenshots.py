"""Takes the README's screenshots (docs/screenshots/) from a real server in Chromium.

Run with ``make screenshots``: sets up a fresh instance folder, serves it, starts a few
process instances and photographs the main pages on a desktop and a 360 px phone.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import wait_until_drawn
from tests.browser.starting import to_process_page
from tests.helpers.servers import alur_server

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ALUR = str(Path(sys.executable).with_name("alur"))
PASSWORD = "alur-demo"
# What the start forms of the photographed SOPs need (label: value; radio labels).
START_FORMS = {"penanganan_permintaan_layanan_ti": {
    "Nama pemohon": "Budi Santoso", "Unit kerja": "Kepaniteraan Pidana",
    "Uraian permintaan": "Printer di ruang sidang 2 macet dan tidak mencetak"},
    "penanganan_gangguan_server": {"Sistem terdampak": "SIPP",
                                   "Gejala": "Halaman SIPP tidak dapat dibuka dari jaringan kantor"}}
START_CHOICES = {"penanganan_permintaan_layanan_ti": ("perangkat keras",),
                 "penanganan_gangguan_server": ("kritis",)}


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="alur-shots-"))
    settings = {"ALUR_INSTANCE_PATH": str(folder), "ALUR_DEMO": "1",
                "ALUR_DEMO_PASSWORD": PASSWORD,
                "ALUR_DATABASE_URL": f"sqlite:///{folder / 'alur.sqlite3'}"}
    # The demo history (as `make run`), so that reports and the notification centre hold
    # what an office sees after a year.
    env = {**os.environ, **settings}
    for command in ("setup", "demo-history"):
        subprocess.run([ALUR, command], env=env, check=True, capture_output=True)
    with alur_server(**settings) as base:
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            _shoot(browser, base)
            browser.close()


def _shoot(browser, base: str) -> None:
    desk = browser.new_page(viewport={"width": 1280, "height": 860})
    desk.goto(f"{base}/masuk")
    desk.screenshot(path=OUT / "masuk.png")
    _login(desk, base, "prakom")
    desk.goto(f"{base}/proses/baru")
    desk.screenshot(path=OUT / "mulai-proses.png")
    desk.goto(f"{base}/notifikasi/")
    desk.screenshot(path=OUT / "notifikasi.png")
    instance = ""
    for key, title in (("penanganan_gangguan_server", "Server SIPP tidak dapat diakses"),
                       ("penanganan_permintaan_layanan_ti", "Printer ruang sidang macet"),
                       ("penyusunan_skp_prakom", "SKP Prakom 2027")):
        desk.goto(f"{base}/proses/baru?process_key={key}")
        desk.get_by_label("Judul (apa yang ditangani)").fill(title)
        for label, value in START_FORMS.get(key, {}).items():
            desk.get_by_label(label).fill(value)
        for choice in START_CHOICES.get(key, ()):
            desk.get_by_label(choice, exact=True).check()
        desk.get_by_role("button", name="Mulai", exact=True).click()
        instance = instance or to_process_page(desk)
    desk.goto(f"{base}/")
    desk.screenshot(path=OUT / "kotak-masuk.png", full_page=True)
    desk.goto(f"{base}/proses/")
    desk.screenshot(path=OUT / "daftar-proses.png", full_page=True)
    desk.goto(f"{base}/")
    desk.locator("table.inbox a").first.click()
    desk.screenshot(path=OUT / "tugas.png", full_page=True)
    desk.get_by_role("button", name="Selesaikan langkah").click()
    desk.wait_for_selector(".djs-element.alur-current")
    desk.screenshot(path=OUT / "proses.png", full_page=True)
    _login(desk, base, "admin")
    desk.goto(f"{base}/admin/pengaturan")
    desk.get_by_label("Nama instansi").fill("Pengadilan Negeri Bengkalis")
    desk.get_by_label("Unit kerja").fill("Subbagian Perencanaan, TI dan Pelaporan")
    desk.get_by_role("button", name="Simpan identitas").click()
    desk.goto(f"{base}/sop/penyusunan_rkt/versi/1")
    desk.screenshot(path=OUT / "dokumen-sop.png")
    desk.goto(f"{base}/admin/sop")
    desk.screenshot(path=OUT / "kelola-sop.png")
    desk.goto(f"{base}/admin/sop/penanganan_permintaan_layanan_ti")
    wait_until_drawn(desk)
    desk.screenshot(path=OUT / "versi-sop.png")
    desk.goto(f"{base}/laporan/")
    desk.screenshot(path=OUT / "laporan.png", full_page=True)
    phone = browser.new_page(viewport={"width": 360, "height": 780}, is_mobile=True)
    _login(phone, base, "prakom")
    phone.screenshot(path=OUT / "kotak-masuk-ponsel.png", full_page=True)


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{base}/")


if __name__ == "__main__":
    main()
