"""Service desk endpoints (issue 14) on the API blueprint: what the caller may start, the
requester's tickets and thread, ratings. Thin: parse, call ``engine.desk``, dump."""

from typing import Any

from flask import current_app, g, jsonify, request

from engine.desk import ratings, tickets
from engine.paging import Page
from engine.process.deploy import active_rows
from web.access import access
from web.api import bp, idempotency, ticket_parts
from web.api.auth import token_required
from web.api.common import load_body, load_query, page_list
from web.api.openapi import doc
from web.api.schemas import ProcessSchema
from web.api.schemas_common import LIST_HEADERS, ArrayPageQuery
from web.api.schemas_servicedesk import (
    RatingCreate,
    RatingSchema,
    TicketMessageCreate,
    TicketSchema,
)
from web.extensions import clock, db
from web.views.attachments import folder

TAG = "layanan TI"


def startable_page(page: int, per_page: int) -> Any:
    """``GET /api/v1/processes?startable=1``: the page of the SOPs the caller may start
    (its lanes, and the requester-facing SOPs for every active account), as the list of
    all answers it. The SOPs are few; which one a caller may start is read from each one's
    lanes."""
    allowed = [d for d in active_rows(db.session) if access().may_start(d)]
    shown = allowed[(page - 1) * per_page:page * per_page]
    return page_list(Page(items=shown, total=len(allowed), page=page, per_page=per_page),
                     ProcessSchema(many=True).dump(shown))


@bp.get("/tickets")
@doc("Tiket pemanggil sebagai pemohon, terbaru dulu; larik, per halaman", query=ArrayPageQuery,
     tag=TAG, responses={200: {
         "description": "tiket halaman ini; jumlah di X-Total-Count", "headers": LIST_HEADERS,
         "content": {"application/json": {"schema": {"type": "array", "items": TicketSchema}}}}})
@token_required
def list_tickets() -> Any:
    """The caller's tickets (requester view), newest first, a page at a time."""
    query = load_query(ArrayPageQuery())
    now = clock().now()
    found = tickets.mine(db.session, g.user, query["page"], query["per_page"])
    return page_list(found, TicketSchema(many=True).dump(
        [tickets.view(db.session, now, i) for i in found.items]))


@bp.get("/tickets/<int:instance_id>")
@doc("Satu tiket, tampilan pemohon", tag=TAG, responses={200: TicketSchema})
@token_required
def get_ticket(instance_id: int) -> Any:
    instance = tickets.get_ticket(db.session, instance_id)
    tickets.check_requester(db.session, clock(), instance, g.user)
    return jsonify(TicketSchema().dump(tickets.view(db.session, clock().now(), instance)))


@bp.post("/tickets/<int:instance_id>/messages")
@doc("Pesan pada utas tiket (pemohon atau petugas): JSON, atau multipart dengan satu berkas",
     body=TicketMessageCreate, multipart=ticket_parts.MESSAGE_MULTIPART, tag=TAG,
     responses={201: TicketSchema, 409: None}, idempotent=True)
@token_required
def post_ticket_message(instance_id: int) -> Any:
    """A message in the ticket's thread, by the requester or the desk (``asks``: the desk
    waits for the requester and the SLA clock stops); multipart with at most one file
    (``lampiran``), stored with it as on the ticket's page."""
    if request.mimetype == "multipart/form-data":
        body, upload = ticket_parts.message()
    else:
        body, upload = load_body(TicketMessageCreate()), None
    instance = tickets.get_ticket(db.session, instance_id)
    try:
        receipt = idempotency.claim()
    except idempotency.Replay:
        return idempotency.replayed(TicketSchema().dump(tickets.view(
            db.session, clock().now(), instance)))
    if upload is None:
        tickets.post(db.session, clock(), instance, g.user, body["text"], asks=body["asks"])
    else:
        tickets.post_file(db.session, clock(), folder(), instance, g.user, body["text"],
                          *upload, asks=body["asks"],
                          max_bytes=current_app.config["ALUR_ATTACHMENT_MAX_BYTES"])
    idempotency.made(receipt, f"/api/v1/tickets/{instance_id}")
    db.session.commit()
    return jsonify(TicketSchema().dump(tickets.view(db.session, clock().now(), instance))), 201


@bp.post("/instances/<int:instance_id>/rating")
@doc("Penilaian pemohon (1-5) sesudah selesai", body=RatingCreate, tag=TAG,
     responses={201: RatingSchema, 409: None})
@token_required
def rate_instance(instance_id: int) -> Any:
    """The requester's rating: 201; 403 anyone else; 409 not completed or rated already;
    422 score outside 1-5."""
    body = load_body(RatingCreate())
    instance = tickets.get_ticket(db.session, instance_id)
    rating = ratings.rate(db.session, clock(), instance, g.user, body["score"],
                          body["comment"])
    db.session.commit()
    return jsonify(RatingSchema().dump(rating)), 201
