"""In Chromium against the real server (issue 15, "done when"): axe-core finds no
violation, with no rule disabled, on every page an official walks through — inbox, task,
instance, notifications, Mulai Proses, Plh/Plt, the admin SOP pages with a version diff,
every report, the SOP document, the account page and the lists with their empty
states — each as the user who works there, on a desktop and on a 360 px phone; every
scroll box that scrolls there is a named, focusable region; and on each page the focus
ring keeps 3:1 against what is behind it (WCAG 1.4.11)."""

import re
from datetime import timedelta

import pytest

from engine.clock import ManualClock, SystemClock
from engine.escalation.timers import fire_round
from engine.models import HumanTask, Substitution, User
from engine.process.instances import start_instance
from tests.browser.axe import DESKTOP, PHONE, assert_no_violations
from tests.browser.conftest import login, wait_until_drawn
from tests.conftest import BPMN_DIR
from web import create_app
from web.extensions import db

SOP = "perawatan_jaringan"  # used by no other browser test: its versions stay ours
WAIT = 10_000  # ms; every Playwright wait in this module ends within it

# (user, URL template); {task} and {instance} come from the ``case`` fixture. A report
# asked for month 13 answers 400 with its period form and the message.
PAGES = [
    ("sekretaris", "/"),
    ("sekretaris", "/tugas/{task}"),
    ("prakom", "/proses/{instance}"),
    ("prakom", "/proses/"),
    ("sekretaris", "/notifikasi/"),
    ("prakom", "/proses/baru"),
    ("prakom", "/tiket/"),
    ("prakom", f"/sop/{SOP}/versi/1"),
    ("prakom", "/akun/"),
    ("kasubbag", "/plh/"),
    ("kasubbag", "/plh/{plh}/langkah"),
    ("admin", "/admin/sop"),
    ("admin", f"/admin/sop/{SOP}"),
    ("admin", f"/admin/sop/{SOP}/pindahkan"),
    ("admin", "/admin/pengguna"),
    ("admin", "/admin/pengguna/impor"),
    ("admin", "/admin/proses-bermasalah"),
    ("admin", "/admin/sumber-peringatan"),
    ("admin", "/admin/sumber-peringatan/riwayat"),
    ("admin", "/admin/jejak-audit"),
    ("admin", "/laporan/"),
    ("admin", f"/laporan/sop/{SOP}"),
    ("admin", f"/laporan/sop/{SOP}/peta"),
    ("admin", f"/laporan/sop/{SOP}?periode=bulan&tahun=2026&bulan=13"),
    ("admin", "/laporan/orang"),
    ("admin", "/laporan/orang/prakom"),
    ("admin", "/laporan/orang/prakom/proses?angka=tugas"),
    ("admin", "/laporan/tabel7"),
    ("admin", "/laporan/layanan-ti"),
]
# The focus ring: every focusable element's outline against the nearest opaque
# background behind it, read in the browser.
FOCUS_RINGS = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((c) => { c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (el) => { for (let n = el.parentElement; n; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || c[3] === 1) return c; } return [255, 255, 255]; };
  const found = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]),'
      + ' select, textarea, summary, [tabindex]:not([tabindex="-1"])')) {
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const a = lum(rgb(style.outlineColor)), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2 || ratio < 3) {
      found.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
        + `.${el.className} ${style.outlineStyle} ${style.outlineColor} ${ratio.toFixed(2)}`);
    }
  }
  return found;
}"""
# Scroll boxes whose content overflows now: each must be reachable by keyboard and named
# (tabindex=0, role=region, aria-label; WCAG 2.1.1), like Tabel 7's.
UNNAMED_SCROLL_REGIONS = """() => [...document.querySelectorAll('body *')].filter((el) => {
  const s = getComputedStyle(el);
  return (/auto|scroll/.test(s.overflowX) && el.scrollWidth > el.clientWidth + 1)
    || (/auto|scroll/.test(s.overflowY) && el.scrollHeight > el.clientHeight + 1);
}).filter((el) => !(el.tabIndex === 0 && el.getAttribute('role') === 'region'
  && el.getAttribute('aria-label'))).map((el) => el.tagName.toLowerCase() + '.' + el.className)"""


def _done_as_plh(clock: ManualClock, prakom: User) -> int:
    """A Plh. Kasubbag of Prakom, over since yesterday, in whose period he completed a step
    of a second instance in the Kasubbag's place (its row as completing it would write
    it): the substitution's id, for its "Langkah yang diselesaikan" page."""
    kasubbag = db.session.scalar(db.select(User).where(User.username == "kasubbag"))
    now = clock.now()
    plh = Substitution(kind="Plh", official_id=kasubbag.id, substitute_id=prakom.id,
                       role="Kasubbag", warrant_number="SP-7/2026", starts_at=now,
                       ends_at=now + timedelta(days=2), created_at=now)
    db.session.add(plh)
    other = start_instance(db.session, clock, process_key=SOP, title="Jaringan lantai 3",
                           user=prakom)
    step = db.session.scalar(db.select(HumanTask).where(HumanTask.instance_id == other.id))
    step.role, step.state, step.completed_as = "Kasubbag", "completed", "Plh. Kasubbag"
    step.completed_by_id, step.completed_at = prakom.id, now + timedelta(hours=1)
    step.note = "Disetujui; lanjutkan ke pengadaan."
    db.session.commit()
    return plh.id


@pytest.fixture(scope="module")
def case(served, browser, tmp_path_factory):
    """A late first step of ``SOP`` (the Sekretaris's), started by Prakom, with its
    reminder fired, and version 2 of ``SOP`` uploaded on the admin page (waiting for
    activation, so the page shows the diff); returns ``{"task": id, "instance": id}``."""
    base, database = served
    late = ManualClock(SystemClock().now() - timedelta(days=3))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x",
                      "ALUR_CLOCK": late})
    with app.app_context():
        prakom = db.session.scalar(db.select(User).where(User.username == "prakom"))
        instance = start_instance(db.session, late, process_key=SOP, title="Jaringan lantai 2",
                                  user=prakom)
        db.session.commit()
        task = db.session.scalar(db.select(HumanTask.id).where(
            HumanTask.instance_id == instance.id, HumanTask.state == "open"))
        found = {"task": task, "instance": instance.id, "plh": _done_as_plh(late, prakom)}

        def settle(_instance_id: int, error: Exception | None) -> None:
            if error is None:
                db.session.commit()
            else:
                db.session.rollback()

        fire_round(db.session, SystemClock(), settle)
        db.session.remove()
        db.engine.dispose()
    revised = (BPMN_DIR / f"{SOP}.bpmn").read_text(encoding="utf-8").replace(
        'name="waktu" value="10 Menit"', 'name="waktu" value="20 menit"', 1).replace(
        '>"PT10M"<', '>"PT20M"<', 1)
    upload = tmp_path_factory.mktemp("versi") / f"{SOP}.bpmn"
    upload.write_text(revised, encoding="utf-8")
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(WAIT)
    page = context.new_page()
    login(page, base, "admin")
    page.goto(f"{base}/admin/sop")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Unggah").click()
    page.wait_for_url(f"{base}/admin/sop/{SOP}", timeout=WAIT)
    assert "Waktu berubah:" in page.inner_text(".preview .changes", timeout=WAIT)
    context.close()
    return found


@pytest.fixture(scope="module")
def pages(browser, server):
    """A logged-in page per (user, viewport), opened on first use."""
    opened: dict[tuple[str, str], object] = {}
    contexts = []

    def page_for(username: str, viewport: str):
        if (username, viewport) not in opened:
            context = browser.new_context(viewport=DESKTOP if viewport == "desktop" else PHONE)
            context.set_default_timeout(WAIT)
            contexts.append(context)
            page = context.new_page()
            login(page, server, username)
            opened[(username, viewport)] = page
        return opened[(username, viewport)]

    yield page_for
    for context in contexts:
        context.close()


def _open(page, server: str, url: str) -> None:
    response = page.goto(server + url, timeout=WAIT)
    assert response is not None
    assert response.status == (400 if "bulan=13" in url else 200), url
    page.wait_for_load_state("networkidle", timeout=WAIT)
    if page.locator("[data-src]").is_visible():
        wait_until_drawn(page, WAIT)


@pytest.mark.parametrize("viewport", ["desktop", "360"])
@pytest.mark.parametrize(("username", "url"), PAGES,
                         ids=[re.sub(r"[^\w{}/-]", "_", url) for _, url in PAGES])
def test_no_axe_violations(server, case, pages, username, url, viewport):
    page = pages(username, viewport)
    _open(page, server, url.format(**case))
    assert_no_violations(page)
    assert page.evaluate(UNNAMED_SCROLL_REGIONS) == []


@pytest.mark.parametrize(("username", "url"), PAGES,
                         ids=[re.sub(r"[^\w{}/-]", "_", url) for _, url in PAGES])
def test_focus_ring_contrast(server, case, pages, username, url):
    page = pages(username, "desktop")
    _open(page, server, url.format(**case))
    checked = page.evaluate("() => document.querySelectorAll('a[href], button').length")
    assert checked > 0
    assert page.evaluate(FOCUS_RINGS) == []
