"""Deploying a BPMN file as a new version of a process definition."""

import hashlib
import json
from functools import lru_cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, load_only

from engine import audit
from engine.bpmn.asked import check_asked
from engine.bpmn.catalog import build_catalog
from engine.bpmn.condition_kinds import check_condition_kinds
from engine.bpmn.layout import BPMNDI
from engine.bpmn.validation import check_structure, executable_process, read_xml
from engine.clock import Clock
from engine.errors import NotFound
from engine.models import ProcessDefinition, User
from engine.paging import Page, paginate
from engine.process.sop_names import refuse_a_taken_name
from engine.runtime.adapter import parse_spec, spec_to_json

# The longest reason for a version (the upload's "Alasan perubahan"), characters.
MAX_COMMENT = 2000


def deploy(session: Session, clock: Clock, data: bytes, *, filename: str = "upload.bpmn",
           deployed_by: User | None = None, comment: str = "", activate: bool = True,
           forms: dict[str, bytes] | None = None, keep_deployed: bool = False
           ) -> tuple[ProcessDefinition, bool]:
    """Validate ``data`` and store it as the next version of its process definition.

    The process key is the ``bpmn:process`` id. Running instances keep the version they
    started with. A file identical to the latest version is not stored again.

    Args:
        data: the BPMN file's bytes.
        filename: shown in messages only.
        deployed_by: the administrator; None when deployed from the command line.
        comment: why this version exists (the version history shows it).
        activate: make it the version new instances start on; with False it waits for
            ``engine.process.versions.activate``, a new SOP as well (an administrator
            checks its diagram and document first; until then nobody can start it).
        forms: form files uploaded with it (JSON Schema, UI schema), ``{file name: bytes}``;
            the forms are stored in the version's catalog (``engine.bpmn.forms``).
        keep_deployed: a process key deployed before keeps its versions, whatever the
            file holds (``alur setup`` deploys the bundled SOPs once: an office's revision
            is not replaced by them, docs/deploy.md).

    Returns:
        ``(definition, created)``; ``created`` is False for an unchanged file (and, with
        ``keep_deployed``, for any file of a key deployed before: the latest version).

    Raises:
        InvalidProcess: the file is refused; nothing was added to the session.
    """
    form_files = tuple(sorted((forms or {}).items()))
    key, catalog_json, spec_json = compile_bpmn(data, filename, form_files)
    catalog = json.loads(catalog_json)
    file_hash = version_hash(data, form_files)
    # First: its lock makes two uploads at once one after the other, the second reading
    # the version the first stored (the next number, or the same file: nothing new).
    refuse_a_taken_name(session, key, catalog["name"])
    latest = latest_definition(session, key)
    if latest is not None and (keep_deployed or latest.file_hash == file_hash):
        return latest, False
    definition = ProcessDefinition(
        key=key, version=(latest.version + 1) if latest else 1, name=catalog["name"],
        bpmn_xml=data.decode("utf-8"), spec_json=spec_json, catalog=catalog,
        file_hash=file_hash, deployed_at=clock.now(), comment=comment.strip(),
        deployed_by_id=deployed_by.id if deployed_by else None, is_active=False,
    )
    session.add(definition)
    session.flush()
    audit.record(session, clock, "process.deployed", actor=deployed_by, key=key,
                 version=definition.version, file_hash=file_hash, filename=filename,
                 comment=definition.comment)
    if activate:
        make_active(session, clock, definition, deployed_by)
    return definition, True


def make_active(session: Session, clock: Clock, definition: ProcessDefinition,
                user: User | None) -> None:
    """Make ``definition`` the version new instances of its key start on (not committed).
    Running instances are not touched. Already the active one: nothing changes, nothing is
    recorded.

    Activations are decided one after the other: the name check holds its lock until the
    transaction ends (``sop_names``), and the version is read again under it, so two
    administrators activating one version at once record it once, and of two versions
    activated at once the later stays active. The database holds one active version per
    key (a partial unique index): the others are deactivated and flushed first.

    Raises:
        InvalidProcess: another SOP shows the version's name (``sop_names``).
        sqlalchemy.exc.IntegrityError: the index refused it all the same (the web answers
            409 ``conflict``); the session must be rolled back.
    """
    if definition.is_active:
        return
    refuse_a_taken_name(session, definition.key, definition.name)
    session.refresh(definition, ["is_active", "activated_at"])  # as another left it
    if definition.is_active:
        return
    for other in session.scalars(select(ProcessDefinition).where(
            ProcessDefinition.key == definition.key, ProcessDefinition.is_active)):
        other.is_active = False
    session.flush()  # deactivated before activated: the index never sees two
    definition.is_active = True
    definition.activated_at = clock.now()
    session.flush()
    audit.record(session, clock, "process.activated", actor=user, key=definition.key,
                 version=definition.version)


def version_hash(data: bytes, form_files: tuple[tuple[str, bytes], ...] = ()) -> str:
    """What tells one version from another (``ProcessDefinition.file_hash``): the SHA-256 of
    the BPMN file's bytes and of its form files (``((name, bytes), ...)``, sorted by name):
    a changed form makes a new version too."""
    digest = hashlib.sha256(data)
    for name, content in form_files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


@lru_cache(maxsize=64)
def compile_bpmn(data: bytes, filename: str = "upload.bpmn",
                 form_files: tuple[tuple[str, bytes], ...] = ()) -> tuple[str, str, str]:
    """Check and compile a BPMN file: ``(process key, catalog JSON, spec JSON)``.

    ``form_files``: ``((file name, bytes), ...)`` of the forms uploaded with it.

    Pure, so cached by content: deploying the same bytes again (every ``alur setup``)
    does not parse them again.

    Raises:
        InvalidProcess: the file is refused, naming elements and lines.
    """
    root = read_xml(data)
    process = executable_process(root)
    check_structure(process)
    catalog = build_catalog(process, dict(form_files))
    # A file written by hand may hold no drawing (bpmndi:BPMNDiagram): it runs, and the
    # pages say why no diagram is shown instead of failing to draw one.
    catalog["diagram"] = root.find(f"{{{BPMNDI}}}BPMNDiagram") is not None
    check_condition_kinds(process, catalog)
    check_asked(process, catalog)
    key = process.get("id")
    spec = parse_spec(data, key, filename)
    return key, json.dumps(catalog), spec_to_json(spec)


def latest_definition(session: Session, key: str) -> ProcessDefinition | None:
    """The newest version of process ``key``, or None if it was never deployed."""
    return session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key)
                          .order_by(ProcessDefinition.version.desc()).limit(1))


# Read by every start, so built once (building an ORM statement costs more than running it).
_ACTIVE_VERSION = select(ProcessDefinition).where(ProcessDefinition.key == bindparam("key"),
                                                  ProcessDefinition.is_active)


def active_definition(session: Session, key: str) -> ProcessDefinition:
    """The version new instances of ``key`` start on.

    Raises:
        NotFound: no such process, or none of its versions is active yet.
    """
    definition = session.scalar(_ACTIVE_VERSION, {"key": key})
    if definition is None:
        raise NotFound(f'SOP "{key}" belum dideploy atau belum diaktifkan.')
    return definition


# "By name" in every list of SOPs: case aside ("dan" beside "Dan", not after every capital
# as SQLite's byte order put it, while PostgreSQL used its locale), then the name itself
# and the id, so that both databases give one order; the index
# ix_process_definitions_active_lower_name serves it.
BY_NAME = (func.lower(ProcessDefinition.name), ProcessDefinition.name, ProcessDefinition.id)


def active_definitions(session: Session) -> list[ProcessDefinition]:
    """The active version of every deployed process, by name (``BY_NAME``)."""
    return list(session.scalars(select(ProcessDefinition).where(ProcessDefinition.is_active)
                                .order_by(*BY_NAME)))


# A row of a list of SOPs: what it names and its lanes (in ``catalog``), never its BPMN
# or serialized spec.
DEFINITION_ROW = load_only(ProcessDefinition.key, ProcessDefinition.version,
                           ProcessDefinition.name, ProcessDefinition.deployed_at,
                           ProcessDefinition.is_active, ProcessDefinition.catalog)


def active_rows(session: Session) -> list[ProcessDefinition]:
    """The active version of every deployed process, by name, loaded as list rows
    (``DEFINITION_ROW``): for filters and choices, which name SOPs but never run them."""
    return list(session.scalars(select(ProcessDefinition).options(DEFINITION_ROW)
                                .where(ProcessDefinition.is_active).order_by(*BY_NAME)))


def active_choices(session: Session) -> list[tuple[str, str]]:
    """``(key, name)`` of every SOP with an active version, by name: the lists' SOP
    filters (Kotak Masuk, notifications). Two columns, one statement."""
    return [(key, name) for key, name in session.execute(
        select(ProcessDefinition.key, ProcessDefinition.name)
        .where(ProcessDefinition.is_active).order_by(*BY_NAME))]


def active_page(session: Session, page: int, per_page: int) -> Page:
    """Page ``page`` of the active versions, by name (``Page`` of ``ProcessDefinition``
    loaded with ``DEFINITION_ROW``).

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    return paginate(session, select(ProcessDefinition).options(DEFINITION_ROW)
                    .where(ProcessDefinition.is_active).order_by(*BY_NAME), page, per_page)
