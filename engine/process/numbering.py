"""Process numbers: ``<prefix>-<year>-<n>`` (``LTI-2026-0042``), ``n`` counted per prefix and
year from 1, taken from the stem's counter (``ProcessNumber``) in one statement whatever the
number of instances. The year is the office's (its time zone, ``engine.settings``): a start
at 00.30 WIB on 1 January is numbered in the new year, as the reports count it, though UTC
is still in the old one.

A counter can fall behind the numbers given: an older Alur, which counted without it, ran
on the upgraded database for a while (an update rolled back and done again). Its next
number is then one an instance already has, and every start of that SOP would be refused.
``catch_up`` puts each of this year's counters at the highest number given, before the web
and the worker start (``web.cli.startup``) and at ``alur setup``.
"""

import re
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import settings
from engine.clock import Clock
from engine.models import ProcessDefinition, ProcessInstance, ProcessNumber

# Take the next number of a stem: one statement that inserts its counter at 1 or
# increments it, and returns it. PostgreSQL holds the counter's row, SQLite its one writer,
# until the transaction ends, so two starts never take one number. Built once per dialect.
_TAKE_NUMBER = {dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(ProcessNumber)
                .values(stem=bindparam("stem"), last=1)
                .on_conflict_do_update(index_elements=[ProcessNumber.stem],
                                       set_={"last": ProcessNumber.last + 1})
                .returning(ProcessNumber.last)
                for dialect in (postgresql, sqlite)}
_NUMBER = re.compile(r"^(.+-(\d{4})-)(\d+)$")


def take_number(session: Session, clock: Clock, definition: ProcessDefinition) -> str:
    """The next process number of ``definition``'s prefix (its catalog's ``number_prefix``,
    else ``P``) in the office's year, four digits at least: ``LTI-2026-0042``."""
    stem = f"{definition.catalog.get('number_prefix') or 'P'}-{office_year(session, clock)}-"
    taken = session.scalar(_TAKE_NUMBER[session.connection().dialect.name], {"stem": stem})
    return f"{stem}{taken:04d}"


def catch_up(session: Session, clock: Clock) -> dict[str, int]:
    """Put every counter of the office's year that is behind the numbers its instances carry
    at the highest of them (a counter no start has made yet, too). Reads the numbers of
    this year's instances once; changes only counters that are behind, never lowers one,
    so processes starting at once may all run it. Does not commit.

    Returns:
        ``{stem: highest number}`` of the counters moved (empty when none was behind).
    """
    year = str(office_year(session, clock))
    highest: dict[str, int] = {}
    for number in session.scalars(select(ProcessInstance.number).where(
            ProcessInstance.number.like(f"%-{year}-%"))):
        match = _NUMBER.match(number)
        if match and match.group(2) == year:
            stem, given = match.group(1), int(match.group(3))
            highest[stem] = max(highest.get(stem, 0), given)
    counters = dict(session.execute(select(ProcessNumber.stem, ProcessNumber.last).where(
        ProcessNumber.stem.in_(highest))).all())
    behind = {stem: given for stem, given in highest.items() if counters.get(stem, 0) < given}
    dialect = (postgresql if session.connection().dialect.name == "postgresql" else sqlite)
    for stem, given in sorted(behind.items()):
        insert = dialect.insert(ProcessNumber).values(stem=stem, last=given)
        session.execute(insert.on_conflict_do_update(
            index_elements=[ProcessNumber.stem], set_={"last": insert.excluded.last},
            where=ProcessNumber.last < insert.excluded.last))
    return behind


def office_year(session: Session, clock: Clock) -> int:
    """The year it is now in the office's time zone (the work calendar's, e.g. Asia/Jakarta
    for WIB)."""
    return clock.now().astimezone(ZoneInfo(settings.work_calendar(session).timezone)).year
