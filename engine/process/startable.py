"""What "Mulai Proses" offers a user (issue 15): the SOPs he may start, by group, each with
its purpose, its first Pelaksana and its total Waktu.

Only SOPs the access policy lets the user start are offered (``Access.may_start``); the
server refuses the others all the same (``engine.process.instances.start_instance``).
Groups are the process property ``kelompok`` (README, "Konvensi BPMN"): the usual groups
(``GROUPS``) first, in that order, then others by name, then the SOPs without a group.
"""

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.bpmn.conventions import GROUPS
from engine.models import ProcessDefinition
from engine.people.access import Access
from engine.process.deploy import active_definitions
from engine.time.duration import InvalidDuration, office_parts

MAX_SEARCH = 100  # characters of a search that count


@dataclass(frozen=True)
class TotalWaktu:
    """The sum of the SOP's fixed time standards in office units ("Waktu yang
    diperlukan", Permenpan RB 35/2012): ``months``, working ``days`` and ``minutes``
    (hours never carry into days: see ``engine.time.duration.office_units``);
    ``untimed`` counts the steps without a fixed time ("Relatif", ...)."""

    months: float
    days: float
    minutes: float
    untimed: int


@dataclass(frozen=True)
class StartableSop:
    """One SOP on the start page: ``definition`` (its active version), ``group`` (""
    when it has none), ``purpose`` ("" when not written), ``first_lane`` (the role of its
    first step, or None) and ``total``."""

    definition: ProcessDefinition
    group: str
    purpose: str
    first_lane: str | None
    total: TotalWaktu

    @property
    def search_text(self) -> str:
        """What a search looks in: name, purpose, group and first Pelaksana, normalised
        (``normalise``)."""
        return normalise(" ".join(filter(None, (self.definition.name, self.purpose,
                                                self.group, self.first_lane))))


def normalise(text: str) -> str:
    """Lower case, hyphens and dots dropped (``Wi-Fi`` finds ``wifi``), other punctuation
    as spaces, spaces collapsed. ``web/static/mulai.js`` does the same in the browser."""
    text = re.sub(r"[-.]", "", text.lower())
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def startable(session: Session, access: Access, search: str | None = None
              ) -> list[tuple[str, list[StartableSop]]]:
    """The SOPs ``access.user`` may start, as ``[(group, [sop, ...]), ...]`` (groups in
    the order above, SOPs by name; ``""`` is the group of SOPs without one).

    Args:
        search: words that must each occur in an SOP's ``search_text`` (first
            ``MAX_SEARCH`` characters); None or blank for all.
    """
    words = normalise((search or "")[:MAX_SEARCH]).split()
    groups: dict[str, list[StartableSop]] = {}
    for definition in active_definitions(session):
        if not access.may_start(definition):
            continue
        sop = describe(definition)
        if all(word in sop.search_text for word in words):
            groups.setdefault(sop.group, []).append(sop)
    return sorted(((group, sorted(sops, key=lambda s: s.definition.name.lower()))
                   for group, sops in groups.items()), key=lambda item: _group_order(item[0]))


def describe(definition: ProcessDefinition) -> StartableSop:
    """The start page's facts about ``definition``, from its catalog (a catalog deployed
    before ``kelompok``/``tujuan`` existed has neither)."""
    catalog = definition.catalog
    steps = list(catalog["tasks"].values())
    first = min(steps, key=lambda step: _number(step.get("no", "")), default=None)
    return StartableSop(definition=definition, group=catalog.get("kelompok", ""),
                        purpose=catalog.get("tujuan", ""),
                        first_lane=first["lane"] if first else None, total=_total(steps))


def _total(steps: list[dict]) -> TotalWaktu:
    months = days = minutes = 0.0
    untimed = 0
    for step in steps:
        try:
            parts = office_parts(step["duration"]) if step["duration"] else None
        except InvalidDuration:
            parts = None
        if parts is None:
            untimed += 1
            continue
        months, days, minutes = months + parts[0], days + parts[1], minutes + parts[2]
    return TotalWaktu(months=months, days=days, minutes=minutes, untimed=untimed)


def _number(no: str) -> float:
    """A step's No as a number for ordering; steps without one come last, in the order
    the catalog lists them (document order)."""
    match = re.match(r"\s*(\d+)", str(no))
    return int(match.group(1)) if match else float("inf")


def _group_order(group: str) -> tuple[int, str]:
    if group in GROUPS:
        return GROUPS.index(group), ""
    return (len(GROUPS), group.lower()) if group else (len(GROUPS) + 1, "")
