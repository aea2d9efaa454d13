"""Accounts created together from a CSV file (``alur user import``): an office that starts
with Alur gives every employee an account — the service desk's front door is for each of
them — without typing forty forms. All or nothing: every row is checked first, and one bad
row stores none, each problem named by its row and column.

The file: UTF-8 (a BOM, as Excel writes it, is allowed), comma, semicolon or tab
separated as its title row is, with the columns ``nama_pengguna`` and ``nama_lengkap``
and, optionally, ``surel``, ``peran`` (roles separated by ``/``, or by whichever of
``,`` and ``;`` does not separate the columns; ``prakom`` or ``Bidang Terkait``, any case) and
``bahasa`` (the pages' language: ``Bahasa Indonesia`` when empty, or ``English``).
Every account gets a generated temporary password that must be changed at the first login,
as one created on the page "Pengguna dan Peran" does."""

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.errors import InvalidTaskData
from engine.models import User
from engine.numbers import file_too_large
from engine.people import accounts
from engine.people.accounts import Hasher
from engine.roles import KNOWN_ROLES, role_named
from engine.text import UNKEPT

MAX_FILE_BYTES = 1024 * 1024
MAX_ACCOUNTS = 500
MAX_LISTED_PROBLEMS = 50  # problems the command and the page list, then how many more
COLUMNS = ("nama_pengguna", "nama_lengkap", "surel", "peran", "bahasa")
REQUIRED = COLUMNS[:2]
UNKEPT_WORDS = ("memuat karakter kendali yang tidak dapat disimpan (mis. tersalin dari dokumen "
                "lain); hapus karakter itu dari berkasnya")
# The ``bahasa`` cell, any case, as a language of the pages (``User.language``).
LANGUAGE_WORDS = {"id": "id", "indonesia": "id", "bahasa indonesia": "id",
                  "en": "en", "english": "en", "inggris": "en", "bahasa inggris": "en"}
# The engine's field names (``accounts.create``'s problems) as the file's columns.
_COLUMN_OF = {"username": "nama_pengguna", "full_name": "nama_lengkap", "email": "surel",
              "roles": "peran"}


@dataclass(frozen=True)
class Row:
    """One account to create: ``line`` is its line in the file (the title row is 1)."""

    line: int
    username: str
    full_name: str
    email: str
    roles: tuple[str, ...]
    # The ``bahasa`` cell as typed ("" for Bahasa Indonesia); read by ``language``.
    language_cell: str = ""
    # Why its cells cannot be read (more than the title row's columns), or "".
    misshapen: str = ""


def read_rows(data: bytes) -> list[Row]:
    """The accounts that ``data`` (a CSV file's bytes) lists, checked for their shape.

    Raises:
        InvalidTaskData: ``{"berkas": why}`` when the file is too large (``MAX_FILE_BYTES``),
            empty, a PDF or a workbook, not UTF-8, lacks a required column, or lists no
            account or more than ``MAX_ACCOUNTS``. The cells themselves are checked by ``create_all``.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InvalidTaskData({"berkas": file_too_large(len(data), MAX_FILE_BYTES)})
    if not data.removeprefix(b"\xef\xbb\xbf").strip():  # nothing but Excel's BOM, maybe
        raise InvalidTaskData({"berkas": "berkas kosong; unggah daftar akun sebagai CSV dengan "
                                         f"baris judul {', '.join(COLUMNS)}"})
    if data.lstrip().startswith(b"%PDF"):  # a printed list: no cells to read
        raise InvalidTaskData({"berkas": "berkas PDF, bukan CSV; buat daftarnya di Excel lalu "
                                         "simpan sebagai \"CSV UTF-8\""})
    if data.startswith(b"PK\x03\x04"):  # a workbook (.xlsx) is a ZIP: no text to read
        raise InvalidTaskData({"berkas": "berkas Excel (.xlsx), bukan CSV; di Excel simpan "
                                         "sebagai \"CSV UTF-8\" lalu unggah berkas itu"})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidTaskData({"berkas": "bukan teks UTF-8; di Excel simpan sebagai "
                                         "\"CSV UTF-8\""}) from None
    lines = text.splitlines()
    title = lines[0] if lines else ""
    delimiter = max((",", ";", "\t"), key=title.count)
    table = _records(text, delimiter)
    # "Nama Pengguna" as typed in a spreadsheet is the column nama_pengguna.
    header = ["_".join(cell.strip().lower().split()) for cell in table[0][1]] if table else []
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise InvalidTaskData({"berkas": (
            f"baris judul harus memuat kolom {', '.join(missing)} (kolom yang dikenal: "
            f"{', '.join(COLUMNS)})")})
    body = [(line, cells) for line, cells in table[1:] if any(cell.strip() for cell in cells)]
    if len(body) > MAX_ACCOUNTS:
        raise InvalidTaskData({"berkas": f"paling banyak {MAX_ACCOUNTS} akun sekaligus; "
                                         f"berkas ini memuat {len(body)}"})
    if not body:
        raise InvalidTaskData({"berkas": "tidak ada baris akun di bawah baris judul"})
    # Within a cell any of them parts roles: a separator of the file's own kind is there
    # only in quotes ("Prakom,Redaktur"), which is how the refusal above asks for it.
    split = re.compile("[/;,\t]")
    rows = []
    for line, cells in body:
        cell = {name: (cells[i].strip() if i < len(cells) else "")
                for i, name in enumerate(header) if name in COLUMNS}
        named = [part.strip() for part in split.split(cell.get("peran", "")) if part.strip()]
        rows.append(Row(line, cell["nama_pengguna"], cell["nama_lengkap"],
                        cell.get("surel", ""),
                        tuple(dict.fromkeys(role_named(part) or part for part in named)),
                        cell.get("bahasa", ""), _misshapen(cells, len(header), delimiter)))
    return rows


def _misshapen(cells: list[str], columns: int, delimiter: str) -> str:
    """Why a row of ``cells`` under a title row of ``columns`` cannot be read, or "": it
    holds something past the last column, as a name with an unquoted separator does
    ("Budi Santoso, S.Kom." split in two, every later cell shifted; found by the
    administrator probe: the title after the comma was dropped unsaid). Empty cells past
    it (a spreadsheet's trailing separators) are no problem."""
    last = max((i for i, cell in enumerate(cells) if cell.strip()), default=-1)
    if last < columns:
        return ""
    separator = "tab" if delimiter == "\t" else f'"{delimiter}"'
    return (f"{last + 1} isian, padahal baris judul {columns} kolom; isian yang memuat "
            f"{separator} harus diberi tanda kutip (mis. \"Budi Santoso, S.Kom.\")")


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The CSV records of ``text``, each with the line of the file it starts on (a quoted
    cell may hold a line break: the next record starts lines later).

    Raises:
        InvalidTaskData: ``berkas``, naming the line where the file stops being CSV.
    """
    # Line ends of any kind (a file saved on an old Mac ends its lines with CR alone).
    # Strict: a quote left open up to the file's end is refused, not read as one cell of
    # everything after it (the regression probe: the last row's name took its own cells).
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, strict=True)
    found, line = [], 1
    try:
        for cells in reader:
            found.append((line, cells))
            line = reader.line_num + 1
    except csv.Error:  # Python's words are English and name no cell the official can find
        raise InvalidTaskData({"berkas": (
            f"baris {line} tidak dapat dibaca sebagai CSV: tanda kutip yang dibuka tidak "
            "ditutup, atau satu sel lebih dari 131.072 karakter")}) from None
    return found


def create_all(session: Session, clock: Clock, hasher: Hasher, *, actor: User | None,
               rows: list[Row]) -> list[tuple[User, str]]:
    """Create an account for each of ``rows`` (not committed), each with a generated
    temporary password; ``accounts.create`` checks and audits each (``user.created``).

    Returns:
        ``[(user, temporary password)]`` in the file's order.

    Raises:
        PermissionDenied: ``actor`` is not an administrator.
        InvalidTaskData: ``{"baris N, kolom K": why}`` for every bad cell of every row, a
            row's cells in the file's column order (a user name taken, or listed twice in
            the file, names the other row); ``{"baris N": why}`` for a row with more
            cells than the title row (``Row.misshapen``). The caller rolls back: nothing
            of the file is kept.
    """
    problems: dict[str, str] = {}
    seen: dict[str, int] = {}
    made = []
    names = [accounts.normal_username(row.username) for row in rows]
    # A name the database cannot even compare (PostgreSQL refuses a NUL) is refused below.
    taken = set(session.scalars(select(User.username).where(User.username.in_(
        [name for name in names if not UNKEPT.search(name)]))))
    for row, name in zip(rows, names, strict=True):
        if row.misshapen:  # its cells are shifted: what they would say of each misleads
            problems[f"baris {row.line}"] = row.misshapen
            continue
        found = _row_problems(row, name, seen, taken)
        seen.setdefault(name, row.line)
        if not found:
            try:
                made.append(accounts.create(session, clock, hasher, actor=actor,
                                            username=row.username, full_name=row.full_name,
                                            email=row.email or None, roles=row.roles,
                                            language=language(row) or "id",
                                            refresh_notices=False))
            except InvalidTaskData as error:
                found = {_COLUMN_OF.get(field, field): why
                         for field, why in error.fields.items()}
        for column in sorted(found, key=_column_order):
            problems[f"baris {row.line}, kolom {column}"] = found[column]
    if problems:
        raise InvalidTaskData(problems)
    if any(user.notify_new_tasks and user.roles for user, _ in made):
        accounts.refresh_notice_roles(session, clock.now())  # once for the whole file
    return made


def _row_problems(row: Row, name: str, seen: dict[str, int], taken: set[str]
                  ) -> dict[str, str]:
    """Every problem of ``row`` that can be told before storing it: ``{column: why}``."""
    found = {column: UNKEPT_WORDS for column, value in (
        ("nama_pengguna", row.username), ("nama_lengkap", row.full_name),
        ("surel", row.email)) if UNKEPT.search(value)}
    checked = accounts.account_problems(row.username, row.full_name, row.email or None,
                                        list(row.roles))
    for field, why in checked.items():
        found.setdefault(_COLUMN_OF[field], why + (
            f" (dikenal: {', '.join(KNOWN_ROLES)})" if field == "roles" else ""))
    if language(row) is None:
        found["bahasa"] = (f"bahasa tidak dikenal: {row.language_cell[:40]} (pilih Bahasa "
                           "Indonesia atau English, atau kosongkan)")
    if "nama_pengguna" not in found:
        if name in seen:
            found["nama_pengguna"] = f"{name} sudah disebut di baris {seen[name]}"
        elif name in taken:
            found["nama_pengguna"] = f"pengguna {name} sudah ada"
    return found


def language(row: Row) -> str | None:
    """The pages' language ``row`` asks for ("id", "en"; "" when its cell is empty), or None
    for a word that names neither."""
    typed = " ".join(row.language_cell.lower().split())
    return LANGUAGE_WORDS.get(typed) if typed else ""


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else len(COLUMNS)
