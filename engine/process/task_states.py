"""A human task's states and the Indonesian word for each: the one place that names them
(engine messages, the API; ``web.filters.TASK_STATE_TEXT`` translates the same words for
the pages)."""

TASK_STATE_WORDS = {"open": "menunggu", "completed": "selesai", "cancelled": "dibatalkan"}


def task_state_word(state: str) -> str:
    """``"completed"`` -> ``"selesai"``; an unknown state as it is."""
    return TASK_STATE_WORDS.get(state, state)
