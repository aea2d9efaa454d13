"""Workflows kept in memory after a change stored them, so that the next change of the
same instance in this process skips restoring its state (``engine.runtime.unit._load``).

Restoring a stored state (JSON decoding and SpiffWorkflow's ``from_dict``) is the largest
single cost of completing a step: about a sixth of a completion's CPU (``make bench``,
issue 13). An instance's steps usually follow one another in the same server process, so
the workflow a change stored is kept with the state text it was stored as, and handed to
the next change only if that change finds exactly this text in the instance's row (read
under the instance's lock) on the same version of the process definition. Whatever else
happened to the row since (a rolled-back transaction, ``alur worker`` or another gunicorn
process writing it) left another text there, and the kept workflow is passed over.

A workflow is taken out while a change uses it, so no two threads ever share one. At most
``KEPT_WORKFLOWS`` are kept (least recently stored dropped first), which bounds the memory.
"""

import threading
from collections import OrderedDict
from typing import Any

KEPT_WORKFLOWS = 256
_kept: OrderedDict[int, tuple[int, str, Any]] = OrderedDict()
_guard = threading.Lock()


def take(instance_id: int, definition_id: int, state_json: str) -> Any | None:
    """The workflow kept for instance ``instance_id`` if it was stored as ``state_json``
    (the row's state, read under the instance's lock) on definition ``definition_id``,
    taken out (the caller owns it now); else None."""
    with _guard:
        kept = _kept.pop(instance_id, None)
    if kept is None or kept[0] != definition_id or kept[1] != state_json:
        return None
    return kept[2]


def keep(instance_id: int, definition_id: int, state_json: str, workflow: Any) -> None:
    """Keep ``workflow``, just stored as instance ``instance_id``'s ``state_json`` on
    definition ``definition_id`` (replacing what was kept for the instance). Nothing may
    change ``workflow`` after this."""
    with _guard:
        _kept.pop(instance_id, None)
        _kept[instance_id] = (definition_id, state_json, workflow)
        while len(_kept) > KEPT_WORKFLOWS:
            _kept.popitem(last=False)
