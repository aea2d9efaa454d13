"""SOP versions through the API, for administrators: the history, the difference a
version makes against the active one, activation. Rules: ``engine.process.versions``."""

from typing import Any

from flask import g, jsonify

from engine.errors import NotFound
from engine.people.holders import unheld_lanes
from engine.process import versions
from engine.process.deploy import active_definition
from web.access import access
from web.api import bp
from web.api.auth import token_required
from web.api.common import load_query, page_json
from web.api.openapi import doc
from web.api.schemas_admin import (
    ActivatedSchema,
    DiffSchema,
    VersionPageSchema,
    VersionQuery,
    VersionSchema,
)
from web.errors import error_response
from web.extensions import clock, db

TAG = "versi-sop"
ADMIN_ONLY = "Hanya administrator yang dapat mengelola versi SOP."


@bp.get("/processes/<key>/versions")
@doc("Versi-versi satu SOP, terbaru dulu (admin)", query=VersionQuery, tag=TAG,
     responses={200: VersionPageSchema})
@token_required
def list_versions(key: str) -> Any:
    query = load_query(VersionQuery())
    if not access().is_admin:
        return error_response(403, "forbidden", ADMIN_ONLY)
    found = versions.history(db.session, key, query["page"], query["per_page"])
    if not found.total:
        raise NotFound(f'SOP "{key}" tidak ditemukan.')
    return page_json(found, VersionSchema(many=True))


@bp.get("/processes/<key>/versions/<int:version>/diff")
@doc("Beda langkah versi ini terhadap versi aktif (admin)", tag=TAG,
     responses={200: DiffSchema})
@token_required
def diff_version(key: str, version: int) -> Any:
    if not access().is_admin:
        return error_response(403, "forbidden", ADMIN_ONLY)
    chosen = versions.get_version(db.session, key, version)
    try:
        active = active_definition(db.session, key)
    except NotFound:  # a new SOP waiting for its first activation: each step is new
        active = None
    diff = versions.diff_versions(active, chosen)
    return jsonify(DiffSchema().dump({
        "active_version": active and active.version, "version": chosen.version,
        "added": diff.added,
        "removed": diff.removed, "renamed": diff.renamed, "moved": diff.moved,
        "retimed": [[step_id, name, _waktu(old), _waktu(new)]
                    for step_id, name, old, new in diff.retimed],
        "mutu_baku": diff.mutu_baku, "flows": diff.flows, "forms": diff.forms,
        "decisions": [{"step": step, "old": old, "new": new}
                      for step, old, new in diff.decisions],
        "prefix": diff.prefix, "same_file": diff.same_file}))


def _waktu(standard: dict[str, str]) -> str:
    """A step's Waktu as the API gives it: its text, and the timer's length when it has
    one ("1 hari (Durasi: 1 hari kerja)"), so that a change of timer alone shows."""
    return (f'{standard["waktu"]} (Durasi: {standard["durasi"]})' if standard["durasi"]
            else standard["waktu"])


@bp.post("/processes/<key>/versions/<int:version>/activate")
@doc("Aktifkan versi ini untuk proses baru (admin)", tag=TAG,
     responses={200: ActivatedSchema, 409: None})
@token_required
def activate_version(key: str, version: int) -> Any:
    if not access().is_admin:
        return error_response(403, "forbidden", ADMIN_ONLY)
    definition = versions.activate(db.session, clock(), key, version, g.user)
    # Said as this activation left it: read after the commit, another activation committed
    # meanwhile answered this one "active": false.
    answer = {**VersionSchema().dump(definition),  # as ActivatedSchema
              "unheld_lanes": unheld_lanes(db.session, definition.catalog, clock().now())}
    db.session.commit()
    return jsonify(answer)
