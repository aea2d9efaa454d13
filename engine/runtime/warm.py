"""Workflows kept in memory between the changes of an instance, so that the next change of
the same instance in this process need not restore it from its saved state (``json.loads``
and SpiffWorkflow's ``from_dict``: about a tenth of a step's CPU, more the longer the
instance has run).

A workflow is kept with the exact state string it was saved as, and is used again only
while the instance's saved state, read under the instance's lock, is still that string on
the same spec: a change committed by another process, a change rolled back, or a move to
another version leaves a kept workflow unused, and the state is restored as before. A kept
workflow is taken out while a change uses it (no two requests share one) and put back by
the change that saves it. At most ``MAX_KEPT`` are kept; the least recently saved go first.
"""

import threading
from collections import OrderedDict
from typing import Any

MAX_KEPT = 64
_kept: OrderedDict[int, tuple[str, Any]] = OrderedDict()
_guard = threading.Lock()


def take(instance_id: int, state_json: str, spec: Any) -> Any | None:
    """The workflow kept for instance ``instance_id``, taken out, if it was saved as
    ``state_json`` on ``spec``; otherwise None (and a stale one is dropped)."""
    with _guard:
        found = _kept.pop(instance_id, None)
    if found is None:
        return None
    saved_as, workflow = found
    return workflow if saved_as == state_json and workflow.spec is spec else None


def keep(instance_id: int, state_json: str, workflow: Any) -> None:
    """Keep ``workflow``, just saved as ``state_json``, for the instance's next change.
    The caller must not change it afterwards."""
    with _guard:
        _kept.pop(instance_id, None)
        _kept[instance_id] = (state_json, workflow)
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)


def forget() -> None:
    """Drop every kept workflow."""
    with _guard:
        _kept.clear()
