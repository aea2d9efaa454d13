"""Why a message could not be sent, in words the office's administrator can act on.

The outbox keeps the newest failure of each message (``deliveries.last_error``), and
Pengaturan shows it under the channel's settings: "ConnectionRefusedError: [Errno 111]
Connection refused" told an administrator nothing he could check. The cause comes first,
in Indonesian, naming what to look at; the technical text follows in brackets for IT.
"""

import smtplib
import socket
import ssl

import requests

# Most specific first: requests' and smtplib's errors are OSErrors too, and a connect
# timeout is both a ConnectionError and a Timeout.
CAUSES: tuple[tuple[type[BaseException], str], ...] = (
    (requests.Timeout, "alamat webhook tidak menjawab dalam 10 detik"),
    (requests.ConnectionError, "tidak dapat tersambung ke alamat webhook (periksa alamatnya "
                               "dan apakah layanannya berjalan)"),
    (requests.RequestException, "permintaan ke alamat webhook gagal"),
    (smtplib.SMTPAuthenticationError, "server surel menolak nama pengguna atau kata sandi "
                                      "SMTP"),
    (smtplib.SMTPRecipientsRefused, "server surel menolak alamat penerima"),
    (smtplib.SMTPSenderRefused, "server surel menolak alamat pengirim (isian Pengirim)"),
    (smtplib.SMTPNotSupportedError, "server surel tidak mendukung STARTTLS atau login yang "
                                    "diatur (periksa isian STARTTLS, nama pengguna dan "
                                    "port)"),
    (smtplib.SMTPServerDisconnected, "server surel memutus sambungan"),
    (smtplib.SMTPException, "server surel menolak pesan"),
    (ssl.SSLError, "sambungan terenkripsi (TLS) gagal"),
    (socket.gaierror, "nama server tidak dikenal (periksa ejaan host dan DNS)"),
    (ConnectionRefusedError, "server menolak sambungan: tidak ada layanan di host dan port "
                             "itu (periksa isian dan apakah servernya berjalan)"),
    (TimeoutError, "server tidak menjawab dalam 10 detik"),
    (OSError, "galat jaringan"),
)


AUTH_REQUIRED = 530  # RFC 4954: "Authentication required"
# The most of a webhook receiver's error answer kept in the reason (what it did not like).
MAX_ANSWER = 200


def failure_text(error: Exception) -> str:
    """``error`` of one send as the outbox stores it: the cause in Indonesian, then the
    exception's own text in brackets (``"server menolak sambungan: … (ConnectionRefusedError:
    [Errno 111] Connection refused)"``). A webhook's HTTP error answer names its status and
    the first ``MAX_ANSWER`` characters of what the receiver answered, on one line; a
    ValueError or redirect raised by Alur itself is already in Indonesian and kept as it is.
    """
    technical = f"{type(error).__name__}: {error}"
    if isinstance(error, ValueError) and not isinstance(error, requests.RequestException):
        return str(error)
    if isinstance(error, requests.HTTPError):
        if error.response is None:  # raised by Alur: a redirect, already in words
            return str(error)
        said = " ".join(error.response.text[:MAX_ANSWER].split())
        answer = f"; jawabannya: {said}" if said else ""
        return f"alamat webhook menjawab dengan galat HTTP {error.response.status_code}" \
               f"{answer} ({technical})"
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == AUTH_REQUIRED:
        # Refused at MAIL FROM for want of a login: not the sender's address at fault.
        return f"server surel meminta login: isi nama pengguna dan kata sandi SMTP ({technical})"
    if isinstance(error, smtplib.SMTPServerDisconnected) and "timed out" in str(error):
        # smtplib's word for a server that took the connection and never answered.
        return f"server surel tidak menjawab dalam 10 detik ({technical})"
    cause = next((words for kind, words in CAUSES if isinstance(error, kind)), "galat")
    return f"{cause} ({technical})"
