"""``POST /api/v1/alerts``: monitoring tools open incidents (``engine.desk.alerts``).

Authenticated by the source's own bearer token (``alur alerts add-source``; the scheme
read as for user tokens, case-insensitive), never by a user token. 202 ``{"instances": [ids opened], "ignored": n}``; 401 for a wrong or missing
token; 403 ``account_disabled`` when the source's account is disabled; 400 for a body that
is not JSON, 422 for one that is not the source kind's format (nothing started).
"""

from datetime import UTC, datetime
from typing import Any

from flask import jsonify
from marshmallow import ValidationError

from engine.desk import alerts
from engine.text import trimmed
from engine.time.periods import FIRST_YEAR, LAST_YEAR
from web.api import bp
from web.api.auth import bearer_refused, bearer_token
from web.api.common import json_payload, refuse_unexpected_input
from web.api.field_messages import indonesian
from web.api.openapi import doc
from web.api.schemas_servicedesk import AlertmanagerWebhook, UptimeKumaWebhook
from web.errors import error_response
from web.extensions import clock, db

SYSTEM_LABELS = ("system", "service", "job", "instance", "alertname")


@bp.post("/alerts")
@doc("Webhook peringatan pemantauan (Alertmanager v4 atau Uptime Kuma), dengan token sumbernya",
     tag="layanan TI", security="alert_source",
     body={"oneOf": [AlertmanagerWebhook, UptimeKumaWebhook]}, responses={202: {
         "description": "insiden yang dibuka dan peringatan yang diabaikan",
         "content": {"application/json": {"schema": {
             "type": "object", "required": ["instances", "ignored"],
             "properties": {"instances": {"type": "array", "items": {"type": "integer"}},
                            "ignored": {"type": "integer"}}}}}}})
def receive_alerts() -> Any:
    token = bearer_token()
    source = alerts.source_for(db.session, token) if token else None
    if source is None:
        return bearer_refused("Token sumber peringatan tidak sah.")
    refuse_unexpected_input()
    if source.user.is_disabled:  # its incidents are opened in this account's name
        return error_response(403, "account_disabled",
                              f"Akun sumber peringatan {source.user.username} dinonaktifkan; "
                              "tidak ada yang dibuka.")
    payload = json_payload()
    try:
        events = (_alertmanager(payload) if source.kind == "alertmanager"
                  else _uptime_kuma(payload))
    except ValidationError as invalid:
        return error_response(422, "invalid_request",
                              f"Badan bukan format webhook {source.kind}.",
                              fields=indonesian(invalid.messages))
    opened, ignored = alerts.receive(db.session, clock(), source, events or [])
    db.session.commit()
    if events is None:  # a state that is neither down nor up
        ignored = 1
    return jsonify(instances=opened, ignored=ignored), 202


def _alertmanager(payload: Any) -> list[alerts.Event]:
    body = AlertmanagerWebhook().load(payload)
    events = []
    for index, alert in enumerate(body["alerts"]):
        labels, notes = alert["labels"], alert["annotations"]
        system = _first_written([labels.get(name) for name in SYSTEM_LABELS], "tanpa nama")
        firing = alert["status"] == "firing"
        field = "startsAt" if firing else "endsAt"
        try:
            at = _within_years(alert["startsAt"]) if firing else _moment(alert["endsAt"])
        except ValidationError as invalid:
            raise ValidationError({"alerts": {index: {field: invalid.messages}}}) from None
        events.append(alerts.Event(
            fingerprint=alert["fingerprint"], firing=firing, system=system,
            severity=labels.get("severity", ""),
            summary=_first_written([notes.get("summary"), notes.get("description"),
                                    labels.get("alertname")], "peringatan"), at=at))
    return events


def _first_written(values: list[Any], default: str) -> str:
    """The first of ``values`` that is not blank as ``engine.text.trimmed`` reads it
    (spaces, a zero-width space, direction marks), trimmed, else ``default``: a label of
    blanks names nothing."""
    shown = (trimmed(value) for value in values if isinstance(value, str))
    return next((text for text in shown if text), default)


def _uptime_kuma(payload: Any) -> list[alerts.Event] | None:
    """The heartbeat's event; none for the Test button; None for a pending or maintenance
    heartbeat (status 2, 3: the monitor is neither down nor up)."""
    body = UptimeKumaWebhook().load(payload)
    monitor, beat = body["monitor"], body["heartbeat"]
    if monitor is None and beat is None:  # the Test button of Setup Notification
        return []
    if monitor is None or beat is None:
        raise ValidationError({"monitor" if monitor is None else "heartbeat":
                               ["Field may not be null."]})
    try:
        at = _moment(beat["time"])
    except ValidationError as invalid:
        raise ValidationError({"heartbeat": {"time": invalid.messages}}) from None
    if beat["status"] not in (0, 1):
        return None
    return [alerts.Event(fingerprint=f"kuma-{monitor['id']}", firing=beat["status"] == 0,
                         system=_first_written([monitor["name"]], "tanpa nama"),
                         severity="critical",
                         summary=_first_written([beat["msg"], body["msg"]], "monitor mati"),
                         at=at)]


def _moment(text: str) -> datetime:
    """An ISO 8601 time (naive means UTC, as Uptime Kuma sends it) in the years
    ``_within_years`` takes.

    Raises:
        ValidationError: not such a time (the messages, without the field's name).
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(["waktu ISO 8601 tidak sah"]) from None
    return _within_years(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _within_years(moment: datetime) -> datetime:
    """``moment`` (aware) if it lies in the years 2000–2100 as written and in UTC (README
    "Batas"): a monitor's clock far off would otherwise record an outage of centuries in
    the uptime report, and year 1 leaves what a datetime holds once moved to UTC.

    Raises:
        ValidationError: outside them (the message, without the field's name).
    """
    if FIRST_YEAR <= moment.year <= LAST_YEAR and \
            FIRST_YEAR <= moment.astimezone(UTC).year <= LAST_YEAR:
        return moment
    raise ValidationError([f"waktu harus dalam tahun {FIRST_YEAR}–{LAST_YEAR}"])
