"""One name, one SOP: a name another SOP shows (its active or newest version), as a reader
sees it, is refused on upload and on activation; two uploads of one new name at the same
moment store one."""

import pytest
from sqlalchemy import func, select

from engine.errors import InvalidProcess
from engine.models import ProcessDefinition, User
from engine.process.deploy import deploy
from engine.process.sop_names import as_read
from engine.process.versions import activate
from tests.conftest import mini_bpmn
from tests.helpers.races import second_change

REFUSED = ('nama SOP "{name}" sudah dipakai SOP lain (id proses "sop_uji"); beri SOP ini nama '
           'lain, atau bila ini versi baru SOP itu, pakai id proses "sop_uji" (bpmn:process, '
           'atau baris "Kunci Proses" pada tabel SOP)')


def _another_key(name: str, key: str = "sop_lain") -> bytes:
    return mini_bpmn({'id="sop_uji"': f'id="{key}"', 'processRef="sop_uji"':
                      f'processRef="{key}"', 'name="SOP Uji"': f'name="{name}"'})


def _renamed(name: str) -> bytes:
    return mini_bpmn({'name="SOP Uji"': f'name="{name}"'})


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(ProcessDefinition))


@pytest.mark.parametrize("name", ["SOP Uji", "sop  uji", "SOP Uji\u200b", "ＳＯＰ Uji"])
def test_another_sop_with_a_taken_name_is_refused_and_nothing_stored(session, clock, name):
    deploy(session, clock, mini_bpmn())
    session.commit()
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, _another_key(name))
    assert refused.value.problems == [REFUSED.format(name=name)]
    session.rollback()
    assert _count(session) == 1


def test_the_active_versions_name_counts_while_a_newer_one_waits(session, clock):
    deploy(session, clock, mini_bpmn())
    deploy(session, clock, _renamed("SOP Uji Baru"), activate=False)
    with pytest.raises(InvalidProcess):
        deploy(session, clock, _another_key("SOP Uji"))
    with pytest.raises(InvalidProcess):
        deploy(session, clock, _another_key("SOP Uji Baru"))


def test_a_name_given_up_is_free_and_activating_an_old_name_taken_since_is_refused(
        session, clock, users):
    deploy(session, clock, mini_bpmn())
    deploy(session, clock, _renamed("SOP Uji Lama"))
    assert deploy(session, clock, _another_key("SOP Uji"))[0].key == "sop_lain"
    with pytest.raises(InvalidProcess) as refused:
        activate(session, clock, "sop_uji", 1, users["admin"])
    assert refused.value.problems[0].startswith('nama SOP "SOP Uji" sudah dipakai SOP lain '
                                                '(id proses "sop_lain")')


def test_two_uploads_of_one_new_name_at_once_store_one(session, clock, users):
    deploy(session, clock, _another_key("Balapan", "balap_1"))  # not committed yet
    refusal = second_change(session, lambda other: deploy(
        other, clock, _another_key("Balapan", "balap_2"), deployed_by=other.get(
            User, users["admin"].id)), (InvalidProcess,))
    assert isinstance(refusal, InvalidProcess)
    assert session.scalars(select(ProcessDefinition.key)).all() == ["balap_1"]


def test_names_are_compared_as_read():
    assert as_read("  ＳＯＰ\u200b  Uji\u00a0Baru ") == as_read("sop uji baru") == "sop uji baru"
    assert as_read("Parsial") != as_read("Parsıal"), "a letter of its own, not a look-alike"
