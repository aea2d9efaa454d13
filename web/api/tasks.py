"""Tasks through the API: the inbox, one task, claim, release, assign, complete (JSON, or
multipart with files for the step's file fields). Rules: ``engine.process.tasks``."""

import json
from typing import Any

from flask import g, jsonify, request

from engine.bpmn.forms import fields as declared_fields
from engine.errors import InvalidTaskData
from engine.people import accounts
from engine.process import inbox, tasks
from engine.process.other_lane import moved_away
from web.access import access
from web.api import bp
from web.api.auth import token_required
from web.api.common import RequestError, invalid_request, load_body, load_query
from web.api.openapi import doc
from web.api.schemas import TaskComplete
from web.api.schemas_work import (
    AssignRequest,
    CompletedSchema,
    CompleteQuery,
    InboxTaskSchema,
    TaskDetailSchema,
    TaskQuery,
)
from web.api.views import instance_brief, task_json
from web.edge import json_texts, refuse_unkept
from web.errors import error_response
from web.extensions import clock, db
from web.filters import end_of_office_day
from web.form_request import lines_as_typed
from web.json_provider import DuplicateKey, once_each
from web.views.case import attach_posted

TAG = "tugas"
_COMPLETE_QUERY, _COMPLETE_BODY = CompleteQuery(), TaskComplete()

# The inbox stays a JSON array (as before pagination); its size is in headers.
PAGE_HEADERS = {"X-Total-Count": {"schema": {"type": "integer"}},
                "X-Page": {"schema": {"type": "integer"}},
                "X-Per-Page": {"schema": {"type": "integer"}}}

COMPLETE_MULTIPART = {
    "type": "object",
    "properties": {
        "data": {"type": "string", "description": 'JSON objek data langkah, mis. {"catatan": "..."}'},
        "lampiran": {"type": "array", "items": {"type": "string", "format": "binary"}},
    },
    "additionalProperties": {"type": "string", "format": "binary",
                             "description": "berkas untuk kolom berkas formulir, per nama kolom"},
}


@bp.get("/tasks")
@doc("Kotak Masuk pemanggil: larik per halaman, disaring, dicari dan diurutkan di basis data",
     query=TaskQuery, tag=TAG,
     responses={200: {"description": "tugas halaman ini; jumlah semuanya di X-Total-Count",
                      "headers": PAGE_HEADERS, "content": {"application/json": {
                          "schema": {"type": "array", "items": InboxTaskSchema}}}}})
@token_required
def list_tasks() -> Any:
    query = load_query(TaskQuery())
    asked = inbox.InboxQuery(view=query["view"], process_key=query.get("process_key"),
                             state=query.get("state"), search=query.get("q"),
                             sort=query["sort"], day_end=end_of_office_day())
    found = inbox.inbox_page(db.session, clock(), g.user, asked, page=query["page"],
                             per_page=query["per_page"], acting=access().acting)
    response = jsonify(InboxTaskSchema(many=True).dump(found.items))
    response.headers.update({"X-Total-Count": str(found.total), "X-Page": str(found.page),
                             "X-Per-Page": str(found.per_page)})
    return response


@bp.get("/tasks/<int:task_id>")
@doc("Satu tugas dengan Mutu Baku, formulir dan berkas kasus", tag=TAG,
     responses={200: TaskDetailSchema})
@token_required
def get_task(task_id: int) -> Any:
    task = tasks.get_task(db.session, task_id)
    if not access().may_view_task(task):
        moved = moved_away(db.session, task, g.user)  # his until a revised SOP moved it
        return error_response(403, "forbidden", str(moved) if moved else tasks.NOT_IN_LANES)
    return jsonify(task_json(task, with_case=True))


@bp.post("/tasks/<int:task_id>/claim")
@doc("Ambil tugas", tag=TAG, responses={200: TaskDetailSchema, 409: None})
@token_required
def claim_task(task_id: int) -> Any:
    task = tasks.claim_task(db.session, clock(), task_id, g.user, access=access())
    db.session.commit()
    return jsonify(task_json(task))


@bp.post("/tasks/<int:task_id>/release")
@doc("Lepaskan tugas yang diambil ke Tugas Unit", tag=TAG,
     responses={200: TaskDetailSchema, 409: None})
@token_required
def release_task(task_id: int) -> Any:
    task = tasks.release_task(db.session, clock(), task_id, g.user, access=access())
    db.session.commit()
    return jsonify(task_json(task))


@bp.post("/tasks/<int:task_id>/assign")
@doc("Alihkan tugas kepada pemegang peran (oleh atasan peran)", body=AssignRequest, tag=TAG,
     responses={200: TaskDetailSchema, 409: None})
@token_required
def assign_task(task_id: int) -> Any:
    body = load_body(AssignRequest())
    assignee = accounts.find_by_username(db.session, body["assignee"])
    if assignee is None:
        # 403 for whoever may not assign, named user or not: no probing for names.
        tasks.check_assigner(db.session, clock(), tasks.get_task(db.session, task_id), g.user)
        raise invalid_request({"assignee": ["pengguna tidak ditemukan"]})
    task = tasks.assign_task(db.session, clock(), task_id, assignee, g.user)
    db.session.commit()
    return jsonify(task_json(task))


@bp.post("/tasks/<int:task_id>/complete")
@doc("Selesaikan langkah: JSON {\"data\"}, atau multipart dengan berkas; jawabannya tugas dan "
     "ringkasan proses (riwayat dengan ?include=history)", body=TaskComplete,
     query=CompleteQuery, multipart=COMPLETE_MULTIPART, tag=TAG,
     responses={200: CompletedSchema, 409: None})
@token_required
def complete_task(task_id: int) -> Any:
    with_history = load_query(_COMPLETE_QUERY).get("include") == "history"
    if request.mimetype != "multipart/form-data":
        data = load_body(_COMPLETE_BODY)["data"]
    else:
        task = tasks.get_task(db.session, task_id)
        if task.state != "open" and access().may_view_task(task):
            raise tasks.not_open(task)  # as a JSON completion, before its files are read
        data = _multipart_data()
        declared = declared_fields(tasks.task_entry(task).get("form"))
        _refuse_unknown_parts(declared)
        data.update(attach_posted(task, g.user, declared))
    task = tasks.complete_task(db.session, clock(), task_id, g.user, data, access=access())
    db.session.flush()
    # Built before the commit, which would expire what was just written.
    answer = {"task": task_json(task), "instance": instance_brief(task.instance, with_history)}
    db.session.commit()
    return jsonify(answer)


def _refuse_unknown_parts(declared: list[dict[str, Any]]) -> None:
    """Refuse a part that is neither ``data``, ``lampiran`` nor a file field of the step's
    form (``declared``), as JSON refuses an unknown key: its file would be thrown away
    while the step completes. Raises ``InvalidTaskData`` before anything is stored."""
    files = {"lampiran", *(field["name"] for field in declared if field["kind"] == "file")}
    unknown = (set(request.files) - files) | (set(request.form) - {"data"})
    if unknown:
        raise InvalidTaskData({name[:64]: "harus teks (JSON objek), bukan berkas"
                               if name == "data" else "kolom ini tidak ada pada formulir tugas"
                               for name in sorted(unknown)})


def _multipart_data() -> dict[str, Any]:
    parts = len(request.form.getlist("data"))
    if parts > 1:  # which one the user meant is unknown: neither is taken
        raise invalid_request({"data": [f"paling banyak 1 bagian data; {parts} dikirim"]})
    if "\ufffd" in request.form.get("data", ""):  # Werkzeug put it for bytes not UTF-8
        raise RequestError(400, "bad_request", "Data langkah bukan UTF-8.",
                           fields={"data": "bukan teks UTF-8"})
    try:  # a part sent empty is no JSON object; one not sent is an empty form
        data = lines_as_typed(json.loads(request.form.get("data", "{}"),
                                         object_pairs_hook=once_each))
        texts = list(json_texts(data, "data"))
    except DuplicateKey as twice:  # as a JSON body: the last value is never taken silently
        raise RequestError(400, "bad_request", f'Kunci "{twice.key[:60]}" muncul dua kali '
                           "dalam satu objek JSON; tidak ada yang diubah.",
                           fields={"data": "kunci muncul dua kali"}) from None
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python reads
        data = None
    if not isinstance(data, dict):
        raise invalid_request({"data": ["harus objek JSON"]})
    refuse_unkept(texts)  # written as \u escapes in the part, unseen at the door
    return data

