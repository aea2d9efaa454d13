"""How the outbox fares, for the administrator on Pengaturan: per channel (``email``,
``webhook``) the messages waiting, those whose last attempt failed with the newest failure's
words, and when the last one went out; so that a mail server or gateway that stopped
taking messages is seen where it is set, not only in the log and ``/metrics``."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.outbox_models import Delivery

CHANNELS = ("email", "webhook")


@dataclass(frozen=True)
class ChannelStatus:
    """One channel's outbox: ``waiting`` messages not sent yet, ``failing`` of them tried
    and refused (retried with backoff), ``last_error`` the newest failure's words (the
    webhook's path left out, ``engine.escalation.delivery``), ``last_sent_at`` (aware) the
    last message the server took, or None."""

    waiting: int = 0
    failing: int = 0
    last_error: str | None = None
    last_sent_at: datetime | None = None


def channel_status(session: Session) -> dict[str, ChannelStatus]:
    """``{channel: ChannelStatus}`` for every channel of ``CHANNELS``: one grouped count of
    the waiting messages (the ``(state, next_attempt_at)`` index), and per channel the
    newest failure and the last message sent, each read newest first by id, one row."""
    counts = {channel: (waiting, int(failing or 0)) for channel, waiting, failing in
              session.execute(select(Delivery.channel, func.count(), func.sum(case(
                  (Delivery.last_error.is_not(None), 1), else_=0)))
                  .where(Delivery.state == "pending").group_by(Delivery.channel))}
    found = {}
    for channel in CHANNELS:
        waiting, failing = counts.get(channel, (0, 0))
        last_error = session.scalar(select(Delivery.last_error).where(
            Delivery.channel == channel, Delivery.state == "pending",
            Delivery.last_error.is_not(None)).order_by(Delivery.id.desc()).limit(1)
        ) if failing else None
        last_sent_at = session.scalar(select(Delivery.sent_at).where(
            Delivery.channel == channel, Delivery.state == "sent")
            .order_by(Delivery.id.desc()).limit(1))
        found[channel] = ChannelStatus(waiting, failing, last_error, last_sent_at)
    return found
