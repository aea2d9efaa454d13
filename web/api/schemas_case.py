"""The case file a task's answer carries (``engine.process.case.case_file``): the case
data, and the newest completed steps, attachments and comments of its process."""

from marshmallow import fields

from web.api.schemas_common import Answer

# The engine writes the case's times as ISO 8601 text (aware, UTC offset given).
WHEN = {"format": "date-time", "description": "ISO 8601 dengan zona waktu"}


class CaseStepSchema(Answer):
    """A completed step of the process, as every desk sees it."""

    id = fields.Int(metadata={"description": "id tugas langkah itu"})
    name = fields.Str(metadata={"description": "nama Kegiatan"})
    role = fields.Str(metadata={"description": "Pelaksana (lane)"})
    completed_by = fields.Str(allow_none=True, metadata={"description": "nama pengguna"})
    completed_by_name = fields.Str(allow_none=True)
    completed_as = fields.Str(allow_none=True,
                              metadata={"description": "Plh/Plt yang dijalankan, bila ada"})
    completed_at = fields.Str(allow_none=True, metadata=WHEN)
    decision = fields.Str(allow_none=True)
    returned = fields.Bool(metadata={"description": "keputusan itu mengembalikan kasus"})
    note = fields.Str(allow_none=True)
    data = fields.Dict(metadata={"description": "isian formulir langkah itu"})


class CaseAttachmentSchema(Answer):
    """A file of the process (its content: ``GET /api/v1/attachments/<id>``)."""

    id = fields.Int()
    filename = fields.Str()
    size = fields.Int(metadata={"description": "bita"})
    task_id = fields.Int(allow_none=True)
    uploaded_by = fields.Str()
    uploaded_at = fields.Str(metadata=WHEN)


class CaseCommentSchema(Answer):
    """A comment on the process or one of its steps."""

    id = fields.Int()
    author = fields.Str()
    author_name = fields.Str()
    task_id = fields.Int(allow_none=True)
    text = fields.Str()
    created_at = fields.Str(metadata=WHEN)


class CaseSchema(Answer):
    """The case: its data and each list's newest 100 rows, oldest first, with the count
    of all (README "API JSON", ``GET /api/v1/tasks/<id>``)."""

    data = fields.Dict(metadata={"description": "data kasus"})
    steps = fields.List(fields.Nested(CaseStepSchema))
    steps_total = fields.Int()
    attachments = fields.List(fields.Nested(CaseAttachmentSchema))
    attachments_total = fields.Int()
    comments = fields.List(fields.Nested(CaseCommentSchema))
    comments_total = fields.Int()
