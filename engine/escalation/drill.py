"""A restored copy made for a restore drill (docs/deploy.md, "Cadangan dan pemulihan"): it
holds the office's SMTP server and webhook, and would mail real people and post to the real
gateway about cases that exist only in the copy (the operations probe). ``silence`` stops it:
no message leaves the copy, and nothing waiting in its outbox is sent."""

from sqlalchemy import update
from sqlalchemy.orm import Session

from engine import settings
from engine.clock import Clock
from engine.outbox_models import Delivery

# The ``reason`` of the ``settings.changed`` that silences a copy: the trail says a drill
# emptied the office's SMTP server and webhook, not the system on its own.
REASON = "latihan_pemulihan"
# Why a message waiting in a drill's copy was never sent (its ``last_error``).
DROPPED = "latihan pemulihan: salinan ini tidak mengirim pesan"


def silence(session: Session, clock: Clock) -> int:
    """Empty the SMTP server and the webhook address in Pengaturan (one ``settings.changed``
    with ``reason`` ``REASON``, so Jejak audit says when and why they went) and drop every message
    still waiting in the outbox. Returns how many were dropped. Not committed."""
    smtp, webhook = settings.get(session, "smtp"), settings.get(session, "webhook")
    settings.save(session, clock, None, {"smtp": {**smtp, "host": ""},
                                         "webhook": {**webhook, "url": ""}}, reason=REASON)
    dropped = session.execute(
        update(Delivery).where(Delivery.state == "pending")
        .values(state="dropped", lease_owner=None, lease_expires_at=None, last_error=DROPPED)
        .execution_options(synchronize_session=False))
    return dropped.rowcount
