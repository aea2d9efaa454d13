"""A gateway testing data no form asks for is refused at upload (found by the engine probe:
a decision gateway after a merge, a parallel join or another gateway was never asked, and
every case stopped in Galat there)."""

import pytest

from engine.errors import InvalidProcess
from engine.process.deploy import compile_bpmn
from tests.conftest import mini_bpmn

# The SOP has a start form: its data can come from nowhere else (an SOP without one may be
# started through the API with any data, and is not judged).
AFTER_A_MERGE = {
    '<bpmn:startEvent id="StartEvent_1" name="Mulai" />':
        '<bpmn:startEvent id="StartEvent_1" name="Mulai"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="formulir" '
        'value="perihal &quot;Perihal&quot;: teks" /></spiffworkflow:properties>'
        '</bpmn:extensionElements></bpmn:startEvent>',
    '<bpmn:flowNodeRef>Gateway_2</bpmn:flowNodeRef>':
        '<bpmn:flowNodeRef>Gateway_2</bpmn:flowNodeRef><bpmn:flowNodeRef>Gabung</bpmn:flowNodeRef>',
    '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" />':
        '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" />'
        '<bpmn:exclusiveGateway id="Gabung" />'
        '<bpmn:sequenceFlow id="Flow_G" sourceRef="Gabung" targetRef="Gateway_2" />',
    'sourceRef="Kegiatan_2" targetRef="Gateway_2"': 'sourceRef="Kegiatan_2" targetRef="Gabung"',
}


def test_a_decision_no_step_asks_for_is_refused_naming_the_gateway():
    with pytest.raises(InvalidProcess) as refused:
        compile_bpmn(mini_bpmn(AFTER_A_MERGE))
    assert refused.value.problems == [
        'exclusiveGateway "Gateway_2" (baris 55): kondisinya menguji keputusan_kasubbag, yang '
        "tidak ditanyakan formulir mana pun (formulir mulai, formulir langkah, atau keputusan "
        "langkah tepat sebelum gateway), jadi setiap proses berhenti Galat di sini. Letakkan "
        "gateway keputusan tepat setelah user task yang memutuskannya, tambahkan kolom itu ke "
        "formulir, atau beri gateway alur default."]


def test_data_a_form_asks_for_a_default_flow_or_no_start_form_is_accepted():
    declared = {**AFTER_A_MERGE, '<spiffworkflow:property name="keterangan" value="" />\n'
                '        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n'
                '    </bpmn:userTask>\n    <bpmn:boundaryEvent':
                '<spiffworkflow:property name="keterangan" value="" />'
                '<spiffworkflow:property name="formulir" value="keputusan_kasubbag '
                '&quot;Keputusan&quot;: pilihan(setuju, revisi) wajib" />'
                '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'
                '<bpmn:boundaryEvent'}
    compile_bpmn(mini_bpmn(declared))
    defaulted = {**AFTER_A_MERGE,
                 '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" />':
                     '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" default="Flow_4" />'
                     '<bpmn:exclusiveGateway id="Gabung" />'
                     '<bpmn:sequenceFlow id="Flow_G" sourceRef="Gabung" targetRef="Gateway_2" />',
                 '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">keputusan_kasubbag '
                 '== "setuju"</bpmn:conditionExpression>': ""}
    compile_bpmn(mini_bpmn(defaulted))
    without_start_form = dict(list(AFTER_A_MERGE.items())[1:])
    compile_bpmn(mini_bpmn(without_start_form))
