"""The page a completion form gets when its step changed meanwhile (issue 15, point 9):
who finished it and when, in words, with what the user typed shown back to copy."""

from typing import Any

from flask import render_template, request
from flask_babel import gettext, lazy_gettext
from flask_login import current_user

from engine.bpmn.catalog import NOTE_FIELD
from engine.bpmn.forms import fields
from engine.process import tasks
from engine.runtime.unit import GALAT
from web.extensions import db
from web.filters import local_time, task_state_text


def render_conflict(task_id: int) -> Any:
    """409: why the step can no longer be completed by this form (``own``: the user
    completed it himself, by an earlier send), and the posted text (``typed``:
    ``[(label, value)]``, empty fields left out), nothing stored."""
    task = tasks.get_task(db.session, task_id)
    entry = tasks.task_entry(task)
    own = task.state == "completed" and task.completed_by_id == current_user.id
    return render_template("inbox/conflict.html", task=task, own=own,
                           message=_own_message(task) if own else _message(task),
                           typed=_typed(entry)), 409


def _own_message(task: Any) -> str:
    """The step was completed by this very user: a form sent twice (a slow intranet, the
    Back button), whose first send was kept."""
    return gettext("Anda sudah menyelesaikan langkah ini pada %(time)s; kiriman itu tersimpan. "
                   "Kiriman yang ini tidak disimpan lagi.", time=local_time(task.completed_at))


def _message(task: Any) -> str:
    if task.state == "completed":
        who = " ".join(filter(None, (task.completed_as, task.completed_by.full_name
                                     if task.completed_by else None)))
        return gettext("Langkah ini sudah diselesaikan oleh %(who)s pada %(time)s.",
                       who=who or task.role, time=local_time(task.completed_at))
    if task.state == "cancelled":
        return gettext("Langkah ini sudah dibatalkan (proses dibatalkan atau berpindah versi).")
    if task.instance.status == GALAT:
        return gettext("Proses ini berhenti karena galat dan menunggu administrator; langkah "
                       "ini tidak dapat diselesaikan sampai proses dijalankan lagi.")
    if task.claimed_by is not None:
        return gettext("Langkah ini sudah diambil oleh %(who)s; hanya ia yang dapat "
                       "menyelesaikannya sekarang.", who=task.claimed_by.full_name)
    return gettext("Langkah ini belum dapat diselesaikan (status: %(state)s); muat ulang "
                   "halaman lalu coba lagi.", state=task_state_text(task.state))


# A yes/no field's two buttons, as the task form words them.
_YES_NO = {"boolean": [{"value": "ya", "label": lazy_gettext("Ya")},
                       {"value": "tidak", "label": lazy_gettext("Tidak")}]}


def _typed(entry: dict) -> list[tuple[str, str]]:
    declared = [f for f in fields(entry.get("form")) if f["kind"] != "file"]
    typed = []
    for name, label, choices in (
            [(f["name"], f["label"], f.get("choices") or []) for f in entry["fields"]]
            + [(f["name"], f["label"], f.get("choices") or _YES_NO.get(f["kind"], []))
               for f in declared]):
        labels = {c["value"]: str(c["label"]) for c in choices}
        values = [labels.get(v, v) for v in request.form.getlist(name) if v.strip()]
        if values:  # the note's label is the page's word for it, as on the task form
            typed.append((gettext("Catatan") if name == NOTE_FIELD["name"] else label,
                          ", ".join(values)))
    return typed
