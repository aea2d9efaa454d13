"""Administration: an SOP's version history, the difference a new version makes (with
its diagram, SOP document and conversion notes beside it), activation (also of an older
version) and moving running instances to the active version after a dry run."""

import io
import zipfile
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from engine.bpmn.form_files import form_files
from engine.errors import InvalidProcess, joined
from engine.models import ProcessDefinition, ProcessInstance
from engine.process import migration_plan, versions
from engine.process.activations import activations
from engine.sop.document import identity_changes
from engine.text import is_digits
from web.diagrams import diagram_response
from web.extensions import clock, db
from web.lane_words import unheld_warning
from web.paging import page_request
from web.views.admin import admin_required, bp


@bp.get("/sop/<key>")
@admin_required
def sop_versions(key: str) -> Any:
    """The version history, a page at a time (newest first), below the preview of the
    newest version if it waits for activation (``versions.waiting``), else of the active one."""
    page, per_page = page_request(default=10)
    newest = versions.newest(db.session, key)
    if newest is None:
        abort(404)  # as the version and Pindahkan pages of an SOP that does not exist
    history = versions.history(db.session, key, page, per_page)
    active = db.session.scalar(select(ProcessDefinition).options(
        defer(ProcessDefinition.spec_json)).where(ProcessDefinition.key == key,
                                                  ProcessDefinition.is_active))
    shown = newest if versions.waiting(newest, active) else active
    running = dict(db.session.execute(
        select(ProcessInstance.definition_id, func.count()).join(ProcessDefinition)
        .where(ProcessDefinition.key == key, ProcessInstance.status.in_(versions.MOVABLE))
        .group_by(ProcessInstance.definition_id)).all())
    diffs = {d.version: versions.diff_versions(active, d)
             for d in [shown, *history.items] if active is not None and d.id != active.id}
    identity = {d.version: identity_changes(active.catalog, d.catalog)
                for d in [shown, *history.items] if active is not None and d.id != active.id}
    # Counts only: the full dry run (which steps stay, which claims are released) is the
    # Pindahkan page's, not every view of this one.
    movable = migration_plan.migration_counts(db.session, active)[0] if active is not None else 0
    activated = activations(db.session, key, [d.version for d in history.items])
    return render_template("admin/sop_versions.html", key=key, history=history.items,
                           waiting=versions.waiting, activated=activated,
                           page=history, active=active, diffs=diffs, identity=identity,
                           running=running,
                           notes=conversion_notes, steps=ordered_steps, movable=movable,
                           shown=shown, unheld=unheld_warning(shown))


def ordered_steps(definition: ProcessDefinition) -> list[dict[str, Any]]:
    """The catalog entries of ``definition``'s steps in table order (by No)."""
    return sorted(definition.catalog["tasks"].values(),
                  key=lambda step: int(step["no"]) if step["no"].isdecimal() else 10**6)


def conversion_notes(definition: ProcessDefinition) -> list[tuple[str, str, str]]:
    """``(No, Kegiatan, catatan konversi)`` of the steps that have one, in table order:
    how the step was read from its source, for administrators only."""
    return [(step["no"], step["name"], step["catatan_konversi"])
            for step in ordered_steps(definition) if step.get("catatan_konversi")]


@bp.get("/sop/<key>/versi/<int:version>/diagram.bpmn")
@admin_required
def version_diagram(key: str, version: int) -> Any:
    definition = versions.get_version(db.session, key, version)
    return diagram_response(definition.bpmn_xml)


@bp.get("/sop/<key>/versi/<int:version>/berkas.bpmn")
@admin_required
def version_file(key: str, version: int) -> Any:
    """The version's BPMN file as stored, conversion notes included (``diagram.bpmn`` leaves
    them out), to change in a modeller and upload again: ``<key>-v<version>.bpmn``, or a
    ``.zip`` of it and its JSON form files (``engine.bpmn.form_files``) when it has some."""
    definition = versions.get_version(db.session, key, version)
    files = form_files(definition.bpmn_xml, definition.catalog)
    if not files:
        return send_file(io.BytesIO(definition.bpmn_xml.encode()), mimetype="application/xml",
                         as_attachment=True, download_name=f"{key}-v{version}.bpmn")
    packed = io.BytesIO()  # its forms are files: the .zip an upload takes, forms beside it
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{key}-v{version}.bpmn", definition.bpmn_xml)
        for name, content in files.items():
            archive.writestr(name, content)
    packed.seek(0)
    return send_file(packed, mimetype="application/zip", as_attachment=True,
                     download_name=f"{key}-v{version}.zip")


@bp.post("/sop/<key>/versi/<int:version>/aktifkan")
@admin_required
def activate_version(key: str, version: int) -> Any:
    try:
        definition = versions.activate(db.session, clock(), key, version, current_user)
    except InvalidProcess as refused:  # another SOP shows its name: said on the page
        db.session.rollback()
        flash(gettext("Versi %(version)s tidak diaktifkan: %(why)s", version=version,
                      why=joined(refused.problems)), "error")
        return redirect(url_for("admin.sop_versions", key=key))
    db.session.commit()
    flash(gettext('Versi %(version)s "%(name)s" kini aktif untuk proses baru.',
                  version=definition.version, name=definition.name), "success")
    if (unheld := unheld_warning(definition)) is not None:
        flash(unheld, "warning")
    return redirect(url_for("admin.sop_versions", key=key))


@bp.get("/sop/<key>/pindahkan")
@admin_required
def migrate_preview(key: str) -> Any:
    """The dry run: which running instances would move to the active version, which stay
    (open steps the active version lacks), the first of each listed and all counted;
    nothing changes until confirmed."""
    target = _active_or_404(key)
    return render_template("admin/migration_preview.html", key=key, target=target,
                           plan=migration_plan.plan_migration(db.session, target),
                           batch=versions.MAX_MOVED)


@bp.post("/sop/<key>/pindahkan")
@admin_required
def migrate(key: str) -> Any:
    """Move one batch (``versions.MAX_MOVED``, oldest first, after the instance id in
    ``sesudah``) once confirmed; the result offers the next batch while any remain."""
    target = _active_or_404(key)
    if request.form.get("konfirmasi") != str(target.version):
        flash(gettext("Periksa daftar proses yang akan dipindahkan, lalu konfirmasi."), "info")
        return redirect(url_for("admin.migrate_preview", key=key))
    after = request.form.get("sesudah", "0")
    result = versions.migrate_instances(db.session, clock(), target, current_user,
                                        after=int(after) if is_digits(after) and len(after) < 19
                                        else 0)
    db.session.commit()
    left = len(result.left) + len(result.unmovable)
    if not (result.migrated or left or result.remaining):  # all moved already (sent twice)
        flash(gettext("Tidak ada lagi proses berjalan di versi lama; semuanya sudah pada versi "
                      "%(version)s.", version=target.version), "info")
    else:
        flash(gettext("%(moved)d proses berjalan dipindahkan ke versi %(version)s; %(left)d "
                      "tetap pada versinya; %(remaining)d belum diperiksa.",
                      moved=len(result.migrated), version=target.version, left=left,
                      remaining=result.remaining), "success")
    return render_template("admin/migration_result.html", key=key, target=target,
                           result=result, batch=versions.MAX_MOVED)


def _active_or_404(key: str) -> ProcessDefinition:
    target = db.session.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.is_active))
    if target is None:
        abort(404)
    return target
