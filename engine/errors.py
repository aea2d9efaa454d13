"""Domain errors. Their messages are for people, in Bahasa Indonesia.

``web`` maps each class to one HTTP status (see ``web/errors.py``).
"""

from engine.numbers import grouped

# Problems one refusal lists; the rest are only counted.
MAX_PROBLEMS = 50


class AlurError(Exception):
    """Base of Alur's domain errors.

    Attributes:
        code: a stable machine-readable code for API clients.
        message: the Indonesian sentence shown to the user.
    """

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(AlurError):
    """The process definition, instance, task or user does not exist."""

    code = "not_found"


class PermissionDenied(AlurError):
    """The user does not hold the role the action needs."""

    code = "forbidden"


class TaskNotOpen(AlurError):
    """The task is finished, cancelled or claimed by someone else.

    Attributes:
        claimed_by: username of who holds the task when that is why, else None.
    """

    code = "task_not_open"

    def __init__(self, message: str, claimed_by: str | None = None) -> None:
        super().__init__(message)
        self.claimed_by = claimed_by


class InstanceEnded(AlurError):
    """The process instance has already ended (completed, cancelled or in error)."""

    code = "instance_ended"


class InvalidTaskData(AlurError):
    """Submitted data does not fit what it is for: a task's form, a start form, a comment,
    a Plh/Plt, a rating, a cancellation.

    Attributes:
        fields: ``{field name: Indonesian message}`` for each bad field.
    """

    code = "invalid_data"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("Isian tidak valid: " + "; ".join(
            f"{name}: {text}" for name, text in fields.items()))
        self.fields = fields


class InvalidProcess(AlurError):
    """An uploaded BPMN file (or SOP table) is refused; nothing was stored.

    Attributes:
        problems: one Indonesian sentence per problem, each naming the BPMN element
            (id) and, where known, the line (a table: its row and column); at most
            ``MAX_PROBLEMS``, then one sentence counting the rest (README, "Batas").
    """

    code = "invalid_bpmn"

    def __init__(self, problems: list[str]) -> None:
        if len(problems) > MAX_PROBLEMS:
            problems = problems[:MAX_PROBLEMS] + [
                f"... dan {grouped(len(problems) - MAX_PROBLEMS)} masalah lain."]
        super().__init__("Berkas BPMN ditolak: " + joined(problems))
        self.problems = problems


def joined(problems: list[str]) -> str:
    """Problems in one text, "; " between them; a problem's own closing stop is dropped
    before a "; " (the sentences need not end in one): "a; b." rather than "a.; b."."""
    return "; ".join([problem.removesuffix(".") for problem in problems[:-1]] + problems[-1:])


class ProcessFailure(AlurError):
    """The engine could not move an instance on: a step, engine run or timer failed (a
    runaway loop past the step cap, a gateway with no branch to take, a script task).

    At start the instance is refused; later the instance goes into the Galat state
    (README, "Galat"). Attributes:
        element: the BPMN id of the element that failed, or None when unknown.
    """

    code = "process_error"

    def __init__(self, message: str, element: str | None = None) -> None:
        super().__init__(message)
        self.element = element


class Conflict(AlurError):
    """The action does not fit the current state (e.g. a ticket rated already)."""

    code = "conflict"
