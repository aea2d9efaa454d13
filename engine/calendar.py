"""Deadlines from time standards: the one place that computes a deadline.

A time standard is written in BPMN as an ISO 8601 duration ("PT30M", "P1D", "P1W",
"P1M"), translated from the SOP's Waktu column (README, "Konvensi BPMN").

This release counts wall-clock time. Working-time counting (office hours of Perpres
21/2023, holidays and cuti bersama) replaces the body of ``deadline`` without changing
its callers.
"""

from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition


class InvalidDuration(ValueError):
    """The time standard is not an ISO 8601 duration."""


def parse_duration(duration: str) -> dict[str, float]:
    """Parse an ISO 8601 duration ("PT30M", "P2D") into its designators.

    Raises:
        InvalidDuration: not a duration Alur can count.
    """
    if not duration.upper().startswith("P"):
        raise InvalidDuration(f"'{duration}' bukan durasi ISO 8601 (contoh: \"PT30M\", \"P1D\")")
    try:
        return TimerEventDefinition.parse_iso_duration(duration)
    except Exception:
        raise InvalidDuration(
            f"'{duration}' bukan durasi ISO 8601 (contoh: \"PT30M\", \"P1D\")") from None


def deadline(start: datetime, duration: str) -> datetime:
    """Return the deadline of a step that started at ``start``.

    Args:
        start: aware datetime the step became ready.
        duration: ISO 8601 duration string, unquoted ("P1D").

    Returns:
        An aware datetime (same zone as ``start``).

    Raises:
        InvalidDuration: ``duration`` cannot be parsed.
    """
    parsed = parse_duration(duration)
    return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)
