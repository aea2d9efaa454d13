"""Administration: Proses bermasalah, the instances in Galat, with Coba lagi and Batalkan."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from engine.errors import InstanceEnded, InvalidTaskData, TaskNotOpen
from engine.escalation import incidents
from engine.process import instances
from engine.runtime.unit import GALAT
from web.extensions import clock, db
from web.paging import page_request
from web.views.admin import admin_required, bp


@bp.get("/proses-bermasalah")
@admin_required
def incidents_list() -> Any:
    found = incidents.failed_page(db.session, *page_request())
    return render_template("admin/incidents.html", failed=found.items, page=found)


@bp.post("/proses-bermasalah/<int:instance_id>/coba-lagi")
@admin_required
def retry(instance_id: int) -> Any:
    try:
        instance = incidents.retry_instance(db.session, clock(), instance_id, current_user)
    except TaskNotOpen as left:  # no longer in Galat (retried or cancelled meanwhile)
        db.session.rollback()
        flash(str(left), "error")
        return redirect(url_for("admin.incidents_list"))
    db.session.commit()
    if instance.status == "error":
        flash(gettext('Proses "%(title)s" gagal lagi: %(message)s', title=instance.title,
                      message=instance.error_message), "error")
    elif instance.status == "completed":  # its last step needed no one (found by a probe)
        flash(gettext('Proses "%(title)s" berjalan lagi dan langsung selesai.',
                      title=instance.title), "success")
    else:
        flash(gettext('Proses "%(title)s" berjalan lagi.', title=instance.title), "success")
    return redirect(url_for("admin.incidents_list"))


@bp.post("/proses-bermasalah/<int:instance_id>/batalkan")
@admin_required
def cancel(instance_id: int) -> Any:
    try:
        instance = instances.cancel_instance(db.session, clock(), instance_id, current_user,
                                             request.form.get("alasan", ""),
                                             statuses=(GALAT,))
    except (TaskNotOpen, InstanceEnded) as running:  # run again or ended since shown
        db.session.rollback()
        flash(str(running), "error")
        return redirect(url_for("admin.incidents_list"))
    except InvalidTaskData as refused:
        db.session.rollback()
        # The engine's words (empty, or too long), naming the process: the list has several.
        instance = instances.get_instance(db.session, instance_id)
        flash(gettext('Proses %(number)s "%(title)s" tidak dibatalkan: %(why)s.',
                      number=instance.number or f"#{instance.id}", title=instance.title,
                      why=refused.fields["reason"]), "error")
        return incidents_list(), 422  # refused as every form is: nothing changed
    db.session.commit()
    flash(gettext('Proses "%(title)s" dibatalkan.', title=instance.title), "success")
    return redirect(url_for("admin.incidents_list"))
