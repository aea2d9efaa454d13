"""Malformed or hostile uploads are refused with a clear message; nothing is stored,
no file is read and no command is run."""

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from lxml import etree

from engine.bpmn import validation
from engine.errors import InvalidProcess
from engine.process.deploy import deploy
from engine.runtime.adapter import parse_spec
from tests.conftest import BPMN_DIR, mini_bpmn
from tests.engine.bpmn.edits import (
    START_LANE,
    condition,
    hostile,
    in_process,
    refused,
)

CANARY = "RAHASIA-KANARI-7f3a91"
# "{TMP}" in a case's bytes becomes the test's tmp_path, where the canary file lies and
# where a successful attack would create "pwned".
PWN = "__import__('os').system('touch {TMP}/pwned')"
TIMER = '>"PT30M"<'
TASK_1 = '<bpmn:userTask id="Kegiatan_1" name="Menyusun konsep">'
LONGEST = "melebihi batas waktu terpanjang, 1 tahun"
NOT_REGISTERED = "Alur hanya menjalankan fungsi yang terdaftar (belum ada)"


def camunda(replace: dict[str, str]) -> bytes:
    """mini.bpmn with the Camunda namespace declared (as Camunda Modeler does) and edits."""
    return mini_bpmn({"<bpmn:definitions ": '<bpmn:definitions xmlns:camunda='
                                            '"http://camunda.org/schema/1.0/bpmn" ', **replace})


def nested(levels: int) -> bytes:
    return mini_bpmn({'name="Mulai" />': 'name="Mulai"><bpmn:extensionElements>'
                      + "<x:a xmlns:x='urn:x'>" * levels + "</x:a>" * levels
                      + "</bpmn:extensionElements></bpmn:startEvent>"})


def many_flows() -> bytes:
    return in_process("".join(f'<bpmn:sequenceFlow id="F{i}" sourceRef="Kegiatan_1" '
                              'targetRef="Kegiatan_2" />' for i in range(2000)))


SCRIPT = '<bpmn:scriptTask id="Skrip_1"><bpmn:script>{}</bpmn:script></bpmn:scriptTask>'
PROPERTY_1 = '<spiffworkflow:property name="no" value="1" />'


def with_prefix(value: str) -> bytes:
    """The mini SOP with the process property ``prefiks_nomor`` = ``value``."""
    return mini_bpmn({'<bpmn:laneSet id="LaneSet_1">': (
        '<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
        f'name="prefiks_nomor" value="{value}" /></spiffworkflow:properties>'
        '</bpmn:extensionElements><bpmn:laneSet id="LaneSet_1">')})


# name: (bytes, or a function returning them; a fragment the message must contain)
CASES = {
    # The file itself
    "empty": (b"", "Berkas kosong"),
    "only whitespace": (b" \n\t ", "Berkas kosong"),
    "not XML": (b"%PDF-1.4 bukan xml", "bukan XML yang sah"),
    "not BPMN": (b"<catatan>halo</catatan>", "bpmn:definitions"),
    "too large": (mini_bpmn() + b"<!--" + b"x" * (3 * 1024 * 1024) + b"-->", "terlalu besar"),
    "20 MB": (lambda: mini_bpmn() + b" " * (20 * 1024 * 1024), "terlalu besar"),
    "not UTF-8 (Latin-1 bytes)": (hostile("latin1.bpmn"),
                                  "bukan teks UTF-8 (baris 3, bita ke-240 tidak sah)"),
    "UTF-16 with BOM": (lambda: mini_bpmn().decode().encode("utf-16"), "bukan teks UTF-8"),
    "UTF-16 without BOM": (lambda: mini_bpmn().decode().encode("utf-16-le"),
                           "berkas memuat bita nol (baris 1, kolom 2)"),
    "a NUL byte in a name": (
        mini_bpmn({'name="Menyusun konsep"': 'name="Menyusun\x00 konsep"'}),
        "Berkas harus berenkode UTF-8: berkas memuat bita nol (baris 25, kolom 50)."),
    "declared Latin-1": (
        mini_bpmn({'encoding="UTF-8"': 'encoding="ISO-8859-1"'}),
        "harus berenkode UTF-8; deklarasinya menyebut 'ISO-8859-1'"),
    "wrong BPMN namespace": (
        hostile("wrong_namespace.bpmn"),
        "ditemukan namespace 'http://www.omg.org/spec/BPMN/20100501/MODEL'"),
    "missing namespace": (hostile("no_namespace.bpmn"), "ditemukan tanpa namespace"),
    # Entities, DTDs and anything else that could read outside the file
    "DOCTYPE": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + mini_bpmn()[38:],
                "DOCTYPE"),
    "XXE file:///etc/passwd": (hostile("xxe_passwd.bpmn"),
                               "DOCTYPE atau ENTITY (baris 2, kolom 1)"),
    "XXE canary in tmp_path": (hostile("xxe_canary.bpmn"), "DOCTYPE atau ENTITY"),
    "external DTD over http": (hostile("external_dtd.bpmn"), "DOCTYPE atau ENTITY"),
    "billion laughs": (hostile("billion_laughs.bpmn"), "DOCTYPE atau ENTITY"),
    "XInclude": (hostile("xinclude.bpmn"), 'include (baris 5): XInclude tidak diizinkan'),
    "bpmn:import": (hostile("import.bpmn"), 'import (baris 4): bpmn:import tidak diizinkan'),
    "xsi:schemaLocation file: and http": (
        hostile("schema_location.bpmn"),
        "xsi:schemaLocation merujuk sumber luar ('file:///etc/passwd')"),
    "processing instructions": (
        hostile("processing_instruction.bpmn"),
        "Instruksi pemrosesan <?xml-stylesheet ...?> (baris 2) tidak diizinkan"),
    "huge single attribute": (
        mini_bpmn({'name="Menyusun konsep"': 'name="' + "x" * 1_500_000 + '"'}),
        'userTask "Kegiatan_1" (baris 25): atribut name terlalu panjang'),
    "nested 250 levels": (lambda: nested(250), "XML bersarang lebih dari 200 tingkat"),
    "nested 5000 levels": (lambda: nested(5000), "XML bersarang terlalu dalam"),
    "a user task's name misspelt": (
        mini_bpmn({'name="Menyusun konsep"': 'nama="Menyusun konsep"'}),
        'userTask "Kegiatan_1" (baris 25): user task harus punya name, yaitu teks Kegiatan-nya '
        '(atribut \'nama\' salah ketik? tulis name="...").'),
    "duplicate ids": (
        mini_bpmn({'exclusiveGateway id="Gateway_2"': 'exclusiveGateway id="Kegiatan_2"'}),
        '(baris 55): id "Kegiatan_2" sudah dipakai di baris 44'),
    "an id SpiffWorkflow gives its own start step": (
        mini_bpmn({"StartEvent_1": "Start"}),
        'startEvent "Start" (baris 24): id "Start" dipakai mesin proses sendiri (SpiffWorkflow: '
        'Start, End, Root dan id bertitik seperti *.EndJoin, *.BoundaryEventSplit); beri id '
        'lain, mis. "Start_1".'),
    "an id of SpiffWorkflow's own end join": (
        mini_bpmn({'exclusiveGateway id="Gateway_2"': 'exclusiveGateway id="sop_uji.EndJoin"'}),
        'id "sop_uji.EndJoin" dipakai mesin proses sendiri (SpiffWorkflow: Start, End, Root dan '
        'id bertitik seperti *.EndJoin, *.BoundaryEventSplit); beri id lain, mis. '
        '"sop_uji_EndJoin".'),
    "an id of the step SpiffWorkflow adds after a step with a timer": (
        mini_bpmn({'exclusiveGateway id="Gateway_2"':
                   'exclusiveGateway id="Kegiatan_1.BoundaryEventSplit"'}),
        'id "Kegiatan_1.BoundaryEventSplit" dipakai mesin proses sendiri'),
    "a number prefix with a hyphen": (
        with_prefix("A-B"),
        'process "sop_uji" (baris 10): prefiks_nomor "A-B" harus 1–8 huruf A–Z atau angka 0–9'),
    "a number prefix with an accented letter": (
        with_prefix("ÄB"), 'prefiks_nomor "ÄB" harus 1–8 huruf A–Z atau angka 0–9, tanpa spasi, '
                           'tanda baca atau huruf beraksen'),
    "a number prefix of 12 letters": (
        with_prefix("ABCDEFGHIJKL"), 'prefiks_nomor "ABCDEFGHIJKL" harus 1–8 huruf A–Z'),
    # Code in conditions, scripts and timers
    "os.system in a condition": (
        condition(PWN), '"Flow_4" (baris 60): kondisi ditolak: ekspresi memuat pemanggilan'),
    "os.system in a CDATA condition": (
        condition(f"<![CDATA[{PWN}]]>"), '"Flow_4" (baris 60): kondisi ditolak'),
    "dunder escape in a condition": (
        condition("().__class__.__base__.__subclasses__()"), '"Flow_4" (baris 60): kondisi'),
    "overlong condition": (condition("x == 1 or " * 150 + "x == 2"), "terlalu panjang"),
    "os.system in a script task": (
        in_process(SCRIPT.format(PWN)),
        f'scriptTask "Skrip_1" (baris 56): script task tidak diizinkan: {NOT_REGISTERED}'),
    "os.system in a preScript": (
        mini_bpmn({PROPERTY_1: f"{PROPERTY_1}</spiffworkflow:properties><spiffworkflow:preScript>"
                               f"{PWN}</spiffworkflow:preScript><spiffworkflow:properties>"}),
        f"preScript tidak diizinkan: {NOT_REGISTERED}"),
    "os.system in a timer": (
        mini_bpmn({TIMER: f">{PWN}<"}), '"Waktu_Kegiatan_1" (baris 36): durasi timer ditolak'),
    "time standard of 9000 years": (
        mini_bpmn({TIMER: '>"P9000Y"<'}),
        f'boundaryEvent "Waktu_Kegiatan_1" (baris 36): durasi timer ditolak: \'P9000Y\' {LONGEST}'),
    "time standard of 99999999 hours": (
        mini_bpmn({TIMER: '>"PT99999999H"<'}),
        f'boundaryEvent "Waktu_Kegiatan_1" (baris 36): durasi timer ditolak: \'PT99999999H\' {LONGEST}'),
    "time standard of 99999999 days": (
        mini_bpmn({TIMER: '>"P99999999D"<'}),
        f'boundaryEvent "Waktu_Kegiatan_1" (baris 36): durasi timer ditolak: \'P99999999D\' {LONGEST}'),
    "unquoted timer": (mini_bpmn({TIMER: ">PT30M<"}), "tanda kutip"),
    "attribute the BPMN schema does not know": (
        mini_bpmn({TASK_1: '<bpmn:userTask id="Kegiatan_1" nama="x" name="Menyusun konsep">'}),
        ('userTask "Kegiatan_1" (baris 25): atribut \'nama\' tidak dikenal BPMN pada userTask '
         "(salah ketik?)")),
    "id starting with a digit": (  # named where it is, not on the flow that refers to it
        mini_bpmn({"Waktu_Kegiatan_1": "1Waktu"}),
        'boundaryEvent "1Waktu" (baris 36): id "1Waktu" tidak sah: id diawali huruf atau _'),
    "id of a diagram shape starting with a digit": (
        lambda: (BPMN_DIR / "backup_database_sipp.bpmn").read_bytes().replace(
            b'id="Lane_Prakom_di"', b'id="1_di"'),
        'BPMNShape "1_di" (baris 161): id "1_di" tidak sah'),
    "gateway flow without a condition": (
        mini_bpmn({'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
                   'keputusan_kasubbag == "setuju"</bpmn:conditionExpression>': ""}),
        ('sequenceFlow "Flow_4" (baris 60): alur keluar exclusiveGateway "Gateway_2" (baris '
         '55) tidak punya kondisi; bila gateway punya beberapa alur keluar, setiap alur harus '
         'punya kondisi (mis. keputusan == "setuju"). Hanya gateway yang menguji data proses '
         'boleh menjadikan satu alur tanpa kondisi sebagai default; gateway keputusan tepat '
         'setelah user task tidak.')),
    "timer path to a terminate end event": (
        mini_bpmn({'<bpmn:escalationEventDefinition id="EscDef_1" escalationRef='
                   '"Escalation_Waktu" />': '<bpmn:terminateEventDefinition id="Term_1" />'}),
        ('sequenceFlow "Flow_W1" (baris 66): alur keluar timer Waktu harus menuju end event '
         'eskalasi')),
    "timer path to the next step": (
        mini_bpmn({'sourceRef="Waktu_Kegiatan_1" targetRef="Eskalasi_Kegiatan_1"':
                   'sourceRef="Waktu_Kegiatan_1" targetRef="Kegiatan_2"'}),
        'bukan userTask "Kegiatan_2"'),
    "timer that does not parse": (mini_bpmn({TIMER: '>"PT30X"<'}), "durasi timer ditolak"),
    "timer of zero length": (
        mini_bpmn({TIMER: '>"PT0S"<'}),
        ('boundaryEvent "Waktu_Kegiatan_1" (baris 36): durasi timer ditolak: \'PT0S\' '
         "panjangnya nol")),
    "timer under one working minute": (
        mini_bpmn({TIMER: '>"PT0.000001S"<'}), "'PT0.000001S' kurang dari 1 menit"),
    "timer of 59.9 seconds": (mini_bpmn({TIMER: '>"PT0.998M"<'}), "kurang dari 1 menit"),
    "timeDate": (
        mini_bpmn({"timeDuration": "timeDate", '"PT30M"': '"2030-01-01T08:00:00+07:00"'}),
        "timeDate tidak didukung"),
    "timeCycle": (mini_bpmn({"timeDuration": "timeCycle", '"PT30M"': '"R/PT1M"'}),
                  "timeCycle tidak didukung"),
    "interrupting timer": (mini_bpmn({'cancelActivity="false" ': ""}), "non-interrupting"),
    "intermediate timer": (
        in_process('<bpmn:intermediateCatchEvent id="Tunggu_1"><bpmn:timerEventDefinition>'
                   '<bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>'
                   "</bpmn:intermediateCatchEvent>"),
        'intermediateCatchEvent "Tunggu_1" (baris 56): timer antara'),
    # Elements Alur does not run, or that hide from where Alur looks
    "service task": (in_process('<bpmn:serviceTask id="Layanan_1" />'), "service task tidak"),
    "multi-instance user task": (
        mini_bpmn({TASK_1: TASK_1 + "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>"
                           "3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"}),
        'multiInstanceLoopCharacteristics tidak didukung di dalam userTask "Kegiatan_1"'),
    "sequence flow disguised in an extension": (
        mini_bpmn({PROPERTY_1: PROPERTY_1 + '<x:sequenceFlow xmlns:x="urn:x" id="Pintas" '
                                            'sourceRef="Kegiatan_1" targetRef="EndEvent_1" />'}),
        'sequenceFlow "Pintas" (baris 28): unsur x:sequenceFlow tidak didukung'),
    # Attributes of other engines: Alur would ignore them silently
    "camunda:assignee on a user task": (
        camunda({TASK_1: '<bpmn:userTask id="Kegiatan_1" name="Menyusun konsep" '
                         'camunda:assignee="budi">'}),
        ('userTask "Kegiatan_1" (baris 25): camunda:assignee tidak didukung: gunakan lane '
         "untuk pelaksana.")),
    "camunda:expression on a user task": (
        camunda({TASK_1: '<bpmn:userTask id="Kegiatan_1" name="Menyusun konsep" '
                         'camunda:expression="${x}">'}),
        ('userTask "Kegiatan_1" (baris 25): camunda:expression tidak didukung: Alur hanya '
         "membaca atribut BPMN")),
    "camunda:asyncBefore on a sequence flow": (
        camunda({'<bpmn:sequenceFlow id="Flow_2"': '<bpmn:sequenceFlow id="Flow_2" '
                                                   'camunda:asyncBefore="true"'}),
        'sequenceFlow "Flow_2" (baris 58): camunda:asyncBefore tidak didukung'),
    "zeebe attribute declared on the element": (
        mini_bpmn({TASK_1: '<bpmn:userTask id="Kegiatan_1" name="Menyusun konsep" xmlns:z='
                           '"http://camunda.org/schema/zeebe/1.0" z:formKey="f">'}),
        'userTask "Kegiatan_1" (baris 25): z:formKey tidak didukung'),
    "property without value": (
        mini_bpmn({'name="keterangan" value=""': 'name="keterangan"'}),
        "harus punya name dan value"),
    "lane reference hidden in documentation": (
        mini_bpmn({START_LANE: START_LANE + "<bpmn:documentation><bpmn:flowNodeRef>Kegiatan_2"
                                            "</bpmn:flowNodeRef></bpmn:documentation>"}),
        "unsur bpmn:flowNodeRef tidak didukung di dalam documentation"),
    "two Kegiatan under one No (found by the revision probe)": (
        mini_bpmn({'name="no" value="2"': 'name="no" value=" 01"'}),
        'No "1" dipakai 2 Kegiatan: userTask "Kegiatan_1" (baris 25), userTask "Kegiatan_2" '
        '(baris 44); setiap Kegiatan satu baris bernomor sendiri di tabel SOP: beri nomor lain.'),
    "more than 2000 flow elements": (many_flows, "elemen alur; batasnya 2.000"),
    "two executable processes": (
        mini_bpmn({"</bpmn:process>": '</bpmn:process><bpmn:process id="kedua" />'}),
        "tepat satu bpmn:process yang dapat dijalankan; ditemukan 2"),
    "only a non-executable process": (
        mini_bpmn({'isExecutable="true"': 'isExecutable="false"'}), "ditemukan 0 (isExecutable"),
    "escalation that does not exist": (
        mini_bpmn({'escalationRef="Escalation_Waktu"': 'escalationRef="Tiada"'}),
        'endEvent "Eskalasi_Kegiatan_1" (baris 41): escalationRef "Tiada" tidak merujuk'),
    "lane of another process takes a step": (
        mini_bpmn({"</bpmn:process>": '</bpmn:process><bpmn:process id="lain" isExecutable='
                                      '"false"><bpmn:laneSet><bpmn:lane id="Lane_Lain" name='
                                      '"Ketua"><bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>'
                                      "</bpmn:lane></bpmn:laneSet></bpmn:process>"}),
        'flowNodeRef "Kegiatan_2" (baris 67) tidak merujuk elemen proses lane ini'),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_a_clear_message_nothing_stored_read_or_run(session, clock, tmp_path,
                                                                  case):
    data, expected = CASES[case]
    data = (data() if callable(data) else data).replace(b"{TMP}", str(tmp_path).encode())
    (tmp_path / "canary.txt").write_text(CANARY)
    message = refused(session, clock, data).message
    assert expected in message, message[:2000]
    assert CANARY not in message and "root:x:0:0" not in message
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("name", ["xxe_canary.bpmn", "billion_laughs.bpmn"])
def test_the_parser_itself_expands_no_entity(tmp_path, name):
    """Even past the DOCTYPE refusal, the hardened parser reads no file and expands nothing."""
    (tmp_path / "canary.txt").write_text(CANARY)
    data = hostile(name).replace(b"{TMP}", str(tmp_path).encode())
    try:
        text = etree.tostring(etree.fromstring(data, validation._PARSER), encoding=str)
    except etree.XMLSyntaxError as error:  # libxml2 stops the amplification itself
        text = str(error)
    assert CANARY not in text and "lollol" not in text


def test_external_references_are_never_fetched(session, clock, tmp_path):
    """bpmn:import and xsi:schemaLocation are refused, and neither the hardened parser nor
    SpiffWorkflow's parser with its schema validation fetches them (checked with a local
    HTTP server and a FIFO that notices being opened)."""
    requests: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_error(404)

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fifo, opened, done = tmp_path / "skema.xsd", threading.Event(), threading.Event()
    os.mkfifo(fifo)

    def watch() -> None:
        while not done.is_set():
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # fails until read
                opened.set()
            except OSError:
                time.sleep(0.005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    url = f"http://127.0.0.1:{server.server_port}"
    data = mini_bpmn({
        'id="Definitions_mini"': f'xsi:schemaLocation="{validation.BPMN_NS} {url}/bpmn.xsd '
                                 f'{validation.NS["spiffworkflow"]} file://{fifo}" '
                                 'id="Definitions_mini"',
        "<bpmn:escalation ": '<bpmn:import importType="http://www.w3.org/2001/XMLSchema" '
                             f'location="{url}/impor.xsd" namespace="http://alur.local/x" />'
                             "<bpmn:escalation "})
    try:
        with pytest.raises(InvalidProcess) as refused:
            deploy(session, clock, data)
        etree.fromstring(data, validation._PARSER)
        parse_spec(data, "sop_uji")
        time.sleep(0.1)
    finally:
        done.set()
        watcher.join()
        server.shutdown()
        server.server_close()
    assert "bpmn:import tidak diizinkan" in refused.value.message
    assert f"schemaLocation merujuk sumber luar ('{url}/bpmn.xsd')" in refused.value.message
    assert requests == [] and not opened.is_set()
