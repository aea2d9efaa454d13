"""Bench step: every step of the RKT walk (tests/data/sop_walks.json, revision loops
included) completed through ``alur serve`` over HTTP, next to the same steps run by
SpiffWorkflow in memory (``task.run()`` + ``do_engine_steps()``, nothing stored).

Both sides walk the same steps with the same data; a walk's figure is its mean time per
step. HTTP time is the client's, on loopback (so at least the server time).
"""

from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState

from engine.clock import SystemClock
from engine.runtime import adapter
from engine.time.calendar import WorkCalendar
from tests.bench.serving import Server, median, timed
from tests.conftest import BPMN_DIR, sop_walks

KEY = "penyusunan_rkt"


@dataclass
class WalkFigures:
    """Median over walks of the mean time per step, seconds: over HTTP (the client's),
    the server's CPU for it (its gunicorn workers', /proc), in memory."""

    steps: int
    http: float
    server_cpu: float
    memory: float


def measure(server: Server, walks: int) -> WalkFigures:
    """Walk the RKT ``walks`` times over HTTP and in memory."""
    steps = sop_walks()[KEY]
    http = [_http_walk(server, steps, number) for number in range(walks)]
    memory = [_memory_walk(steps) / len(steps) for _ in range(walks)]
    return WalkFigures(len(steps), median([wall for wall, _ in http]) / len(steps),
                       median([cpu for _, cpu in http]) / len(steps), median(memory))


def _http_walk(server: Server, steps: list[dict], number: int) -> tuple[float, float]:
    """(wall seconds, server CPU seconds) of the walk's completions."""
    sessions = {step["lane"]: server.api(step["lane"]) for step in steps}
    api = f"{server.base}/api/v1"
    started = sessions[steps[0]["lane"]].post(f"{api}/instances", timeout=60, json={
        "process_key": KEY, "title": f"RKT bench {number}"})
    assert started.status_code == 201, started.text
    instance_id = started.json()["id"]
    total = cpu = 0.0
    for step in steps:
        http = sessions[step["lane"]]
        instance = http.get(f"{api}/instances/{instance_id}", timeout=60).json()
        [task] = [t for t in instance["open_tasks"] if t["step_id"] == step["task"]]

        def complete(http=http, task=task, step=step) -> None:
            answer = http.post(f"{api}/tasks/{task['id']}/complete", timeout=60,
                               json={"data": step["data"]})
            assert answer.status_code == 200, answer.text

        before = server.cpu_seconds()
        total += timed(complete)
        cpu += server.cpu_seconds() - before
    return total, cpu


def _memory_walk(steps: list[dict]) -> float:
    spec = adapter.parse_spec((BPMN_DIR / f"{KEY}.bpmn").read_bytes(), KEY)
    workflow = adapter.new_workflow(spec, SystemClock(), WorkCalendar())
    workflow.do_engine_steps()
    total = 0.0
    for step in steps:
        [task] = [t for t in workflow.get_tasks(state=TaskState.READY)
                  if t.task_spec.bpmn_id == step["task"]]
        task.data.update(step["data"])

        def run(task=task) -> None:
            task.run()
            workflow.do_engine_steps()

        total += timed(run)
    return total
