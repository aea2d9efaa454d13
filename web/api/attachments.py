"""Attachments (Lampiran) through the API: an instance's files, upload to a task, download
(also a ticket thread's file by its requester). Rules: ``engine.process.attachments``;
seeing: ``engine.people.access``."""

from typing import Any

from flask import current_app, g, jsonify, request

from engine.desk import tickets
from engine.errors import NotFound, PermissionDenied
from engine.models import Attachment
from engine.process import attachments, instances, lists, tasks
from web.access import access
from web.api import bp
from web.api.auth import token_required
from web.api.common import load_query, page_json
from web.api.openapi import doc
from web.api.schemas_common import PageQuery
from web.api.schemas_work import AttachmentPageSchema, AttachmentSchema
from web.errors import error_response
from web.extensions import clock, db
from web.views.attachments import folder, send_recorded

TAG = "lampiran"

UPLOAD_MULTIPART = {
    "type": "object", "required": ["lampiran"],
    "properties": {"lampiran": {
        "type": "string", "format": "binary",
        "description": "satu berkas; bagian lampiran kedua ditolak (422), tidak ada yang "
                       "disimpan"}},
}


@bp.get("/instances/<int:instance_id>/attachments")
@doc("Lampiran satu proses, terlama dulu, per halaman", query=PageQuery, tag=TAG,
     responses={200: AttachmentPageSchema})
@token_required
def list_attachments(instance_id: int) -> Any:
    query = load_query(PageQuery())
    instance = lists.instance_row(db.session, instance_id)
    if not access().may_view_instance(instance):
        return error_response(403, "forbidden", "Anda tidak memegang peran pada SOP ini.")
    return page_json(attachments.attachments_page(db.session, instance_id, query["page"],
                                                  query["per_page"]),
                     AttachmentSchema(many=True))


@bp.post("/tasks/<int:task_id>/attachments")
@doc("Unggah satu lampiran ke tugas (multipart, satu bagian lampiran)", multipart=UPLOAD_MULTIPART,
     tag=TAG, responses={201: AttachmentSchema})
@token_required
def upload_attachment(task_id: int) -> Any:
    task = tasks.get_task(db.session, task_id)
    # The answer is one attachment, so one file a request: a second part is refused.
    sent = [(part.filename or "", part.read()) for part in request.files.getlist("lampiran")]
    [stored] = attachments.attach_all(db.session, clock(), folder(), task, g.user, sent,
                                      max_bytes=current_app.config["ALUR_ATTACHMENT_MAX_BYTES"],
                                      most=1)
    db.session.commit()
    return jsonify(AttachmentSchema().dump(stored)), 201


@bp.get("/attachments/<int:attachment_id>")
@doc("Unduh lampiran", tag=TAG, responses={200: {
    "description": "isi berkas", "content": {"*/*": {
        "schema": {"type": "string", "format": "binary"}}}}})
@token_required
def download_attachment(attachment_id: int) -> Any:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        return error_response(404, "not_found", f"Lampiran #{attachment_id} tidak ditemukan.")
    instance = instances.get_instance(db.session, attachment.instance_id)
    if not access().may_view_instance(instance):
        # A requester may download the files of his ticket's thread, as on its page.
        try:
            tickets.shared_file(db.session, clock(), instance, g.user, attachment_id)
        except (PermissionDenied, NotFound):
            return error_response(403, "forbidden", "Anda tidak memegang peran pada SOP ini.")
    path = folder() / attachment.stored_name
    if not path.is_file():  # committed, not yet moved into place (the worker's sweep will)
        return error_response(404, "not_found", "Berkas lampiran belum tersedia.")
    return send_recorded(g.user, attachment, instance, path)
