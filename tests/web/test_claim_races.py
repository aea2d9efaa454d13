"""Claims, releases and completions racing over real HTTP (a threaded server on one SQLite
file or PostgreSQL schema): the database lets exactly one change through."""

from collections import Counter

import pytest
import requests
from sqlalchemy import select

from engine.models import AuditRecord, HumanTask, User, UserRole
from tests.helpers.races import at_once
from tests.helpers.rows import app_count
from tests.helpers.servers import threaded_server
from tests.helpers.statements import statements
from tests.web.conftest import PASSWORD
from web.extensions import clock, db
from web.views.auth import hash_password

SERVER_SOP = "penanganan_gangguan_server"
CLAIMERS = 20


@pytest.fixture
def base(app):
    with app.app_context():
        for number in range(CLAIMERS):
            user = User(username=f"prakom{number}", full_name=f"Prakom Nomor {number}",
                        created_at=clock().now(), roles=[UserRole(role="Prakom")])
            user.password_hash = hash_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
    with threaded_server(app) as url:
        yield url


def token(base: str, username: str) -> dict[str, str]:
    answer = requests.post(f"{base}/api/v1/auth/token", timeout=30,
                           json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def start(base: str, headers: dict[str, str], title: str) -> int:
    answer = requests.post(f"{base}/api/v1/instances", headers=headers, timeout=30,
                           json={"process_key": SERVER_SOP, "title": title})
    assert answer.status_code == 201, answer.text
    return answer.json()["open_tasks"][0]["id"]


def audit_count(app, action: str, task_id: int) -> int:
    return app_count(app, AuditRecord, AuditRecord.action == action,
                     AuditRecord.human_task_id == task_id)


def claim(base: str, task_id: int, headers: dict[str, str]):
    return lambda: requests.post(f"{base}/api/v1/tasks/{task_id}/claim", headers=headers,
                                 timeout=60)


def test_of_twenty_concurrent_claims_exactly_one_wins(app, base):
    headers = [token(base, f"prakom{n}") for n in range(CLAIMERS)]
    task_id = start(base, headers[0], "Server SIPP mati")
    answers = at_once([claim(base, task_id, h) for h in headers])
    assert Counter(a.status_code for a in answers) == {200: 1, 409: CLAIMERS - 1}
    winner = next(a.json()["claimed_by"] for a in answers if a.status_code == 200)
    with app.app_context():
        holder = db.session.scalar(select(User).where(User.username == winner))
        assert db.session.get(HumanTask, task_id).claimed_by_id == holder.id
    for losing in (a for a in answers if a.status_code == 409):
        error = losing.json()["error"]
        assert (error["code"], error["claimed_by"]) == ("task_not_open", winner)
        assert f"sudah diambil oleh {holder.full_name} ({holder.username})." in error["message"]
    assert audit_count(app, "task.claimed", task_id) == 1


def test_a_claim_after_completion_is_409_and_not_audited(app, base):
    first, second = token(base, "prakom0"), token(base, "prakom1")
    task_id = start(base, first, "Jaringan mati")
    done = requests.post(f"{base}/api/v1/tasks/{task_id}/complete", headers=first,
                         json={"data": {}}, timeout=30)
    assert done.status_code == 200
    late = claim(base, task_id, second)()
    assert (late.status_code, late.json()["error"]["code"]) == (409, "task_not_open")
    assert late.json()["error"]["message"].endswith(
        "sudah tidak terbuka (status: selesai): diselesaikan oleh Prakom Nomor 0 (prakom0).")
    assert late.json()["error"]["claimed_by"] == "prakom0"
    assert audit_count(app, "task.claimed", task_id) == 0


def test_completing_a_task_claimed_by_someone_else_is_409(app, base):
    first, second = token(base, "prakom0"), token(base, "prakom1")
    task_id = start(base, first, "Jaringan mati")
    assert claim(base, task_id, second)().status_code == 200
    refused = requests.post(f"{base}/api/v1/tasks/{task_id}/complete", headers=first,
                            json={"data": {}}, timeout=30)
    assert (refused.status_code, refused.json()["error"]["claimed_by"]) == (409, "prakom1")
    with app.app_context():
        assert db.session.get(HumanTask, task_id).state == "open"
    assert audit_count(app, "task.completed", task_id) == 0


def test_claims_racing_a_completion_leave_one_consistent_story(app, base):
    completer = token(base, "prakom0")
    claimers = [token(base, f"prakom{n}") for n in range(1, 6)]
    for round_ in range(8):
        task_id = start(base, completer, f"Gangguan {round_}")
        complete = (lambda task_id=task_id: requests.post(
            f"{base}/api/v1/tasks/{task_id}/complete", headers=completer,
            json={"data": {}}, timeout=60))
        answers = at_once([complete] + [claim(base, task_id, h) for h in claimers])
        completed, claims = answers[0], answers[1:]
        won = [a.json()["claimed_by"] for a in claims if a.status_code == 200]
        assert {a.status_code for a in answers} <= {200, 409}
        assert len(won) <= 1 and len(won) + (completed.status_code == 200) == 1
        assert audit_count(app, "task.claimed", task_id) == len(won)
        assert audit_count(app, "task.completed", task_id) == (completed.status_code == 200)
        with app.app_context():
            task = db.session.get(HumanTask, task_id)
            if won:  # the claim came first: the task is still open, held by the claimer
                assert (task.state, task.claimed_by.username) == ("open", won[0])
            else:  # the completion came first: every claim saw a closed task
                assert (task.state, task.completed_by.username) == ("completed", "prakom0")
                assert task.claimed_by.username == "prakom0"


def test_starts_at_once_take_consecutive_numbers_each_at_the_first_try(app, base):
    headers = token(base, "prakom0")
    with statements(app) as seen:
        answers = at_once([lambda n=n: requests.post(
            f"{base}/api/v1/instances", headers=headers, timeout=60,
            json={"process_key": SERVER_SOP, "title": f"Gangguan {n}"}) for n in range(12)])
    assert [answer.status_code for answer in answers] == [201] * 12
    numbers = sorted(answer.json()["number"] for answer in answers)
    stem = numbers[0].rsplit("-", 1)[0]
    assert numbers == [f"{stem}-{n:04d}" for n in range(1, 13)]
    # No start read a number another had just taken, so none inserted twice.
    assert sum(s.startswith("INSERT INTO process_instances ") for s in seen) == 12
