"""Starting a process instance and looking at one: history and diagram."""

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine import settings
from engine.errors import InvalidTaskData, ProcessFailure
from engine.process import attachments, instances
from engine.process.deploy import active_definitions
from web.access import access
from web.extensions import clock, db

bp = Blueprint("instances", __name__, url_prefix="/proses")


@bp.route("/baru", methods=["GET", "POST"])
@login_required
def new() -> Any:
    definitions = active_definitions(db.session)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            instance = instances.start_instance(
                db.session, clock(), process_key=request.form.get("process_key", ""),
                title=request.form.get("title", ""), user=current_user)
        except InvalidTaskData as invalid:
            db.session.rollback()
            errors = invalid.fields
        except ProcessFailure as failed:
            db.session.rollback()
            errors = {"process_key": failed.message}
        else:
            db.session.commit()
            flash(gettext('Proses "%(title)s" dimulai.', title=instance.title), "success")
            return redirect(url_for("instances.show", instance_id=instance.id))
    return render_template("instances/new.html", definitions=definitions, errors=errors,
                           values=request.form), 422 if errors else 200


@bp.get("/<int:instance_id>")
@login_required
def show(instance_id: int) -> Any:
    instance = _visible_instance(instance_id)
    steps = instances.instance_tasks(db.session, instance)
    calendar = settings.work_calendar(db.session)
    now = clock().now()
    taken = {t.id: calendar.working_minutes_between(t.created_at, t.completed_at or now)
             for t in steps}
    late = {t.id for t in steps if t.due_at is not None and (t.completed_at or now) > t.due_at}
    files, comments = attachments.of_instance(db.session, instance.id)
    return render_template(
        "instances/show.html", instance=instance, tasks=steps, taken=taken, late=late,
        history=instances.history(db.session, instance), attachments=files, comments=comments)


@bp.get("/<int:instance_id>/diagram.bpmn")
@login_required
def diagram(instance_id: int) -> Any:
    instance = _visible_instance(instance_id)
    return Response(instance.definition.bpmn_xml, mimetype="application/xml")


def _visible_instance(instance_id: int) -> Any:
    instance = instances.get_instance(db.session, instance_id)
    if not access().may_view_instance(instance):
        abort(403)
    return instance
