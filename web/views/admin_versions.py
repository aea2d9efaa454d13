"""Administration: an SOP's version history, the difference a new version makes,
activation (also of an older version) and moving running instances to it."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select

from engine.models import ProcessDefinition, ProcessInstance
from engine.process import versions
from engine.process.deploy import active_definition
from web.extensions import clock, db
from web.views.admin import admin_required, bp


@bp.get("/sop/<key>")
@admin_required
def sop_versions(key: str) -> Any:
    history = versions.history(db.session, key)
    if not history:
        return redirect(url_for("admin.processes"))
    active = active_definition(db.session, key)
    running = dict(db.session.execute(
        select(ProcessInstance.definition_id, func.count()).join(ProcessDefinition)
        .where(ProcessDefinition.key == key, ProcessInstance.status == "running")
        .group_by(ProcessInstance.definition_id)).all())
    diffs = {definition.version: versions.diff_versions(active, definition)
             for definition in history if definition.id != active.id}
    return render_template("admin/sop_versions.html", key=key, history=history, active=active,
                           diffs=diffs, running=running)


@bp.post("/sop/<key>/versi/<int:version>/aktifkan")
@admin_required
def activate_version(key: str, version: int) -> Any:
    definition = versions.activate(db.session, clock(), key, version, current_user)
    db.session.commit()
    flash(gettext('Versi %(version)s "%(name)s" kini aktif untuk proses baru.',
                  version=definition.version, name=definition.name), "success")
    return redirect(url_for("admin.sop_versions", key=key))


@bp.post("/sop/<key>/pindahkan")
@admin_required
def migrate(key: str) -> Any:
    target = active_definition(db.session, key)
    result = versions.migrate_instances(db.session, clock(), target, current_user)
    db.session.commit()
    flash(gettext("%(moved)d proses berjalan dipindahkan ke versi %(version)s; %(left)d tetap "
                  "pada versinya.", moved=len(result.migrated), version=target.version,
                  left=len(result.left)), "success")
    return render_template("admin/migration_result.html", key=key, target=target,
                           result=result, next=request.referrer)
