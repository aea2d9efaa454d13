"""The service desk's tables: the requester's thread, SLA pauses, ratings and the
monitoring alerts that open incidents (issue 14). Imported by ``engine.models``."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base


class TicketMessage(Base):
    """One entry of the thread between the requester and the desk (visible to both).

    ``asks`` marks a desk question that waits for the requester (menunggu pemohon);
    internal notes stay in ``comments`` and are never shown to the requester.
    """

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_requester: Mapped[bool]
    asks: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    created_at: Mapped[datetime]

    author: Mapped["User | None"] = relationship("User")  # noqa: F821
    attachment: Mapped["Attachment | None"] = relationship("Attachment")  # noqa: F821


class SlaPause(Base):
    """A span in which the SLA clock of an instance stood still (menunggu pemohon)."""

    __tablename__ = "sla_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class Rating(Base):
    """The requester's satisfaction with a completed ticket: score 1-5 and a comment;
    ``score`` is None when the ticket closed unrated after 5 working days."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    score: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime]


class AlertSource(Base):
    """A monitoring tool allowed to post alerts, with the hash of its bearer token."""

    __tablename__ = "alert_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The account that starts the source's incidents and writes its notes (no roles).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    # When the source's last webhook was taken (None: never), for the administrator.
    last_received_at: Mapped[datetime | None]

    user: Mapped["User"] = relationship("User", lazy="joined")  # noqa: F821


class Alert(Base):
    """One alert of a source by its fingerprint and the incident it opened.

    ``firing_since`` is set while the alert fires; the unique (source, fingerprint) row is
    what lets exactly one of many concurrent identical alerts open the incident.
    """

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("source_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("alert_sources.id"))
    fingerprint: Mapped[str] = mapped_column(String(200))
    system: Mapped[str] = mapped_column(String(200))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"))
    firing_since: Mapped[datetime | None]


class Outage(Base):
    """A firing-to-resolved span of an alert: the downtime of ``system``."""

    __tablename__ = "outages"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    system: Mapped[str] = mapped_column(String(200), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
