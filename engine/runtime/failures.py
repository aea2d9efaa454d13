"""Why SpiffWorkflow stopped an instance, as Alur tells it (``engine.runtime.adapter``
raises these): the BPMN element and the reason, in Indonesian where the case is known (a
gateway with no way for the data, with the values its conditions read; a condition
comparing text with a number), else SpiffWorkflow's own words."""

import ast
from typing import Any

from engine.bpmn import expressions
from engine.errors import ProcessFailure


def failure_of(task: Any, error: Exception) -> ProcessFailure:
    """``error``, raised by SpiffWorkflow while it ran ``task`` (a SpiffWorkflow task, or
    None for the engine as a whole), as the ProcessFailure that names the element and
    says why in the officials' language where Alur knows the case."""
    element = task.task_spec.bpmn_id if task is not None else None
    where = f"Elemen {element} gagal dijalankan" if element else "Mesin proses gagal"
    return ProcessFailure(f"{where}: {_reason(error, task)}"[:2000], element=element)


def _reason(error: Exception, task: Any) -> str:
    """Why SpiffWorkflow stopped, in the officials' language where Alur knows the case
    (an exclusive gateway none of whose conditions holds: with the values its conditions
    read), else its own words."""
    if str(error).startswith("No conditions satisfied"):
        return ("tidak satu pun kondisi alur keluar gateway ini terpenuhi oleh data proses "
                f"{_tested_values(task)}(mis. pilihan yang diperlukan belum diisi); beri gateway "
                "alur default atau lengkapi datanya")
    if isinstance(error, expressions.ConditionMismatch):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _tested_values(task: Any) -> str:
    """``(jenis = "c") `` : the data its gateway's conditions read, as the task holds it
    (``kosong`` for a name without a value); empty when none can be told."""
    names: dict[str, None] = {}
    for condition, _ in getattr(task.task_spec, "cond_task_specs", []) if task else []:
        if condition is not None:
            tree = expressions.check(condition.args[0])
            names.update((node.id, None) for node in ast.walk(tree) if isinstance(node, ast.Name))
    values = [(name, task.data.get(name)) for name in list(names)[:5]]
    said = [f"{name} = {'kosong' if value is None else expressions.shown(value)}"
            for name, value in values]
    return f"({', '.join(said)[:300]}) " if said else ""
