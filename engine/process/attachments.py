"""Attachments (Lampiran) and comments (Catatan) on a step.

Files are stored outside the database, under a folder the caller passes (the web app's
``ALUR_ATTACHMENTS_PATH``), with a random name; the database keeps the original name,
type, size and SHA-256. Only allowed types, checked by extension and by content, and only
up to a size limit.
"""

import hashlib
import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import Clock
from engine.errors import InvalidTaskData, PermissionDenied
from engine.models import Attachment, Comment, HumanTask, User
from engine.people.substitution import capacities

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_COMMENT = 2000

# extension -> (content type, how the file must begin)
ALLOWED = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
    "csv": ("text/csv", ()),
}


def attach(session: Session, clock: Clock, folder: Path, task: HumanTask, user: User,
           filename: str, data: bytes, max_bytes: int = MAX_ATTACHMENT_BYTES) -> Attachment:
    """Store ``data`` as an attachment of ``task`` by ``user`` (not committed; the file is
    written at once, under a random name in ``folder``). ``max_bytes``: the size limit.

    Raises:
        PermissionDenied: the user may not act on the task's role, or the task is closed.
        InvalidTaskData: under ``lampiran``: empty, too large, or a type not allowed.
    """
    _check_may_act(session, clock, task, user)
    name = Path(filename or "").name.strip()[:255]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise InvalidTaskData({"lampiran": "jenis berkas tidak diizinkan; yang boleh: "
                                           + ", ".join(sorted(ALLOWED))})
    content_type, signatures = ALLOWED[extension]
    if not data:
        raise InvalidTaskData({"lampiran": "berkas kosong"})
    if len(data) > max_bytes:
        raise InvalidTaskData({"lampiran": f"berkas lebih dari {_size_text(max_bytes)}"})
    if signatures and not data.startswith(signatures):
        raise InvalidTaskData({"lampiran": f"isi berkas bukan {extension.upper()} yang sah"})
    if not signatures and b"\x00" in data[:4096]:
        raise InvalidTaskData({"lampiran": "berkas teks tidak boleh berisi data biner"})
    stored_name = secrets.token_hex(16)
    # Attachments are official documents: readable by Alur's own user only.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    descriptor = os.open(folder / stored_name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    attachment = Attachment(
        instance_id=task.instance_id, human_task_id=task.id, filename=name,
        stored_name=stored_name, content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=user.id,
        uploaded_at=clock.now())
    session.add(attachment)
    session.flush()
    audit.record(session, clock, "attachment.added", actor=user, task=task, filename=name,
                 size=len(data), sha256=attachment.sha256)
    return attachment


def comment(session: Session, clock: Clock, task: HumanTask, user: User, text: str) -> Comment:
    """Add a comment on ``task`` (not committed).

    Raises:
        PermissionDenied: the user may not act on the task's role.
        InvalidTaskData: under ``komentar``: empty or longer than 2000 characters.
    """
    _check_may_act(session, clock, task, user, open_only=False)
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT:
        raise InvalidTaskData({"komentar": f"tulis 1–{MAX_COMMENT} karakter"})
    entry = Comment(instance_id=task.instance_id, human_task_id=task.id, author_id=user.id,
                    text=text, created_at=clock.now())
    session.add(entry)
    session.flush()
    audit.record(session, clock, "comment.added", actor=user, task=task)
    return entry


def of_instance(session: Session, instance_id: int) -> tuple[list[Attachment], list[Comment]]:
    """The instance's attachments and comments, oldest first."""
    return (list(session.scalars(select(Attachment).where(Attachment.instance_id == instance_id)
                                 .order_by(Attachment.id))),
            list(session.scalars(select(Comment).where(Comment.instance_id == instance_id)
                                 .order_by(Comment.id))))


def _check_may_act(session: Session, clock: Clock, task: HumanTask, user: User,
                   open_only: bool = True) -> None:
    if task.role not in capacities(session, user, clock.now()):
        raise PermissionDenied(f"Anda tidak memegang peran {task.role}.")
    if open_only and task.state != "open":
        raise PermissionDenied(f'Tugas "{task.name}" sudah selesai; lampiran tidak dapat ditambah.')


def _size_text(size: int) -> str:
    return f"{size // 2**20} MB" if size >= 2**20 else f"{size // 1024} KB"
