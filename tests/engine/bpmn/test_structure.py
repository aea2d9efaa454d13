"""An upload must follow Alur's conventions (README, "Konvensi BPMN"): one start event,
lanes that are roles, every element on a path from the start to an end, decisions
written so the task form can ask them. A refusal names each element and its line and
stores nothing; the bundled SOPs and the accepted shapes pass."""

import itertools
import re

import pytest

from engine.bpmn import validation
from engine.errors import MAX_PROBLEMS, InvalidProcess
from engine.process.deploy import deploy
from tests.conftest import BPMN_DIR, mini_bpmn
from tests.engine.bpmn.edits import (
    END,
    FLOW_4_CONDITION,
    REVISION,
    START_LANE,
    condition,
    hostile,
    in_process,
    refused,
)

# name: (bytes; a fragment the message must contain)
CASES = {
    "no start event": (mini_bpmn({'<bpmn:startEvent id="StartEvent_1" name="Mulai" />': ""}),
                       "tepat satu start event"),
    # Found by the engine probe: start -> end was accepted, each case over at its start.
    "no user task": (
        b'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
        b'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" '
        b'targetNamespace="http://alur.local/sop"><bpmn:process id="kosong" name="Kosong" '
        b'isExecutable="true"><bpmn:laneSet id="LS"><bpmn:lane id="L" name="Prakom">'
        b"<bpmn:flowNodeRef>S</bpmn:flowNodeRef><bpmn:flowNodeRef>E</bpmn:flowNodeRef>"
        b'</bpmn:lane></bpmn:laneSet><bpmn:startEvent id="S" /><bpmn:endEvent id="E" />'
        b'<bpmn:sequenceFlow id="F" sourceRef="S" targetRef="E" /></bpmn:process>'
        b"</bpmn:definitions>",
        'process "kosong" (baris 1): proses tidak punya satu pun user task (Kegiatan)'),
    "no end event": (mini_bpmn({
        END: "",
        '<bpmn:endEvent id="Eskalasi_Kegiatan_1" name="Eskalasi">':
            '<bpmn:intermediateThrowEvent id="Eskalasi_Kegiatan_1">',
        '<bpmn:escalationEventDefinition id="EscDef_1" escalationRef="Escalation_Waktu" />\n'
        '    </bpmn:endEvent>': "</bpmn:intermediateThrowEvent>"}), "end event"),
    "dangling sequence flow": (
        mini_bpmn({'targetRef="Kegiatan_2" />': 'targetRef="Hilang" />'}),
        'sequenceFlow "Flow_2" (baris 58): merujuk elemen "Hilang" yang tidak ada'),
    "unknown lane": (mini_bpmn({'name="Kasubbag"': 'name="Satpam"'}), 'lane "Satpam"'),
    "lane name with spaces": (
        mini_bpmn({'name="Kasubbag"': 'name=" Kasubbag "'}),
        'nama lane " Kasubbag " bukan peran yang dikenal (hapus spasi'),
    "lane name in other capitals (the SOP probe: no hint, unlike an SOP table's import)": (
        mini_bpmn({'name="Kasubbag"': 'name="kasubbag"'}),
        'nama lane "kasubbag" bukan peran yang dikenal (maksud Anda "Kasubbag"? tulis persis '
        "begitu)"),
    "lane name with a character pasted from a document": (
        mini_bpmn({'name="Kasubbag"': 'name="Kasub\u200bbag"'}),
        "bukan peran yang dikenal (memuat karakter tak terlihat atau spasi lain: U+200B; "
        "ketik ulang namanya)"),
    "user task outside any lane": (
        mini_bpmn({"<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>": ""}),
        'userTask "Kegiatan_2" (baris 44): user task harus berada di dalam lane'),
    "user task without a name": (
        mini_bpmn({'<bpmn:userTask id="Kegiatan_2" name="Memeriksa konsep">':
                   '<bpmn:userTask id="Kegiatan_2" name=" ">'}),
        'userTask "Kegiatan_2" (baris 44): user task harus punya name, yaitu teks Kegiatan-nya.'),
    "lane referring to nothing": (
        mini_bpmn({START_LANE: START_LANE + "<bpmn:flowNodeRef>Hantu</bpmn:flowNodeRef>"}),
        'flowNodeRef "Hantu" (baris 13) tidak merujuk'),
    "loop without a way out": (
        mini_bpmn({'targetRef="EndEvent_1">': 'targetRef="Kegiatan_1">'}),
        'exclusiveGateway "Gateway_2" (baris 55): tidak ada jalur dari elemen ini ke end event'),
    "loop left only through a parallel gateway": (
        hostile("parallel_loop.bpmn"),
        ('parallelGateway "Cabang" (baris 19): pengulangan (Cabang, Gabung) hanya dapat '
         "ditinggalkan lewat parallel gateway ini, yang sekaligus mengirim token kembali ke "
         "pengulangan")),
    "parallel branches that come round again unjoined": (
        mini_bpmn({'sourceRef="Kegiatan_2" targetRef="Gateway_2" />':
                   'sourceRef="Kegiatan_2" targetRef="Cabang" /><bpmn:parallelGateway '
                   'id="Cabang" /><bpmn:sequenceFlow id="Flow_A" sourceRef="Cabang" '
                   'targetRef="Gateway_2" /><bpmn:sequenceFlow id="Flow_B" sourceRef="Cabang" '
                   'targetRef="Gateway_2" />'}),
        ('parallelGateway "Cabang" (baris 59): cabang parallel gateway ini kembali ke gateway '
         "ini tanpa digabung parallel gateway lebih dulu")),
    # Found by the engine probe: "ulang" led back into the split, which then waited, as a
    # join, for the first step again.
    "parallel gateway that joins and splits": (
        mini_bpmn({'sourceRef="Kegiatan_1" targetRef="Kegiatan_2" />':
                   'sourceRef="Kegiatan_1" targetRef="Cabang" /><bpmn:parallelGateway '
                   'id="Cabang" /><bpmn:endEvent id="EndEvent_2" /><bpmn:sequenceFlow '
                   'id="Flow_A" sourceRef="Cabang" targetRef="Kegiatan_2" /><bpmn:sequenceFlow '
                   'id="Flow_B" sourceRef="Cabang" targetRef="EndEvent_2" />',
                   'sourceRef="Gateway_2" targetRef="Kegiatan_1"':
                   'sourceRef="Gateway_2" targetRef="Cabang"'}),
        'parallelGateway "Cabang" (baris 58): menggabungkan (2 alur masuk) sekaligus '
        "mencabang (2 alur keluar)"),
    "21 parallel branches": (
        mini_bpmn({'sourceRef="Kegiatan_2" targetRef="Gateway_2" />':
                   'sourceRef="Kegiatan_2" targetRef="Cabang" /><bpmn:parallelGateway '
                   'id="Cabang" /><bpmn:parallelGateway id="Gabung" />'
                   + "".join(f'<bpmn:sequenceFlow id="Cabang_{n}" sourceRef="Cabang" '
                             'targetRef="Gabung" />' for n in range(22))
                   + '<bpmn:sequenceFlow id="Flow_C" sourceRef="Gabung" targetRef="Gateway_2" />'}),
        ('parallelGateway "Cabang" (baris 59): percabangan paralel proses ini (parallel '
         "gateway, atau elemen dengan beberapa alur keluar) bersama-sama membuka 21 cabang "
         "tambahan; batasnya 20")),
    "21 branches from the start event": (
        mini_bpmn({'<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" '
                   'targetRef="Kegiatan_1" />':
                   "".join(f'<bpmn:sequenceFlow id="Flow_1_{n}" sourceRef="StartEvent_1" '
                           'targetRef="Kegiatan_1" />' for n in range(22))}),
        ('startEvent "StartEvent_1" (baris 24): percabangan paralel proses ini (parallel '
         "gateway, atau elemen dengan beberapa alur keluar) bersama-sama membuka 21 cabang "
         "tambahan; batasnya 20")),
    "step unreachable from the start": (
        mini_bpmn({'sourceRef="StartEvent_1" targetRef="Kegiatan_1"':
                   'sourceRef="StartEvent_1" targetRef="EndEvent_1"'}),
        'userTask "Kegiatan_1" (baris 25): tidak dapat dicapai dari start event'),
    "gateway branch without condition": (
        mini_bpmn({REVISION: ""}),
        '"Flow_5" (baris 63): alur keluar exclusiveGateway "Gateway_2" (baris 55) tidak punya'),
    "condition on a flow from a user task": (
        mini_bpmn({'targetRef="Kegiatan_2" />': 'targetRef="Kegiatan_2"><bpmn:conditionExpression>'
                                               "x == 1</bpmn:conditionExpression>"
                                               "</bpmn:sequenceFlow>"}),
        '"Flow_2" (baris 58): kondisi hanya boleh pada alur keluar exclusive gateway'),
    "condition not a decision": (condition("keputusan_kasubbag"), 'nama == "nilai"'),
    "a decision value tested twice": (
        mini_bpmn({'keputusan_kasubbag == "revisi"': 'keputusan_kasubbag == "setuju"'}),
        'exclusiveGateway "Gateway_2" (baris 55): pilihan "setuju" diuji oleh lebih dari satu '
        "alur keluar; setiap alur keputusan harus punya nilai sendiri."),
    "a blank decision value": (
        mini_bpmn({'keputusan_kasubbag == "revisi"': 'keputusan_kasubbag == " "'}),
        'exclusiveGateway "Gateway_2" (baris 55): nilai pilihan keputusan tidak boleh kosong'),
    "decision named as a field every step has": (
        mini_bpmn({'keputusan_kasubbag == "setuju"': 'catatan == "setuju"',
                   'keputusan_kasubbag == "revisi"': 'catatan == "revisi"'}),
        'exclusiveGateway "Gateway_2" (baris 55): variabel keputusan "catatan" adalah nama '
        "kolom bawaan setiap langkah (Catatan, Kelengkapan); pakai nama lain"),
    "two timers on one step": (
        mini_bpmn({'<bpmn:endEvent id="Eskalasi_Kegiatan_1" name="Eskalasi">':
                   '<bpmn:boundaryEvent id="Waktu_Kedua" cancelActivity="false" '
                   'attachedToRef="Kegiatan_1"><bpmn:timerEventDefinition>'
                   '<bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>'
                   '</bpmn:boundaryEvent><bpmn:sequenceFlow id="Flow_Kedua" '
                   'sourceRef="Waktu_Kedua" targetRef="Eskalasi_Kegiatan_1" />'
                   '<bpmn:endEvent id="Eskalasi_Kegiatan_1" name="Eskalasi">'}),
        ('boundaryEvent "Waktu_Kedua" (baris 41): userTask "Kegiatan_1" (baris 25) sudah punya '
        "timer batas; satu langkah punya satu Waktu, jadi paling banyak satu timer.")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_naming_the_element_nothing_stored(session, clock, case):
    data, expected = CASES[case]
    message = refused(session, clock, data).message
    assert expected in message, message[:2000]


def test_problem_names_element_id_and_line(session, clock):
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, mini_bpmn({'name="Kasubbag"': 'name="Satpam"'}))
    assert refused.value.problems == [
        'lane "Lane_Kasubbag" (baris 18): nama lane "Satpam" bukan peran yang dikenal '
        + "(Prakom, Kasubbag, Sekretaris, Ketua, Pemohon, Bidang Terkait, Panitera, Redaktur, "
        + "Pihak Ketiga)."]


def test_a_loop_without_way_out_names_every_element_caught_in_it(session, clock):
    data = mini_bpmn({'targetRef="EndEvent_1">': 'targetRef="Kegiatan_1">'})
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, data)
    stuck = ("tidak ada jalur dari elemen ini ke end event (jalan buntu, atau pengulangan "
             "yang tidak punya jalan keluar).")
    # The escalation timer is no way out: it is non-interrupting, the step stays open.
    assert refused.value.problems == [
        'startEvent "StartEvent_1" (baris 24): ' + stuck,
        'userTask "Kegiatan_1" (baris 25): ' + stuck,
        'userTask "Kegiatan_2" (baris 44): ' + stuck,
        'exclusiveGateway "Gateway_2" (baris 55): ' + stuck,
        'endEvent "EndEvent_1" (baris 56): tidak dapat dicapai dari start event.']


def test_a_step_with_no_way_on_is_named_alone_not_every_element_before_it(session, clock):
    """The elements before a dead end cannot reach an end event either; naming them all
    (eleven lines for an SOP of nine steps) hid the one step to mend."""
    data = mini_bpmn({
        '<bpmn:sequenceFlow id="Flow_3" sourceRef="Kegiatan_2" targetRef="Gateway_2" />': ""})
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, data)
    assert refused.value.problems == [
        'userTask "Kegiatan_2" (baris 44): jalan buntu, tidak punya alur keluar; sambungkan '
        "ke langkah berikutnya atau ke end event (proses selesai).",
        'exclusiveGateway "Gateway_2" (baris 55): tidak dapat dicapai dari start event.',
        'endEvent "EndEvent_1" (baris 56): tidak dapat dicapai dari start event.']


def test_a_deleted_end_event_is_named_by_its_flow_not_as_a_dead_end_before_it(session, clock):
    """The authoring probe: with the end event deleted and its flow kept, the gateway before
    it was also called a dead end "without a way out", though it has one."""
    data = mini_bpmn({'<bpmn:endEvent id="EndEvent_1" name="Selesai" />': "",
                      "<bpmn:flowNodeRef>EndEvent_1</bpmn:flowNodeRef>": ""})
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, data)
    assert [problem for problem in refused.value.problems if "EndEvent_1" in problem
            or "jalan buntu" in problem or "end event" in problem] == [
        'sequenceFlow "Flow_4" (baris 60): merujuk elemen "EndEvent_1" yang tidak ada.']


def test_a_deleted_step_is_named_by_its_flows_not_by_the_gateways_it_leaves(session, clock):
    """The next regression probe: the gateway whose branch led to a deleted step was told
    its only remaining branch had a condition."""
    data = re.sub(rb'<bpmn:userTask id="Kegiatan_1".*?</bpmn:userTask>', b"", mini_bpmn(),
                  flags=re.DOTALL)
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, data)
    assert [problem for problem in refused.value.problems if "Kegiatan_1" in problem
            and "yang tidak ada" in problem]
    assert not [problem for problem in refused.value.problems if "satu-satunya" in problem
                or "jalan buntu" in problem], refused.value.problems


def test_an_id_that_is_not_valid_gets_one_rule_not_a_second_that_contradicts_it(session, clock):
    """The rule said "." was allowed, and the same id was then called SpiffWorkflow's own
    (dotted) with an example of a start event's id."""
    data = mini_bpmn({'id="sop_uji"': 'id="../../etc/x"',
                      'processRef="sop_uji"': 'processRef="../../etc/x"'})
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, data)
    assert ('process "../../etc/x" (baris 10): id "../../etc/x" tidak sah: id diawali huruf '
            'atau _ lalu huruf, angka, _ atau -, tanpa spasi dan tanpa titik.'
            ) in refused.value.problems
    assert "dipakai mesin proses sendiri" not in refused.value.message


def test_a_long_list_of_problems_is_cut_short(session, clock):
    data = in_process("".join(f'<bpmn:userTask id="Yatim_{i}" />' for i in range(60)))
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, data)
    assert len(refused.value.problems) == MAX_PROBLEMS + 1
    assert refused.value.problems[-1] == "... dan 190 masalah lain."
    # The message sets them apart, one after another: none runs into the next, and a
    # problem's own stop does not stand before the "; " (".;").
    message = refused.value.message
    first, second = (problem.removesuffix(".") for problem in refused.value.problems[:2])
    assert message.startswith(f"Berkas BPMN ditolak: {first}; {second}; ")
    assert message.endswith("; ... dan 190 masalah lain.") and ".; " not in message
    assert message.count("; ") == MAX_PROBLEMS


@pytest.mark.parametrize("path", sorted(BPMN_DIR.glob("*.bpmn")), ids=lambda p: p.stem)
def test_bundled_sops_pass(path):
    validation.check_structure(validation.executable_process(
        validation.read_xml(path.read_bytes())))


# Kegiatan_2 forks into two branches joined again before the revision gateway.
PARALLEL_IN_LOOP = {
    'sourceRef="Kegiatan_2" targetRef="Gateway_2" />':
        'sourceRef="Kegiatan_2" targetRef="Cabang" /><bpmn:parallelGateway id="Cabang" />'
        '<bpmn:parallelGateway id="Gabung" /><bpmn:sequenceFlow id="Flow_A" sourceRef="Cabang"'
        ' targetRef="Gabung" /><bpmn:sequenceFlow id="Flow_B" sourceRef="Cabang" '
        'targetRef="Gabung" /><bpmn:sequenceFlow id="Flow_C" sourceRef="Gabung" '
        'targetRef="Gateway_2" />'}


@pytest.mark.parametrize("replace", [
    {},  # a revision loop that can be left through the gateway
    {'name="Ada revisi?" />': 'name="Ada revisi?" default="Flow_5" />', REVISION: ""},
    {FLOW_4_CONDITION: '<![CDATA[keputusan_kasubbag == "setuju"]]></bpmn:conditionExpression>'},
    {'<bpmn:definitions ': '<bpmn:definitions xmlns:modeler="http://camunda.org/schema/'
                           'modeler/1.0" modeler:executionPlatform="Camunda Platform" '},
    PARALLEL_IN_LOOP,
], ids=["loop with a way out", "default flow", "CDATA condition",
        "Camunda Modeler's mark on definitions", "parallel fork and join inside a loop"])
def test_accepted_structures(replace):
    validation.check_structure(validation.executable_process(
        validation.read_xml(mini_bpmn(replace))))


def _chain(steps: int) -> bytes:
    """mini.bpmn with ``steps`` more user tasks in a row between its two steps."""
    ids = ["Kegiatan_1", *(f"Rantai_{i}" for i in range(steps)), "Kegiatan_2"]
    return mini_bpmn({
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Kegiatan_1" targetRef="Kegiatan_2" />':
            "".join(f'<bpmn:userTask id="{i}" name="Langkah {i}" />' for i in ids[1:-1])
            + "".join(f'<bpmn:sequenceFlow id="Alur_{n}" sourceRef="{a}" targetRef="{b}" />'
                      for n, (a, b) in enumerate(itertools.pairwise(ids))),
        START_LANE: START_LANE + "".join(f"<bpmn:flowNodeRef>{i}</bpmn:flowNodeRef>"
                                         for i in ids[1:-1])})


def test_a_chain_too_long_for_the_engine_to_read_is_refused_in_words(session, clock):
    assert deploy(session, clock, _chain(400), filename="rantai.bpmn")[0].version == 1
    message = refused(session, clock, _chain(600)).message
    assert "SOP terlalu panjang untuk dibaca mesin proses" in message
    assert "pecah menjadi beberapa SOP" in message and "RecursionError" not in message


def test_an_exclusive_gateway_that_only_merges_after_a_step_is_no_decision(session, clock):
    """A step into an exclusive gateway with one way out (an XOR merge) was refused as a
    decision whose flows lacked 'nama == "nilai"', so an ordinary merge could not be
    uploaded; it asks nothing on the step's form."""
    data = mini_bpmn({
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Kegiatan_1" targetRef="Kegiatan_2" />':
            '<bpmn:sequenceFlow id="Flow_2" sourceRef="Kegiatan_1" targetRef="Gabung" />'
            '<bpmn:exclusiveGateway id="Gabung" /><bpmn:sequenceFlow id="Flow_2b" '
            'sourceRef="Gabung" targetRef="Kegiatan_2" />',
        '<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>':
            '<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef><bpmn:flowNodeRef>Gabung'
            '</bpmn:flowNodeRef>'})
    definition, _ = deploy(session, clock, data)
    assert [field["name"] for field in definition.catalog["tasks"]["Kegiatan_1"]["fields"]] == [
        "catatan", "kelengkapan"]


def test_a_loop_of_gateways_only_is_refused(session, clock):
    """BPMN probe: a gateway whose "Ya" led back to itself was accepted, and every process
    that chose it turned until the step limit put it in Galat."""
    data = mini_bpmn({'name="Setuju" sourceRef="Gateway_2" targetRef="EndEvent_1">':
                      'name="Setuju" sourceRef="Gateway_2" targetRef="Gateway_2">',
                      '<bpmn:sequenceFlow id="Flow_W1"':
                      '<bpmn:sequenceFlow id="Flow_End" sourceRef="Kegiatan_1" '
                      'targetRef="EndEvent_1" /><bpmn:sequenceFlow id="Flow_W1"'})
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, data)
    assert refused.value.problems == [
        'exclusiveGateway "Gateway_2" (baris 55): pengulangan (Gateway_2) hanya berisi '
        "gateway, tanpa langkah di dalamnya: datanya tidak dapat berubah, sehingga proses "
        "yang memasukinya berputar sampai Galat; arahkan alurnya ke sebuah langkah (user "
        "task) atau ke end event."]
