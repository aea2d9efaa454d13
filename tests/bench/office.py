"""Bench data: an office's open work, made from real instances.

Two instances of Penanganan Gangguan Server are walked through ``alur serve`` (one up to
Prakom's third step, one up to Kasubbag's fourth), then copied in bulk: each copy gets
its own SpiffWorkflow task ids (every UUID in the saved state replaced), its steps
(completed and open), its timer and its audit history. So the inbox, the task list and
the completions read and write instances as the engine made them.
"""

import re
import uuid
from itertools import count

from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.engine import Connection

from engine.models import AuditRecord, HumanTask, ProcessInstance, Timer
from tests.bench.serving import Server
from tests.conftest import sop_walks

KEY = "penanganan_gangguan_server"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CHUNK = 1_000


def walked(server: Server, steps: int) -> int:
    """An instance started and walked ``steps`` steps through the API; its id."""
    walk = sop_walks()[KEY]
    api = f"{server.base}/api/v1"
    first = server.api(walk[0]["lane"])
    instance_id = first.post(f"{api}/instances", timeout=60, json={
        "process_key": KEY, "title": "Contoh"}).json()["id"]
    for step in walk[:steps]:
        http = server.api(step["lane"])
        [task] = [t for t in http.get(f"{api}/instances/{instance_id}", timeout=60).json()[
            "open_tasks"] if t["step_id"] == step["task"]]
        answer = http.post(f"{api}/tasks/{task['id']}/complete", timeout=60,
                           json={"data": step["data"]})
        assert answer.status_code == 200, answer.text
    return instance_id


def copy_instance(database_url: str, sample_id: int, copies: int) -> None:
    """Add ``copies`` copies of instance ``sample_id`` with fresh ids and task ids."""
    engine = create_engine(database_url)
    with engine.begin() as connection:
        instance = dict(connection.execute(select(ProcessInstance.__table__).where(
            ProcessInstance.id == sample_id)).mappings().one())
        tasks = _rows(connection, HumanTask, HumanTask.instance_id == sample_id)
        timers = _rows(connection, Timer, Timer.instance_id == sample_id)
        audits = _rows(connection, AuditRecord, AuditRecord.instance_id == sample_id)
        next_instance = count(connection.scalar(select(func.max(ProcessInstance.id))) + 1)
        next_task = count(connection.scalar(select(func.max(HumanTask.id))) + 1)
        for start in range(0, copies, CHUNK):
            batch = {"instances": [], "tasks": [], "timers": [], "audits": []}
            for _ in range(min(CHUNK, copies - start)):
                _copy(instance, tasks, timers, audits, next(next_instance), next_task, batch)
            connection.execute(insert(ProcessInstance), batch["instances"])
            connection.execute(insert(HumanTask), batch["tasks"])
            if batch["timers"]:
                connection.execute(insert(Timer), batch["timers"])
            connection.execute(insert(AuditRecord), batch["audits"])
    engine.dispose()


def _rows(connection: Connection, model, where) -> list[dict]:
    return [dict(row) for row in connection.execute(select(model.__table__).where(where))
            .mappings()]


def _copy(instance: dict, tasks: list[dict], timers: list[dict], audits: list[dict],
          instance_id: int, next_task, batch: dict) -> None:
    fresh: dict[str, str] = {}

    def renamed(text: str) -> str:
        return UUID.sub(lambda found: fresh.setdefault(found.group(0), str(uuid.uuid4())), text)

    task_ids = {task["id"]: next(next_task) for task in tasks}
    batch["instances"].append({**instance, "id": instance_id, "number": None,
                               "title": f"Gangguan {instance_id}",
                               "state_json": renamed(instance["state_json"])})
    batch["tasks"].extend({**task, "id": task_ids[task["id"]], "instance_id": instance_id,
                           "spiff_task_id": renamed(task["spiff_task_id"])} for task in tasks)
    batch["timers"].extend({**timer, "id": None, "instance_id": instance_id,
                            "human_task_id": task_ids.get(timer["human_task_id"]),
                            "spiff_task_id": timer["spiff_task_id"]
                            and renamed(timer["spiff_task_id"])} for timer in timers)
    batch["audits"].extend({**audit, "id": None, "instance_id": instance_id,
                            "human_task_id": task_ids.get(audit["human_task_id"])}
                           for audit in audits)
