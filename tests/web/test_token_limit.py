"""At most 20 API tokens of one user work at once: the 21st revokes the oldest (the growth
probe's script held 306 working tokens, each for eight hours)."""

from sqlalchemy import select

from engine.models import ApiToken, AuditRecord
from engine.people.tokens import MAX_LIVE
from tests.helpers.rows import app_count
from tests.web.conftest import PASSWORD, login
from web.extensions import db


def _token(client) -> str:
    answer = client.post("/api/v1/auth/token", json={"username": "redaktur",
                                                     "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return answer.json["token"]


def _works(client, token: str) -> bool:
    return client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 200


def test_the_twenty_first_token_revokes_the_oldest(app, client):
    assert MAX_LIVE == 20
    tokens = [_token(client) for _ in range(MAX_LIVE)]
    assert all(_works(client, token) for token in tokens)
    newest = _token(client)
    assert not _works(client, tokens[0])
    assert _works(client, tokens[1]) and _works(client, newest)
    with app.app_context():
        live = db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))).all()
        assert len(live) == MAX_LIVE
        [record] = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "token.revoked")).all()
        assert record.detail == {"prefix": tokens[0][:6], "cause": "limit"}
    _token(client)  # the revoked row is deleted, the next oldest revoked
    assert app_count(app, ApiToken) == MAX_LIVE + 1
    login(client, "admin")
    with app.app_context():
        user_id = record.actor_id
    page = client.get(f"/admin/pengguna/{user_id}").get_data(True)
    assert (f"token {tokens[0][:6]}… (yang tertua: paling banyak 20 token berlaku "
            "sekaligus)") in page
