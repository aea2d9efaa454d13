"""A human task's and a process instance's states and the Indonesian word for each: the
one place that names them (engine messages, the API, exports; ``web.filters.TASK_STATE_TEXT``
translates the same words for the pages)."""

TASK_STATE_WORDS = {"open": "menunggu", "completed": "selesai", "cancelled": "dibatalkan"}
INSTANCE_STATUS_WORDS = {"running": "berjalan", "completed": "selesai",
                         "cancelled": "dibatalkan", "error": "galat"}


def task_state_word(state: str) -> str:
    """``"completed"`` -> ``"selesai"``; an unknown state as it is."""
    return TASK_STATE_WORDS.get(state, state)


def instance_status_word(status: str) -> str:
    """``"cancelled"`` -> ``"dibatalkan"``; an unknown status as it is."""
    return INSTANCE_STATUS_WORDS.get(status, status)
