"""The labels of a form's own fields, for the page that shows a refused form's typing back
(a stale CSRF token, ``web.errors``): a step's form by its task, a start form (Mulai
Proses, Ajukan Tiket) by the SOP it was sent for; the pages' other fields by
``web.field_labels``. An official reads "Jadwal rapat", not ``jadwal``."""

from typing import Any

from flask import request
from flask_babel import gettext

from engine.bpmn.catalog import NOTE_FIELD
from engine.bpmn.forms import fields
from engine.errors import AlurError
from engine.process import tasks
from engine.process.deploy import active_definition
from web.extensions import db

# The pages whose form is a start form: the SOP is its ``process_key`` field.
START_FORMS = ("instances.new", "desk.submit")


def form_labels() -> dict[str, str]:
    """``{field name: label}`` of the form this request sent, as its page labels them;
    empty when the page's fields are the fixed ones, or its task or SOP is gone."""
    try:
        if request.endpoint == "inbox.task":
            task = tasks.get_task(db.session, int((request.view_args or {})["task_id"]))
            entry = tasks.task_entry(task)
            return {**_labels(entry["fields"]), **_labels(fields(entry.get("form"))),
                    NOTE_FIELD["name"]: gettext("Catatan")}
        if request.endpoint in START_FORMS:
            chosen = active_definition(db.session, request.form.get("process_key", ""))
            return _labels(fields(chosen.catalog.get("start_form")))
    except (AlurError, KeyError, ValueError):
        return {}
    return {}


def _labels(declared: list[dict[str, Any]]) -> dict[str, str]:
    return {field["name"]: str(field["label"]) for field in declared}
