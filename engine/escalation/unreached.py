"""An escalation that reaches no one: the administrators hear of it.

A level reaches no one when no active account holds the role it goes to, or stands in for
it as Plh/Plt, other than the official who holds the late step (a vacant Kasubbag post,
a small office whose Kasubbag is also the late Prakom). The chain still goes on up at the
next level (``engine.escalation.chain``), but the post stays empty until an administrator
records a Plt or gives the role to an active account (README, "Eskalasi dan
pemberitahuan"; UU 30/2014 Pasal 14 for the Plt).
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.escalation.notifications import UNREACHED_KIND as KIND
from engine.escalation.notifications import case_words
from engine.models import Escalation, HumanTask, Notification, User


def tell_administrators(session: Session, clock: Clock, task: HumanTask,
                        escalation: Escalation, role: str, *, alone: tuple[str, str] | None,
                        told: set[str]) -> None:
    """One notice (kind ``eskalasi_tak_sampai``, role ``Administrator``, linked to the
    step) to each active administrator that ``escalation`` of ``task`` to ``role`` reached
    no one, unless he still has an unread one about ``role``: a vacant post with thirty
    late steps is one thing to mend, not thirty notices. ``alone``: the late official
    himself is the role's only active holder (or Plh/Plt), and is not told as his own
    supervisor: his full name and capacity (``Kasubbag``, ``Plh. Kasubbag``), named in the
    notice with what to do about it. ``told``: the roles this batch already told of (the
    batch is flushed once at its end, so the query cannot see them); updated here. Reads
    without flushing, as the chain does. The caller commits."""
    if role in told:
        return
    told.add(role)
    unread = select(Notification.user_id).where(
        Notification.kind == KIND, Notification.read_at.is_(None),
        Notification.params["role"].as_string() == role)
    with session.no_autoflush:
        admins = list(session.scalars(
            select(User).where(User.is_admin, User.is_disabled.is_(False),
                               User.id.not_in(unread)).order_by(User.id)))
    params = {"level": escalation.level, "role": role, "step": task.name,
              "title": task.instance.title, "number": task.instance.number or "",
              "process": task.instance.definition.name, "alone": alone is not None,
              **({"who": alone[0], "who_as": alone[1]} if alone else {})}
    for admin in admins:
        session.add(Notification(
            user_id=admin.id, kind=KIND, role="Administrator", human_task_id=task.id,
            escalation=escalation, instance_id=task.instance_id, params=params,
            created_at=clock.now(), message=_message(task, escalation.level, role, alone)))


def _message(task: HumanTask, level: int, role: str, alone: tuple[str, str] | None) -> str:
    """The notice's Indonesian sentence, as the notification centre words it."""
    what = (f'Pengingat langkah "{task.name}" pada {case_words(task)}' if level == 1 else
            f'Eskalasi tingkat {level} untuk {role} tentang langkah "{task.name}" pada '
            f"{case_words(task)}")
    if alone and alone[1] != role:  # he stands in for the official above him
        return (f"{what} tidak sampai kepada siapa pun: {alone[0]}, yang mengerjakan langkah "
                f"itu, sendiri yang bertindak sebagai {role} ({alone[1]}), dan ia tidak diberi "
                "tahu sebagai atasannya sendiri. Eskalasi naik ke tingkat berikutnya bila ada; "
                f"bila perlu, beri tahu pejabat {role} yang digantikannya, atau akhiri "
                "Plh/Plt itu di halaman Plh/Plt.")
    if alone:
        return (f"{what} tidak sampai kepada siapa pun: {alone[0]}, yang mengerjakan langkah "
                f"itu, sendiri yang memegang peran {role}, dan ia tidak diberi tahu sebagai "
                "atasannya sendiri. Eskalasi naik ke tingkat berikutnya bila ada; bila perlu, "
                f"beri peran {role} kepada akun lain.")
    return (f"{what} tidak sampai kepada siapa pun: tidak ada akun aktif yang memegang peran "
            f"{role} atau menjadi Plh/Plt-nya. Catat Plt di halaman Plh/Plt, atau beri peran "
            "itu kepada akun aktif.")
