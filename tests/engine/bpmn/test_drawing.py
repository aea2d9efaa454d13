"""A file that draws its process must draw every step, each inside the lane listing it
(README "Konvensi BPMN"): the SOP probe's undrawn step left a running case unmarked on the
diagram and missing from the phone's list, and a step listed in Kasubbag's lane but drawn
in Prakom's showed the wrong Pelaksana. Refused naming the step; nothing stored."""

from engine.process.deploy import deploy
from tests.conftest import BPMN_DIR, mini_bpmn
from tests.engine.bpmn.edits import refused

SERVER = (BPMN_DIR / "pemeliharaan_server.bpmn").read_text()
SHAPE = ('      <bpmndi:BPMNShape id="Kegiatan_1_di" bpmnElement="Kegiatan_1">\n'
         '        <dc:Bounds x="400" y="415" width="100" height="80"/>\n'
         "      </bpmndi:BPMNShape>\n")
LISTED = "        <bpmn:flowNodeRef>Kegiatan_1</bpmn:flowNodeRef>\n"
KASUBBAG = '      <bpmn:lane id="Lane_Kasubbag" name="Kasubbag">\n'


def _edited(*replacements: tuple[str, str]) -> bytes:
    text = SERVER
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode()


def test_a_step_left_out_of_the_drawing_is_refused_by_its_name(session, clock):
    message = refused(session, clock, _edited((SHAPE, ""))).message
    assert ('userTask "Kegiatan_1" (baris 60) "Menginventarisir kebutuhan server": langkah '
            "ini tidak digambar di diagram (tidak ada BPMNShape-nya), sehingga halaman proses "
            "tidak dapat menunjukkannya; gambar langkah ini di modeller BPMN lalu unggah "
            "lagi.") in message


def test_a_step_drawn_outside_the_lane_that_performs_it_is_refused(session, clock):
    message = refused(session, clock, _edited((LISTED, ""), (KASUBBAG, KASUBBAG + LISTED))
                      ).message
    assert ('userTask "Kegiatan_1" (baris 60) "Menginventarisir kebutuhan server": terdaftar '
            'di lane "Kasubbag" (flowNodeRef) tetapi digambar di luar lane itu; pindahkan '
            'gambarnya ke lane "Kasubbag" agar diagram menunjukkan Pelaksana yang '
            "mengerjakannya.") in message


def test_a_file_without_a_drawing_and_the_bundled_sops_are_accepted(session, clock):
    deploy(session, clock, mini_bpmn(), filename="mini.bpmn")
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        deploy(session, clock, path.read_bytes(), filename=path.name)
