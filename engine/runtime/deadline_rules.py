"""What a step's deadline timer needs of the case data when it starts waiting: its duration
(a fixed ISO 8601 duration, or chosen by data) and whether it counts wall-clock time
(``sepanjang_waktu``). Both evaluated with the safe subset (``engine.bpmn.expressions``);
a comparison of data of another kind stops the instance naming the element."""

from typing import Any

from engine.bpmn import expressions
from engine.bpmn.conventions import ROUND_THE_CLOCK_PROPERTY
from engine.errors import ProcessFailure


def timer_duration(timer_task: Any) -> str:
    """The ISO 8601 duration of a waiting ``DeadlineTimer``, its expression evaluated on the
    case data the timer task holds (``engine.bpmn.expressions``, conditionals allowed).
    Raises ProcessFailure naming the timer when its expression compares data of another
    kind (``ConditionMismatch``)."""
    expression = timer_task.task_spec.event_definition.expression
    try:
        return expressions.evaluate(expression, timer_task.data, conditional=True)
    except expressions.ConditionMismatch as error:
        # Computed before the engine names a task it runs: said here, the failure names
        # the timer and its step (an official knows the step, not the timer's id).
        element = timer_task.task_spec.bpmn_id
        step = next((sibling.task_spec.bpmn_name or sibling.task_spec.bpmn_id
                     for sibling in timer_task.parent.children if sibling.task_spec.manual),
                    None)
        said = f'Timer batas waktu langkah "{step}" ({element})' if step else f"Elemen {element}"
        raise ProcessFailure(f"{said} gagal dijalankan: {error}"[:2000],
                             element=element) from error


def counts_round_the_clock(timer_task: Any) -> bool:
    """True when the step the timer guards counts wall-clock time: its ``sepanjang_waktu``
    property is ``ya``, or a condition on case data that holds (``prioritas == "kritis"``).
    Raises ProcessFailure naming the step when the condition compares data of another kind
    (``ConditionMismatch``): an administrator finds the element to mend in Galat."""
    for sibling in timer_task.parent.children:
        properties = getattr(sibling.task_spec, "extensions", {}).get("properties", {})
        value = properties.get(ROUND_THE_CLOCK_PROPERTY, "").strip()
        if value.lower() == "ya":
            return True
        if not value or value.lower() == "tidak":
            continue
        try:
            if expressions.evaluate(value, timer_task.data):
                return True
        except expressions.ConditionMismatch as error:
            element = sibling.task_spec.bpmn_id
            step = sibling.task_spec.bpmn_name or element
            raise ProcessFailure(f'Properti {ROUND_THE_CLOCK_PROPERTY} langkah "{step}" '
                                 f"({element}) gagal dijalankan: {error}"[:2000],
                                 element=element) from error
    return False
