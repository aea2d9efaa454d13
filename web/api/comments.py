"""Comments (Catatan) on an instance through the API: the thread, and adding to it.
Who may: whoever may view the instance (``engine.people.access``)."""

from typing import Any

from flask import g, jsonify

from engine.models import Comment
from engine.process import attachments, instances, lists
from web.access import access
from web.api import bp, idempotency
from web.api.auth import token_required
from web.api.common import load_body, load_query, page_json
from web.api.openapi import doc
from web.api.schemas_common import PageQuery
from web.api.schemas_work import CommentPageSchema, CommentRequest, CommentSchema
from web.errors import error_response
from web.extensions import clock, db

TAG = "catatan"


@bp.get("/instances/<int:instance_id>/comments")
@doc("Catatan satu proses, terlama dulu, per halaman", query=PageQuery, tag=TAG,
     responses={200: CommentPageSchema})
@token_required
def list_comments(instance_id: int) -> Any:
    query = load_query(PageQuery())
    instance = lists.instance_row(db.session, instance_id)
    if not access().may_view_instance(instance):
        return error_response(403, "forbidden", "Anda tidak memegang peran pada SOP ini.")
    return page_json(attachments.comments_page(db.session, instance_id, query["page"],
                                               query["per_page"]),
                     CommentSchema(many=True))


@bp.post("/instances/<int:instance_id>/comments")
@doc("Tambah catatan pada proses", body=CommentRequest, tag=TAG,
     responses={201: CommentSchema}, idempotent=True)
@token_required
def add_comment(instance_id: int) -> Any:
    body = load_body(CommentRequest())
    instance = instances.get_instance(db.session, instance_id)
    try:
        receipt = idempotency.claim()
    except idempotency.Replay as replay:
        return idempotency.replayed(CommentSchema().dump(db.session.get(Comment, replay.made)))
    entry = attachments.comment_on_instance(db.session, clock(), instance, g.user, body["text"])
    db.session.flush()
    idempotency.made(receipt, f"/api/v1/instances/{instance_id}/comments/{entry.id}")
    db.session.commit()
    return jsonify(CommentSchema().dump(entry)), 201
