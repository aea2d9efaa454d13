"""Sending one outbox message: e-mail over SMTP (smtplib) or a webhook POST (requests)."""

import hashlib
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import requests

from engine.clock import Clock
from engine.models import Delivery

TIMEOUT_SECONDS = 10


class Sender:
    """Sends deliveries over one SMTP connection, opened on first use.

    Args:
        smtp: the ``smtp`` setting: host, port, username, password, sender, starttls.
        clock: the time each message is dated (its ``Date`` header, RFC 5322).
    """

    def __init__(self, smtp: dict[str, Any], clock: Clock) -> None:
        self.smtp_settings = smtp
        self.clock = clock
        self._smtp: smtplib.SMTP | None = None

    def send(self, delivery: Delivery) -> str | None:
        """Send; return None when the server took it, else the error text."""
        try:
            if delivery.channel == "email":
                self._send_email(delivery)
            else:
                _post_webhook(delivery)
        except (OSError, smtplib.SMTPException, requests.RequestException, ValueError) as error:
            self.close()
            return f"{type(error).__name__}: {error}"
        return None

    def close(self) -> None:
        """Close the SMTP connection, if open."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None

    def _send_email(self, delivery: Delivery) -> None:
        if not self.smtp_settings.get("host"):
            raise ValueError("server SMTP belum diatur (menu Pengaturan)")
        message = EmailMessage()
        message["From"] = self.smtp_settings["sender"]
        message["To"] = delivery.recipient
        # One line: a message written on several lines (a ticket's) made the header
        # refuse it (ValueError), and the delivery was retried for ever.
        message["Subject"] = " ".join(delivery.subject.split())
        message["Message-ID"] = message_id(delivery.dedupe_key)
        message["Date"] = format_datetime(self.clock.now())
        message.set_content(delivery.body)
        self._connection().send_message(message)

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.smtp_settings["host"], int(self.smtp_settings["port"]),
                                timeout=TIMEOUT_SECONDS)
            if self.smtp_settings.get("starttls"):
                smtp.starttls()
            if self.smtp_settings.get("username"):
                smtp.login(self.smtp_settings["username"], self.smtp_settings["password"])
            self._smtp = smtp
        return self._smtp


def message_id(dedupe_key: str) -> str:
    """A Message-ID fixed by the dedupe key, so a repeated send is recognisable."""
    return f"<{hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]}@alur>"


def _post_webhook(delivery: Delivery) -> None:
    response = requests.post(delivery.recipient, json=delivery.payload, timeout=TIMEOUT_SECONDS,
                             headers={"Idempotency-Key": message_id(delivery.dedupe_key)})
    response.raise_for_status()
