"""A trial e-mail from Pengaturan: the administrator checks the SMTP settings he saved by
sending one message to his own address at once, instead of learning days later, from an
escalation that reached no one, that the server refused Alur."""

from typing import Any

from engine.clock import Clock
from engine.escalation.delivery import Sender
from engine.models import Delivery

SUBJECT = "[Alur] Surel uji"
BODY = ("Surel uji dari Pengaturan Alur. Bila surel ini sampai, pengingat, eskalasi, tugas "
        "baru dan pemberitahuan tiket juga dapat dikirim lewat server surel ini.\n\n"
        "Kiriman ini diminta oleh {name}.\n\n{link}")
# The footer of every e-mail points to "the link above": the trial has one too.
LINKED = "Pengaturan: {base_url}/admin/pengaturan"
UNLINKED = ("Alamat Alur untuk tautan di surel dan webhook belum diisi di Pengaturan, jadi "
            "surel Alur belum memuat tautan yang dapat diketuk.")


def send_trial(smtp: dict[str, Any], clock: Clock, recipient: str, requested_by: str
               ) -> str | None:
    """Send one trial message to ``recipient`` (an address) over ``smtp`` (the dict of
    ``engine.settings.smtp_for_sending``), naming ``requested_by`` (a full name) in its
    body, with a link to Pengaturan when the office's Alur address is set; stores nothing.

    Returns:
        None when the server took the message, else why not (``failure_text``: the cause
        in Indonesian, then the technical text). Each SMTP step waits at most
        ``delivery.TIMEOUT_SECONDS``.
    """
    base_url = smtp.get("base_url") or ""
    link = LINKED.format(base_url=base_url) if base_url else UNLINKED
    trial = Delivery(channel="email", recipient=recipient, subject=SUBJECT,
                     body=BODY.format(name=requested_by, link=link),
                     dedupe_key=f"surel-uji:{clock.now().isoformat()}", created_at=clock.now())
    sender = Sender(smtp, clock)
    try:
        return sender.send(trial)
    finally:
        sender.close()
