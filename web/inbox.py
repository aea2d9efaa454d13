"""Kotak Masuk and the task page: where people see and finish their steps."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import tasks
from engine.errors import InvalidTaskData

from .extensions import clock, db

bp = Blueprint("inbox", __name__)


@bp.get("/")
@login_required
def index() -> Any:
    return render_template("inbox/index.html", tasks=tasks.inbox(db.session, clock(), current_user))


@bp.route("/tugas/<int:task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: int) -> Any:
    human_task = tasks.get_task(db.session, task_id)
    if not tasks.may_view(db.session, clock(), current_user, human_task):
        abort(403)
    entry = tasks.task_entry(human_task)
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = {field["name"]: request.form.get(field["name"], "") for field in entry["fields"]}
        try:
            tasks.complete_task(db.session, clock(), task_id, current_user, data)
        except InvalidTaskData as invalid:
            db.session.rollback()
            errors = invalid.fields
        else:
            db.session.commit()
            flash(f'Langkah "{human_task.name}" selesai.', "success")
            return redirect(url_for("instances.show", instance_id=human_task.instance_id))
    return render_template("inbox/task.html", task=human_task, entry=entry, errors=errors,
                           values=request.form), 422 if errors else 200


@bp.post("/tugas/<int:task_id>/ambil")
@login_required
def claim(task_id: int) -> Any:
    human_task = tasks.claim_task(db.session, clock(), task_id, current_user)
    db.session.commit()
    flash(f'Tugas "{human_task.name}" Anda ambil.', "success")
    return redirect(url_for("inbox.task", task_id=task_id))
