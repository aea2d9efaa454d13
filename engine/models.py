"""Alur's tables.

The serialized SpiffWorkflow state of a process instance is the source of truth; the
``human_tasks`` and ``timers`` tables are projections of it, written in the same
transaction, so that inboxes and timer polling never deserialize a workflow.
"""

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, WrittenOnceJSON


class User(Base):
    """A person who logs in. ``password_hash`` is written by ``web.views.auth`` (werkzeug).

    ``session_version`` is part of the id kept in the session cookie and of every API
    token: raising it (logout, password change, disabling, a change of roles, admin or
    auditor rights) ends every session and token of the user at once.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(5), default="id", server_default="id")
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Auditor (Inspektorat, BPK): reads every process, report and the audit trail, acts on
    # none (engine.people.access); holds no role and no admin rights (accounts).
    is_auditor: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime]
    is_disabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set for a generated or reset password: the user must choose their own first.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # A "tugas baru" notice whenever a step lands in the user's inbox (account page).
    notify_new_tasks: Mapped[bool] = mapped_column(default=False, server_default=false())

    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    # The interface Flask-Login expects of a user object (duck-typed; no Flask import here).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """A disabled account cannot log in (Flask-Login refuses inactive users)."""
        return not self.is_disabled

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: ``"<id>:<session_version>"``."""
        return f"{self.id}:{self.session_version}"

    @property
    def role_names(self) -> set[str]:
        """The roles (lane names) this user holds."""
        return {r.role for r in self.roles}


class UserRole(Base):
    """That a user holds a role (a lane name such as ``Kasubbag``)."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(64), index=True)

    user: Mapped[User] = relationship(back_populates="roles")


class ApiToken(Base):
    """A bearer token of the API. Only the SHA-256 of the secret is stored; ``prefix`` (its
    first characters) names it on the account page. It works until ``expires_at``, until
    revoked, and while the user's ``session_version`` still equals the one it was issued at.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    session_version: Mapped[int]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ProcessDefinition(Base):
    """One deployed version of one SOP's BPMN: who deployed it, when, why (``comment``),
    its file hash. New instances start on the key's single active version;
    ``activated_at`` is when the version was last made active (None: never).

    ``spec_json`` is SpiffWorkflow's serialized process spec, stored once per version;
    ``catalog`` holds, per user task id, what the inbox and the task page show (name,
    lane, Mutu Baku properties, time standard, form fields) so they never parse BPMN.
    """

    __tablename__ = "process_definitions"
    # Lists show the active versions by lower(name) (deploy.BY_NAME); one active one per key.
    __table_args__ = (UniqueConstraint("key", "version"),
                      Index("ix_process_definitions_active_lower_name", "is_active",
                            text("lower(name)")),
                      Index("uq_process_definitions_one_active", "key", unique=True,
                            sqlite_where=text("is_active"), postgresql_where=text("is_active")))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    # Deferred: read only by what shows or parses the BPMN, never by a list of versions.
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)  # read via adapter.spec_of
    catalog: Mapped[dict[str, Any]] = mapped_column(WrittenOnceJSON)
    file_hash: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=False)
    activated_at: Mapped[datetime | None]
    deployed_by: Mapped[User | None] = relationship()


class ProcessInstance(Base):
    """One run of one process definition version.

    ``status``: ``running``, ``completed``, ``cancelled``, or ``error`` (Galat: the engine
    failed at ``error_element`` with ``error_message`` at ``failed_at``; it waits for an
    administrator to retry or cancel it, README "Galat").
    ``number`` is the readable process number, per SOP and year (``LTI-2026-0042``,
    ``engine.process.case``); ``data`` the case data: the start form's values and every
    step's declared form values, merged in order (later steps overwrite), stored once here.
    ``lock_version`` makes concurrent writers of the same instance fail instead of
    overwriting each other's state (optimistic locking).
    """

    __tablename__ = "process_instances"
    # Lists of instances are newest first (engine.process.lists, the service desk); the
    # Galat list is the most recent failure first.
    __table_args__ = (Index("ix_process_instances_started_at_id", "started_at", "id"),
                      Index("ix_process_instances_status_failed_at", "status", "failed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    state_json: Mapped[str] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_element: Mapped[str | None] = mapped_column(String(128))
    failed_at: Mapped[datetime | None]

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")
    started_by: Mapped[User | None] = relationship()

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": lock_version}


class ProcessNumber(Base):
    """The last process number given per stem (``<prefix>-<year>-``, e.g. ``LTI-2026-``):
    a start takes the next one by incrementing ``last`` in one statement
    (``engine.process.case``), however many instances the year already has."""

    __tablename__ = "process_numbers"

    stem: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class HumanTask(Base):
    """Projection of a user task of an instance: open while SpiffWorkflow holds it READY.

    ``role`` is the lane; ``due_at`` the deadline from the step's time standard (None for
    "Relatif"). Rows stay after completion as the step's record (who, when, and what:
    ``decision`` the chosen flow's label, ``note`` the Catatan, ``data`` the declared
    form's values).
    """

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_state_role_due", "state", "role", "due_at"),
        Index("ix_human_tasks_state_claimed", "state", "claimed_by_id"),
        # Reports read finished steps by period and by performer.
        Index("ix_human_tasks_completed_at", "completed_at"),
        Index("ix_human_tasks_completed_by_at", "completed_by_id", "completed_at"),
        # The inbox counts and pages open tasks from this index alone (engine.process.inbox).
        Index("ix_human_tasks_inbox", "state", "role", "claimed_by_id", "instance_id",
              "due_at", "created_at"),
        Index("ix_human_tasks_state_name", "state", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    bpmn_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(500))
    role: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    # The Waktu this step got when it opened: its timer's ISO 8601 duration evaluated on
    # the case data ("PT1H" for a kritis case), and whether it counts wall-clock time
    # (``sepanjang_waktu`` held). None/False: no timer, or a row from before these were
    # kept (``engine.process.levels.step_clock`` then reads the catalog).
    duration: Mapped[str | None] = mapped_column(String(40))
    round_the_clock: Mapped[bool] = mapped_column(default=False, server_default=false())
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None]
    # "Plh. Prakom" when a holder of the role took the step over from the official he
    # stands in for: completed by him, it is completed in that capacity too.
    claimed_as: Mapped[str | None] = mapped_column(String(100))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None]
    # "Plh. Kasubbag" when a substitute completed the step in the official's place.
    completed_as: Mapped[str | None] = mapped_column(String(100))
    decision: Mapped[str | None] = mapped_column(String(300))
    # True when the chosen flow goes back to an earlier step (a return for revision).
    returned: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    instance: Mapped[ProcessInstance] = relationship(lazy="joined")
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])


class Timer(Base):
    """A waiting timer: when it fires, which step it guards, which escalation level it is.

    Level 1 is the projection of the step's boundary timer event in SpiffWorkflow
    (``spiff_task_id`` set). Levels 2 and up are Alur's escalation chain for the same step
    (``spiff_task_id`` None), scheduled when the level before fires.
    """

    __tablename__ = "timers"
    __table_args__ = (UniqueConstraint("human_task_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    spiff_task_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    level: Mapped[int] = mapped_column(default=1)
    fire_at: Mapped[datetime] = mapped_column(index=True)
    # A worker's claim (``engine.escalation.timers.claim_due``): who took it, until when.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None]

    human_task: Mapped[HumanTask | None] = relationship()


class Attachment(Base):
    """A file attached to a step as its Output (Lampiran). The bytes live outside the
    database under the attachments folder, named by ``stored_name``."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]

    uploaded_by: Mapped[User] = relationship()


class Comment(Base):
    """A remark (Catatan) on an instance, optionally on one of its steps."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]

    author: Mapped[User] = relationship()


class Substitution(Base):
    """A Plh (Pelaksana Harian, the official is away) or Plt (Pelaksana Tugas, the post is
    vacant) standing in for an official in one role, under a warrant (UU 30/2014 Pasal 14).

    Between ``starts_at`` and ``ends_at`` (aware; end exclusive) the substitute sees and
    may complete the official's tasks of ``role``; the record then reads "Plh. <role>".
    """

    __tablename__ = "substitutions"
    __table_args__ = (Index("ix_substitutions_substitute_period", "substitute_id", "ends_at"),
                      # Kotak Masuk asks for the reader's own (replacing, returned_to).
                      Index("ix_substitutions_official_period", "official_id", "ends_at"),
                      # The list of current ones is by start.
                      Index("ix_substitutions_starts_at", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(3))
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(64))
    warrant_number: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    # Set when a Plt was extended (once at most) and when someone ended it early.
    extended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    official: Mapped[User] = relationship(foreign_keys=[official_id])
    substitute: Mapped[User] = relationship(foreign_keys=[substitute_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])


class Escalation(Base):
    """That a step went past its time standard at a given level; at most once per level."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("human_task_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_tasks.id"))
    level: Mapped[int]
    raised_at: Mapped[datetime]

    human_task: Mapped[HumanTask] = relationship()


class Notification(Base):
    """A message for one user (e.g. an escalation), shown from ``kind`` + ``params`` in the
    reader's language; ``message``, Indonesian, serves rows older than ``params``."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),
                      Index("ix_notifications_user_created", "user_id", "created_at"),
                      Index("ix_notifications_task", "human_task_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    human_task: Mapped[HumanTask | None] = relationship()
    escalation: Mapped[Escalation | None] = relationship()


class Setting(Base):
    """An office-wide setting edited by administrators (SMTP, webhook, escalation, calendar)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


from engine.audit_models import AuditRecord  # noqa: F401, I001  (the audit trail shares the metadata)
from engine.desk_models import Alert, AlertSource, Outage, Rating, SlaPause, TicketMessage  # noqa: F401  (the service desk tables share the metadata)
from engine.fact_models import EscalationFact, InstanceFact, ParticipationFact, StepFact  # noqa: F401  (the report facts share the metadata)
from engine.outbox_models import Delivery, WorkerHeartbeat  # noqa: F401  (the worker's tables share the metadata)
from engine.inbox_models import FormReceipt, SavedFilter  # noqa: F401  (a user's own pages' tables share the metadata)
