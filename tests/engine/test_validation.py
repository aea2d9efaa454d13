"""Malformed or hostile uploads are refused with a clear message; nothing is stored."""

import pytest
from sqlalchemy import func, select

from engine import expressions
from engine.deploy import deploy
from engine.errors import InvalidProcess
from engine.models import AuditRecord, ProcessDefinition
from tests.conftest import mini_bpmn

FLOW_4_CONDITION = 'keputusan_kasubbag == "setuju"</bpmn:conditionExpression>'

CASES = {
    "not XML": (b"%PDF-1.4 bukan xml", "bukan XML yang sah"),
    "not BPMN": (b"<catatan>halo</catatan>", "bpmn:definitions"),
    "no start event": (mini_bpmn({'<bpmn:startEvent id="StartEvent_1" name="Mulai" />': ""}),
                       "tepat satu start event"),
    "DOCTYPE": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + mini_bpmn()[38:],
                "DOCTYPE"),
    "XXE": (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
            b'&xxe;</bpmn:definitions>', "DOCTYPE"),
    "no end event": (mini_bpmn({
        '<bpmn:endEvent id="EndEvent_1" name="Selesai" />': "",
        '<bpmn:endEvent id="Eskalasi_Kegiatan_1" name="Eskalasi">':
            '<bpmn:intermediateThrowEvent id="Eskalasi_Kegiatan_1">',
        '<bpmn:escalationEventDefinition id="EscDef_1" escalationRef="Escalation_Waktu" />\n'
        '    </bpmn:endEvent>': "</bpmn:intermediateThrowEvent>"}), "end event"),
    "unknown lane": (mini_bpmn({'name="Kasubbag"': 'name="Satpam"'}), 'lane "Satpam"'),
    "os.system in a condition": (mini_bpmn({
        FLOW_4_CONDITION: "__import__('os').system('touch /tmp/alur-pwned')"
                          "</bpmn:conditionExpression>"}), "Flow_4"),
    "dunder escape in a condition": (mini_bpmn({
        FLOW_4_CONDITION: "().__class__.__base__.__subclasses__()</bpmn:conditionExpression>"}),
        "Flow_4"),
    "unquoted timer": (mini_bpmn({'>"PT30M"<': ">PT30M<"}), "tanda kutip"),
    "os.system in a timer": (mini_bpmn({'>"PT30M"<': ">__import__('os').system('id')<"}),
                             "Waktu_Kegiatan_1"),
    "dangling sequence flow": (mini_bpmn({'targetRef="Kegiatan_2" />': 'targetRef="Hilang" />'}),
                               '"Hilang"'),
    "script task": (mini_bpmn({'<bpmn:endEvent id="EndEvent_1" name="Selesai" />':
                               '<bpmn:endEvent id="EndEvent_1" name="Selesai" />'
                               '<bpmn:scriptTask id="Skrip_1"><bpmn:script>import os'
                               '</bpmn:script></bpmn:scriptTask>'}), "script task"),
    "condition not a decision": (mini_bpmn({FLOW_4_CONDITION: "keputusan_kasubbag"
                                            "</bpmn:conditionExpression>"}), 'nama == "nilai"'),
    "too large": (mini_bpmn() + b"<!--" + b"x" * (3 * 1024 * 1024) + b"-->", "terlalu besar"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_a_clear_message_and_nothing_stored(session, clock, case):
    data, expected = CASES[case]
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, data, filename="unggahan.bpmn")
    session.rollback()
    assert expected in refused.value.message
    assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0
    assert session.scalar(select(func.count()).select_from(AuditRecord)) == 0


def test_problem_names_element_id_and_line(session, clock):
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, mini_bpmn({'name="Kasubbag"': 'name="Satpam"'}))
    assert refused.value.problems == [
        'lane "Lane_Kasubbag" (baris 18): nama lane "Satpam" bukan peran yang dikenal '
        "(Prakom, Kasubbag, Sekretaris, Ketua, Pemohon, Bidang Terkait, Panitera, Redaktur, "
        "Pihak Ketiga)."]


@pytest.mark.parametrize("expression, data, result", [
    ('keputusan == "setuju"', {"keputusan": "setuju"}, True),
    ('keputusan == "setuju"', {}, False),
    ('nilai >= 85 and not terlambat', {"nilai": 90, "terlambat": False}, True),
    ('status in ("a", "b") or x != 1', {"status": "c", "x": 1}, False),
    ('"PT30M"', {}, "PT30M"),
])
def test_safe_expressions_evaluate(expression, data, result):
    assert expressions.evaluate(expression, data) == result


@pytest.mark.parametrize("expression", [
    "__import__('os').system('id')", "open('/etc/passwd').read()", "x.__class__",
    "[c for c in ()]", "lambda: 1", "data['x']", "_secret == 1", "-1 if x else 2",
])
def test_unsafe_expressions_are_refused(expression):
    with pytest.raises(expressions.UnsafeExpression):
        expressions.check(expression)
