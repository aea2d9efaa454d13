"""Every list, in the API and on the pages, is bounded (issue 13, "every list paginated"):
``per_page`` above its maximum is refused naming ``per_page`` (API 422, page 400), a page
says its ``total`` (the exact count of the rows made here), and no SQL statement run while
answering selects an instance's saved workflow state or a definition's BPMN.

The tables below name every GET route of the app: a list (with how to fill it) or not a
list (with why). A route added to the app without being named here fails
``test_every_route_is_named``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import event, exists, select

from engine.desk import alerts
from engine.fact_models import StepFact
from engine.models import (
    Attachment,
    AuditRecord,
    Comment,
    HumanTask,
    Notification,
    ProcessInstance,
    Substitution,
    User,
    UserRole,
)
from engine.paging import MAX_PER_PAGE
from engine.people import tokens
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.conftest import BPMN_DIR, START_DATA, mini_bpmn
from tests.helpers.rows import count
from tests.web.conftest import api_token, login
from web.extensions import clock, db
from web.views.auth import hash_password

LTI = "penanganan_permintaan_layanan_ti"
MINI = "sop_uji"
MADE = 3  # rows each list gets
# The columns no list may read: the saved workflow state and a definition's BPMN.
FORBIDDEN = ("state_json", "bpmn_xml")
PAGER_TOTAL = re.compile(r"\((\d+) (baris|tiket), (\d+) per halaman\)")


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _instances(key: str = MINI, username: str = "prakom", data: dict | None = None
               ) -> list[ProcessInstance]:
    if key == MINI:
        _mini_versions(1)
    made = [start_instance(db.session, clock(), process_key=key, title=f"Uji {n}",
                           user=_user(username), data=data) for n in range(MADE)]
    db.session.commit()
    return made


def _mini_versions(versions: int) -> int:
    for n in range(versions):
        deploy(db.session, clock(), mini_bpmn({'name="SOP Uji"': f'name="SOP Uji {n}"'}),
               filename="mini.bpmn")
    db.session.commit()
    return versions


def _sops() -> int:
    """Deploys the mini SOP beside the bundled ones (the app deployed those); their count."""
    return len(list(BPMN_DIR.glob("*.bpmn"))) + _mini_versions(1)


def _substitutions() -> int:
    now = clock().now()
    for n in range(MADE):
        db.session.add(Substitution(
            kind="Plh", official_id=_user("kasubbag").id, substitute_id=_user("prakom").id,
            role="Kasubbag", warrant_number=f"SP-{n}", starts_at=now + timedelta(hours=n),
            ends_at=now + timedelta(days=5), created_at=now))
    db.session.commit()
    return MADE


def _done_as_plh() -> tuple[str, int]:
    """A Plh. Kasubbag whose substitute completed a step in each of ``MADE`` instances in
    the official's place (the rows as completing them would write them): its page."""
    now = clock().now()
    plh = Substitution(kind="Plh", official_id=_user("kasubbag").id,
                       substitute_id=_user("prakom").id, role="Kasubbag", warrant_number="SP",
                       starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=5),
                       created_at=now)
    db.session.add(plh)
    for instance in _instances():
        step = db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id))
        step.role, step.state, step.completed_as = "Kasubbag", "completed", "Plh. Kasubbag"
        step.completed_by_id, step.completed_at = plh.substitute_id, now
    db.session.commit()
    return f"/plh/{plh.id}/langkah", MADE


def _files(kind: type) -> int:
    instance = _instances()[0]
    for n in range(MADE):
        if kind is Attachment:
            db.session.add(Attachment(
                instance_id=instance.id, filename=f"f{n}.pdf", stored_name=f"s{n}",
                content_type="application/pdf", size=1, sha256="0" * 64,
                uploaded_by_id=_user("prakom").id, uploaded_at=clock().now()))
        else:
            db.session.add(Comment(instance_id=instance.id, author_id=_user("prakom").id,
                                   text=f"Catatan {n}", created_at=clock().now()))
    db.session.commit()
    return instance.id


def _history(url: str) -> tuple[str, int]:
    """An instance whose first step was completed (its history: the start, the step, ...):
    ``url`` with its id, and how many audit records it has."""
    instance = _instances()[0]
    _completed_steps()
    return url.format(instance.id), count(db.session, AuditRecord,
                                          AuditRecord.instance_id == instance.id)


def _completed_steps() -> int:
    """Prakom completes the first step of each new instance: the figure "tugas" of his
    report lists them."""
    for instance in _instances():
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id, HumanTask.state == "open"))
        complete_task(db.session, clock(), task_id, _user("prakom"), {})
    db.session.commit()
    return MADE


def _failed() -> int:
    for instance in _instances():
        instance.status, instance.failed_at = "error", clock().now()
        instance.error_message = "uji"
    db.session.commit()
    return MADE


def _notifications() -> int:
    for instance in _instances():
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id))
        db.session.add(Notification(user_id=_user("prakom").id, kind="escalation",
                                    role="Prakom", message=f"Terlambat: {instance.title}",
                                    human_task_id=task_id, instance_id=instance.id,
                                    created_at=clock().now()))
    db.session.commit()
    return MADE


def _sources() -> int:
    for n in range(MADE):
        alerts.add_source(db.session, clock(), hash_password, name=f"pantau{n}",
                          kind=alerts.KINDS[0], actor=_user("admin"))
    db.session.commit()
    return MADE


def _tokens() -> int:
    for _ in range(MADE):
        tokens.issue(db.session, clock(), _user("prakom"), 3600)
    db.session.commit()
    return MADE


# What a list with no row at all says: never under a page past the last of a list that has.
EMPTY_WORDS = ("Belum ada SOP.", "Belum ada riwayat.", "Belum ada tiket.",
               "Tidak ada token API yang berlaku.", "Belum ada sumber.",
               "Tidak ada Plh/Plt yang berlaku", "Belum ada Plh/Plt yang berakhir.",
               "Tidak ada tugas untuk Anda saat ini.", "Belum ada proses di daftar ini.")


@dataclass
class Listing:
    """A list: its route, who asks, and ``make`` (fills it; returns the URL and the exact
    total)."""

    rule: str
    user: str
    make: Callable[[], tuple[str, int]]
    maximum: int = MAX_PER_PAGE
    name: str = field(default="")


API_LISTS = [
    Listing("/api/v1/instances", "admin",
            lambda: ("/api/v1/instances?scope=all", len(_instances()))),
    Listing("/api/v1/processes", "admin", lambda: ("/api/v1/processes", _sops())),
    Listing("/api/v1/processes", "admin", name="startable", make=lambda: (
        "/api/v1/processes?startable=1", _sops())),
    Listing("/api/v1/processes/<key>/versions", "admin", lambda: (
        f"/api/v1/processes/{MINI}/versions", _mini_versions(MADE))),
    Listing("/api/v1/instances/<int:instance_id>/attachments", "admin", lambda: (
        f"/api/v1/instances/{_files(Attachment)}/attachments", MADE)),
    Listing("/api/v1/instances/<int:instance_id>/comments", "admin", lambda: (
        f"/api/v1/instances/{_files(Comment)}/comments", MADE)),
    Listing("/api/v1/instances/<int:instance_id>/history", "admin",
            lambda: _history("/api/v1/instances/{}/history")),
    Listing("/api/v1/substitutions", "admin", lambda: (
        "/api/v1/substitutions", _substitutions())),
    Listing("/api/v1/tickets", "prakom", lambda: (
        "/api/v1/tickets", len(_instances(LTI, data=START_DATA[LTI])))),
    Listing("/api/v1/tasks", "prakom", lambda: ("/api/v1/tasks", len(_instances()))),
    Listing("/api/v1/notifications", "prakom", lambda: (
        "/api/v1/notifications", _notifications())),
]
# GET routes under /api/v1 that answer one thing, not a list.
API_NOT_LISTS = {
    "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/processes/<key>",
    "/api/v1/instances/<int:instance_id>", "/api/v1/tasks/<int:task_id>",
    "/api/v1/attachments/<int:attachment_id>", "/api/v1/tickets/<int:instance_id>",
    "/api/v1/processes/<key>/versions/<int:version>/diff",
    "/api/v1/notifications/unread-count",
}

PAGE_LISTS = [
    Listing("/proses/", "admin", lambda: ("/proses/?cakupan=semua", len(_instances()))),
    Listing("/admin/pengguna", "admin", lambda: ("/admin/pengguna", count(db.session, User))),
    Listing("/admin/sop", "admin", lambda: ("/admin/sop", _sops())),
    Listing("/admin/sop/<key>", "admin", lambda: (f"/admin/sop/{MINI}", _mini_versions(MADE))),
    Listing("/admin/proses-bermasalah", "admin", lambda: (
        "/admin/proses-bermasalah", _failed())),
    Listing("/admin/sumber-peringatan", "admin", lambda: (
        "/admin/sumber-peringatan", _sources())),
    Listing("/admin/sumber-peringatan/riwayat", "admin", lambda: (
        "/admin/sumber-peringatan/riwayat", _sources())),
    Listing("/admin/jejak-audit", "admin", lambda: _history("/admin/jejak-audit?proses={}")),
    Listing("/akun/", "prakom", lambda: ("/akun/", _tokens())),
    Listing("/tiket/", "prakom", lambda: (
        "/tiket/", len(_instances(LTI, data=START_DATA[LTI])))),
    Listing("/plh/", "admin", lambda: ("/plh/", _substitutions())),
    Listing("/plh/<int:substitution_id>/langkah", "admin", lambda: _done_as_plh()),
    # To an administrator, the accounts with a role or a completed step (not his own).
    Listing("/laporan/orang", "admin", lambda: ("/laporan/orang", count(
        db.session, User, exists().where(UserRole.user_id == User.id)
        | exists().where(StepFact.performer_id == User.id)))),
    Listing("/laporan/sop/<key>/langkah/<step>", "admin", lambda: (
        f"/laporan/sop/{MINI}/langkah/Kegiatan_1", _completed_steps())),
    Listing("/laporan/orang/<username>/proses", "admin", lambda: (
        "/laporan/orang/prakom/proses?angka=tugas", _completed_steps())),
    Listing("/proses/<int:instance_id>/riwayat", "admin",
            lambda: _history("/proses/{}/riwayat")),
    Listing("/proses/<int:instance_id>/komentar", "admin", lambda: (
        f"/proses/{_files(Comment)}/komentar", MADE)),
    Listing("/", "prakom", lambda: ("/", len(_instances()))),
    Listing("/notifikasi/", "prakom", lambda: ("/notifikasi/", _notifications()),
            maximum=50),
]
# GET pages that are not lists, and why.
PAGE_NOT_LISTS = {
    "/admin/pengaturan": "a form", "/admin/pengguna/<int:user_id>": "one account",
    "/admin/pengguna/impor": "a form", "/admin/pengguna/contoh-impor-akun.csv": "a file",
    "/admin/sumber-peringatan/<int:source_id>/token": "a form (replace one token)",
    "/admin/sop/<key>/pindahkan": "the dry run of one migration (what will move)",
    "/admin/sop/<key>/versi/<int:version>/diagram.bpmn": "a file",
    "/admin/sop/<key>/versi/<int:version>/berkas.bpmn": "a file",
    "/admin/sop/templat-tabel-sop.csv": "a file", "/healthz": "a probe",
    "/lampiran/<int:attachment_id>": "a file", "/laporan/": "one card per SOP (overview)",
    "/laporan/layanan-ti": "a report (aggregates)", "/laporan/orang/<username>": "a report",
    "/laporan/sop/<key>": "a report", "/laporan/sop/<key>/diagram.bpmn": "a file",
    "/laporan/sop/<key>/peta": "a report", "/laporan/tabel7": "a report",
    "/masuk": "a form", "/metrics": "a probe", "/readyz": "a probe",
    "/proses/<int:instance_id>": "one instance", "/proses/<int:instance_id>/diagram.bpmn":
    "a file", "/proses/baru": "a form", "/sop/<key>/versi/<int:version>": "one document",
    "/sop/<key>/versi/<int:version>.pdf": "a file", "/static/<path:filename>": "a file",
    "/tiket/<int:instance_id>": "one ticket",
    "/tiket/<int:instance_id>/berkas/<int:attachment_id>": "a file",
    "/tiket/ajukan": "a form", "/tugas/<int:task_id>": "one task",
    "/notifikasi/jumlah": "a count (the badge)",
    "/kotak-masuk/versi": "the inbox's counts (what its polling compares)",
    "/notifikasi/<int:notification_id>/buka": "opens one notification's step",
}


def _get_rules(app) -> set[str]:
    return {rule.rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}


def test_every_route_is_named(app):
    rules = _get_rules(app)
    api = {r for r in rules if r.startswith("/api/v1/")}
    api_lists = {listing.rule for listing in API_LISTS}
    assert api == api_lists | API_NOT_LISTS and not api_lists & API_NOT_LISTS
    page_lists = {listing.rule for listing in PAGE_LISTS}
    assert rules - api == page_lists | set(PAGE_NOT_LISTS)
    assert not page_lists & set(PAGE_NOT_LISTS)


def _cases(listings: list[Listing]) -> list:
    return [pytest.param(listing, id=listing.name or listing.rule) for listing in listings]


class Statements:
    """Every SQL statement the app runs while it is listening."""

    def __init__(self, app) -> None:
        self.seen: list[str] = []
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.seen.append(statement)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def reading(self, column: str) -> list[str]:
        return [s for s in self.seen if column in s.lower()]


def _made(app, listing: Listing) -> tuple[str, int]:
    with app.app_context():
        found = listing.make()
        db.session.remove()
    return found


def _with(url: str, **more: int) -> str:
    return url + ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in more.items())


@pytest.mark.parametrize("listing", _cases(API_LISTS))
def test_api_list_is_bounded_counted_and_reads_no_state_or_bpmn(app, client, listing):
    url, total = _made(app, listing)
    headers = api_token(client, listing.user)
    refused = client.get(_with(url, per_page=listing.maximum + 1), headers=headers)
    assert refused.status_code == 422
    assert "per_page" in refused.json["error"]["fields"]
    statements = Statements(app)
    answered = client.get(_with(url, page=1, per_page=2), headers=headers)
    statements.close()
    assert answered.status_code == 200, answered.json
    body = answered.json
    if isinstance(body, list):
        assert int(answered.headers["X-Total-Count"]) == total
        assert len(body) == min(2, total)
    else:
        assert (body["total"], body["page"], body["per_page"]) == (total, 1, 2)
        assert len(body["items"]) == min(2, total)
    for column in FORBIDDEN:
        assert statements.reading(column) == []


@pytest.mark.parametrize("listing", _cases(PAGE_LISTS))
def test_page_list_is_bounded_counted_and_reads_no_state_or_bpmn(app, client, listing):
    url, total = _made(app, listing)
    login(client, listing.user)
    refused = client.get(_with(url, per_page=listing.maximum + 1))
    assert refused.status_code == 400
    assert "per_page" in refused.get_data(as_text=True)
    # Another script's digit, which int() reads as 2, or spaces: written in 0–9 only.
    for written in ("halaman=٢", "halaman=%202", "per_page=2%20", "per_page=%2B2"):
        assert client.get(url + ("&" if "?" in url else "?") + written).status_code == 400, (
            written, "written only in 0-9, as the API reads them")
    statements = Statements(app)
    answered = client.get(_with(url, per_page=2))
    statements.close()
    assert answered.status_code == 200
    shown = PAGER_TOTAL.search(answered.get_data(as_text=True))
    assert shown is not None and (int(shown[1]), int(shown[3])) == (total, 2)
    # Tiket Saya's cards on a phone are tickets, not rows.
    assert shown[2] == ("tiket" if listing.rule == "/tiket/" else "baris")
    for column in FORBIDDEN:
        assert statements.reading(column) == []
    # Past the last page the pager says so and leads back, never "Halaman 99 dari 2".
    past = client.get(_with(url, per_page=2, halaman=99)).get_data(as_text=True)
    assert "Halaman 99 dari" not in past
    if listing.rule != "/notifikasi/":  # the one list that shows its last page instead
        assert "Halaman 99 kosong" in past, "the pager's words, not the empty list's"
    assert not any(empty in past for empty in EMPTY_WORDS), "a list that has rows"
