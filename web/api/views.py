"""API endpoints. Thin: parse with a schema, call the engine, dump with a schema."""

from typing import Any

from flask import g, jsonify, request
from marshmallow import Schema, ValidationError

from engine.bpmn import bundle
from engine.escalation import notifications
from engine.process import case, instances, lists, tasks
from engine.process.deploy import active_definition, active_definitions, deploy
from web.access import access
from web.api import bp
from web.api.auth import issue_token, token_required
from web.api.schemas import (
    InstanceCancel,
    InstanceCreate,
    InstanceSchema,
    InstanceSummarySchema,
    NotificationSchema,
    ProcessSchema,
    StepSchema,
    TaskComplete,
    TaskSchema,
    TokenRequest,
)
from web.errors import error_response
from web.extensions import clock, db
from web.views.auth import authenticate


class _RequestError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.response = error_response(status, code, message, **extra)


def _load(schema: Schema) -> dict[str, Any]:
    payload = request.get_json(silent=True)
    if payload is None:
        raise _RequestError(400, "bad_request", "Badan permintaan harus JSON yang sah.")
    try:
        return schema.load(payload)
    except ValidationError as invalid:
        raise _RequestError(422, "invalid_request", "Permintaan tidak valid.",
                            fields=invalid.messages) from None


@bp.errorhandler(_RequestError)
def _request_error(error: _RequestError) -> Any:
    return error.response


@bp.post("/auth/token")
def token() -> Any:
    body = _load(TokenRequest())
    user = authenticate(body["username"], body["password"])
    if user is None:
        return error_response(401, "unauthorized", "Nama pengguna atau kata sandi salah.")
    if user.is_disabled:
        return error_response(403, "account_disabled", "Akun ini dinonaktifkan.")
    if user.must_change_password:
        return error_response(403, "password_change_required",
                              "Ganti kata sandi sementara di halaman Akun lebih dulu.")
    return jsonify(token=issue_token(user))


@bp.get("/processes")
@token_required
def list_processes() -> Any:
    return jsonify(ProcessSchema(many=True).dump(active_definitions(db.session)))


@bp.get("/processes/<key>")
@token_required
def get_process(key: str) -> Any:
    definition = active_definition(db.session, key)
    return jsonify({**ProcessSchema().dump(definition),
                    "start_form": _schema_of(definition.catalog.get("start_form"))})


@bp.post("/processes")
@token_required
def deploy_process() -> Any:
    if not g.user.is_admin:
        return error_response(403, "forbidden", "Hanya administrator yang dapat mendeploy SOP.")
    uploads = [upload for name in request.files for upload in request.files.getlist(name)]
    if not uploads:
        return error_response(400, "bad_request", 'Kirim berkas BPMN pada kolom multipart "file" '
                              "(boleh beserta berkas formulir JSON, atau satu berkas .zip).")
    filename, data, forms = bundle.unpack([(u.filename or "upload.bpmn", u.read())
                                           for u in uploads])
    definition, created = deploy(db.session, clock(), data, filename=filename,
                                 deployed_by=g.user, comment=request.form.get("comment", ""),
                                 activate=request.form.get("activate", "true") != "false",
                                 forms=forms)
    db.session.commit()
    return jsonify(key=definition.key, version=definition.version, name=definition.name,
                   created=created, active=definition.is_active), 201 if created else 200


@bp.get("/instances")
@token_required
def list_instances() -> Any:
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", 20, type=int) or 20
    items, total = lists.list_instances(
        db.session, clock(), g.user, scope=request.args.get("scope", "mine"),
        process_key=request.args.get("process_key") or None,
        status=request.args.get("status") or None, search=request.args.get("q") or None,
        page=page, per_page=per_page)
    return jsonify(items=InstanceSummarySchema(many=True).dump(items), total=total,
                   page=max(1, page), per_page=max(1, min(per_page, lists.MAX_PER_PAGE)))


@bp.post("/instances")
@token_required
def start_instance() -> Any:
    body = _load(InstanceCreate())
    instance = instances.start_instance(db.session, clock(), process_key=body["process_key"],
                                        title=body["title"], user=g.user, data=body["data"])
    db.session.commit()
    return jsonify(_instance_json(instance)), 201


@bp.get("/instances/<int:instance_id>")
@token_required
def get_instance(instance_id: int) -> Any:
    instance = instances.get_instance(db.session, instance_id)
    if not access().may_view_instance(instance):
        return error_response(403, "forbidden", "Anda tidak memegang peran pada SOP ini.")
    return jsonify(_instance_json(instance))


@bp.post("/instances/<int:instance_id>/cancel")
@token_required
def cancel_instance(instance_id: int) -> Any:
    body = _load(InstanceCancel())
    instance = instances.cancel_instance(db.session, clock(), instance_id, g.user,
                                         body["reason"])
    db.session.commit()
    return jsonify(_instance_json(instance))


@bp.get("/tasks")
@token_required
def list_tasks() -> Any:
    return jsonify(TaskSchema(many=True).dump(tasks.inbox(db.session, clock(), g.user)))


@bp.get("/tasks/<int:task_id>")
@token_required
def get_task(task_id: int) -> Any:
    task = tasks.get_task(db.session, task_id)
    if not access().may_view_task(task):
        return error_response(403, "forbidden", "Anda tidak memegang peran tugas ini.")
    return jsonify(_task_json(task, with_case=True))


@bp.post("/tasks/<int:task_id>/claim")
@token_required
def claim_task(task_id: int) -> Any:
    task = tasks.claim_task(db.session, clock(), task_id, g.user)
    db.session.commit()
    return jsonify(_task_json(task))


@bp.post("/tasks/<int:task_id>/complete")
@token_required
def complete_task(task_id: int) -> Any:
    body = _load(TaskComplete())
    task = tasks.complete_task(db.session, clock(), task_id, g.user, body["data"])
    db.session.commit()
    return jsonify(task=_task_json(task), instance=_instance_json(task.instance))


@bp.get("/notifications")
@token_required
def list_notifications() -> Any:
    items = notifications.for_user(db.session, g.user)
    return jsonify(unread=notifications.unread_count(db.session, g.user),
                   notifications=NotificationSchema(many=True).dump(items))


def _task_json(task: Any, with_case: bool = False) -> dict[str, Any]:
    found = {**TaskSchema().dump(task), **StepSchema().dump(tasks.task_entry(task)),
             "form": _schema_of(tasks.task_entry(task).get("form"))}
    if with_case:
        found["case"] = case.case_file(db.session, task.instance)
        found["submitted"] = ({"decision": task.decision, "note": task.note,
                               "data": task.data or {}} if task.state == "completed" else None)
    return found


def _schema_of(form: dict[str, Any] | None) -> dict[str, Any] | None:
    return form["schema"] if form else None


def _instance_json(instance: Any) -> dict[str, Any]:
    all_tasks = instances.instance_tasks(db.session, instance)
    steps = {t.id: t for t in all_tasks}
    history = []
    for record in instances.history(db.session, instance):
        step = steps.get(record.human_task_id) if record.action == "task.completed" else None
        history.append({"at": record.at, "action": record.action, "actor": record.actor,
                        "human_task_id": record.human_task_id, "detail": record.detail,
                        "decision": step.decision if step else None,
                        "note": step.note if step else None})
    return InstanceSchema().dump({
        "id": instance.id, "number": instance.number, "title": instance.title,
        "status": instance.status, "data": instance.data or {},
        "definition": instance.definition, "started_at": instance.started_at,
        "completed_at": instance.completed_at,
        "error": ({"message": instance.error_message, "element": instance.error_element,
                   "at": instance.failed_at} if instance.status == "error" else None),
        "open_tasks": [t for t in all_tasks if t.state == "open"],
        "history": history,
    })
