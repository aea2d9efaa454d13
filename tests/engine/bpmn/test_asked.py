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
        "tidak ditanyakan formulir mana pun sebelum gateway ini (formulir mulai, formulir "
        "langkah yang mendahuluinya, atau keputusan langkah tepat sebelum gateway), jadi "
        "setiap proses berhenti Galat di sini. Letakkan gateway keputusan tepat setelah user "
        "task yang memutuskannya, tambahkan kolom itu ke formulir, atau beri gateway alur "
        "default."]


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


def test_data_asked_only_by_a_step_after_the_gateway_is_refused():
    """The regression probe: the form that asks comes too late, so every case fails at start."""
    start = '<bpmn:startEvent id="StartEvent_1" name="Mulai" />'
    checked_first = {
        start: AFTER_A_MERGE[start],
        '<bpmn:flowNodeRef>Gateway_2</bpmn:flowNodeRef>':
            '<bpmn:flowNodeRef>Gateway_2</bpmn:flowNodeRef><bpmn:flowNodeRef>Cek</bpmn:flowNodeRef>',
        '<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Kegiatan_1" />':
            '<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Cek" />'
            '<bpmn:exclusiveGateway id="Cek" name="Jenis surat?" />'
            '<bpmn:sequenceFlow id="Flow_M" sourceRef="Cek" targetRef="Kegiatan_1">'
            '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">jenis == "masuk"'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="Flow_K" sourceRef="Cek" targetRef="Kegiatan_2">'
            '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">jenis == "keluar"'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>',
        '<spiffworkflow:property name="keterangan" value="" />\n        </spiffworkflow:properties>'
        '\n      </bpmn:extensionElements>\n    </bpmn:userTask>\n    <bpmn:boundaryEvent':
            '<spiffworkflow:property name="keterangan" value="" /><spiffworkflow:property '
            'name="formulir" value="jenis &quot;Jenis&quot;: pilihan(masuk, keluar) wajib" />'
            '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'
            '<bpmn:boundaryEvent'}
    with pytest.raises(InvalidProcess) as refused:
        compile_bpmn(mini_bpmn(checked_first))
    [problem] = refused.value.problems
    assert problem.startswith('exclusiveGateway "Cek" (baris ') and "menguji jenis, yang " in problem
