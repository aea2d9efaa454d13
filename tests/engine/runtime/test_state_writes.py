"""Writing an instance's state (``engine.runtime.unit.write_state``), alone or held back for
a batch (``batched_states``): checked against the instance's ``lock_version``, so that a
change made by another transaction since the instance was read is never overwritten."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from engine.models import ProcessInstance
from engine.process.instances import start_instance
from engine.runtime.unit import batched_states, write_state


def _started(session, clock, users, count: int) -> list[ProcessInstance]:
    made = [start_instance(session, clock, process_key="penyusunan_rkt", title=f"RKT {n}",
                           user=users["Kasubbag"]) for n in range(count)]
    session.commit()
    for instance in made:  # read now, before any change made elsewhere
        session.refresh(instance)
    return made


def _changed_elsewhere(session, instance: ProcessInstance) -> None:
    with session.get_bind().begin() as other:
        other.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                      .values(lock_version=ProcessInstance.lock_version + 1))


def _stored(session) -> list[tuple[str, int]]:
    return [tuple(row) for row in session.execute(
        select(ProcessInstance.state_json, ProcessInstance.lock_version)
        .order_by(ProcessInstance.id))]


def test_a_batch_writes_its_states_together_at_its_end(session, clock, users, deployed):
    first, second = _started(session, clock, users, 2)
    before = _stored(session)
    with batched_states(session):
        write_state(session, first, '{"a": 1}')
        write_state(session, second, '{"b": 2}')
        assert _stored(session) == before  # held back until the block ends
    session.commit()
    assert _stored(session) == [('{"a": 1}', before[0][1] + 1), ('{"b": 2}', before[1][1] + 1)]


def test_a_batch_with_one_instance_changed_elsewhere_writes_nothing(session, clock, users,
                                                                     deployed):
    first, second = _started(session, clock, users, 2)
    _changed_elsewhere(session, second)
    before = _stored(session)
    with pytest.raises(StaleDataError), batched_states(session):
        write_state(session, first, '{"a": 1}')
        write_state(session, second, '{"b": 2}')
    session.rollback()
    assert _stored(session) == before


def test_a_single_write_over_a_change_made_elsewhere_is_refused(session, clock, users,
                                                                deployed):
    [instance] = _started(session, clock, users, 1)
    _changed_elsewhere(session, instance)
    before = _stored(session)
    with pytest.raises(StaleDataError):
        write_state(session, instance, '{"a": 1}')
    session.rollback()
    assert _stored(session) == before
