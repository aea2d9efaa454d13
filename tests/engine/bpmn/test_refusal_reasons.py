"""Upload refusals that give the real reason, in the administrator's words: not a
typing slip for BPMN's own attribute, not a condition's form for a default flow, and the
diagrams whose every process would stop in Galat, or whose SOP document would show no
deadline while a timer holds one."""

import pytest

from tests.conftest import mini_bpmn
from tests.engine.bpmn.edits import refused

CASES = {
    "a gateway's only way out with a condition": (  # never asked: Galat whenever false
        mini_bpmn({'<bpmn:sequenceFlow id="Flow_5" name="Kembalikan untuk revisi" '
                   'sourceRef="Gateway_2" targetRef="Kegiatan_1">\n      <bpmn:conditionExpression '
                   'xsi:type="bpmn:tFormalExpression">keputusan_kasubbag == "revisi"'
                   '</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>': ""}),
        'sequenceFlow "Flow_4" (baris 60): satu-satunya alur keluar exclusiveGateway '
        '"Gateway_2" (baris 55) punya kondisi; gateway dengan satu alur keluar hanya '
        "menggabungkan"),
    "a timer on a step whose Waktu is Relatif": (  # the document would show no deadline
        mini_bpmn({'<spiffworkflow:property name="waktu" value="30 menit" />':
                   '<spiffworkflow:property name="waktu" value="Relatif" />'}),
        'userTask "Kegiatan_1" (baris 25) "Menyusun konsep": Waktu "Relatif" berarti tanpa '
        'batas waktu, tetapi langkah ini punya boundary timer "PT30M"; hapus timernya atau '
        "tulis Waktu-nya sebagai lamanya (timer ini: 30 menit kerja)."),
    "a decision gateway's default flow": (  # refused for that, not for a condition's form
        mini_bpmn({'<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" />':
                   '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" default="Flow_4" />',
                   '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
                   'keputusan_kasubbag == "setuju"</bpmn:conditionExpression>': ""}),
        'sequenceFlow "Flow_4" (baris 60): alur default tidak boleh keluar dari '
        'exclusiveGateway "Gateway_2" (baris 55): gateway keputusan tepat setelah user task '
        "ditanyakan pada formulir tugas"),
    "a decision asking two variables": (  # named as a list of names, not a Python list
        mini_bpmn({'keputusan_kasubbag == "setuju"': 'status_konsep == "setuju"'}),
        'exclusiveGateway "Gateway_2" (baris 55): semua alur keluar harus menguji satu '
        "variabel yang sama; ditemukan keputusan_kasubbag, status_konsep."),
    "language on a condition without its formal type": (  # BPMN's own, not a slip
        mini_bpmn({'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">':
                   '<bpmn:conditionExpression language="javascript">'}),
        "atribut 'language' tidak dipakai Alur pada conditionExpression: kondisi dan durasi "
        'selalu ditulis dalam bentuk Alur (mis. keputusan == "ya", "PT30M"); hapus atributnya'),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_for_what_it_is(session, clock, case):
    data, expected = CASES[case]
    message = refused(session, clock, data).message
    assert expected in message, message[:2000]
