"""API endpoints for signing in, SOPs and instances. Thin: parse with a schema, call the
engine, dump with a schema. The other resources have their own modules (tasks, comments,
attachments, notifications, substitutions, versions)."""

from dataclasses import replace
from typing import Any

from flask import g, jsonify, request

from engine.bpmn import bundle
from engine.errors import NotFound, ProcessFailure
from engine.numbers import grouped
from engine.people.access import requester_only
from engine.people.holders import unheld_lanes
from engine.process import case, instances, lists, tasks, versions
from engine.process.deploy import (
    MAX_COMMENT,
    active_definition,
    active_page,
    deploy,
    make_active,
)
from web.access import access
from web.api import bp, idempotency
from web.api.auth import issue_token, token_required
from web.api.common import (
    RequestError,
    invalid_request,
    load_body,
    load_query,
    page_answer,
    page_json,
    page_list,
    refuse_unexpected_input,
)
from web.api.openapi import doc
from web.api.schemas import (
    HistorySchema,
    InstanceBriefSchema,
    InstanceCancel,
    InstanceCreate,
    InstanceSchema,
    InstanceSummarySchema,
    ProcessSchema,
    StepSchema,
    TaskSchema,
    TokenRequest,
)
from web.api.schemas_common import LIST_HEADERS, PageQuery, ProcessListQuery
from web.api.schemas_work import (
    DeployedSchema,
    HistoryPageSchema,
    InstancePageSchema,
    InstanceQuery,
    ProcessDetailSchema,
    TokenSchema,
)
from web.api.servicedesk import startable_page
from web.errors import error_response
from web.extensions import clock, db
from web.views.admin import refuse_other_files, removed_fields
from web.views.auth import authenticate
from web.views.start import failed_start

# Built once: a marshmallow schema costs more to make than to dump one object with.
_TASK, _STEP, _INSTANCE, _BRIEF, _CREATE = (TaskSchema(), StepSchema(), InstanceSchema(),
                                            InstanceBriefSchema(), InstanceCreate())
_HISTORY = HistorySchema(many=True)

DEPLOY_MULTIPART = {
    "type": "object",
    "properties": {
        "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                 "description": "berkas .bpmn beserta formulir JSON, atau satu .zip"},
        "comment": {"type": "string", "maxLength": MAX_COMMENT},
        "activate": {"type": "string", "enum": ["true", "false"]},
    },
    "additionalProperties": {"type": "string", "format": "binary",
                             "description": "berkas pada bagian dengan nama lain pun dibaca; "
                                            "bagian teks bernama lain → 422"},
}


@bp.post("/auth/token")
@doc("Token API dari nama pengguna dan kata sandi", body=TokenRequest, tag="masuk",
     responses={200: TokenSchema, 400: None, 401: None, 403: None, 413: None, 422: None,
                429: None, 503: None})
def token() -> Any:
    refuse_unexpected_input()
    body = load_body(TokenRequest())
    user = authenticate(body["username"], body["password"])
    if user is None:
        return error_response(401, "unauthorized", "Nama pengguna atau kata sandi salah.")
    if user.is_disabled:
        return error_response(403, "account_disabled", "Akun ini dinonaktifkan.")
    if user.must_change_password:
        return error_response(403, "password_change_required",
                              "Ganti kata sandi sementara di halaman Akun lebih dulu.")
    secret, expires_at = issue_token(user)
    return jsonify(TokenSchema().dump({"token": secret, "expires_at": expires_at}))


@bp.get("/processes")
@doc("SOP terdeploy (versi aktif), menurut nama tanpa membedakan huruf besar dan kecil; larik, "
     "per halaman; startable=1: hanya yang boleh dimulai pemanggil", query=ProcessListQuery,
     tag="sop", responses={200: {
         "description": "SOP halaman ini; jumlah di X-Total-Count", "headers": LIST_HEADERS,
         "content": {"application/json": {
             "schema": {"type": "array", "items": ProcessSchema}}}}})
@token_required
def list_processes() -> Any:
    query = load_query(ProcessListQuery())
    if query["startable"]:
        return startable_page(query["page"], query["per_page"])
    found = active_page(db.session, query["page"], query["per_page"])
    return page_list(found, ProcessSchema(many=True).dump(found.items))


@bp.get("/processes/<key>")
@doc("Versi aktif satu SOP dengan formulir mulainya", tag="sop",
     responses={200: ProcessDetailSchema})
@token_required
def get_process(key: str) -> Any:
    definition = active_definition(db.session, key)
    return jsonify({**ProcessSchema().dump(definition),
                    "start_form": _schema_of(definition.catalog.get("start_form"))})


@bp.post("/processes")
@doc("Deploy SOP (admin)", multipart=DEPLOY_MULTIPART, tag="sop",
     responses={200: DeployedSchema, 201: DeployedSchema, 409: None})
@token_required
def deploy_process() -> Any:
    if not g.user.is_admin:
        return error_response(403, "forbidden", "Hanya administrator yang dapat mendeploy SOP.")
    activate, comment = request.form.get("activate", "true"), request.form.get("comment", "")
    # Lists of messages per field, as every invalid_request answer has them (README). A text
    # part of another name is a typo ("activte=false" deployed and activated at once).
    fields = {**{name[:64]: ["harus berkas (bagian dengan filename), bukan teks"
                             if name == "file" else "bagian ini tidak dikenal"]
                 for name in sorted(set(request.form) - {"activate", "comment"})},
              **({"activate": ["harus true atau false"]} if activate not in ("true", "false")
                 else {}),
              **({"comment": [f"paling panjang {grouped(MAX_COMMENT)} karakter"]}
                 if len(comment) > MAX_COMMENT else {})}
    if fields:
        raise invalid_request(fields)
    uploads = [upload for name in request.files for upload in request.files.getlist(name)]
    if not uploads:
        return error_response(400, "bad_request", 'Kirim berkas BPMN pada kolom multipart "file" '
                              "(boleh beserta berkas formulir JSON, atau satu berkas .zip).")
    files = [(u.filename or "upload.bpmn", u.read()) for u in uploads]
    refuse_other_files(files, api=True)
    filename, data, forms = bundle.unpack(files)
    definition, created = deploy(db.session, clock(), data, filename=filename,
                                 deployed_by=g.user, comment=comment, activate=False,
                                 forms=forms)
    # Counted against the version active before this upload: activated at once, it would
    # be compared with itself (the regression probe's 0 for two fields dropped).
    removed = 0 if definition.is_active else removed_fields(definition)
    if activate == "true" and not definition.is_active:
        # A new version, or the same file as the newest one, which waits for activation.
        make_active(db.session, clock(), definition, g.user)
    db.session.commit()
    return jsonify(key=definition.key, version=definition.version, name=definition.name,
                   created=created, active=definition.is_active,
                   unheld_lanes=unheld_lanes(db.session, definition.catalog, clock().now()),
                   same_as_version=versions.earlier_twin(db.session, definition) if created
                   else None,
                   removed_form_fields=removed), 201 if created else 200


@bp.get("/instances")
@doc("Daftar proses, terbaru dulu, per halaman", query=InstanceQuery, tag="proses",
     responses={200: InstancePageSchema})
@token_required
def list_instances() -> Any:
    query = load_query(InstanceQuery())
    found = lists.list_instances(
        db.session, clock(), g.user, scope=query["scope"],
        process_key=query.get("process_key") or None, status=query.get("status") or None,
        search=query.get("q") or None, page=query["page"], per_page=query["per_page"])
    shown = lists.shown_data(db.session, access(), found.items)
    items = InstanceSummarySchema(many=True).dump(found.items)
    for item in items:
        item["data"] = shown[item["id"]]
    return page_answer(found, items)


@bp.post("/instances")
@doc("Mulai proses", body=InstanceCreate, tag="proses", responses={201: InstanceSchema},
     idempotent=True)
@token_required
def start_instance() -> Any:
    body = load_body(_CREATE)
    try:
        receipt = idempotency.claim()
    except idempotency.Replay as replay:
        return idempotency.replayed(_caller_view(instances.get_instance(db.session,
                                                                        replay.made)))
    try:
        instance = instances.start_instance(db.session, clock(), process_key=body["process_key"],
                                            title=body["title"], user=g.user, data=body["data"])
    except NotFound as unknown:  # a key in the body, not the address: 422, as the page
        raise invalid_request({"process_key": [unknown.message]}) from None
    except ProcessFailure as failure:  # the SOP's flow, not the caller: the admins are told
        db.session.rollback()
        raise RequestError(422, failure.code, failed_start(
            failure, body["process_key"], ticket=requester_only(g.user), user=g.user)) from None
    db.session.flush()
    idempotency.made(receipt, f"/api/v1/instances/{instance.id}")
    # Built before the commit, which would expire what it reads. A new instance's human
    # tasks are the ones its start opened, which the unit of work holds.
    answer = _caller_view(instance, instances.open_tasks(db.session, instance))
    db.session.commit()
    return jsonify(answer), 201


@bp.get("/instances/<int:instance_id>")
@doc("Satu proses dengan tugas terbuka dan riwayat", tag="proses",
     responses={200: InstanceSchema})
@token_required
def get_instance(instance_id: int) -> Any:
    instance = instances.get_instance(db.session, instance_id)
    if not access().may_view_instance(instance):
        return error_response(403, "forbidden", "Anda tidak memegang peran pada SOP ini.")
    return jsonify(instance_json(instance))


@bp.get("/instances/<int:instance_id>/history")
@doc("Riwayat satu proses, terlama dulu, per halaman", query=PageQuery, tag="proses",
     responses={200: HistoryPageSchema})
@token_required
def list_history(instance_id: int) -> Any:
    query = load_query(PageQuery())
    instance = lists.instance_row(db.session, instance_id)
    if not access().may_view_instance(instance):
        return error_response(403, "forbidden", "Anda tidak memegang peran pada SOP ini.")
    found = instances.history_page(db.session, instance_id, query["page"], query["per_page"])
    return page_json(replace(found, items=history_entries(
        found.items, instances.tasks_named(db.session, found.items))), _HISTORY)


@bp.post("/instances/<int:instance_id>/cancel")
@doc("Batalkan proses dengan alasan", body=InstanceCancel, tag="proses",
     responses={200: InstanceSchema, 409: None})
@token_required
def cancel_instance(instance_id: int) -> Any:
    body = load_body(InstanceCancel())
    instance = instances.cancel_instance(db.session, clock(), instance_id, g.user,
                                         body["reason"])
    answer = _caller_view(instance)
    db.session.commit()
    return jsonify(answer)


def task_json(task: Any, with_case: bool = False) -> dict[str, Any]:
    """A task as the API shows it: its row, its step's Mutu Baku and fields, its declared
    form; with ``with_case`` also the case file and, once done, what was submitted."""
    found = {**_TASK.dump(task), **_STEP.dump(tasks.task_entry(task)),
             "form": _schema_of(tasks.task_entry(task).get("form"))}
    if with_case:
        found["case"] = case.case_file(db.session, task.instance)
        found["submitted"] = ({"decision": task.decision, "note": task.note,
                               "data": task.data or {}} if task.state == "completed" else None)
    return found


def _schema_of(form: dict[str, Any] | None) -> dict[str, Any] | None:
    return form["schema"] if form else None


# What an official who is not an administrator reads of a Galat (the process page's words).
GALAT_FOR_OFFICIALS = ("Proses berhenti karena galat pada alur SOP ini; langkah berikutnya "
                       "belum dapat dikerjakan. Administrator sudah diberi tahu.")


def instance_json(instance: Any, open_tasks: list[Any] | None = None) -> dict[str, Any]:
    """An instance as the API shows it (``InstanceSchema``): open tasks and its newest
    history. ``open_tasks``: the instance's open human tasks when the caller has them,
    else read (with the steps the history names, in one statement)."""
    found = instances.history(db.session, instance)
    if open_tasks is None:
        open_tasks, steps = instances.open_and_named_tasks(db.session, instance, found.items)
    else:
        steps = instances.tasks_named(db.session, found.items)
    return _INSTANCE.dump({**_instance_fields(instance), "open_tasks": open_tasks,
                           "history": history_entries(found.items, steps),
                           "history_total": found.total})


def _caller_view(instance: Any, open_tasks: list[Any] | None = None) -> dict[str, Any]:
    """``instance_json`` for who may open the instance; for a requester who may not (a
    ticket he started at the front door, README "Layanan TI") no internal steps: empty
    ``open_tasks`` and ``history``, and of the case data only the start form's fields, as
    his list shows them (``lists.shown_data``)."""
    if access().may_view_instance(instance):
        return instance_json(instance, open_tasks)
    return _INSTANCE.dump({**_instance_fields(instance), "open_tasks": [], "history": [],
                           "history_total": 0,
                           "data": lists.shown_data(db.session, access(), [instance])[
                               instance.id]})


def instance_brief(instance: Any, with_history: bool = False) -> dict[str, Any]:
    """The instance after a step (``InstanceBriefSchema``): its open steps as the unit of
    work left them (``instances.open_tasks``); the history only ``with_history``."""
    brief = {**_instance_fields(instance),
             "open_tasks": instances.open_tasks(db.session, instance)}
    if with_history:
        brief.update(_history(instance))
    return _BRIEF.dump(brief)


def _instance_fields(instance: Any) -> dict[str, Any]:
    return {
        "id": instance.id, "number": instance.number, "title": instance.title,
        "status": instance.status, "data": instance.data or {},
        "definition": instance.definition, "started_at": instance.started_at,
        "completed_at": instance.completed_at, "error": _galat(instance),
    }


def _galat(instance: Any) -> dict[str, Any] | None:
    """Why the instance is in Galat: the engine's message and the BPMN element for an
    administrator; for anyone else, as the process page says it, that its SOP is at fault
    (README "Galat"). None when it is not in Galat."""
    if instance.status != "error":
        return None
    if g.user.is_admin:
        return {"message": instance.error_message, "element": instance.error_element,
                "at": instance.failed_at}
    return {"message": GALAT_FOR_OFFICIALS, "element": None, "at": instance.failed_at}


def _history(instance: Any) -> dict[str, Any]:
    """``history``: the instance's newest audit records (``instances.history``), and
    ``history_total``: how many it has."""
    found = instances.history(db.session, instance)
    return {"history": history_entries(found.items, instances.tasks_named(db.session,
                                                                          found.items)),
            "history_total": found.total}


def history_entries(records: list[Any], steps: dict[int, Any]) -> list[dict[str, Any]]:
    """Audit records as ``HistorySchema`` entries: a completed step's carries its
    decision and note (``steps``: the human tasks they name, by id); a Galat's the engine's
    message and the BPMN element for administrators only, as ``error`` does."""
    history = []
    for record in records:
        step = steps.get(record.human_task_id) if record.action == "task.completed" else None
        history.append({"at": record.at, "action": record.action, "actor": record.actor,
                        "human_task_id": record.human_task_id, "detail": _detail(record),
                        "decision": step.decision if step else None,
                        "note": step.note if step else None})
    return history


def _detail(record: Any) -> dict[str, Any]:
    """A record's ``detail`` as the caller may read it (``history_entries``)."""
    if g.user.is_admin or record.action not in ("instance.failed", "instance.retried"):
        return record.detail
    return {"message": GALAT_FOR_OFFICIALS} if record.action == "instance.failed" else {}
