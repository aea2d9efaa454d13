"""Two completions of one step at once (a double click, two tabs): the second is refused
naming who completed it, as a later one is, whatever the timing. On PostgreSQL the second
waits for the instance's lock and then read the step's row as it was before the first
committed: it got "tidak lagi menunggu untuk diselesaikan" instead."""

from sqlalchemy import select

from engine.errors import TaskNotOpen
from engine.models import HumanTask
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import claim_task, complete_task
from tests.conftest import mini_bpmn
from tests.helpers.races import second_change


def test_the_second_of_two_completions_at_once_names_who_completed_it(session, clock, users):
    deploy(session, clock, mini_bpmn())
    prakom = users["Prakom"]
    started = start_instance(session, clock, process_key="sop_uji", title="Konsep", user=prakom)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == started.id)).one()
    claim_task(session, clock, task.id, prakom)
    session.commit()
    task_id = task.id
    complete_task(session, clock, task_id, prakom, {})  # the first, not committed yet

    def again(other) -> None:
        complete_task(other, clock, task_id, other.get(type(prakom), prakom.id), {})

    refused = second_change(session, again, (TaskNotOpen,))
    assert isinstance(refused, TaskNotOpen)
    assert refused.message == ('Tugas "Menyusun konsep" sudah tidak terbuka (status: selesai): '
                               "diselesaikan oleh Demo Prakom (prakom).")
    assert refused.claimed_by == "prakom"
