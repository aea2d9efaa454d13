"""One name, one SOP: Mulai Proses, the inbox's SOP filter and the reports list SOPs by
name, so no two SOPs may be shown under names an official cannot tell apart.

A name is compared with the names other SOPs show now or will show next: their active
version's and their newest version's. Names are compared as a reader sees them: case,
runs of spaces, compatibility forms (full-width letters) and invisible characters (a
zero-width space pasted from a word processor) aside."""

import unicodedata

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from engine.errors import InvalidProcess
from engine.models import ProcessDefinition
from engine.sqlite_writers import hold_until_commit

_OTHER = aliased(ProcessDefinition)
# Any number: the transaction-scoped PostgreSQL lock that serializes the check of names.
_NAMES_LOCK = 0x534F504E


def as_read(name: str) -> str:
    """``name`` as a reader tells names apart: NFKC, without format characters (Unicode
    category Cf), spaces collapsed, case folded."""
    shown = "".join(character for character in unicodedata.normalize("NFKC", name)
                    if unicodedata.category(character) != "Cf")
    return " ".join(shown.split()).casefold()


def refuse_a_taken_name(session: Session, key: str, name: str) -> None:
    """Raise InvalidProcess when another SOP's active or newest version bears ``name`` as
    read (``as_read``). Called on upload (the new version's name) and on activation (the
    activated version's). Not committed. The check holds its lock until the transaction
    ends (``hold_until_commit``: SQLite's writer lock, a PostgreSQL advisory lock), so
    that two uploads of one new name, or an upload and an activation, at the same moment
    cannot both pass; ``make_active`` reads its version again under it.

    Raises:
        InvalidProcess: naming the other SOP's process id.
    """
    hold_until_commit(session, _NAMES_LOCK)
    newest = (select(func.max(ProcessDefinition.version))
              .where(ProcessDefinition.key == _OTHER.key).scalar_subquery())
    shown = session.execute(select(_OTHER.key, _OTHER.name).where(
        _OTHER.key != key, or_(_OTHER.version == newest, _OTHER.is_active)))
    wanted = as_read(name)
    taken = next((other for other, other_name in shown if as_read(other_name) == wanted), None)
    if taken is not None:
        raise InvalidProcess([
            f'nama SOP "{name}" sudah dipakai SOP lain (id proses "{taken}"); beri SOP ini '
            f'nama lain, atau bila ini versi baru SOP itu, pakai id proses "{taken}" '
            '(bpmn:process, atau baris "Kunci Proses" pada tabel SOP)'])
