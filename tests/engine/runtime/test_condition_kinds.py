"""A gateway condition that compares values of kinds that cannot be compared (text with a
number) stops the process with a reason that names both, instead of being silently false
(which sent every case down the default way and hid why); an empty field stays false."""

import pytest
from sqlalchemy import select

from engine.bpmn import expressions
from engine.errors import ProcessFailure
from engine.models import HumanTask, ProcessInstance
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from tests.conftest import mini_bpmn
from tests.helpers.rows import count

# Start -> Gateway_0, which tests process data: "jumlah > 5" goes to Kegiatan_1 (Menyusun
# konsep), its default to Kegiatan_2 (Memeriksa konsep).
DATA_GATEWAY = {
    '<bpmn:flowNodeRef>Kegiatan_1</bpmn:flowNodeRef>':
        '<bpmn:flowNodeRef>Kegiatan_1</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>Gateway_0</bpmn:flowNodeRef>',
    '<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Kegiatan_1" />':
        '<bpmn:exclusiveGateway id="Gateway_0" name="Banyak?" default="Flow_0b" />'
        '<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Gateway_0" />'
        '<bpmn:sequenceFlow id="Flow_0a" name="Banyak" sourceRef="Gateway_0" '
        'targetRef="Kegiatan_1"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        'jumlah &gt; 5</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="Flow_0b" sourceRef="Gateway_0" targetRef="Kegiatan_2" />',
}


@pytest.fixture
def deployed(session, clock):
    deploy(session, clock, mini_bpmn(DATA_GATEWAY))
    session.commit()


def _start(session, clock, users, data):
    start_instance(session, clock, process_key="sop_uji", title="Uji", user=users["Prakom"],
                   data=data)
    return session.scalars(select(HumanTask.bpmn_id)).one()


@pytest.mark.parametrize("data, step", [
    ({"jumlah": 7}, "Kegiatan_1"),
    ({"jumlah": 2}, "Kegiatan_2"),
    ({}, "Kegiatan_2"),  # not given: None, simply false
    ({"jumlah": None}, "Kegiatan_2"),
])
def test_comparable_or_empty_values_take_their_way(session, clock, users, deployed, data, step):
    assert _start(session, clock, users, data) == step


def test_text_compared_with_a_number_stops_the_start_naming_both(session, clock, users,
                                                                  deployed):
    with pytest.raises(ProcessFailure) as refused:
        _start(session, clock, users, {"jumlah": "7"})
    assert refused.value.element == "Gateway_0"
    assert refused.value.message == (
        'Elemen Gateway_0 gagal dijalankan: kondisi membandingkan teks "7" dengan angka 5 (>), '
        "yang tidak dapat dibandingkan; periksa jenis kolom formulir yang diuji (angka ditulis "
        'tanpa tanda kutip, teks dengan tanda kutip, mis. jumlah > 5 atau status == "baru")')
    session.rollback()
    assert count(session, ProcessInstance) == 0


@pytest.mark.parametrize("expression, data, shown", [
    ('status in 5', {"status": "baru"}, 'teks "baru" dengan angka 5 (in)'),
    ("n >= batas", {"n": [1], "batas": True}, "daftar [1] dengan ya/tidak True (>=)"),
    ('x < 1', {"x": "a" * 100}, 'teks "' + "a" * 56 + '…'),
])
def test_the_mismatch_names_kinds_and_cuts_long_values(expression, data, shown):
    with pytest.raises(expressions.ConditionMismatch) as refused:
        expressions.evaluate(expression, data)
    assert shown in str(refused.value)


def test_a_sepanjang_waktu_condition_of_another_kind_names_its_step(session, clock, users):
    """BPMN probe: the Galat said only "Mesin proses gagal: kondisi membandingkan …", no
    element, so Proses bermasalah could not point at what to mend."""
    deploy(session, clock, mini_bpmn({'<spiffworkflow:property name="waktu" value="30 menit" />':
                                      '<spiffworkflow:property name="waktu" value="30 menit" />'
                                      '<spiffworkflow:property name="sepanjang_waktu" '
                                      'value="jumlah &gt; 5" />'}))
    session.commit()
    with pytest.raises(ProcessFailure) as refused:
        start_instance(session, clock, process_key="sop_uji", title="Uji", user=users["Prakom"],
                       data={"jumlah": "7"})
    assert refused.value.element == "Kegiatan_1"
    assert refused.value.message.startswith(
        'Properti sepanjang_waktu langkah "Menyusun konsep" (Kegiatan_1) gagal dijalankan: '
        'kondisi membandingkan teks "7" dengan angka 5 (>)')
