"""Administration: deploying a new or revised SOP (BPMN) as a new version."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext, ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import Length

from engine.bpmn import bundle
from engine.errors import InvalidProcess, NotFound
from engine.models import ProcessDefinition
from engine.paging import Page, paginate
from engine.process import versions
from engine.process.deploy import DEFINITION_ROW, MAX_COMMENT, active_definition, deploy
from engine.sop.reading import BPMN_SUFFIXES, TABLE_SUFFIXES, seems_other_file
from engine.sop.table import import_table
from engine.sop.template import table_template
from web.extensions import clock, db
from web.lane_words import unheld_warning
from web.paging import page_request
from web.too_large import SOP_FILE_MAX_BYTES, sop_limits

bp = Blueprint("admin", __name__, url_prefix="/admin")


class UploadForm(FlaskForm):
    file = FileField(lazy_gettext("Berkas BPMN (.bpmn) beserta berkas formulir JSON-nya, satu "
                                  "berkas .zip, atau tabel SOP (.xlsx, .csv)"),
                     validators=[FileRequired(lazy_gettext("Pilih berkas BPMN atau tabel SOP."))])
    comment = TextAreaField(lazy_gettext("Alasan perubahan (mis. revisi SOP 2027, nomor SK)"),
                            validators=[Length(max=MAX_COMMENT, message=lazy_gettext(
                                "Alasan paling panjang 2.000 karakter."))])


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only administrators may pass; others get 403."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/sop", methods=["GET", "POST"])
@admin_required
def processes() -> Any:
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        uploads = [(u.filename or "upload.bpmn", u.read()) for u in request.files.getlist("file")]
        try:
            refuse_other_files(uploads)
            if len(uploads) == 1 and uploads[0][0].lower().endswith(TABLE_SUFFIXES):
                filename, data, forms = *uploads[0], {}
                data = import_table(data, filename)
            else:  # a BPMN file, with its form files or all in one .zip
                filename, data, forms = bundle.unpack(uploads)
            definition, created = deploy(db.session, clock(), data, filename=filename,
                                         deployed_by=current_user, forms=forms,
                                         comment=form.comment.data or "", activate=False)
        except InvalidProcess as refused:
            db.session.rollback()
            problems = refused.problems
        else:
            db.session.commit()
            flash(*_uploaded_words(definition, created))
            if created and (unheld := unheld_warning(definition)) is not None:
                flash(unheld, "warning")
            return redirect(url_for("admin.sop_versions", key=definition.key))
    status = 422 if problems or form.errors else 200
    found = sop_rows(*page_request())
    return render_template("admin/processes.html", form=form, problems=problems,
                           sops=found.items, page=found,
                           limits={**sop_limits(), "bytes": bundle.MAX_BUNDLE_BYTES,
                                   "unzipped_bytes": SOP_FILE_MAX_BYTES}), status


def _uploaded_words(definition: ProcessDefinition, created: bool) -> tuple[str, str]:
    """The flash after an upload, and its category: a file the latest version already has
    (and whether that one still waits for activation), a new version, or a new version
    whose file an older one has (activating that one would have done)."""
    names = {"name": definition.name, "version": definition.version}
    if not created and not definition.is_active and definition.activated_at is None:
        return gettext('Berkas sama dengan "%(name)s" versi %(version)s, yang masih menunggu '
                       "diaktifkan; tidak ada versi baru.", **names), "info"
    if not created:
        return gettext('Berkas sama dengan "%(name)s" versi %(version)s; tidak ada versi '
                       "baru.", **names), "info"
    twin = versions.earlier_twin(db.session, definition)
    if twin is not None and twin == versions.in_force_version(db.session, definition.key):
        return gettext('"%(name)s" versi %(version)s tersimpan, isinya sama dengan versi '
                       "aktif (%(twin)s): tidak ada yang berubah dari yang berlaku, versi ini "
                       "tidak perlu diaktifkan.", twin=twin, **names), "warning"
    if twin is not None:
        return gettext('"%(name)s" versi %(version)s tersimpan, isinya sama dengan versi '
                       "%(twin)s: bila isi itu yang diinginkan, cukup aktifkan versi "
                       "%(twin)s. Periksa perbedaannya, lalu aktifkan salah satunya.",
                       twin=twin, **names), "warning"
    if definition.is_active:
        return gettext('"%(name)s" versi %(version)s aktif.', **names), "success"
    saved = gettext('"%(name)s" versi %(version)s tersimpan. Periksa perbedaannya, lalu '
                    "aktifkan.", **names)
    removed = removed_fields(definition)
    if removed:  # a table re-uploaded for an SOP modelled by hand drops its forms (SOP probe)
        return saved + " " + ngettext(
            "Perhatian: versi ini menghapus %(num)d kolom formulir versi aktif.",
            "Perhatian: versi ini menghapus %(num)d kolom formulir versi aktif.",
            removed), "warning"
    return saved, "success"


def removed_fields(definition: ProcessDefinition) -> int:
    """How many form fields of the key's active version ``definition`` drops (0 when the
    key has no active version, or ``definition`` is it)."""
    try:
        active = active_definition(db.session, definition.key)
    except NotFound:
        return 0
    return sum(len(change.removed) for change in versions.diff_versions(active, definition).forms)


def refuse_other_files(uploads: list[tuple[str, bytes]], *, api: bool = False) -> None:
    """Refuse an uploaded file that is none of what the upload takes, by its name or first
    bytes (a PDF of the signed SOP, a scan, an old Word file), in words, before any
    parsing: the page takes BPMN or an SOP table, the API (``api``,
    ``web.api.views.deploy_process``) BPMN only. Form files (.json) and bundles (.zip)
    are left to ``bundle.unpack``.

    Args:
        uploads: ``[(file name, bytes)]`` as sent.

    Raises:
        InvalidProcess: naming the file and what it seems to be (" (tampaknya PDF)"), then
            what to send instead.
    """
    taken = BPMN_SUFFIXES if api else TABLE_SUFFIXES + BPMN_SUFFIXES
    for filename, data in uploads:
        if filename.lower().endswith((".json", ".zip")):
            continue
        seems = seems_other_file(data)
        if seems is None and filename.lower().endswith(taken):
            continue
        what = gettext(" (tampaknya %(kind)s)", kind=seems) if seems else ""
        if api:
            raise InvalidProcess([gettext(
                'Berkas "%(name)s" bukan BPMN atau formulir JSON%(what)s. Kirim berkas BPMN '
                "(.bpmn) beserta berkas formulir JSON-nya, atau satu berkas .zip; tabel SOP "
                "diunggah di halaman Kelola SOP.", name=filename[:100], what=what)])
        raise InvalidProcess([gettext(
            'Berkas "%(name)s" bukan BPMN atau tabel SOP%(what)s. Unggah berkas BPMN (.bpmn) '
            "atau tabel SOP (.csv, .xlsx); templat tabel SOP dapat diunduh di halaman ini.",
            name=filename[:100], what=what)])


def sop_rows(page: int, per_page: int) -> Page:
    """Page ``page`` of the SOPs by key, one row each: ``{"key", "name", "active"
    (definition or None), "pending" (versions newer than the active one and never
    active, newest first),
    "versions" (count)}``. Versions are read without their BPMN or spec."""
    keys = paginate(db.session, select(ProcessDefinition.key).group_by(ProcessDefinition.key)
                    .order_by(ProcessDefinition.key), page, per_page, rows=True)
    rows: dict[str, dict[str, Any]] = {}
    for definition in db.session.scalars(
            select(ProcessDefinition).options(DEFINITION_ROW)
            .where(ProcessDefinition.key.in_([key for key, in keys.items]))
            .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())):
        row = rows.setdefault(definition.key, {"key": definition.key, "name": definition.name,
                                               "active": None, "pending": [], "versions": 0})
        row["versions"] += 1
        if definition.is_active:
            row["active"], row["name"] = definition, definition.name
        elif row["active"] is None and definition.activated_at is None:
            row["pending"].append(definition)
    return Page(items=list(rows.values()), total=keys.total, page=page, per_page=per_page)


@bp.get("/sop/templat-tabel-sop.csv")
@admin_required
def table_template_csv() -> Any:
    """The SOP table template (``engine.sop.template``) as a CSV download."""
    return Response(table_template().encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="templat-tabel-sop.csv"'})
