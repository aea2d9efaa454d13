"""Changes at once. ``at_once`` releases calls (HTTP requests) together. ``second_change``
makes two changes deterministic: the first is made in the test's session and not
committed; the second runs in another thread with its own session on the same database,
and must wait for the first's locks (PostgreSQL row locks, SQLite's writer lock)."""

import threading
from collections.abc import Callable

import requests
from sqlalchemy.orm import Session


def second_change(session: Session, act: Callable[[Session], None],
                  refusals: tuple[type[BaseException], ...]) -> BaseException | None:
    """Run ``act(other session)`` and commit it in another thread while ``session`` holds
    its uncommitted first change; commit ``session`` three seconds after ``act`` began (not
    after the thread was asked to start: on a busy machine a thread can start later than
    that, and the second change then simply followed the first). Returns what ``act``
    raised of ``refusals``, or None when the second change went through."""
    outcome: list[BaseException | None] = []
    began = threading.Event()

    def second() -> None:
        with Session(session.get_bind()) as other:
            began.set()
            try:
                act(other)
                other.commit()
                outcome.append(None)
            except refusals as refusal:
                outcome.append(refusal)

    thread = threading.Thread(target=second)
    thread.start()
    assert began.wait(timeout=30), "the second change did not begin"
    # The second reads, then waits for the first's locks. On a machine busy with other
    # work one second was sometimes not enough to reach that wait: the first then
    # committed before the second read, and the second simply followed it.
    thread.join(timeout=3)
    session.commit()
    thread.join(timeout=30)
    assert len(outcome) == 1, "the second change neither finished nor was refused"
    return outcome[0]


def at_once(calls: list) -> list[requests.Response]:
    """Run the ``calls`` (functions returning a response) in threads released together."""
    gate = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(index: int) -> None:
        gate.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers
