"""Sending one outbox message: e-mail over SMTP (smtplib) or a webhook POST (requests)."""

import hashlib
import hmac
import json
import smtplib
from datetime import UTC
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from typing import Any
from urllib.parse import urlsplit

import requests

from engine.clock import Clock
from engine.escalation.failure_words import failure_text
from engine.models import Delivery

TIMEOUT_SECONDS = 10
# The name Alur's e-mails come from, beside the address set in Pengaturan.
SENDER_NAME = "Alur"
# Who posts a webhook, so that a receiver (or its proxy log) can tell Alur's messages apart.
USER_AGENT = "Alur-webhook/1"


class Sender:
    """Sends deliveries over one SMTP connection, opened on first use.

    Args:
        smtp: the ``smtp`` setting: host, port, username, password, sender, starttls.
        clock: the time each message is dated (its ``Date`` header, RFC 5322).
        webhook_url: the office's webhook address as it is set now: a queued message
            goes there, not to the address set when it was queued (a corrected address
            or a new token reaches the messages still waiting).
        webhook_secret: the office's signing secret in plain text; ``""``: not signed
            (:func:`signature`).
    """

    def __init__(self, smtp: dict[str, Any], clock: Clock, webhook_url: str = "",
                 webhook_secret: str = "") -> None:
        self.smtp_settings = smtp
        self.clock = clock
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self._smtp: smtplib.SMTP | None = None

    def send(self, delivery: Delivery) -> str | None:
        """Send; return None when the server took it, else why not (``failure_text``: the
        cause in Indonesian, then the technical text; a webhook's address in it shortened to
        its scheme, host and port: its path may hold a token)."""
        try:
            if delivery.channel == "email":
                self._send_email(delivery)
            else:
                _post_webhook(self.webhook_url, delivery, self._signed())
        except (OSError, smtplib.SMTPException, requests.RequestException, ValueError) as error:
            self.close()
            return _without_path(failure_text(error), self.webhook_url)
        return None

    def _signed(self) -> tuple[str, int] | None:
        """The secret and the Unix second this POST is signed at, or None (no secret)."""
        if not self.webhook_secret:
            return None
        return self.webhook_secret, int(self.clock.now().timestamp())

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
        footer = NO_REPLY if "://" in delivery.body else NO_REPLY_UNLINKED
        message = MIMEText(f"{delivery.body}\n\n-- \n{footer}", "plain", _UTF8)
        # A name the reader's mail list shows, not only the bare address (e-mail probe).
        message["From"] = formataddr((SENDER_NAME, self.smtp_settings["sender"]))
        message["To"] = delivery.recipient
        # One line: a message written on several lines (a ticket's) made the header
        # refuse it (ValueError), and the delivery was retried for ever.
        message["Subject"] = subject_header(" ".join(delivery.subject.split()))
        message["Message-ID"] = message_id(delivery)
        message["Date"] = format_datetime(self.clock.now())
        # RFC 3834: out-of-office replies are not sent back to a mailbox nobody reads.
        message["Auto-Submitted"] = "auto-generated"
        self._connection().send_message(message)

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.smtp_settings["host"], int(self.smtp_settings["port"]),
                                timeout=TIMEOUT_SECONDS)
            try:
                if self.smtp_settings.get("starttls"):
                    smtp.starttls()
                if self.smtp_settings.get("username"):
                    smtp.login(self.smtp_settings["username"], self.smtp_settings["password"])
            except (OSError, smtplib.SMTPException):
                smtp.close()  # refused STARTTLS or login: the socket is not left open
                raise
            self._smtp = smtp
        return self._smtp


# The body in quoted-printable UTF-8: readable as it stands, whatever the mail program.
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP


def subject_header(subject: str) -> str | Header:
    """``subject`` as its header: ASCII as it is; else whole RFC 2047 encoded words, which
    every reader decodes as written. (The ``email`` package's own folding put an encoded
    word beside plain ones and lost or doubled the space next to it: 'Ayu  Déwi"— Menerima',
    the e-mail probe.)"""
    return subject if subject.isascii() else Header(subject, "utf-8")


NO_REPLY = ("Surel ini dikirim otomatis oleh Alur; balasan ke alamat ini tidak dibaca. "
            "Tanggapi lewat tautan di atas.")
# The footer of an e-mail that holds no link to tap (the office's Alur address not set).
NO_REPLY_UNLINKED = ("Surel ini dikirim otomatis oleh Alur; balasan ke alamat ini tidak "
                     "dibaca. Tanggapi dengan membuka Alur.")


def message_id(delivery: Delivery) -> str:
    """The e-mail's Message-ID and the webhook's Idempotency-Key: fixed by the message's
    dedupe key and the moment it was enqueued (``created_at``, aware), so a repeated send of
    it is recognisable, while the same (step, level, channel, recipient) enqueued anew by a
    restored copy of the database is a message of its own, not a repeat a receiver drops
    (the operations probe: a restore drill's escalation took the key of a real one)."""
    made = delivery.created_at.astimezone(UTC).isoformat()
    digest = hashlib.sha256(f"{delivery.dedupe_key}|{made}".encode()).hexdigest()
    return f"<{digest[:32]}@alur>"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``X-Alur-Signature`` of a webhook POST: ``sha256=`` and the hex HMAC-SHA256 (RFC
    2104) under ``secret`` (UTF-8) of the ``X-Alur-Timestamp`` (Unix seconds), a dot and
    the body's bytes, as Stripe and Slack sign theirs: the receiver proves the message is
    Alur's, and rejects an old one replayed by its timestamp."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _post_webhook(url: str, delivery: Delivery, signed: tuple[str, int] | None) -> None:
    """POST the delivery's payload to ``url``, signed when ``signed`` (secret, Unix
    second) is given (:func:`signature`). A redirect is not followed: requests would
    follow a 301/302 with a GET without the message, and the message counted as sent."""
    body = json.dumps(delivery.payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "Idempotency-Key": message_id(delivery)}
    if signed is not None:
        secret, timestamp = signed
        headers.update({"X-Alur-Timestamp": str(timestamp),
                        "X-Alur-Signature": signature(secret, timestamp, body)})
    response = requests.post(url, data=body, timeout=TIMEOUT_SECONDS, allow_redirects=False,
                             headers=headers)
    if response.is_redirect:
        raise requests.HTTPError(
            f"{response.status_code} dialihkan ke {response.headers.get('Location', '?')}; "
            "isi alamat webhook di Pengaturan dengan alamat tujuannya sendiri")
    response.raise_for_status()


def _without_path(text: str, url: str) -> str:
    """``text`` with the path and query of webhook address ``url`` left out."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed host: the setting was refused, this is a stray row
        return text
    for secret in (f"{parts.path}?{parts.query}" if parts.query else "", parts.path):
        if secret.strip("/"):
            text = text.replace(secret, "/…")
    return text
