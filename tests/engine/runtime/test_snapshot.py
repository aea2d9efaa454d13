"""What a workflow's projection rows must hold (``engine.runtime.projection.snapshot``):
read in one walk of its task tree, since every change takes it twice (as loaded and as
saved)."""

from datetime import datetime

from SpiffWorkflow.util.task import TaskState

from engine.clock import ManualClock
from engine.runtime import adapter
from engine.runtime.projection import snapshot
from engine.time.calendar import WorkCalendar
from tests.conftest import BPMN_DIR

KEY = "penanganan_gangguan_server"


def test_a_snapshot_reads_the_open_steps_and_their_timers_in_one_walk(monkeypatch):
    spec = adapter.parse_spec((BPMN_DIR / f"{KEY}.bpmn").read_bytes(), KEY)
    clock = ManualClock(datetime.fromisoformat("2026-03-02T08:00:00+07:00"))
    workflow = adapter.new_workflow(spec, clock, WorkCalendar())
    adapter.run_engine(workflow)
    [step] = workflow.get_tasks(state=TaskState.READY, manual=True)
    [timer] = workflow.get_tasks(state=TaskState.WAITING)
    walks = []
    original = type(workflow).get_tasks_iterator
    monkeypatch.setattr(type(workflow), "get_tasks_iterator",
                        lambda self, *args, **kwargs: walks.append(kwargs)
                        or original(self, *args, **kwargs))

    taken = snapshot(workflow)

    assert len(walks) == 1
    assert list(taken.steps) == [str(step.id)]
    assert taken.steps[str(step.id)].bpmn_id == step.task_spec.bpmn_id
    assert taken.steps[str(step.id)].due_at == taken.timers[str(timer.id)].fire_at
    assert list(taken.timers) == [str(timer.id)]
    assert taken.timers[str(timer.id)].guards == str(step.id)
