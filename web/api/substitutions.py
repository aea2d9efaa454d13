"""Plh/Plt through the API: the current ones the caller is part of or may end, recording
one, and ending one early. Rules: ``engine.people.substitution``."""

from typing import Any

from flask import g, jsonify

from engine.errors import NotFound
from engine.models import Substitution
from engine.people import accounts, substitution, substitution_period, substitution_rights
from web.api import bp
from web.api.auth import token_required
from web.api.common import invalid_request, load_body, load_query
from web.api.openapi import doc
from web.api.schemas_admin import SubstitutionCreate, SubstitutionPageSchema, SubstitutionSchema
from web.api.schemas_common import PageQuery
from web.extensions import clock, db

TAG = "plh-plt"


@bp.get("/substitutions")
@doc("Plh/Plt yang belum berakhir: milik pemanggil atau yang boleh ia akhiri (admin: semua)",
     query=PageQuery, tag=TAG, responses={200: SubstitutionPageSchema})
@token_required
def list_substitutions() -> Any:
    query = load_query(PageQuery())
    found = substitution.current_page(db.session, g.user, clock().now(), query["page"],
                                      query["per_page"])
    return jsonify(items=[_json(s) for s in found.items], total=found.total,
                   page=found.page, per_page=found.per_page)


@bp.post("/substitutions")
@doc("Catat Plh/Plt (admin, pejabatnya atau atasan langsungnya)", body=SubstitutionCreate,
     tag=TAG, responses={201: SubstitutionSchema})
@token_required
def create_substitution() -> Any:
    body = load_body(SubstitutionCreate())
    named = {field: accounts.find_by_username(db.session, body[field])
             for field in ("official", "substitute")}
    unknown = {field: ["pengguna tidak ditemukan"] for field, user in named.items()
               if user is None}
    if unknown:
        # 403 for whoever may not record, named users or not: no probing for names.
        substitution_rights.check_recorder(g.user, named["official"])
        raise invalid_request(unknown)
    found = substitution.record(
        db.session, clock(), kind=body["kind"], official=named["official"],
        substitute=named["substitute"], role=body["role"],
        warrant_number=body["warrant_number"], starts_at=body["starts_at"],
        ends_at=body["ends_at"], created_by=g.user)
    db.session.commit()
    return jsonify(_json(found)), 201


@bp.post("/substitutions/<int:substitution_id>/end")
@doc("Akhiri Plh/Plt lebih awal (pejabat, atasan langsung perannya, atasan pengganti, admin)",
     tag=TAG,
     responses={200: SubstitutionSchema})
@token_required
def end_substitution(substitution_id: int) -> Any:
    found = db.session.get(Substitution, substitution_id)
    if found is None:
        raise NotFound(f"Plh/Plt #{substitution_id} tidak ditemukan.")
    substitution.end_early(db.session, clock(), found, g.user)
    db.session.commit()
    return jsonify(_json(found))


def _json(found: Substitution) -> dict[str, Any]:
    return SubstitutionSchema().dump({
        **{name: getattr(found, name) for name in (
            "id", "kind", "official", "substitute", "role", "warrant_number", "starts_at",
            "ends_at", "extended_at")},
        "cancelled": substitution_period.cancelled(found),
        # Once ended (early, or cancelled) there is nothing left to end.
        "may_end": found.ended_by_id is None and found.ends_at > clock().now()
        and substitution.may_end(db.session, g.user, found)})

