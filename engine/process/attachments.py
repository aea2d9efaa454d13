"""Attachments (Lampiran) and comments (Catatan) on a step.

Files are stored outside the database, under a folder the caller passes (the web app's
``ALUR_ATTACHMENTS_PATH``), with a random name; the database keeps the original name,
type, size and SHA-256. A file takes that name only when the caller commits
(``engine.process.files``). Only allowed types, checked by extension and by content, and
only up to a size limit.
"""

import hashlib
import secrets
import unicodedata
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from engine import audit
from engine.clock import Clock
from engine.errors import InvalidTaskData, PermissionDenied
from engine.models import Attachment, Comment, HumanTask, ProcessInstance, User
from engine.paging import Latest, Page, latest, paginate
from engine.people.access import NOT_IN_LANES, READ_ONLY, Access
from engine.people.substitution import capacities
from engine.process.files import store_pending
from engine.process.held import held_by_other, held_refusal
from engine.runtime.unit import lock_task
from engine.text import trimmed

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_COMMENT = 2000
MAX_FILENAME = 255
# Unicode categories a file name may not hold: controls (a tab, a NUL, an escape), format
# characters (a right-to-left override hides the real extension) and line separators;
# a control character in Content-Disposition made every download of the file answer 500.
REFUSED_IN_NAMES = {"Cc", "Cf", "Zl", "Zp"}
# Format characters a name keeps: the joiners inside an emoji (👨‍💻) and Persian or Hindi
# words, which move no text and hide no extension.
JOINERS = frozenset("\u200c\u200d")
UNNAMED = "lampiran"  # the name of a file sent with only an extension

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
    written under a random name in ``folder`` when the caller commits, and not at all if it
    rolls back). ``max_bytes``: the size limit.

    Raises:
        PermissionDenied: ``may_attach`` says no (role not held, step closed, or a done
            step's performer after the instance ended).
        TaskNotOpen: the step is open but another holder of its role has taken it
            (``held.held_refusal``, a 409 naming him).
        InvalidTaskData: under ``lampiran``: empty, too large, or a type not allowed.
    """
    [attachment] = attach_all(session, clock, folder, task, user, [(filename, data)],
                              max_bytes)
    return attachment


def attach_all(session: Session, clock: Clock, folder: Path, task: HumanTask, user: User,
               files: list[tuple[str, bytes]], max_bytes: int = MAX_ATTACHMENT_BYTES, *,
               most: int | None = None, label: str = "Lampiran") -> list[Attachment]:
    """Store every one of ``files`` (``[(file name, bytes)]``, in that order) as attachments
    of ``task`` by ``user``, or none: each file is checked (name, type, size, content)
    before any is written, so one refused file refuses the lot. Not committed, as
    ``attach``; one audit record per file. ``max_bytes``: the size limit of each file;
    ``most``: how many files one call may bring (``None``: any number); ``label``: the
    field's name in a message about a refused file.

    Raises:
        PermissionDenied, TaskNotOpen: as ``attach``, before any file is looked at; the
            step is read again under its instance's lock (``engine.runtime.unit.lock_task``).
        InvalidTaskData: under ``lampiran``: no file; more than ``most``; or a file
            refused, the message naming it (``Lampiran "x.exe": jenis berkas tidak
            diizinkan …; tidak ada berkas yang disimpan``; README "Halaman tugas").
    """
    # Read under the instance's lock, as a completion reads it: a step completed
    # meanwhile by another request is seen completed (and closed to its role). Its state
    # is read again once the lock is had: PostgreSQL's locking read returns the joined
    # step as it was when the statement began waiting.
    task = lock_task(session, task.id) or task
    session.refresh(task, ["state", "completed_by_id"])
    _check_may_attach(session, clock, task, user)
    if not files:
        raise InvalidTaskData({"lampiran": "berkas wajib dipilih"})
    if most is not None and len(files) > most:
        raise InvalidTaskData({"lampiran": f"paling banyak {most} berkas per permintaan; "
                                           f"{len(files)} dikirim, tidak ada yang disimpan"})
    for filename, data in files:
        try:
            _checked(filename, data, max_bytes)
        except InvalidTaskData as invalid:
            raise InvalidTaskData({"lampiran": refusal(label, filename,
                                                       invalid.fields["lampiran"])}) from None
    stored = []
    for filename, data in files:
        attachment = store(session, clock, folder, task.instance_id, user, filename, data,
                           max_bytes, task_id=task.id)
        audit.record(session, clock, "attachment.added", actor=user, task=task,
                     filename=attachment.filename, size=len(data), sha256=attachment.sha256)
        stored.append(attachment)
    return stored


def store(session: Session, clock: Clock, folder: Path, instance_id: int, user: User,
          filename: str, data: bytes, max_bytes: int = MAX_ATTACHMENT_BYTES, *,
          task_id: int | None = None) -> Attachment:
    """Check and store ``data`` as an attachment of the instance (of step ``task_id`` when
    given); the caller checks who may and audits. Not committed.

    A name longer than ``MAX_FILENAME`` characters is shortened before its extension.

    Raises:
        InvalidTaskData: under ``lampiran``: no file, a name with a control character,
            empty, too large, or a type not allowed.
    """
    name, content_type = _checked(filename, data, max_bytes)
    stored_name = secrets.token_hex(16)
    store_pending(session, folder, stored_name, data)
    attachment = Attachment(
        instance_id=instance_id, human_task_id=task_id, filename=name,
        stored_name=stored_name, content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=user.id,
        uploaded_at=clock.now())
    session.add(attachment)
    session.flush()
    return attachment


def _checked(filename: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """The name a file is kept under and its content type, once its name, type, size and
    content pass. Raises InvalidTaskData under ``lampiran``, as ``store``."""
    if _last_part(filename).strip() in ("", ".", ".."):
        raise InvalidTaskData({"lampiran": "berkas tanpa nama; kirim namanya beserta "
                                           "ekstensinya (mis. laporan.pdf)"})
    name = _file_name(filename)
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
    return name, content_type


def refusal(label: str, filename: str, problem: str) -> str:
    """A refused file's message, naming its field ``label`` and the file: ``Lampiran
    "bad.exe": jenis berkas tidak diizinkan …; tidak ada berkas yang disimpan`` (README
    "Halaman tugas"; ``Lampiran (tanpa nama): …`` for a file sent without a name).
    ``problem``: ``store``'s words."""
    shown = _shown(filename)
    return (f'{label} "{shown}"' if shown else f"{label} (tanpa nama)") + (
        f": {problem}; tidak ada berkas yang disimpan")


def _shown(filename: str) -> str:
    """A refused file's name as a message quotes it: its last path part, a refused
    character (``_refused``) as "?", at most 80 characters with its end kept."""
    name = "".join("?" if _refused(character) else character
                   for character in _last_part(filename).strip())
    # The end stays: the extension a refusal may be about ("jenis berkas tidak diizinkan").
    return name if len(name) <= 80 else name[:59] + "…" + name[-20:]


def _joined_inside(name: str) -> str:
    """``name`` without ``JOINERS`` at either end of its stem or extension: a joiner joins
    two visible characters, and one at an end would keep an invisible name ("\u200d.pdf")."""
    joiners = "".join(JOINERS)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return name.strip(joiners)
    return stem.strip(joiners) + dot + extension.strip(joiners)


def _refused(character: str) -> bool:
    """Whether a file name may not hold ``character`` (``REFUSED_IN_NAMES``, but the
    ``JOINERS``)."""
    return unicodedata.category(character) in REFUSED_IN_NAMES and character not in JOINERS


def _last_part(filename: str | None) -> str:
    """What follows the last ``/`` or ``\\`` of ``filename`` (a browser or app may send a
    POSIX or Windows path): ``""`` for a folder's path (``C:\\dir\\``), which names no
    file."""
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1]


def _file_name(filename: str | None) -> str:
    """The name a file is kept under: its last path part (``/`` or ``\\``), stripped, at most
    ``MAX_FILENAME`` characters with its extension kept; ``UNNAMED`` with its extension
    when there is nothing before it but spaces and dots (``"  .pdf"``: a list of files
    would show a nameless ``.pdf``).

    Raises:
        InvalidTaskData: under ``lampiran``: no name, or a character of
            ``REFUSED_IN_NAMES``.
    """
    name = _joined_inside(_last_part(filename).strip())
    if not name:
        raise InvalidTaskData({"lampiran": "berkas wajib dipilih"})
    if any(map(_refused, name)):
        raise InvalidTaskData({"lampiran": "nama berkas tidak boleh berisi karakter kendali "
                                           "(tab, baris baru, dan sejenisnya); ganti namanya"})
    stem, dot, extension = name.rpartition(".")
    if dot and not stem.strip(" ."):
        return f"{UNNAMED}.{extension}"
    if len(name) <= MAX_FILENAME:
        return name
    if not dot or len(extension) > 10:
        return name[:MAX_FILENAME]
    return stem[:MAX_FILENAME - len(extension) - 1] + "." + extension


def comment(session: Session, clock: Clock, task: HumanTask, user: User, text: str) -> Comment:
    """Add a comment on ``task`` (not committed) to its instance's thread, which the same
    people may write in as ``comment_on_instance``: the thread is one per instance.

    Raises:
        PermissionDenied: the user may not write on the task's instance (naming no step).
        InvalidTaskData: under ``komentar``: empty or longer than 2000 characters.
    """
    _check_may_write_on(session, clock, task.instance, user)
    text = trimmed(text)
    if not text or len(text) > MAX_COMMENT:
        raise InvalidTaskData({"komentar": f"Komentar: tulis 1–{MAX_COMMENT} karakter"})
    entry = Comment(instance_id=task.instance_id, human_task_id=task.id, author_id=user.id,
                    text=text, created_at=clock.now())
    session.add(entry)
    session.flush()
    audit.record(session, clock, "comment.added", actor=user, task=task)
    return entry


def comment_on_instance(session: Session, clock: Clock, instance: ProcessInstance, user: User,
                        text: str) -> Comment:
    """Add a comment to the instance's thread (not committed): one thread per instance,
    open to whoever may view the instance but an auditor, who only reads
    (``Access.may_write_on``).

    Raises:
        PermissionDenied; InvalidTaskData under ``komentar``: empty or over 2000 characters.
    """
    _check_may_write_on(session, clock, instance, user)
    text = trimmed(text)
    if not text or len(text) > MAX_COMMENT:
        raise InvalidTaskData({"komentar": f"Komentar: tulis 1–{MAX_COMMENT} karakter"})
    entry = Comment(instance_id=instance.id, author_id=user.id, text=text,
                    created_at=clock.now())
    session.add(entry)
    session.flush()
    audit.record(session, clock, "comment.added", actor=user, instance=instance)
    return entry


def of_instance(session: Session, instance_id: int) -> tuple[Latest, Latest]:
    """The instance's newest ``engine.paging.LATEST`` attachments and comments, each
    oldest first, with how many there are (every one: ``attachments_page``,
    ``comments_page``); who uploaded or wrote each is read with them."""
    return (latest(session, select(Attachment).options(selectinload(Attachment.uploaded_by))
                   .where(Attachment.instance_id == instance_id), Attachment.id.desc()),
            latest(session, select(Comment).options(selectinload(Comment.author))
                   .where(Comment.instance_id == instance_id), Comment.id.desc()))


def upload_rounds(session: Session, files: list[Attachment]
                  ) -> dict[int, tuple[str, int, int]]:
    """``{task id: (step name, round, rounds)}`` of the steps ``files`` were uploaded with
    (a step's form or its page); round 1 the step's first time in its instance, 2 the
    first time it came back for revision, and so on, of ``rounds`` the step has had so
    far: the lists tell the rounds' uploads of ``draf.pdf`` apart, the first one too once
    there is a second. One statement, whatever the number of files."""
    ids = {file.human_task_id for file in files if file.human_task_id is not None}
    if not ids:
        return {}
    earlier = aliased(HumanTask)
    same_step = (earlier.instance_id == HumanTask.instance_id,
                 earlier.bpmn_id == HumanTask.bpmn_id)
    round_number = (select(func.count()).where(*same_step, earlier.id <= HumanTask.id)
                    .correlate(HumanTask).scalar_subquery())
    rounds = select(func.count()).where(*same_step).correlate(HumanTask).scalar_subquery()
    return {task_id: (name, number, total) for task_id, name, number, total in session.execute(
        select(HumanTask.id, HumanTask.name, round_number, rounds)
        .where(HumanTask.id.in_(ids)))}


def superseded(files: list[Attachment]) -> set[int]:
    """The ids of ``files`` that a newer one of the same name (a higher id) replaced: an
    earlier round's ``draf.pdf``."""
    newest: dict[str, int] = {}
    for file in files:
        newest[file.filename] = max(file.id, newest.get(file.filename, file.id))
    return {file.id for file in files if file.id != newest[file.filename]}


def attachments_page(session: Session, instance_id: int, page: int, per_page: int) -> Page:
    """Page ``page`` of the instance's attachments, oldest first.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    return paginate(session, select(Attachment).options(selectinload(Attachment.uploaded_by))
                    .where(Attachment.instance_id == instance_id).order_by(Attachment.id),
                    page, per_page)


def comments_page(session: Session, instance_id: int, page: int, per_page: int) -> Page:
    """Page ``page`` of the instance's comments, oldest first.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    return paginate(session, select(Comment).options(selectinload(Comment.author))
                    .where(Comment.instance_id == instance_id).order_by(Comment.id),
                    page, per_page)


def may_attach(session: Session, clock: Clock, task: HumanTask, user: User) -> bool:
    """Whether ``user`` may add files to ``task``: while it is open, whoever may act in its
    role, unless another has taken it (``held_by_other``); once completed, its performer,
    until the instance ends."""
    if task.state == "completed":
        return task.completed_by_id == user.id and task.instance.status == "running"
    capacity = capacities(session, user, clock.now()).get(task.role)
    return task.state == "open" and capacity is not None and not held_by_other(
        task, capacity, user.id)


def _check_may_attach(session: Session, clock: Clock, task: HumanTask, user: User) -> None:
    if user.is_auditor:  # he holds no role: said as on the instance page
        raise PermissionDenied(READ_ONLY)
    if may_attach(session, clock, task, user):
        return
    if not Access.of(session, user, clock.now()).may_view_task(task):
        raise PermissionDenied(NOT_IN_LANES)  # as the step's page: not even its name or role
    if task.state == "open" and task.claimed_by_id is not None and task.role in capacities(
            session, user, clock.now()):  # as a claim or a completion: 409 naming the holder
        raise held_refusal(task)
    raise PermissionDenied(f'Lampiran tugas "{task.name}" hanya dapat ditambah oleh peran '
                           "langkah itu selama terbuka, atau oleh pelaksananya sampai proses "
                           "berakhir.")


def _check_may_write_on(session: Session, clock: Clock, instance: ProcessInstance,
                        user: User) -> None:
    policy = Access.of(session, user, clock.now())
    if not policy.may_write_on(instance):
        raise PermissionDenied(READ_ONLY if policy.is_auditor
                               else "Anda tidak memegang peran pada SOP proses ini.")


def _size_text(size: int) -> str:
    return f"{size // 2**20} MB" if size >= 2**20 else f"{size // 1024} KB"
