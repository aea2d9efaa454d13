"""What the task page and the instance page show of the case: its data with labels, the
completed steps, and the files uploaded with a completion form."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from engine.bpmn.forms import fields
from engine.errors import InvalidTaskData
from engine.models import HumanTask, ProcessInstance
from engine.process import attachments, case
from engine.process.task_states import instance_status_word
from web.extensions import clock, db
from web.field_values import field_value
from web.filters import office_calendar
from web.views.attachments import folder, posted_files
from web.views.reports.export import Table


def case_context(instance: ProcessInstance, files: list[Any] = ()) -> dict[str, Any]:
    """``{"instance", "steps": its newest completed steps (``case.completed_steps``, an
    ``engine.paging.Latest``), "all_fields": ``all_fields(instance)``, "step_fields":
    {BPMN id: that step's form fields}, "files": ``files``, "step_files": {task id: the
    files as they were when that step was completed}}`` (``files``: the instance's
    attachments, in any order; a file field links to the newest of its name: in the case
    data the newest of all, in a completed step's entry the newest of its time, so that a
    round returned for revision opens what it submitted, not a later round's upload)."""
    steps = case.completed_steps(db.session, instance)
    return {"instance": instance, "steps": steps, "files": files,
            "step_files": {step.id: files_of_step(files, step) for step in steps.items},
            "all_fields": all_fields(instance),
            "step_fields": {bpmn_id: fields(entry.get("form")) for bpmn_id, entry
                            in instance.definition.catalog["tasks"].items()}}


def files_of_step(files: list[Any], step: HumanTask) -> list[Any]:
    """The attachments there were when ``step`` was completed: none uploaded after it,
    nor with a later step (whose id is higher: a round returned for revision and sent
    again is a new step)."""
    return [file for file in files if file.uploaded_at <= step.completed_at
            and (file.human_task_id is None or file.human_task_id <= step.id)]


def all_fields(instance: ProcessInstance) -> list[dict[str, Any]]:
    """The fields of the instance's start form and of every step's form, whose labels
    name the case data, ordered so that of two forms with a field of the same name the one
    that wrote the value comes last (``data_list`` shows the last one's label): the steps
    still to come first, then the start form, then the completed steps by their last
    completion (the triage's "Prioritas penanganan" only once the triage is done)."""
    catalog = instance.definition.catalog
    done = list(db.session.scalars(
        select(HumanTask.bpmn_id).where(HumanTask.instance_id == instance.id,
                                        HumanTask.state == "completed")
        .group_by(HumanTask.bpmn_id).order_by(func.max(HumanTask.completed_at))))
    found = []
    for bpmn_id, entry in catalog["tasks"].items():
        if bpmn_id not in done:
            found += fields(entry.get("form"))
    found += fields(catalog.get("start_form"))
    for bpmn_id in done:
        found += fields(catalog["tasks"].get(bpmn_id, {}).get("form"))
    return found


def attach_posted(task: HumanTask, user: Any, declared: list[dict[str, Any]]
                  ) -> dict[str, str]:
    """Attach the files chosen in a completion form to ``task``: every file of the input
    ``lampiran`` and of the file fields among ``declared`` (``engine.bpmn.forms.fields``
    of the step's form). Returns ``{file field: file name}`` to submit as those fields'
    values. Not committed.

    Every file of one input is checked before any of them is stored
    (``attachments.attach_all``).

    Raises:
        InvalidTaskData: under ``lampiran`` or the file field's name, the message naming
            the field by its label and the refused file; or, before anything is stored,
            under each file field sent more than one file (README, Formulir: one value).
    """
    labels = {"lampiran": "Lampiran", **{f["name"]: f["label"] for f in declared
                                          if f["kind"] == "file"}}
    # A declared file field's page sends its current file's name as text (form.html).
    posted = {name: posted_files(name, texts_too=name == "lampiran") for name in labels}
    doubled = {name: f'"{labels[name]}" menerima satu berkas; {len(files)} dikirim, tidak ada '
                     "yang disimpan" for name, files in posted.items()
               if name != "lampiran" and len(files) > 1}
    if doubled:  # before any file is stored: a field's value is one file's name
        raise InvalidTaskData(doubled)
    named = {}
    for name, label in labels.items():
        files = posted[name]
        if not files:
            continue
        try:
            stored = attachments.attach_all(
                db.session, clock(), folder(), task, user, files,
                max_bytes=current_app.config["ALUR_ATTACHMENT_MAX_BYTES"], label=label)
        except InvalidTaskData as invalid:  # its message names the field and the file
            raise InvalidTaskData({name: invalid.fields["lampiran"]}) from None
        if name != "lampiran":
            named[name] = stored[-1].filename
    return named


def instances_table(items: list[ProcessInstance], data: dict[int, dict[str, Any]],
                    late: set[int] = frozenset()) -> Table:
    """The listed instances as an exportable table (``web.views.reports.export``), their
    case data (``data``: ``{instance id: data}``, as ``lists.shown_data`` gives it) as
    ``label: value`` pairs read as the pages read them (``field_value``: a choice by its
    label, ``Ya``, a date in words); the starter by his name, as the pages show him; times
    in ISO 8601 to the second in the office's time zone (``2026-11-23T08:00:00+07:00``),
    which sorts as written; a running instance in ``late`` (ids) has the status
    ``berjalan, terlambat``, as the page marks it."""
    zone = ZoneInfo(office_calendar().timezone)
    catalogs = {item.definition_id: item.definition.catalog for item in items}
    named = {definition_id: _named_fields(catalog) for definition_id, catalog in catalogs.items()}
    table = Table("Daftar Proses", ["Nomor", "Judul", "SOP", "Status", "Dimulai", "Berakhir",
                                    "Dimulai oleh", "Data proses"])
    with force_locale("id"):  # an export is in Indonesian, as its headings
        for item in items:
            _add_row(table, item, data[item.id], named[item.definition_id], zone,
                     item.id in late)
    return table


def _add_row(table: Table, item: ProcessInstance, data: dict[str, Any],
             named: dict[str, dict[str, Any]], zone: ZoneInfo, late: bool) -> None:
    table.add([item.number, item.title, item.definition.name,
               instance_status_word(item.status) + (", terlambat" if late else ""),
               _moment(item.started_at, zone), _moment(item.completed_at, zone),
               item.started_by.full_name if item.started_by else None,
               "; ".join(_pair(named.get(key), key, value) for key, value in data.items())])


def _moment(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """``2026-11-23T08:00:00+07:00`` in ``zone``, to the second; None for no time."""
    return moment.astimezone(zone).replace(microsecond=0).isoformat() if moment else None


def _named_fields(catalog: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{data name: field}`` of a version: its steps' own fields (a decision) and forms,
    the start form's last, so that its label names what the requester typed."""
    named = {field["name"]: field for entry in catalog["tasks"].values()
             for field in [*entry.get("fields", []), *fields(entry.get("form"))]}
    named.update({field["name"]: field for field in fields(catalog.get("start_form"))})
    return named


def _pair(field: dict[str, Any] | None, name: str, value: Any) -> str:
    return f"{field['label'] if field else name}: {field_value(value, field)}"
