"""The access policy: the one answer to "may this user see or act on ...".

Every HTML view, the API and the reports ask an ``Access`` built once per request, so a
Plh/Plt gets the same answer everywhere. The rules:

- *Acting* in a role: holding it, or standing in for its holder as Plh/Plt
  (``engine.people.substitution.capacities``; UU 30/2014 Pasal 14).
- An instance, its steps, its attachments and its SOP's reports are seen by whoever may act
  in one of the SOP's lanes or in a role above such a lane along the line of supervision
  (``engine.roles.line_above``: whoever its steps can escalate to, so that an official told
  of a late step can open it), and by administrators.
- A step is done only by whoever may act in its lane; it is assigned (Alihkan) by whoever
  may act in the role supervising its lane.
- Every active account is a requester (Pemohon, issue 14): it may start the
  requester-facing SOPs (``REQUESTER_PROCESSES``) and follow its own tickets on the ticket
  view (never the internal instance page, unless it also holds a lane of the SOP).
- Laporan Layanan TI (the requester-facing SOPs) is seen by whoever may see the reports
  of each of them that is deployed; its per-Prakom rows as a person's figures (below).
- Tabel 7 (every SOP of the office) is seen by those acting in a supervising role; a
  person's figures by the person, by whoever may act in the role supervising one of the
  person's roles (unless the person also holds a role as high as the viewer's), and by
  administrators.
- An auditor (Inspektorat, BPK; ``User.is_auditor``) sees what an administrator sees —
  every instance, step, attachment, report and person's figures — and acts on nothing:
  he holds no role, and writing on an instance (a comment, a message to the requester)
  needs lane access (``may_write_on``), which the auditor's sight does not give. As every
  employee he may still file and follow his own tickets at the front door.
"""

from collections.abc import Iterable
from datetime import datetime
from functools import cached_property

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from engine.fact_models import StepFact
from engine.models import HumanTask, ProcessDefinition, ProcessInstance, User, UserRole
from engine.paging import Page, paginate
from engine.people.substitution import Capacity, capacities
from engine.roles import KNOWN_ROLES, line_above, supervisor_of

SUPERVISING_ROLES = frozenset(filter(None, map(supervisor_of, KNOWN_ROLES)))
# Why a step is refused to one who may not even view it: neither its name nor its role.
NOT_IN_LANES = "Anda tidak memegang peran tugas ini."
# Why an auditor's write is refused (a comment, an attachment, a message to a requester).
READ_ONLY = "Akun auditor hanya membaca: komentar, lampiran dan pesan ditulis petugas SOP ini."
# The SOPs every employee may start as requester: the IT service request and the fault report.
REQUESTER_PROCESSES = frozenset({"penanganan_permintaan_layanan_ti",
                                 "penanganan_gangguan_server"})


def requester_only(user: User) -> bool:
    """Whether ``user`` (a logged-in ``User``) holds no role and does not administer: a
    Pemohon only, whose menu and landing page are the ticket pages (README, "Layanan TI").
    A Plh/Plt needs a role of its own to count (``engine.people.in_force``), so such a user
    acts in no lane."""
    return not user.roles and not user.is_admin and not user.is_auditor


class Access:
    """What ``user`` may see and do at one moment.

    Build it with ``Access.of`` once per request. ``acting`` maps each role the user may
    act in to how (holder, or Plh/Plt with the substitution); the substitutions are read
    from the database only when a question is not already answered by the roles the user
    holds (a holder's own role always comes first, ``substitution.capacities``).
    """

    def __init__(self, session: Session, user: User, now: datetime) -> None:
        self.user = user
        self._session = session
        self._now = now

    @classmethod
    def of(cls, session: Session, user: User, now: datetime) -> "Access":
        """The user's access at ``now`` (aware datetime), substitutions included."""
        return cls(session, user, now)

    @cached_property
    def acting(self) -> dict[str, Capacity]:
        """``{role: Capacity}`` of every role the user may act in now."""
        return capacities(self._session, self.user, self._now)

    @property
    def is_admin(self) -> bool:
        """Administrators see every instance and report and manage SOPs and settings."""
        return bool(self.user.is_admin)

    @property
    def is_auditor(self) -> bool:
        """Auditors read everything administrators read and change nothing."""
        return bool(self.user.is_auditor)

    @property
    def sees_all(self) -> bool:
        """Whether the user sees every instance, report and person: administrator or
        auditor."""
        return self.is_admin or self.is_auditor

    @property
    def roles(self) -> frozenset[str]:
        """The roles the user may act in now (held or as Plh/Plt)."""
        return frozenset(self.acting)

    def acts_in_any(self, roles: set[str]) -> bool:
        """Whether the user may act in one of ``roles`` (held, else as Plh/Plt)."""
        return bool(self.user.role_names & roles) or bool(self.roles & roles)

    def may_start(self, definition: ProcessDefinition) -> bool:
        """Whether the user may start an instance of ``definition``: acting in one of its
        lanes, administrator, or any active account for a requester-facing SOP."""
        if definition.key in REQUESTER_PROCESSES and not self.user.is_disabled:
            return True
        return self.is_admin or self.acts_in_any(set(definition.catalog["lanes"]))

    def may_follow_ticket(self, instance: ProcessInstance) -> bool:
        """Whether the user may see the requester's ticket view of ``instance`` (and write
        in its thread as requester): its starter, for a requester-facing SOP."""
        return (instance.definition.key in REQUESTER_PROCESSES
                and instance.started_by_id == self.user.id and not self.user.is_disabled)

    def may_view_definition(self, definitions: Iterable[ProcessDefinition]) -> bool:
        """Whether the user may see instances and reports of an SOP whose versions are
        ``definitions`` (the lanes of every version count)."""
        return self.may_view_lanes(
            lane for definition in definitions for lane in definition.catalog["lanes"])

    def may_view_desk_report(self) -> bool:
        """Whether the user may see Laporan Layanan TI, which covers every requester-facing
        SOP: he may see the reports of each of them that is deployed (``may_view_definition``
        over all its versions), not only of one."""
        if self.sees_all:
            return True
        lanes: dict[str, set[str]] = {key: set() for key in REQUESTER_PROCESSES}
        for key, catalog in self._session.execute(select(
                ProcessDefinition.key, ProcessDefinition.catalog).where(
                ProcessDefinition.key.in_(REQUESTER_PROCESSES))):
            lanes[key].update(catalog["lanes"])
        deployed = [found for found in lanes.values() if found]  # an office may deploy one
        return bool(deployed) and all(self.may_view_lanes(found) for found in deployed)

    def may_view_lanes(self, lanes: Iterable[str]) -> bool:
        """Whether the user may see instances of an SOP with ``lanes`` (lane names): acting
        in one of them or in a role above one along the line of supervision (its steps
        escalate there), administrator or auditor."""
        return self.sees_all or self._in_or_above(lanes)

    def _in_or_above(self, lanes: Iterable[str]) -> bool:
        lanes = set(lanes)
        return self.acts_in_any(lanes.union(*(line_above(lane) for lane in lanes)))

    def may_view_instance(self, instance: ProcessInstance) -> bool:
        """Whether the user may open the instance page, its steps and attachments."""
        return self.may_view_definition([instance.definition])

    def may_write_on(self, instance: ProcessInstance) -> bool:
        """Whether the user may write on the instance page (a comment; as the desk, a message
        to the requester): as ``may_view_instance``, but an auditor's sight gives no
        pen."""
        return self.is_admin or self._in_or_above(instance.definition.catalog["lanes"])

    def may_view_task(self, task: HumanTask) -> bool:
        """Whether the user may open a step's page: as for its instance."""
        return self.may_view_instance(task.instance)

    def capacity_for(self, task: HumanTask) -> Capacity | None:
        """How the user would act on ``task`` (its lane), or None if they may not. A holder
        of the lane's role is answered without reading his Plh/Plt (no query) unless
        someone else has claimed the step (that claim may be an official's he stands in
        for, ``Capacity.stands_in``), or he took it over as Plh/Plt (``claimed_as``: is he
        still?)."""
        if (task.role in self.user.role_names and task.claimed_by_id in (None, self.user.id)
                and not (task.claimed_by_id and task.claimed_as)):
            return Capacity(task.role)
        return self.acting.get(task.role)

    def may_assign(self, task: HumanTask) -> bool:
        """Whether the user may assign the step to a holder of its lane (Alihkan)."""
        supervisor = _supervisor(task.role)
        return supervisor is not None and self.acts_in_any({supervisor})

    def may_view_tabel7(self) -> bool:
        """Tabel 7 Monitoring Pelaksanaan SOP (Permenpan RB 35/2012) covers every SOP:
        supervisors, administrators and auditors only."""
        return self.sees_all or self.acts_in_any(set(SUPERVISING_ROLES))

    def may_view_person(self, person: User) -> bool:
        """Whether the user may see ``person``'s figures (SKP evidence): his own; a person
        holding a role he supervises directly, unless that person also holds a role as high
        as his own along the line of supervision (in a small office one official may hold
        several roles: a Kasubbag does not read the figures of the Ketua who is also
        Prakom)."""
        if self.sees_all or self.user.id == person.id:
            return True
        return (any(_supervisor(role) in self.acting for role in person.role_names)
                and not person.role_names & self.peer_or_higher_roles())

    def peer_or_higher_roles(self) -> set[str]:
        """The known roles at least as high along the line as the highest one the user
        acts in (``engine.roles.line_above``: fewer roles above is higher)."""
        heights = [len(line_above(role)) for role in self.acting if role in KNOWN_ROLES]
        if not heights:
            return set()
        return {role for role in KNOWN_ROLES if len(line_above(role)) <= min(heights)}


def people_page(session: Session, viewer: Access, page: int, per_page: int) -> Page:
    """Page ``page`` of the people whose figures ``viewer`` may see
    (``Access.may_view_person``, decided in SQL), by name. To an administrator or auditor,
    only those who hold a role or ever completed a step: accounts without either
    (administrators, auditors, the employees who only file tickets) would fill the team's
    table with rows of nothing.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    query = select(User)
    if viewer.sees_all:
        query = query.where(exists().where(UserRole.user_id == User.id)
                            | exists().where(StepFact.performer_id == User.id))
    else:
        supervised = [role for role in KNOWN_ROLES if _supervisor(role) in viewer.acting]
        query = query.where(or_(User.id == viewer.user.id, exists().where(
            UserRole.user_id == User.id, UserRole.role.in_(supervised)) & ~exists().where(
            UserRole.user_id == User.id, UserRole.role.in_(viewer.peer_or_higher_roles()))))
    return paginate(session, query.order_by(func.lower(User.full_name), User.id), page, per_page)


def _supervisor(role: str) -> str | None:
    try:
        return supervisor_of(role)
    except KeyError:
        return None
