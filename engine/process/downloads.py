"""Who downloaded what: an audit record for every attachment and every list or report
downloaded, so that an inspector can answer "who took this KTP, or every ticket's text"
(UU 27/2022 on personal data: a controller accounts for its processing).

The records name their process in their detail, never as ``AuditRecord.instance_id``: a
download changes nothing in the case, so it stays out of the case's history and out of
the rules that read it ("no one else has acted yet", Riwayat). Jejak audit shows them
under the kind "Unduhan" (``engine.audit_trail.ACTION_GROUPS``).
"""

from sqlalchemy.orm import Session

from engine import audit
from engine.clock import Clock
from engine.models import Attachment, ProcessInstance, User
from engine.process import case

MAX_QUERY = 500  # characters of a download's query string kept


def record_file(session: Session, clock: Clock, user: User, attachment: Attachment,
                instance: ProcessInstance) -> None:
    """Record that ``user`` downloaded ``attachment`` of ``instance`` (not committed)."""
    audit.record(session, clock, "download.attachment", actor=user,
                 attachment_id=attachment.id, filename=attachment.filename,
                 case=case.label(instance), process_id=instance.id)


def record_list(session: Session, clock: Clock, user: User, page: str, query: str,
                fmt: str) -> None:
    """Record that ``user`` downloaded the list or report at path ``page`` with ``query``
    (its query string, the first ``MAX_QUERY`` characters) as ``fmt`` (``csv``, ``xlsx``;
    not committed)."""
    audit.record(session, clock, "download.list", actor=user, page=page,
                 query=query[:MAX_QUERY], format=fmt)
