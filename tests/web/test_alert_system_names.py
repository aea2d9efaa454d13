"""A monitoring alert's system name is kept as its columns keep it: cut to 200 characters."""

from datetime import timedelta

from sqlalchemy import select

from engine.models import Outage
from tests.web.test_alerts_api import FIRING, add_source
from web.extensions import db


def test_a_system_label_longer_than_its_column_is_cut_as_the_incident_cuts_it(app, client,
                                                                              clock):
    """The desk probe: a 5,000-character label was kept whole beside the incident's 200."""
    headers = add_source(app, "prometheus", "alertmanager")
    long = {**FIRING["alerts"][0], "labels": {**FIRING["alerts"][0]["labels"],
                                              "system": "S" * 5000}}
    assert client.post("/api/v1/alerts", headers=headers,
                       json={**FIRING, "alerts": [long]}).status_code == 202
    clock.advance(timedelta(hours=1))
    ended = {**long, "status": "resolved", "endsAt": "2026-11-23T01:45:00Z"}
    assert client.post("/api/v1/alerts", headers=headers,
                       json={**FIRING, "status": "resolved", "alerts": [ended]}).status_code == 202
    with app.app_context():
        [outage] = db.session.scalars(select(Outage)).all()
        assert outage.system == "S" * 200
