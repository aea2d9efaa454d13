"""``alur demo-history``: a year of history for the deployed SOPs, so that a fresh
``make run`` shows meaningful reports.

The history is made by the real engine (``start_instance``, ``complete_task``,
``fire_instance_timers``) on a ``ManualClock`` moving through the office hours of the past
year: each instance starts at a random office moment, and each step takes a share of its
time standard in office minutes; about one step in five runs late, and its escalation
timers fire at their own times on the way. Some approvals send the work back for
revision ("revisi"), incidents carry a priority ("prioritas"), most front-door tickets are
submitted and rated by an employee of another lane, and instances begun in the last days
are still running. The same seed gives the same history.

It runs only on a database without process instances, and says so otherwise.
"""

import fcntl
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine import settings
from engine.clock import ManualClock
from engine.desk.ratings import UNRATED_AFTER, close_ticket_unrated, rate
from engine.escalation.timers import fire_instance_timers
from engine.models import (
    Delivery,
    HumanTask,
    Notification,
    ProcessDefinition,
    ProcessInstance,
    Timer,
    User,
)
from engine.people.access import REQUESTER_PROCESSES
from engine.people.holders import holders
from engine.process.deploy import active_definitions
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.time.calendar import WorkCalendar
from web.cli.demo_forms import sample
from web.extensions import clock, db

# Instances per year for each bundled SOP; other deployed SOPs get ``OTHER_SOPS``.
# A few hundred instances in all: each step costs the engine a load and a save.
PLAN = {
    "penanganan_permintaan_layanan_ti": 60,
    "penanganan_gangguan_server": 30,
    "pengelolaan_konten_website": 36,
    "penyusunan_rkt": 3,
    "penyusunan_skp_prakom": 3,
}
OTHER_SOPS = 5
TITLES = {
    "penanganan_permintaan_layanan_ti": (
        "Printer ruang sidang tidak dapat mencetak", "Akun SIPP terkunci",
        "Permintaan instalasi aplikasi e-Court", "Wi-Fi lantai 2 lambat",
        "Permintaan alamat surel dinas", "Komputer meja PTSP tidak menyala",
        "Permintaan akses e-Berpadu", "Proyektor ruang rapat bermasalah"),
    "penanganan_gangguan_server": (
        "Server SIPP tidak dapat diakses", "Disk basis data SIPP hampir penuh",
        "Situs web lambat diakses", "UPS ruang server mati", "Sertifikat SSL kedaluwarsa",
        "Sinkronisasi SIPP ke pusat gagal"),
    "pengelolaan_konten_website": (
        "Berita pelantikan pejabat", "Pengumuman jadwal sidang keliling",
        "Unggah laporan tahunan", "Berita kunjungan kerja", "Informasi layanan PTSP",
        "Berita sosialisasi e-Court", "Pembaruan daftar biaya perkara"),
}
PRIORITIES = (("kritis", 0.2), ("mayor", 0.35), ("minor", 0.35), (None, 0.1))
LATE_SHARE = 0.2          # steps finished after their deadline
REVISION_SHARE = 0.15     # decisions that send the work back ("revisi")
MAX_REVISIONS = 2         # per instance, so that loops end
NO_STANDARD_MINUTES = (30, 900)  # how long a step without a time standard takes
# Front-door tickets: most come from the employee himself (the rest are typed in by the desk
# for a caller, and never rated), and most of those are rated once done, so that the
# Kepuasan Pengguna figures of a fresh demo mean something.
SUBMITTED_SHARE = 0.85
RATED_SHARE = 0.8
SCORES = ((5, 0.45), (4, 0.35), (3, 0.12), (2, 0.05), (1, 0.03))
RATING_COMMENTS = ("Cepat ditangani, terima kasih.", "Petugas menjelaskan dengan jelas.",
                   "Agak lama, tetapi tuntas.", "")


@dataclass
class HistoryOutcome:
    """What ``generate_history`` made."""

    instances: int = 0
    running: int = 0
    steps: int = 0
    late_steps: int = 0
    revisions: int = 0
    escalations: int = 0


def generate_history(session: Session, calendar: WorkCalendar, end: datetime, *,
                     seed: int = 35, days: int = 365) -> HistoryOutcome:
    """Make ``days`` of history ending at ``end`` (aware) for every active SOP, committing
    instance by instance.

    Raises:
        click.ClickException: a role of an SOP has no holder to act in it (run
            ``alur demo-users`` first).
    """
    rng = random.Random(seed)
    # By key: the same history on SQLite and PostgreSQL, whatever order lists show SOPs in.
    definitions = sorted(active_definitions(session), key=lambda definition: definition.key)
    holders = _holders(session, definitions)
    starts = []
    for definition in definitions:
        for _ in range(PLAN.get(definition.key, OTHER_SOPS)):
            starts.append((_office_moment(rng, calendar, end - timedelta(days=days), end),
                           definition))
    starts.sort(key=lambda item: item[0])
    outcome = HistoryOutcome()
    first_notification = session.scalar(select(func.max(Notification.id))) or 0
    first_delivery = session.scalar(select(func.max(Delivery.id))) or 0
    for moment, definition in starts:
        _one_instance(session, calendar, rng, definition, holders, moment, end, outcome)
    outcome.escalations = session.scalar(select(func.count()).select_from(Notification).where(
        Notification.id > first_notification, Notification.kind == "eskalasi")) or 0
    # History is not news: its notifications count as read (but the last week's), and
    # nothing of it goes out by e-mail or webhook.
    session.execute(update(Notification).where(
        Notification.id > first_notification, Notification.created_at < end - timedelta(days=7))
        .values(read_at=Notification.created_at))
    session.execute(delete(Delivery).where(Delivery.id > first_delivery))
    session.commit()
    return outcome


def _one_instance(session: Session, calendar: WorkCalendar, rng: random.Random,
                  definition: ProcessDefinition, holders: dict[str, list[User]],
                  moment: datetime, end: datetime, outcome: HistoryOutcome) -> None:
    history_clock = ManualClock(moment)
    catalog = definition.catalog["tasks"]
    first_lane = min(catalog.values(), key=lambda e: _number(e.get("no")))["lane"]
    data = {}
    if definition.catalog.get("mttr"):
        priority = rng.choices([p for p, _ in PRIORITIES], [w for _, w in PRIORITIES])[0]
        data = {definition.catalog["priority_field"]: priority} if priority else {}
    requester = _requester(rng, definition, holders, first_lane)
    start_form = definition.catalog.get("start_form")
    if start_form:
        named = {"pemohon": requester.full_name} if requester is not None else {}
        data = sample(rng, start_form, {**data, **named}, moment)
    instance = start_instance(session, history_clock, process_key=definition.key,
                              title=_title(rng, definition, moment),
                              user=requester or holders[first_lane][0], data=data)
    session.commit()
    outcome.instances += 1
    revisions = 0
    while instance.status == "running":
        task = session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.state == "open")
            .order_by(HumanTask.created_at, HumanTask.id).limit(1)).first()
        if task is None:
            break
        entry = catalog[task.bpmn_id]
        late = task.due_at is not None and rng.random() < LATE_SHARE
        done_at = calendar.deadline(task.created_at,
                                    f"PT{_minutes_taken(rng, calendar, task, late)}M",
                                    round_the_clock=entry.get("round_the_clock", False))
        if done_at >= end:
            catch_up(session, history_clock, instance.id, end)
            outcome.running += 1
            return
        catch_up(session, history_clock, instance.id, done_at)
        choices, sent_back = _decisions(rng, entry, revisions)
        choices.update(sample(rng, entry.get("form"), instance.data or {}, done_at))
        revisions += sent_back
        outcome.revisions += sent_back
        complete_task(session, history_clock, task.id, rng.choice(holders[task.role]), choices)
        session.commit()
        outcome.steps += 1
        outcome.late_steps += late
    if instance.status == "completed" and definition.key in REQUESTER_PROCESSES:
        _rate_or_close(session, calendar, rng, instance, requester, end)


def _rate_or_close(session: Session, calendar: WorkCalendar, rng: random.Random,
                   instance: ProcessInstance, requester: User | None, end: datetime) -> None:
    """The requester rates most tickets he submitted within a day or so; the others close
    unrated when their 5 working days pass (as the worker round would have closed them),
    unless that is still to come."""
    if requester is not None and rng.random() < RATED_SHARE:
        rated_at = min(instance.completed_at + timedelta(hours=rng.randint(1, 30)), end)
        rate(session, ManualClock(rated_at), instance, requester,
             rng.choices([s for s, _ in SCORES], [w for _, w in SCORES])[0],
             rng.choice(RATING_COMMENTS))
    else:
        closing = calendar.deadline(instance.completed_at, UNRATED_AFTER)
        if closing > end:
            return
        close_ticket_unrated(session, ManualClock(closing), instance)
    session.commit()


def _requester(rng: random.Random, definition: ProcessDefinition,
               holders: dict[str, list[User]], first_lane: str) -> User | None:
    """The employee who submits a front-door ticket himself (``SUBMITTED_SHARE`` of them): a
    demo user of another lane than the desk's; None when the desk types it in."""
    if definition.key not in REQUESTER_PROCESSES or rng.random() >= SUBMITTED_SHARE:
        return None
    desk = {user.id for user in holders[first_lane]}
    employees = sorted({user.id: user for lane, users in holders.items() for user in users
                        if user.id not in desk}.values(), key=lambda user: user.username)
    return rng.choice(employees) if employees else None


def _minutes_taken(rng: random.Random, calendar: WorkCalendar, task: HumanTask,
                   late: bool) -> int:
    """Office minutes the step takes: a share of what its time standard allows."""
    if task.due_at is None:
        return rng.randint(*NO_STANDARD_MINUTES)
    allowed = max(1, calendar.working_minutes_between(task.created_at, task.due_at))
    share = rng.uniform(1.05, 3.4) if late else rng.triangular(0.1, 1.0, 0.45)
    return max(1, min(round(allowed * share), 60 * 7 * 200))


def _decisions(rng: random.Random, entry: dict[str, Any], revisions: int
               ) -> tuple[dict[str, str], int]:
    """Values for the step's choice fields; ``(values, 1)`` when one sends the work back."""
    values, sent_back = {}, 0
    for field in entry["fields"]:
        if field["type"] != "choice":
            continue
        options = [choice["value"] for choice in field["choices"]]
        back = [c["value"] for c in field["choices"]
                if c.get("returns", c["value"] == "revisi")]
        onward = [value for value in options if value not in back] or options
        if back and revisions < MAX_REVISIONS and rng.random() < REVISION_SHARE:
            values[field["name"]] = back[0]
            sent_back = 1
        else:
            values[field["name"]] = rng.choice(onward)
    if sent_back:
        values["catatan"] = "Mohon diperbaiki sesuai arahan."
    return values, sent_back


def _office_moment(rng: random.Random, calendar: WorkCalendar, first: datetime,
                   last: datetime) -> datetime:
    """A random moment in office hours between ``first`` and ``last``, to the minute."""
    span_days = max(1, (last - first).days)
    for _ in range(1000):
        day = (first + timedelta(days=rng.randrange(span_days))).astimezone(
            ZoneInfo(calendar.timezone)).date()
        intervals = calendar.office_intervals(day)
        if not intervals:
            continue
        opened, closed = rng.choice(intervals)
        minutes = int((closed - opened).total_seconds() // 60)
        moment = opened + timedelta(minutes=rng.randrange(max(1, minutes)))
        if first <= moment < last:
            return moment
    raise click.ClickException("Kalender kantor tidak punya jam kerja pada rentang ini.")


def _title(rng: random.Random, definition: ProcessDefinition, moment: datetime) -> str:
    if definition.key == "penyusunan_rkt":
        return f"RKT Tahun {moment.year + 1}"
    if definition.key == "penyusunan_skp_prakom":
        return f"SKP Prakom Tahun {moment.year}"
    return rng.choice(TITLES.get(definition.key, (definition.name,)))


def _holders(session: Session, definitions: list[ProcessDefinition]) -> dict[str, list[User]]:
    lanes = {lane for definition in definitions for lane in definition.catalog["lanes"]}
    found: dict[str, list[User]] = {}
    for lane in sorted(lanes):
        found[lane] = holders(session, lane)
        if not found[lane]:
            raise click.ClickException(f'Peran "{lane}" belum punya pemegang; jalankan '
                                       "`alur demo-users` dahulu.")
    return found


def _number(no: Any) -> int:
    text = str(no or "").strip()
    return int(text) if text.isdecimal() else 10**6


@click.command("demo-history", help=(
    "Buat riwayat demo satu tahun untuk SOP yang dideploy. Hanya pada basis data tanpa "
    "proses; fakta laporannya ikut terisi."))
@click.option("--seed", metavar="N", default=35, show_default=True,
              help="Benih acak (benih sama, riwayat sama).")
@with_appcontext
def demo_history_command(seed: int) -> None:
    """Generate a year of demo history for the deployed SOPs (only on an empty database).
    One at a time per instance folder (a lock file): two at once on an empty database
    both found it empty and wrote the history twice."""
    lock = (Path(current_app.instance_path) / "demo-history.lock").open("a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise click.ClickException("riwayat demo sedang dibuat oleh alur demo-history lain; "
                                   "tunggu sampai selesai.") from None
    with lock:
        _write_history(seed)


def _write_history(seed: int) -> None:
    existing = db.session.scalar(select(func.count()).select_from(ProcessInstance))
    if existing:
        click.echo(f"Riwayat demo tidak dibuat: sudah ada {existing} proses di basis data.")
        return
    if not active_definitions(db.session):
        raise click.ClickException("Belum ada SOP yang dideploy; jalankan `alur deploy`.")
    end = clock().now()
    click.echo("Membuat riwayat demo satu tahun (mesin sungguhan, jam kerja kantor)…")
    outcome = generate_history(db.session, settings.work_calendar(db.session), end, seed=seed)
    click.echo(f"Riwayat demo: {outcome.instances} proses ({outcome.running} masih berjalan), "
               f"{outcome.steps} langkah ({outcome.late_steps} terlambat), "
               f"{outcome.revisions} revisi, {outcome.escalations} notifikasi eskalasi.")


def catch_up(session: Session, clock: ManualClock, instance_id: int, moment: datetime) -> None:
    """Move the history's manual ``clock`` forward to ``moment`` (aware), firing the
    instance's timers at their own fire times on the way, as a worker would have. Used
    to write a past that never ran live (demo history, and the report tests' history).
    A timer due at ``moment`` itself does not fire: a step completed then is on time
    (``completed_at <= due_at``, ``engine.facts``), and was reminded of nothing. Not
    committed."""
    while True:
        fire_at = session.scalar(select(Timer.fire_at).where(Timer.instance_id == instance_id)
                                 .order_by(Timer.fire_at).limit(1))
        if fire_at is None or fire_at >= moment:
            break
        clock.set(fire_at)
        fire_instance_timers(session, clock, instance_id)
    clock.set(moment)
