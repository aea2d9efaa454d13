"""Which decision choices are returns for revision (Catatan required, written "Dikembalikan
untuk revisi"): a flow back to an earlier step, not a choice that skips forward to a step
as near the start event (BPMN probe: "Lolos, terbitkan" asked for "alasan pengembaliannya")."""

from engine.bpmn.catalog import build_catalog
from engine.bpmn.validation import executable_process, read_xml
from tests.conftest import mini_bpmn

KEGIATAN_3 = '''<bpmn:userTask id="Kegiatan_3" name="Menerbitkan surat" />
    <bpmn:exclusiveGateway id="Gateway_1" name="Perlu diperiksa?" />
    <bpmn:sequenceFlow id="Flow_G1_K2" name="Ya, periksa" sourceRef="Gateway_1"
      targetRef="Kegiatan_2"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">perlu
      == "ya"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_G1_K3" name="Tidak, langsung terbitkan" sourceRef="Gateway_1"
      targetRef="Kegiatan_3"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">perlu
      == "tidak"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_K3_End" sourceRef="Kegiatan_3" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" name="Selesai" />'''


def _choices(xml: bytes) -> dict[str, dict[str, bool]]:
    """{step: {choice value: returns}} of the file's decisions."""
    tasks = build_catalog(executable_process(read_xml(xml)))["tasks"]
    return {task["name"]: {choice["value"]: choice["returns"] for field in task["fields"]
                           if field["type"] == "choice" for choice in field["choices"]}
            for task in tasks.values()}


def test_a_choice_that_skips_forward_is_no_return_and_one_back_still_is():
    skipping = mini_bpmn({
        '<bpmn:flowNodeRef>Kegiatan_1</bpmn:flowNodeRef>':
            '<bpmn:flowNodeRef>Kegiatan_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Gateway_1'
            '</bpmn:flowNodeRef><bpmn:flowNodeRef>Kegiatan_3</bpmn:flowNodeRef>',
        '<bpmn:endEvent id="EndEvent_1" name="Selesai" />': KEGIATAN_3,
        'sourceRef="Kegiatan_1" targetRef="Kegiatan_2"':
            'sourceRef="Kegiatan_1" targetRef="Gateway_1"',
        'name="Setuju" sourceRef="Gateway_2" targetRef="EndEvent_1"':
            'name="Setuju" sourceRef="Gateway_2" targetRef="Kegiatan_3"'})
    assert _choices(skipping) == {
        "Menyusun konsep": {"ya": False, "tidak": False},
        "Memeriksa konsep": {"setuju": False, "revisi": True}, "Menerbitkan surat": {}}
    assert _choices(mini_bpmn())["Memeriksa konsep"] == {"setuju": False, "revisi": True}
