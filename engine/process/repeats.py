"""A start that looks like one sent twice: the same official starting the same SOP with the
same title again shortly after (a Back button after sending, then Kirim once more, on a
slow intranet: the page came back with every typed field, and a new form key). Both are
kept, since two such starts can be meant; the page tells him and names the first."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import ProcessDefinition, ProcessInstance

# How long after a start another of the same SOP and title is told to be a possible repeat.
REPEAT_WINDOW = timedelta(minutes=30)


def earlier_twin(session: Session, instance: ProcessInstance) -> ProcessInstance | None:
    """The first running instance of the same SOP (any version) and title (case aside)
    that ``instance``'s starter started within ``REPEAT_WINDOW`` before it, or None; one statement over the starts of that window (the ``started_at`` index)."""
    same_sop = select(ProcessDefinition.id).where(
        ProcessDefinition.key == instance.definition.key)
    return session.scalar(
        select(ProcessInstance).where(
            ProcessInstance.started_by_id == instance.started_by_id,
            ProcessInstance.id != instance.id, ProcessInstance.status == "running",
            ProcessInstance.definition_id.in_(same_sop),
            ProcessInstance.started_at >= instance.started_at - REPEAT_WINDOW,
            func.lower(ProcessInstance.title) == instance.title.lower())
        .order_by(ProcessInstance.started_at, ProcessInstance.id).limit(1))
