"""SpiffWorkflow, configured for Alur: safe expressions, injected clock, lean storage.

- ``AlurScriptEngine`` evaluates conditions and timer expressions with
  ``engine.bpmn.expressions`` (never ``eval``), refuses script tasks, and carries the clock.
- ``DeadlineTimer`` is a duration timer whose fire time is ``engine.time.calendar.deadline``
  from the moment the step started, read from the injected clock.
- ``run_engine`` runs engine tasks like ``do_engine_steps``, but at most
  ``MAX_ENGINE_STEPS`` per request, and turns any failure into ``ProcessFailure``.
- Process specs are serialized once per process definition version; an instance's
  state is stored without its spec (SpiffWorkflow embeds the spec by default).
"""

import json
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.util import first
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.event_parsers import SpiffBoundaryEventParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import expressions
from engine.bpmn.parser_words import parser_refusal
from engine.bpmn.schema_words import schema_refusal
from engine.clock import Clock
from engine.errors import InvalidProcess, ProcessFailure
from engine.runtime.deadline_rules import counts_round_the_clock, timer_duration
from engine.runtime.failures import failure_of
from engine.runtime.liveness import check_alive
from engine.time.calendar import DEFAULT_CALENDAR, WorkCalendar

# Engine tasks (gateways, events) one request may run. A sound SOP runs each gateway
# and event once per token between two user tasks (the bundled ones fewer than 10 per
# step). A runaway loop through a parallel gateway costs SpiffWorkflow time cubic in its
# steps (each join looks at every earlier arrival): 200 steps stop it within a second.
MAX_ENGINE_STEPS = 200

# No DTDs, no entities, no network: see engine.bpmn.validation, which refuses a DOCTYPE first.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True)


class ScriptTaskRefused(RuntimeError):
    """Script tasks are not executed by Alur (they would be arbitrary code)."""


class AlurScriptEngine(PythonScriptEngine):
    """Script engine that never calls ``eval``/``exec``.

    Args:
        clock: the clock timers read (``engine.clock.Clock``).
        calendar: the office's business calendar that timers count deadlines in.
    """

    def __init__(self, clock: Clock, calendar: WorkCalendar = DEFAULT_CALENDAR) -> None:
        super().__init__()
        self.clock = clock
        self.calendar = calendar

    def validate(self, expression: str) -> None:
        expressions.check(expression)

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        return expressions.evaluate(expression, task.data)

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        raise ScriptTaskRefused(f"script task {task.task_spec.bpmn_id} tidak dijalankan")


class DeadlineTimer(DurationTimerEventDefinition):
    """A duration timer that fires at the step's deadline on the injected clock.

    The expression is a quoted ISO 8601 duration (``"P1D"``), or one chosen by case data
    (``"PT1H" if prioritas == "kritis" else "PT4H"``); the fire time is the
    working-time deadline (``WorkCalendar.deadline``) from the clock's time when the timer
    began waiting (the step became ready), or wall-clock time when the step is marked
    round-the-clock (README, "Konvensi BPMN"). Stored as ``event_value`` (ISO 8601).
    """

    def has_fired(self, my_task: Any) -> bool:
        engine = my_task.workflow.script_engine
        clock = engine.clock
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            duration = timer_duration(my_task)
            event_value = engine.calendar.deadline(
                clock.now(), duration, round_the_clock=counts_round_the_clock(my_task)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if datetime.fromisoformat(event_value) <= clock.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


def shift_step_timers(workflow: BpmnWorkflow,
                      move: Callable[[datetime, bool, str | None], datetime]) -> int:
    """Move the fire time of the ``DeadlineTimer`` of every open step of ``workflow`` to
    ``move(fire time, round the clock, the step's spiff id)`` (e.g. past the SLA pause
    while a ticket waited for its requester): a waiting timer, and one that fired already
    while its step is still open, whose fire time stays the step's deadline
    (``projection._timer_of``) and the basis of its later levels. Returns how many moved."""
    moved = 0
    for timer_task in workflow.get_tasks(state=TaskState.WAITING | TaskState.COMPLETED):
        if not isinstance(getattr(timer_task.task_spec, "event_definition", None),
                          DeadlineTimer):
            continue
        step = next((sibling for sibling in timer_task.parent.children
                     if sibling.state == TaskState.READY and sibling.task_spec.manual), None)
        if timer_task.state == TaskState.WAITING:
            timer_task.task_spec.event_definition.has_fired(timer_task)  # sets event_value
            timer_task.internal_data.pop("event_fired", None)
        elif step is None:
            continue  # fired for a step that is done: its deadline is history
        fire_at = datetime.fromisoformat(timer_task._get_internal_data("event_value"))
        moved_to = move(fire_at, counts_round_the_clock(timer_task),
                        str(step.id) if step is not None else None)
        timer_task._set_internal_data(event_value=moved_to.isoformat())
        moved += 1
    return moved


class _BoundaryEventParser(SpiffBoundaryEventParser):
    def parse_timer_event(self, event: Any) -> Any:
        parsed = super().parse_timer_event(event)
        if isinstance(parsed, DurationTimerEventDefinition):
            duration = first(self.xpath(".//bpmn:timeDuration"))
            return DeadlineTimer(parsed.name, duration.text, description=parsed.description)
        return parsed


class AlurBpmnParser(SpiffBpmnParser):
    """SpiffBpmnParser whose boundary duration timers are ``DeadlineTimer``s."""

    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, tuple[type, type]]] = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("boundaryEvent"): (_BoundaryEventParser, BoundaryEvent),
    }


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Stores a workflow without its spec; the spec is handed back on restore."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        # BpmnWorkflowConverter.to_dict without the spec: converting it (three quarters
        # of the work of every save) only to drop it again made each step pay for it.
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None) -> BpmnWorkflow:
        workflow = self.target_class(spec, {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_CONFIG = {
    **SPIFF_CONFIG,
    DeadlineTimer: TimerConditionalEventDefinitionConverter,
    BpmnWorkflow: _SpeclessWorkflowConverter,
}
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))


# About how many elements in a row SpiffWorkflow's recursive parser reads (measured: 450
# user tasks in a row parse, 500 do not), for the refusal's message.
MAX_CHAIN = 450


def parse_spec(bpmn_xml: bytes, process_key: str, filename: str = "upload.bpmn") -> Any:
    """Parse BPMN (already checked by ``engine.bpmn.validation``) into a process spec.

    Raises:
        InvalidProcess: the XML does not satisfy the BPMN schema, or SpiffWorkflow's parser
            refuses it (element and line named, in Indonesian).
    """
    parser = AlurBpmnParser(validator=VALIDATOR)
    root = None
    try:
        root = etree.fromstring(bpmn_xml, _PARSER)
        parser.add_bpmn_xml(root, filename=filename)
        return parser.get_spec(process_key)
    except ValidationException as error:
        if _is_recursion(error):
            # SpiffWorkflow's parser follows each flow with a recursive call (two Python
            # frames per element), so a very long chain runs out of stack.
            message = (f"SOP terlalu panjang untuk dibaca mesin proses: rangkaian elemen "
                       f"berurutan dari start event sampai {error.id or 'elemen'} lebih dari "
                       f"yang dapat dibacanya (sekitar {MAX_CHAIN} elemen); pecah menjadi "
                       "beberapa SOP.")
        elif isinstance(error.line_number, int):  # the BPMN schema's, with libxml's line
            message = schema_refusal(str(error), error.line_number, root)
        else:  # SpiffWorkflow's own parser, naming the element by id
            message = parser_refusal(str(error.args[0]), error.id, root)
        raise InvalidProcess([message]) from None


def _is_recursion(error: BaseException) -> bool:
    """Whether ``error`` was raised while handling a RecursionError (SpiffWorkflow wraps
    every parse failure in a ValidationException); follows at most 10 causes."""
    cause = error.__cause__ or error.__context__
    for _ in range(10):
        if cause is None or isinstance(cause, RecursionError):
            break
        cause = cause.__cause__ or cause.__context__
    return isinstance(cause, RecursionError)


def spec_to_json(spec: Any) -> str:
    """Serialize a process spec, to store once per process definition version."""
    return json.dumps(SERIALIZER.to_dict(spec))


def spec_from_json(spec_json: str) -> Any:
    """Restore a process spec (``spec_of`` keeps one per version)."""
    return SERIALIZER.from_dict(json.loads(spec_json))


# Restored specs by (process key, file hash): a version's spec never changes.
_SPECS: dict[tuple[str, str], Any] = {}
MAX_SPECS = 256


def spec_of(definition: Any) -> Any:
    """The process spec of ``definition`` (a ``ProcessDefinition``), restored once per
    version per process. Keyed by its process key and file hash (the BPMN and forms it
    was compiled from), so that its ``spec_json`` (deferred, tens of KB) is read from the
    database only the first time, not with every instance that is changed."""
    key = (definition.key, definition.file_hash)
    spec = _SPECS.get(key)
    if spec is None:
        if len(_SPECS) >= MAX_SPECS:
            _SPECS.pop(next(iter(_SPECS)))
        spec = _SPECS[key] = spec_from_json(definition.spec_json)
    return spec


def new_workflow(spec: Any, clock: Clock, calendar: WorkCalendar) -> BpmnWorkflow:
    """A fresh workflow of ``spec`` whose timers read ``clock`` and count in ``calendar``."""
    return BpmnWorkflow(spec, script_engine=AlurScriptEngine(clock, calendar))


def run_engine(workflow: BpmnWorkflow, max_steps: int = MAX_ENGINE_STEPS) -> int:
    """Run ready engine tasks (gateways, events; never user tasks) until only user tasks
    and waiting events are left, as SpiffWorkflow's ``do_engine_steps`` does, but at most
    ``max_steps`` of them; then refresh the timers. Returns the number of tasks run.

    ``do_engine_steps`` loops as long as a ready engine task exists, so a loop through
    gateways only (or a parallel gateway it re-enters) never ends; the cap stops it.

    Raises:
        ProcessFailure: the cap was reached, an element failed (a gateway with no branch
            to take, a script task, a timer whose deadline cannot be counted), or the
            workflow was left with nothing to do (``liveness.check_alive``); ``element``
            names it. The workflow is then half-run: callers restore a checkpoint.
    """
    steps = 0
    current: Any = None

    def count(task: Any) -> None:
        nonlocal steps, current
        current = task
        steps += 1
        if steps > max_steps:
            element = current.task_spec.bpmn_id or current.task_spec.name
            raise ProcessFailure(
                f"Mesin proses berhenti setelah {max_steps} langkah otomatis tanpa sampai ke "
                f"tugas pengguna (terakhir di {element}): alurnya berputar tanpa henti, atau "
                f"lebih dari {max_steps} gateway dan event berurutan tanpa user task. Perbaiki "
                "alurnya (versi baru).", element=current.task_spec.bpmn_id)

    try:
        workflow.do_engine_steps(will_complete_task=count)
    except ProcessFailure:
        raise
    except Exception as error:
        raise failure_of(current, error) from error
    check_alive(workflow)
    return steps


def fire_timers(workflow: BpmnWorkflow) -> None:
    """Let every waiting timer whose fire time has come fire, then run the engine
    (``run_engine``). Raises ProcessFailure naming the timer or element that failed."""
    for task in list(workflow.event_manager.tasks.values()):
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            try:
                task.task_spec._update(task)
            except Exception as error:
                raise failure_of(task, error) from error
    run_engine(workflow)


def is_ready(spiff_task: Any) -> bool:
    """True when the task waits to be run (SpiffWorkflow READY)."""
    return spiff_task.state == TaskState.READY


def is_completed(spiff_task: Any) -> bool:
    """True when the task has run (SpiffWorkflow COMPLETED), e.g. a boundary timer fired."""
    return spiff_task.state == TaskState.COMPLETED


def run_user_task(spiff_task: Any, data: dict[str, Any],
                  cleared: Collection[str] = ()) -> None:
    """Complete a ready user task with ``data`` (no engine steps), first removing the
    names in ``cleared`` (fields of its form left empty) from the data it inherited, so
    that gateway conditions after it read them as None, not an earlier round's value.
    Raises ProcessFailure naming the task when SpiffWorkflow cannot complete it."""
    for name in cleared:
        spiff_task.data.pop(name, None)
    spiff_task.data.update(data)
    try:
        spiff_task.run()
    except Exception as error:
        raise failure_of(spiff_task, error) from error


def dump_state(workflow: BpmnWorkflow) -> str:
    """Serialize an instance's state, without its spec, as JSON."""
    return SERIALIZER.serialize_json(workflow)


def load_state(state_json: str, spec: Any, clock: Clock, calendar: WorkCalendar
               ) -> BpmnWorkflow:
    """Restore an instance's state onto its version's ``spec``; timers read ``clock`` and
    count in ``calendar``."""
    dct = json.loads(state_json)
    SERIALIZER.migrate(dct)
    workflow = SERIALIZER.from_dict(dct, spec=spec)
    bind(workflow, clock, calendar)
    return workflow


def bind(workflow: BpmnWorkflow, clock: Clock, calendar: WorkCalendar) -> None:
    """Make ``workflow``'s timers read ``clock`` and count in ``calendar`` from now on (a
    workflow kept in memory between changes, ``engine.runtime.warm``, gets each change's)."""
    workflow.script_engine = AlurScriptEngine(clock, calendar)
