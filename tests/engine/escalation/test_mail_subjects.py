"""A subject with an accented name or a dash reaches the reader exactly as written (the
e-mail probe: "Ni Made Ayu  Déwi"— Menerima", a space doubled and one lost, where the
`email` package folded an encoded word beside plain ones)."""

import random
from datetime import UTC, datetime

import pytest

from engine.clock import ManualClock
from engine.escalation.delivery import Sender
from engine.models import Delivery
from tests.helpers.servers import SmtpServer, free_port

WORDS = ["Déwi", "Ma’ruf", "—", "Ṡ", "printer", "rusak", "Ni", "Komang", "Ayu", "“kutip”",
         "🙂", "SIPP", "a" * 30]


@pytest.fixture
def smtp():
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


def _subjects() -> list[str]:
    chosen = random.Random(7)  # the same subjects on every run
    made = ['[Alur] Tugas baru: LTI-2026-0063 "Akun surel Ni Made Ayu Déwi" — Menerima '
            "permintaan layanan TI", "[Alur] Tiket LTI-2026-0063 diterima: Akun surel Ni Made "
            "Ayu Déwi", '[Alur] Pengingat: LTI-2026-0001 "Printer ruang sidang macet" — '
            "Menerima permintaan layanan TI", "[Alur] Tiket LTI-2026-0001: pesan baru"]
    made += ['[Alur] Pengingat: LTI-2026-0001 "' + " ".join(
        chosen.choice(WORDS) for _ in range(chosen.randint(1, 100))) + '" — Menerima'
        for _ in range(200)]
    return made


def test_every_subject_is_read_back_as_it_was_written(smtp):
    clock = ManualClock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    sender = Sender({"host": "127.0.0.1", "port": smtp.port, "sender": "alur@pn-contoh.go.id"},
                    clock)
    subjects = _subjects()
    for number, subject in enumerate(subjects):
        assert sender.send(Delivery(channel="email", recipient="ayu@pn-contoh.go.id",
                                    subject=subject, body="Isi surel: Déwi — ✓",
                                    dedupe_key=f"uji-{number}",
                                    created_at=clock.now())) is None
    sender.close()
    assert [message["Subject"] for message in smtp.messages] == subjects
    assert smtp.messages[0].get_content().startswith("Isi surel: Déwi — ✓")
    assert smtp.messages[0]["Content-Transfer-Encoding"] == "quoted-printable"
