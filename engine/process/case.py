"""The case an instance carries: its number, its data, and each step's decision and reason.

A nota dinas always carries its reason: a step that returns the case to an earlier step
(the chosen flow's target lies no farther from the start than the deciding step,
``engine.bpmn.catalog``) must say why in its Catatan. The data submitted on the start form
and on every step's declared form are merged into ``ProcessInstance.data``, stored once per
instance, and are the task data SpiffWorkflow's gateway conditions and timers read.
"""

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from engine.bpmn.catalog import CHECKLIST_NAME
from engine.bpmn.form_values import NUMBER_LIMIT, kept_exactly
from engine.bpmn.forms import MAX_TEXT, fields
from engine.clock import Clock
from engine.errors import InvalidTaskData
from engine.models import (
    Attachment,
    AuditRecord,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
)
from engine.paging import Latest, latest
from engine.people.attach import attach_people
from engine.process import attachments, forms, numbering

NOTE = "catatan"
_DATA_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SCALARS = (str, int, float, bool, type(None))
# Bounds of submitted data: characters of one text value (start data and task fields:
# ``engine.bpmn.forms.MAX_TEXT``), and names in one start data object.
MAX_DATA_KEYS = 50


def label(instance: ProcessInstance) -> str:
    """How notices and messages name a case: its number (``GS-2026-0001``), or ``#<id>``
    without one."""
    return instance.number or f"#{instance.id}"


def start_data(definition: ProcessDefinition, data: Any
               ) -> tuple[dict[str, Any], dict[str, str]]:
    """Check start data: against the start form when the SOP declares one, else each
    value must be a scalar under a snake_case name.

    Returns:
        ``(cleaned data, {field: Indonesian message})``.
    """
    if not isinstance(data, dict):
        return {}, {"data": "harus berupa objek JSON"}
    if len(data) > MAX_DATA_KEYS:
        return {}, {"data": f"paling banyak {MAX_DATA_KEYS} nama data"}
    form = definition.catalog.get("start_form")
    if form is None:
        return data, _scalar_problems(data)
    cleaned, problems = forms.validate(form, data)
    problems.update({**_long_texts(cleaned, fields(form)), **problems})
    for name in data:
        if name not in form["schema"]["properties"]:
            problems.setdefault(name, "kolom ini tidak ada pada formulir mulai")
    return cleaned, problems


def open_case(session: Session, clock: Clock, instance: ProcessInstance,
              data: dict[str, Any]) -> None:
    """Give a new instance its start data and its number
    (``engine.process.numbering.take_number``), and add it (flushed, so it has an id)."""
    instance.data = dict(data)
    instance.number = numbering.take_number(session, clock, instance.definition)
    session.add(instance)
    session.flush()


def check_submission(session: Session, task: HumanTask, entry: dict[str, Any],
                     data: Any, validate_generated: Any) -> dict[str, Any]:
    """Check a step's submission: the generated fields (Catatan, Kelengkapan, decision)
    with ``validate_generated(fields, data)`` (``engine.process.tasks.validate_data``,
    passed in because that module calls this one), the declared form with JSON Schema,
    file fields against the instance's attachments, and a Catatan for a return to an
    earlier step.

    Returns:
        The cleaned values of both, merged.

    Raises:
        InvalidTaskData: naming every bad field (``catatan`` for a return without reason).
    """
    if not isinstance(data, dict):
        raise InvalidTaskData({"data": "harus berupa objek JSON"})
    form = entry.get("form")
    declared = set(form["schema"]["properties"]) if form else set()
    problems: dict[str, str] = {}
    try:
        cleaned = validate_generated(entry["fields"], {k: v for k, v in data.items()
                                                       if k not in declared})
    except InvalidTaskData as invalid:
        problems.update(invalid.fields)
        cleaned = {}
    values, form_problems = forms.validate(form, data)
    problems.update({**_long_texts(values, [*entry["fields"], *fields(form)]),
                     **form_problems})
    problems.update(_missing_files(session, task, form, values))
    choice = chosen(entry, {**data, **cleaned})
    if choice and choice.get("returns") and not cleaned.get(NOTE) and NOTE not in problems:
        problems[NOTE] = (f'Catatan wajib diisi bila memilih "{choice["label"]}": tulis alasan '
                          "pengembaliannya")
    if problems:
        raise InvalidTaskData(problems)
    return {**cleaned, **values}


def chosen(entry: dict[str, Any], values: dict[str, Any]) -> dict[str, Any] | None:
    """The decision choice (``{"value", "label", "returns"}``) picked in ``values``."""
    for field in entry["fields"]:
        if field["type"] == "choice":
            return next((c for c in field["choices"] if c["value"] == values.get(field["name"])),
                        None)
    return None


def cleared(entry: dict[str, Any], values: dict[str, Any]) -> tuple[str, ...]:
    """The names of the step's fields (generated and declared) left empty in ``values``
    (the cleaned submission): an earlier round's value of each is no longer the case's."""
    form = entry.get("form")
    names = [field["name"] for field in entry["fields"]]
    names += list(form["schema"]["properties"]) if form else []
    return tuple(name for name in names if name not in values)


def record_step(task: HumanTask, entry: dict[str, Any], values: dict[str, Any]
                ) -> dict[str, Any]:
    """What a completed step keeps of what was decided and why: the ``human_tasks``
    columns ``{"decision", "returned", "note", "data"}`` (the declared form's values and
    the Kelengkapan ticked, ``CHECKLIST_NAME``), for
    the caller to write with the step's own row. The declared values are merged into the
    instance's data here; a field of the form left empty removes its earlier value
    (README: "langkah berikutnya menimpa nama yang sama")."""
    choice = chosen(entry, values)
    form = entry.get("form")
    names = set(form["schema"]["properties"]) if form else set()
    declared = {k: v for k, v in values.items() if k in names}
    if names:
        # The form as submitted now is the step's answer: a field left empty this time
        # (a revision round clearing it) no longer holds the earlier round's value.
        # Written only when it changes: an unchanged instance row is not flushed.
        before = task.instance.data or {}
        after = {**{k: v for k, v in before.items() if k not in names}, **declared}
        if after != before:
            task.instance.data = after
    # The Kelengkapan ticked is the step's own record (what was at hand at this desk),
    # kept with its data but not in the instance's.
    ticked = {CHECKLIST_NAME: values[CHECKLIST_NAME]} if values.get(CHECKLIST_NAME) else {}
    return {"decision": choice["label"] if choice else None,
            "returned": bool(choice and choice.get("returns")),
            "note": values.get(NOTE) or None, "data": {**declared, **ticked} or None}


def returned_by(session: Session, task: HumanTask) -> HumanTask | None:
    """The step that returned the case to ``task`` for revision, if it was: the step
    completed last before ``task`` opened, when it chose a return."""
    before = session.scalar(select(HumanTask).where(
        HumanTask.instance_id == task.instance_id, HumanTask.state == "completed",
        HumanTask.completed_at <= task.created_at, HumanTask.id != task.id)
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()).limit(1))
    return before if before is not None and before.returned else None


# Files a returning step's notice links; more are in the case's attachment list.
RETURNED_FILES = 10


def step_files(session: Session, step: HumanTask) -> list[Attachment]:
    """The files uploaded with ``step`` (its form or its page), oldest first, at most
    ``RETURNED_FILES``: what a reviewer attached to his return ("lihat koreksi
    terlampir"), linked beside his reason on the returned step's page."""
    return list(session.scalars(select(Attachment).where(
        Attachment.instance_id == step.instance_id, Attachment.human_task_id == step.id)
        .order_by(Attachment.id).limit(RETURNED_FILES)))


def earlier_round(session: Session, task: HumanTask) -> HumanTask | None:
    """The same step's last completed round in ``task``'s instance (a step returned for
    revision opens again), or None: what its Kelengkapan ticked, kept per step rather
    than in the case data, fills the new round's checklist."""
    return session.scalar(select(HumanTask).where(
        HumanTask.instance_id == task.instance_id, HumanTask.bpmn_id == task.bpmn_id,
        HumanTask.state == "completed", HumanTask.id != task.id)
        .options(lazyload(HumanTask.instance))
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()).limit(1))


def completed_steps(session: Session, instance: ProcessInstance) -> Latest:
    """The instance's newest ``engine.paging.LATEST`` completed steps in order of
    completion, and how many it has, each with who completed it at hand
    (``engine.people.attach.attach_people``). Each row's ``instance`` is ``instance`` itself, not
    joined again to every row (with its saved state and its definition's catalog, decoded
    once per row)."""
    steps = latest(session, select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.state == "completed")
        .options(lazyload(HumanTask.instance)),
        HumanTask.completed_at.desc(), HumanTask.id.desc())
    attach_people(session, steps.items, "completed_by_id", "completed_by")
    return steps


def case_file(session: Session, instance: ProcessInstance) -> dict[str, Any]:
    """The case as every desk sees it: ``{"data", "steps": [{"id", "name", "role",
    "completed_by", "completed_at", "decision", "returned", "note", "data"}],
    "attachments", "comments"}`` (the API's ``case``), each list its newest
    ``engine.paging.LATEST`` rows, oldest first, with ``steps_total``,
    ``attachments_total`` and ``comments_total``; steps in order of completion."""
    steps = completed_steps(session, instance)
    files, comments = attachments.of_instance(session, instance.id)
    return {
        "data": instance.data or {},
        "steps": [{"id": s.id, "name": s.name, "role": s.role,
                   "completed_by": s.completed_by.username if s.completed_by else None,
                   "completed_by_name": s.completed_by.full_name if s.completed_by else None,
                   "completed_as": s.completed_as, "completed_at": _iso(s.completed_at),
                   "decision": s.decision, "returned": s.returned, "note": s.note,
                   "data": s.data or {}} for s in steps.items],
        "steps_total": steps.total,
        "attachments": [{"id": a.id, "filename": a.filename, "size": a.size,
                         "task_id": a.human_task_id, "uploaded_by": a.uploaded_by.username,
                         "uploaded_at": _iso(a.uploaded_at)} for a in files.items],
        "attachments_total": files.total,
        "comments": [{"id": c.id, "author": c.author.username, "author_name": c.author.full_name,
                      "task_id": c.human_task_id, "text": c.text,
                      "created_at": _iso(c.created_at)} for c in comments.items],
        "comments_total": comments.total,
    }


def _missing_files(session: Session, task: HumanTask, form: dict[str, Any] | None,
                   values: dict[str, Any]) -> dict[str, str]:
    # A value that is no file name (a list, an object) is the form check's to refuse.
    labels = {f["name"]: f["label"] for f in fields(form)
              if f["kind"] == "file" and isinstance(values.get(f["name"]), str)}
    if not labels:
        return {}
    attached = set(session.scalars(select(Attachment.filename).where(
        Attachment.instance_id == task.instance_id)))
    return {name: f'"{label}": berkas "{values[name][:200]}" belum dilampirkan pada proses ini'
            for name, label in labels.items() if values[name] not in attached}


def _long_texts(values: dict[str, Any], declared: list[dict[str, Any]]) -> dict[str, str]:
    # README "Batas": a form's text is at most MAX_TEXT characters, whatever maxLength its
    # schema gives (or none); said with the field's label (``declared``: the fields).
    labels = {field["name"]: field["label"] for field in declared}
    return {name: f'"{labels.get(name, name)}" paling banyak {MAX_TEXT} karakter'
            for name, value in values.items() if isinstance(value, str) and len(value) > MAX_TEXT}


def _scalar_problems(data: dict[str, Any]) -> dict[str, str]:
    if len(data) > MAX_DATA_KEYS:
        return {"data": f"paling banyak {MAX_DATA_KEYS} nama data"}
    problems = {}
    for key, value in data.items():
        if not isinstance(key, str) or not _DATA_KEY.match(key):
            problems[str(key)[:64]] = "nama data harus huruf kecil, angka dan _ (diawali huruf)"
        elif not isinstance(value, _SCALARS):
            problems[key] = "nilai harus teks, angka, benar/salah atau kosong"
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            problems[key] = f"teks paling banyak {MAX_TEXT} karakter"
        elif not kept_exactly(value):
            problems[key] = f"angka harus {NUMBER_LIMIT.removeprefix('angka ')}"
    return problems


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def cancellation(session: Session, instance: ProcessInstance) -> AuditRecord | None:
    """The ``instance.cancelled`` record of a cancelled ``instance`` (who cancelled it, when,
    ``detail["reason"]``), with its actor at hand; None if it has none (an instance that is
    not cancelled, or one cancelled before reasons were kept)."""
    if instance.status != "cancelled":
        return None
    found = session.scalars(select(AuditRecord).where(
        AuditRecord.instance_id == instance.id, AuditRecord.action == "instance.cancelled")
        .order_by(AuditRecord.id.desc()).limit(1)).first()
    if found is not None:
        attach_people(session, [found], "actor_id", "actor")
    return found
