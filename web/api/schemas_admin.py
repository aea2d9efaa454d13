"""Schemas of the API for Plh/Plt (substitutions) and SOP versions."""

from marshmallow import Schema, fields, validate

from engine.people.substitution import KINDS
from web.api.schemas_common import Answer, PageQuery, PageSchema, Username


class SubstitutionSchema(Answer):
    id = fields.Int(required=True)
    kind = fields.Str(required=True)
    official = Username("official", required=True)
    substitute = Username("substitute", required=True)
    role = fields.Str(required=True)
    warrant_number = fields.Str(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    extended_at = fields.DateTime(allow_none=True)
    may_end = fields.Bool(required=True)
    cancelled = fields.Bool(required=True, metadata={
        "description": "true: diakhiri sebelum mulai, tidak pernah berlaku"})


class SubstitutionPageSchema(PageSchema):
    items = fields.List(fields.Nested(SubstitutionSchema), required=True)


class SubstitutionCreate(Schema):
    """``starts_at``/``ends_at``: ISO 8601 with an offset (end exclusive)."""

    kind = fields.Str(required=True, validate=validate.OneOf(sorted(KINDS)))
    official = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    substitute = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    role = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    warrant_number = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class VersionSchema(Answer):
    key = fields.Str(required=True)
    version = fields.Int(required=True)
    name = fields.Str(required=True)
    active = fields.Bool(attribute="is_active", required=True)
    deployed_at = fields.DateTime(required=True)
    activated_at = fields.DateTime(allow_none=True, metadata={
        "description": "kapan versi ini terakhir diaktifkan; null: belum pernah"})
    deployed_by = Username("deployed_by")
    comment = fields.Str(allow_none=True)
    file_hash = fields.Str(required=True)


class ActivatedSchema(VersionSchema):
    unheld_lanes = fields.List(fields.Str(), required=True, metadata={
        "description": "lane berisi user task yang kini tidak dipegang siapa pun (tidak ada "
                       "pemegang aktif, tidak ada Plh/Plt): proses berhenti di langkahnya"})


class VersionPageSchema(PageSchema):
    items = fields.List(fields.Nested(VersionSchema), required=True)


class VersionQuery(PageQuery):
    pass


class FormChangeSchema(Schema):
    """The fields (labels) a form gained, lost or changed; ``where`` null: the start
    form, else the step's name (``engine.process.version_forms.FormChange``)."""

    where = fields.Str(required=True, allow_none=True)
    added = fields.List(fields.Str(), required=True)
    removed = fields.List(fields.Str(), required=True)
    changed = fields.List(fields.Str(), required=True)


class DecisionChangeSchema(Schema):
    """A kept step whose decision's choices changed: ``step`` its name, ``old``/``new``
    the choices' labels."""

    step = fields.Str(required=True)
    old = fields.List(fields.Str(), required=True)
    new = fields.List(fields.Str(), required=True)


class DiffSchema(Schema):
    """Steps that differ from the active version, by BPMN id (``engine.process.versions``):
    ``added``/``removed`` [id, name]; ``renamed`` [id, old, new]; ``moved`` [id, name, old
    lane, new lane]; ``retimed`` [id, name, old Waktu, new Waktu]; ``mutu_baku`` [id, name,
    Kelengkapan/Output/Keterangan, old, new]; ``flows`` [id, name, old next steps, new];
    ``forms`` [{where: null for the start form or the step's name, added, removed,
    changed: field labels}]; ``decisions`` [{step, old, new: choices}]; ``prefix`` [old,
    new] process number prefix or null. ``same_file``: the two versions' files are the
    same (every list empty while it is false: they differ in what no step shows).
    ``active_version`` null: no version is active yet, so every step is ``added``."""

    active_version = fields.Int(required=True, allow_none=True)
    version = fields.Int(required=True)
    added = fields.List(fields.List(fields.Str()), required=True)
    removed = fields.List(fields.List(fields.Str()), required=True)
    renamed = fields.List(fields.List(fields.Str()), required=True)
    moved = fields.List(fields.List(fields.Str()), required=True)
    retimed = fields.List(fields.List(fields.Str(allow_none=True)), required=True)
    mutu_baku = fields.List(fields.List(fields.Str()), required=True)
    flows = fields.List(fields.List(fields.Str()), required=True)
    forms = fields.List(fields.Nested(FormChangeSchema), required=True)
    decisions = fields.List(fields.Nested(DecisionChangeSchema), required=True)
    prefix = fields.List(fields.Str(), required=True, allow_none=True)
    same_file = fields.Bool(required=True)
