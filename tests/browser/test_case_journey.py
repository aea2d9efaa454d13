"""In Chromium against the real server: the RKT with its forms — a file chosen inside the
completion form that is refused keeps the typed Catatan; a return for revision without a
reason is refused naming Catatan; the returned task opens with its banner; on a 360 px
phone the task page needs no sideways scrolling. The IT service request starts with its
form and the Kasubbag records the priority."""

import re

import pytest
from playwright.sync_api import expect

from engine.clock import SystemClock
from engine.models import HumanTask, ProcessInstance, User
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.browser.conftest import login
from tests.browser.starting import to_process_page
from web import create_app
from web.extensions import db

RKT = "penyusunan_rkt"


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context
    context.close()


def _open_task_url(base: str, database: str, instance_id: int) -> str:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x"})
    with app.app_context():
        task_id = db.session.scalar(db.select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.state == "open"))
        db.session.remove()
        db.engine.dispose()
    return f"{base}/tugas/{task_id}"


def _rkt_at_the_panitera(database: str) -> int:
    """An RKT instance whose first three steps are done (the Panitera's turn next)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x",
                      "ALUR_CLOCK": SystemClock()})
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(db.select(User))}
        instance = start_instance(db.session, SystemClock(), process_key=RKT,
                                  title="RKT 2027 (peramban)", user=users["kasubbag"],
                                  data={"tahun": 2027})
        db.session.commit()
        instance_id = instance.id
        db.session.remove()
        db.engine.dispose()
    _complete_open_steps(database, instance_id, 3)
    return instance_id


def test_return_with_reason_banner_and_files_inside_the_completion_form(served, context,
                                                                        tmp_path):
    base, database = served
    instance_id = _rkt_at_the_panitera(database)
    page = context.new_page()
    login(page, base, "panitera")
    page.goto(_open_task_url(base, database, instance_id))
    page.get_by_label("Tidak, kembalikan untuk revisi").check()
    page.get_by_role("button", name="Selesaikan langkah").click()
    assert page.locator("#catatan-error").inner_text().startswith("Catatan wajib diisi")
    page.get_by_label("Catatan").fill("Indikator kinerja belum terukur")
    page.get_by_role("button", name="Selesaikan langkah").click()
    page.wait_for_url(re.compile(rf"/proses/{instance_id}$"))
    expect(page.get_by_text("Dikembalikan untuk revisi — Panitera: Indikator kinerja belum "
                            "terukur").first).to_be_visible()

    login(page, base, "kasubbag")
    page.goto(_open_task_url(base, database, instance_id))
    banner = page.locator("p.returned")
    assert re.fullmatch(r"Dikembalikan oleh Demo Panitera \(Panitera\), .+ WIB: Indikator "
                        r"kinerja belum terukur", banner.inner_text())
    page.screenshot(path=str(tmp_path / "dikembalikan.png"))
    bad = tmp_path / "draf.pdf"
    bad.write_bytes(b"MZ bukan pdf")
    page.get_by_label("Catatan").fill("Indikator sudah diperbaiki")
    page.locator("#lampiran-selesai").set_input_files(str(bad))
    page.get_by_role("button", name="Selesaikan langkah").click()
    assert "isi berkas bukan PDF yang sah" in page.locator("#lampiran-selesai-error").inner_text()
    assert page.get_by_label("Catatan").input_value() == "Indikator sudah diperbaiki"
    good = tmp_path / "draf-baik.pdf"
    good.write_bytes(b"%PDF-1.4\n% draf\n")
    page.locator("#lampiran-selesai").set_input_files(str(good))
    page.get_by_role("button", name="Selesaikan langkah").click()
    page.wait_for_url(re.compile(rf"/proses/{instance_id}$"))
    expect(page.get_by_role("link", name="draf-baik.pdf")).to_be_visible()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x"})
    with app.app_context():
        assert db.session.get(ProcessInstance, instance_id).status == "running"
        db.session.remove()
        db.engine.dispose()


def test_task_page_with_its_case_file_fits_a_360_px_phone(served, browser):
    base, database = served
    instance_id = _rkt_at_the_panitera(database)
    phone, page = _on_a_phone(browser, base, "panitera", java_script_enabled=False)
    page.goto(_open_task_url(base, database, instance_id))
    expect(page.get_by_role("heading", name="Berkas Proses")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()


def test_long_words_and_typed_line_breaks_on_a_360_px_phone(served, browser):
    """A title with a long address and a step named with slashes wrap instead of widening
    the page; a line break typed in a comment stays a line break."""
    base, database = served
    instance_id = _started_by_prakom(
        database, "penanganan_gangguan_server",
        "https://pn-contoh.go.id/berita/2026/12/pengumuman-jadwal-sidang-keliling-"
        "pengadilan-negeri-kelas-ia")
    _complete_open_steps(database, instance_id, 3, [{}, {"hasil_penanganan": "lanjut"}])
    phone, page = _on_a_phone(browser, base, "kasubbag")
    page.goto(_open_task_url(base, database, instance_id))
    page.locator("#komentar-teks").fill("Baris satu\nBaris dua")
    page.get_by_role("button", name="Kirim komentar").click()
    # Measured once the page after the post has its stylesheet (white-space: pre-line):
    # measured earlier, on a busy machine, the comment had one line's height.
    page.wait_for_url("**#komentar")
    page.wait_for_load_state("load")
    comment = page.locator(".teks", has_text="Baris satu")
    assert comment.evaluate("e => e.getClientRects().length > 0 && e.offsetHeight") > 30
    for url in (page.url, f"{base}/proses/{instance_id}", f"{base}/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
    phone.close()


def test_a_long_unbroken_choice_wraps_on_a_360_px_phone(served, browser):
    """A Kelengkapan item written with slashes and no space stuck out of its card: a
    choice's label is a flex box, whose text did not wrap."""
    base, database = served
    instance_id = _started_by_prakom(database, "pengelolaan_konten_website", "Berita",
                                     {"jenis": "berita", "judul_konten": "Sidang keliling"})
    phone, page = _on_a_phone(browser, base, "prakom")
    page.goto(_open_task_url(base, database, instance_id))
    expect(page.locator("label.choice", has_text="Sumber data/laporan/informasi")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()


def _on_a_phone(browser, base: str, username: str, **options):
    """A 360 px phone's browser context and a page on it, ``username`` logged in."""
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                **options)
    page = phone.new_page()
    login(page, base, username)
    return phone, page


def _started_by_prakom(database: str, key: str, title: str, data: dict | None = None) -> int:
    """The id of a new instance of SOP ``key`` that prakom started with ``data``."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x"})
    with app.app_context():
        prakom = db.session.scalar(db.select(User).where(User.username == "prakom"))
        instance = start_instance(db.session, SystemClock(), process_key=key, user=prakom,
                                  title=title, data=data or {})
        db.session.commit()
        instance_id = instance.id
        db.session.remove()
        db.engine.dispose()
    return instance_id


def _complete_open_steps(database: str, instance_id: int, count: int,
                         data: list[dict] | None = None) -> None:
    """Complete the open step ``count`` times, the n-th with ``data[n]`` (default empty)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x"})
    with app.app_context():
        users = list(db.session.scalars(db.select(User)))
        for number in range(count):
            task = db.session.scalar(db.select(HumanTask).where(
                HumanTask.instance_id == instance_id, HumanTask.state == "open"))
            performer = next(u for u in users  # an account another test disabled cannot act
                             if task.role in u.role_names and not u.is_disabled)
            complete_task(db.session, SystemClock(), task.id, performer,
                          (data or [])[number] if number < len(data or []) else {})
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_it_service_request_starts_with_its_form_and_the_kasubbag_sets_priority(served,
                                                                              context):
    base, database = served
    page = context.new_page()
    login(page, base, "prakom")
    page.goto(f"{base}/proses/baru")
    page.get_by_role("link", name="Penanganan Permintaan Layanan TI", exact=True).click()
    page.get_by_label("Judul (apa yang ditangani)").fill("Printer ruang sidang (peramban)")
    page.get_by_label("Nama pemohon").fill("Budi")
    page.get_by_role("button", name="Mulai", exact=True).click()
    assert "Unit kerja" in page.locator("#mulai-unit-error").inner_text()
    assert page.get_by_label("Nama pemohon").input_value() == "Budi"
    page.get_by_label("Unit kerja").fill("Kepaniteraan Pidana")
    page.get_by_label("jaringan", exact=True).check()
    page.get_by_label("Uraian permintaan").fill("Jaringan ruang sidang 2 putus")
    page.get_by_role("button", name="Mulai", exact=True).click()
    to_process_page(page)
    number = page.locator("h1 .number").inner_text()
    assert re.fullmatch(r"LTI-\d{4}-\d{4}", number)
    expect(page.get_by_text("Kepaniteraan Pidana").first).to_be_visible()
    instance_id = int(page.url.rsplit("/", 1)[1])

    _complete_open_steps(database, instance_id, 5)
    login(page, base, "kasubbag")
    page.goto(_open_task_url(base, database, instance_id))
    expect(page.get_by_role("heading", name=re.compile("Menentukan urgensi"))).to_be_visible()
    page.get_by_role("button", name="Selesaikan langkah").click()
    assert "wajib diisi" in page.locator("#d-prioritas-error").inner_text()
    page.get_by_label("kritis", exact=True).check()
    page.get_by_role("button", name="Selesaikan langkah").click()
    page.wait_for_url(re.compile(rf"/proses/{instance_id}$"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x"})
    with app.app_context():
        assert db.session.get(ProcessInstance, instance_id).data["prioritas"] == "kritis"
        db.session.remove()
        db.engine.dispose()
