"""Monitoring alerts open incidents (README, "Peringatan pemantauan").

A source (Prometheus Alertmanager or Uptime Kuma) posts with its own bearer token. A
firing alert opens "Penanganan Gangguan Server" with the system from its labels and the
priority from its severity (setting ``alert_priorities``); one open incident per alert
fingerprint: a repeat adds a note. A resolved alert adds a note with the downtime and
records the outage (the incident stays open: a person closes it).

Exactly one of many concurrent identical alerts opens the incident: the alert's
(source, fingerprint) row is inserted with ON CONFLICT DO NOTHING and then locked.
"""

import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Select, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.clock import Clock
from engine.errors import InvalidTaskData
from engine.models import Alert, AlertSource, Comment, Outage, ProcessInstance, User
from engine.people import accounts
from engine.process.instances import start_instance
from engine.time.wall_clock import wall_clock_text

INCIDENT_PROCESS = "penanganan_gangguan_server"
KINDS = ("alertmanager", "uptime-kuma")
OPEN = ("running", "error")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")


MAX_SYSTEM = 200  # characters of a system's name kept (``Alert.system``, ``Outage.system``)


@dataclass(frozen=True)
class Event:
    """One alert in a webhook, whatever the tool: ``firing`` or resolved, at ``at``;
    ``system`` cut to ``MAX_SYSTEM`` characters, as its columns keep it (a longer label
    was stored whole by SQLite, refused by PostgreSQL, and named the same system twice)."""

    fingerprint: str
    firing: bool
    system: str
    severity: str
    summary: str
    at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "system", self.system[:MAX_SYSTEM])


def add_source(session: Session, clock: Clock, hasher: accounts.Hasher, *, name: str,
               kind: str, actor: User | None) -> tuple[AlertSource, str]:
    """Register a source; returns it and its token (shown once; only its hash is kept).
    The source's account ``pantau.<name>`` (no roles, random password) starts its
    incidents. Audited ``alert_source.added``. Not committed.

    Raises:
        InvalidTaskData: under ``name`` (2-41 of a-z, 0-9, "-", taken, or its account
            name taken by another account) or ``kind``.
    """
    if kind not in KINDS:
        raise InvalidTaskData({"kind": f"jenis harus salah satu dari: {', '.join(KINDS)}"})
    if not (name or "").strip():
        raise InvalidTaskData({"name": "nama wajib diisi"})
    if not NAME.match(name or ""):
        raise InvalidTaskData({"name": "nama 2–41 huruf kecil, angka atau '-', diawali huruf "
                                       "atau angka"})
    if session.scalar(select(AlertSource.id).where(AlertSource.name == name)):
        raise InvalidTaskData({"name": f"sumber {name} sudah ada; pilih nama lain"})
    username = f"pantau.{name.replace('-', '_')}"
    if accounts.find_by_username(session, username) is not None:
        # Said beside Nama: the page shows no field "username" (the regression probe).
        raise InvalidTaskData({"name": f"akun {username} sudah ada (bukan milik sumber "
                                       "peringatan); pilih nama lain"})
    user, _ = accounts.create(session, clock, hasher, actor=actor, username=username,
                              full_name=f"Pemantauan {name}",
                              password=secrets.token_urlsafe(32))
    token = secrets.token_urlsafe(32)
    source = AlertSource(name=name, kind=kind, token_hash=_hash(token), user_id=user.id,
                         created_at=clock.now())
    session.add(source)
    session.flush()
    audit.record(session, clock, "alert_source.added", actor=actor, name=name, kind=kind)
    return source, token


def source_named(session: Session, name: str) -> AlertSource:
    """The source called ``name``, in any case (names are lower case: ``NAME``).

    Raises:
        InvalidTaskData: under ``name`` when there is none.
    """
    source = session.scalar(select(AlertSource).where(AlertSource.name == name.lower()))
    if source is None:
        raise InvalidTaskData({"name": f"sumber {name} tidak ada"})
    return source


def rotate_token(session: Session, clock: Clock, source: AlertSource, *,
                 actor: User | None) -> str:
    """Give ``source`` a new token and return it (shown once; only its hash is kept): the
    old token is refused (401) once this commits, for a token that leaked or left with a
    person. Audited ``alert_source.token_rotated``. Not committed."""
    token = secrets.token_urlsafe(32)
    source.token_hash = _hash(token)
    audit.record(session, clock, "alert_source.token_rotated", actor=actor, name=source.name)
    return token


def from_monitoring(session: Session, instance: ProcessInstance) -> bool:
    """Whether ``instance`` is a monitoring incident: its requester is an alert source's
    account (``pantau.<name>``), which can never answer a question nor rate."""
    return instance.started_by_id is not None and bool(session.scalar(select(exists().where(
        AlertSource.user_id == instance.started_by_id))))


def monitoring_incidents() -> Select[tuple[int]]:
    """The ids of the instances started by an alert source's account (the monitoring
    incidents), as a subquery for ``not_in`` (it correlates with no outer query)."""
    return select(ProcessInstance.id).join(
        AlertSource, AlertSource.user_id == ProcessInstance.started_by_id).correlate(None)


def source_for(session: Session, token: str) -> AlertSource | None:
    """The source whose token this is, or None."""
    return session.scalar(select(AlertSource).where(AlertSource.token_hash == _hash(token)))


def receive(session: Session, clock: Clock, source: AlertSource,
            events: list[Event]) -> tuple[list[int], int]:
    """Apply a webhook's events in order and note when ``source`` was last heard from;
    returns (ids of the incidents opened, how many events changed nothing). Not committed.

    Raises:
        InvalidTaskData, ProcessFailure: from starting the incident (nothing is kept when
            the caller rolls back).
    """
    user = source.user
    opened: list[int] = []
    ignored = 0
    now = clock.now()
    zone = settings.work_calendar(session).timezone
    source.last_received_at = now
    for event in events:
        # A tool's clock ahead of ours (or a made-up 2099) cannot end an outage in the future.
        event = replace(event, at=min(event.at, now))
        alert = _locked_alert(session, source, event)
        instance = session.get(ProcessInstance, alert.instance_id) if alert.instance_id else None
        if event.firing:
            if instance is None or instance.status not in OPEN:
                instance = _open_incident(session, clock, user, event)
                alert.instance_id, alert.system = instance.id, event.system
                alert.firing_since = event.at
                opened.append(instance.id)
                continue
            if alert.firing_since is None:  # resolved before, firing again
                alert.firing_since = event.at
                _note(session, clock, user, instance, f"Peringatan menyala lagi: {event.summary}")
            else:  # the tool repeats an alert that never stopped (Alertmanager's repeat)
                _note(session, clock, user, instance,
                      f"Peringatan masih menyala (dikirim ulang): {event.summary}")
        elif alert.firing_since is not None and instance is not None:
            end = max(event.at, alert.firing_since)
            session.add(Outage(alert_id=alert.id, system=alert.system,
                               started_at=alert.firing_since, ended_at=end))
            _note(session, clock, user, instance,
                  f"Pulih: {alert.system} tidak tersedia "
                  f"{_downtime_words(end - alert.firing_since)} "
                  f"({wall_clock_text(alert.firing_since, zone)} – "
                  f"{wall_clock_text(end, zone)}).")
            alert.firing_since = None
        else:
            ignored += 1
    return opened, ignored


def _downtime_words(downtime: timedelta) -> str:
    """``20 menit``, ``26 jam 30 menit``, ``2 hari 3 jam`` (whole minutes, as the times
    beside it show them), or ``kurang dari 1 menit``."""
    minutes = int(downtime.total_seconds() // 60)
    if not minutes:
        return "kurang dari 1 menit"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} hari {hours} jam" if hours else f"{days} hari"
    parts = [f"{hours} jam"] if hours else []
    return " ".join(parts + ([f"{minutes} menit"] if minutes or not parts else []))


def _locked_alert(session: Session, source: AlertSource, event: Event) -> Alert:
    values = {"source_id": source.id, "fingerprint": event.fingerprint[:200],
              "system": event.system}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(Alert).values(**values).on_conflict_do_nothing())
    return session.scalar(select(Alert).where(
        Alert.source_id == source.id, Alert.fingerprint == values["fingerprint"]
    ).with_for_update().execution_options(populate_existing=True))


def _open_incident(session: Session, clock: Clock, user: User, event: Event) -> ProcessInstance:
    priorities = settings.get(session, "alert_priorities")
    priority = priorities.get(event.severity.lower(), "mayor")
    return start_instance(session, clock, process_key=INCIDENT_PROCESS,
                          title=f"{event.system}: {event.summary}"[:300], user=user,
                          data={"sistem": event.system, "gejala": event.summary[:2000],
                                "prioritas": priority})


def _note(session: Session, clock: Clock, user: User, instance: ProcessInstance,
          text: str) -> None:
    session.add(Comment(instance_id=instance.id, author_id=user.id, text=text[:2000],
                        created_at=clock.now()))
    audit.record(session, clock, "comment.added", actor=user, instance=instance)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
