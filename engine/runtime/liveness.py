"""A workflow that can still move: after the engine has run, a running instance has a
step someone can do or a timer that will fire.

SpiffWorkflow accepts flows that can leave a workflow running with neither: a parallel
gateway joining the branches of an exclusive one, or a return for revision from inside
one branch of a parallel split, leave the join waiting for a branch that will never
come. The instance would then sit "berjalan" with nothing in anyone's Kotak Masuk and
never reach Galat. ``check_alive`` turns that state into a ``ProcessFailure`` naming
the waiting gateway, so the instance goes to Galat (or its start is refused) where an
administrator sees it.
"""

from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.errors import ProcessFailure


def check_alive(workflow: Any) -> None:
    """Nothing when ``workflow`` (a ``BpmnWorkflow`` the engine has just run) is complete,
    has a READY or STARTED task (a user task to do), or a WAITING timer.

    Raises:
        ProcessFailure: none of these; ``element`` is the BPMN id of a task left waiting
            (the join), or None.
    """
    if workflow.is_completed():
        return
    waiting = []
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.STARTED | TaskState.WAITING):
        if task.state != TaskState.WAITING or isinstance(
                getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            return
        waiting.append(task.task_spec)
    element = next((spec.bpmn_id for spec in waiting if getattr(spec, "bpmn_id", None)), None)
    where = f'gateway "{element}" menunggu alur yang tidak akan datang' if element else \
        "tidak ada langkah atau timer yang tersisa"
    raise ProcessFailure(
        f"Proses berhenti tanpa langkah terbuka: {where} (mis. percabangan eksklusif yang "
        "digabung gateway paralel, atau kembali untuk revisi dari dalam satu cabang paralel). "
        "Batalkan proses ini, atau perbaiki alurnya (versi baru), pindahkan, lalu coba lagi.",
        element=element)
