"""An instance's own lists stay bounded however long it runs (issue 13, "every list
paginated"): its page and its API object carry the newest ``LATEST`` (100) steps, history
entries, attachments and comments, say how many there are, and the whole history is paged
(``GET /api/v1/instances/<id>/history``, ``/proses/<id>/riwayat``)."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from engine.models import AuditRecord, HumanTask
from engine.paging import LATEST
from tests.web.conftest import api_token, login
from web.extensions import db

SERVER = "penanganan_gangguan_server"
COMMENTS = 120


@pytest.fixture
def long_case(app, client, clock):
    """An instance with 120 comments, then its first step completed: the history's newest
    entry is that step, its oldest the start. Returns (instance id, audit records)."""
    headers = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=headers, json={
        "process_key": SERVER, "title": "Server SIPP mati",
        "data": {"sistem": "SIPP", "prioritas": "mayor"}})
    assert started.status_code == 201, started.json
    instance_id = started.json["id"]
    for number in range(COMMENTS):
        clock.advance(timedelta(minutes=1))
        added = client.post(f"/api/v1/instances/{instance_id}/comments", headers=headers,
                            json={"text": f"Catatan {number}"})
        assert added.status_code == 201, added.json
    clock.advance(timedelta(minutes=1))
    [task] = started.json["open_tasks"]
    done = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers,
                       json={"data": {}})
    assert done.status_code == 200, done.json
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.instance_id == instance_id))
    return instance_id, total


def test_the_instance_object_carries_the_newest_history_and_its_total(client, long_case):
    instance_id, total = long_case
    assert total > COMMENTS + 1
    shown = client.get(f"/api/v1/instances/{instance_id}",
                       headers=api_token(client, "prakom")).json
    assert shown["history_total"] == total
    assert len(shown["history"]) == LATEST
    assert shown["history"][-1]["action"] == "task.completed"
    assert "instance.started" not in [entry["action"] for entry in shown["history"]]
    times = [entry["at"] for entry in shown["history"]]
    assert times == sorted(times)


def test_the_whole_history_is_paged_oldest_first(client, long_case):
    instance_id, total = long_case
    headers = api_token(client, "prakom")
    pages = [client.get(f"/api/v1/instances/{instance_id}/history?page={n}&per_page=100",
                        headers=headers).json for n in (1, 2)]
    assert [page["total"] for page in pages] == [total, total]
    entries = pages[0]["items"] + pages[1]["items"]
    assert len(entries) == total
    assert entries[0]["action"] == "instance.started"
    newest = client.get(f"/api/v1/instances/{instance_id}", headers=headers).json["history"]
    assert entries[-LATEST:] == newest
    completed = [entry for entry in entries if entry["action"] == "task.completed"]
    assert [entry["task_id"] is not None for entry in completed] == [True]
    refused = client.get(f"/api/v1/instances/{instance_id}/history?per_page=101",
                         headers=headers)
    assert refused.status_code == 422 and "per_page" in refused.json["error"]["fields"]


def test_a_user_outside_the_sop_may_not_read_its_history(client, long_case):
    instance_id, _ = long_case
    refused = client.get(f"/api/v1/instances/{instance_id}/history",
                         headers=api_token(client, "panitera"))
    assert refused.status_code == 403


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def test_the_page_shows_the_newest_entries_and_links_the_whole_history(client, long_case):
    instance_id, total = long_case
    login(client, "prakom")
    html = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    history = _section(html, "h-history")
    assert history.count("<li><time>") == LATEST
    assert f"Menampilkan {LATEST} catatan terbaru dari {total}." in history
    assert f'href="/proses/{instance_id}/riwayat"' in history
    comments = _section(html, "h-komentar")
    assert f"Menampilkan {LATEST} komentar terbaru dari {COMMENTS}." in comments
    assert f"Catatan {COMMENTS - 1}<" in comments and "Catatan 19<" not in comments
    assert "Catatan 20<" in comments
    # The lists probe: the first twenty could be read through the API only.
    assert f'href="/proses/{instance_id}/komentar">Baca semua komentar' in comments
    oldest = client.get(f"/proses/{instance_id}/komentar").get_data(as_text=True)
    assert "Catatan 0<" in oldest and "Catatan 19<" in oldest and "Catatan 20<" not in oldest
    assert f"({COMMENTS} baris, 20 per halaman)" in oldest
    assert client.get(f"/proses/{instance_id}/komentar?per_page=101").status_code == 400
    first = client.get(f"/proses/{instance_id}/riwayat").get_data(as_text=True)
    assert first.count("<li><time>") == 20
    assert f"({total} baris, 20 per halaman)" in first
    assert "Proses dimulai" in first
    refused = client.get(f"/proses/{instance_id}/riwayat?per_page=101")
    assert refused.status_code == 400


def test_the_page_shows_the_newest_steps_and_marks_every_step_on_the_diagram(
        app, client, long_case):
    instance_id, _ = long_case
    with app.app_context():
        done = db.session.scalar(select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.state == "completed"))
        for number in range(LATEST):
            db.session.add(HumanTask(
                instance_id=instance_id, spiff_task_id=f"lama-{number}", bpmn_id=done.bpmn_id,
                name=done.name, role=done.role, state="completed",
                created_at=done.created_at - timedelta(days=1, minutes=number),
                completed_at=done.created_at - timedelta(days=1),
                # Only the oldest was late: it is not among the newest 100 rows.
                due_at=done.created_at - timedelta(days=2) if number == LATEST - 1 else None))
        db.session.commit()
        steps = db.session.scalar(select(func.count()).select_from(HumanTask).where(
            HumanTask.instance_id == instance_id))
        open_step = db.session.scalar(select(HumanTask.bpmn_id).where(
            HumanTask.instance_id == instance_id, HumanTask.state == "open"))
        late_step = done.bpmn_id
    login(client, "prakom")
    html = client.get(f"/proses/{instance_id}").get_data(as_text=True)
    table = _section(html, "h-steps")
    assert table.count("<tr class=") == LATEST
    assert f"Menampilkan {LATEST} langkah terbaru dari {steps}" in table
    diagram = _section(html, "h-diagram")
    assert f'data-done="{late_step}"' in diagram
    assert f'data-late="{late_step}"' in diagram
    assert f'data-current="{open_step}"' in diagram


def test_a_task_carries_the_newest_of_its_case_file_with_the_totals(client, long_case):
    instance_id, _ = long_case
    headers = api_token(client, "prakom")
    shown = client.get(f"/api/v1/instances/{instance_id}", headers=headers).json
    task_id = shown["open_tasks"][0]["id"]
    case = client.get(f"/api/v1/tasks/{task_id}", headers=headers).json["case"]
    assert (case["comments_total"], len(case["comments"])) == (COMMENTS, LATEST)
    assert case["comments"][0]["text"] == f"Catatan {COMMENTS - LATEST}"
    assert case["comments"][-1]["text"] == f"Catatan {COMMENTS - 1}"
    assert (case["steps_total"], len(case["steps"])) == (1, 1)
    assert (case["attachments_total"], case["attachments"]) == (0, [])
    login(client, "prakom")
    html = client.get(f"/tugas/{task_id}").get_data(as_text=True)
    assert f"Menampilkan {LATEST} komentar terbaru dari {COMMENTS}." in html


def test_the_history_is_read_in_order_from_one_index(app, client, long_case):
    """The newest entries and every page of the history come from the instance's rows of
    ``ix_audit_log_instance_at_id`` in index order: no sort of the instance's rows, however
    many comments and steps it has (SQLite's plan; PostgreSQL plans by table size)."""
    instance_id, _ = long_case
    read: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        read.append((statement, parameters))

    headers = api_token(client, "prakom")
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            pytest.skip("query plans are SQLite's")
        event.listen(engine, "before_cursor_execute", capture)
        try:
            client.get(f"/api/v1/instances/{instance_id}", headers=headers)
            client.get(f"/api/v1/instances/{instance_id}/history?page=2", headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        listed = [(s, p) for s, p in read
                  if "FROM audit_log" in s and "ORDER BY" in s and "count(" not in s]
        assert len(listed) == 2
        with engine.connect() as connection:
            for statement, parameters in listed:
                plan = " ".join(row[3] for row in connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {statement}", parameters))
                assert plan == ("SEARCH audit_log USING INDEX ix_audit_log_instance_at_id "
                                "(instance_id=?)"), plan
