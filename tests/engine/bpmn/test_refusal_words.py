"""How an upload's refusal is said: the element and line it names, a file cut short
called so wherever it was cut, and what libxml2, the schema and SpiffWorkflow's parser
refuse in Indonesian, not in their English."""

import pytest
from lxml import etree

from engine.bpmn import validation
from engine.bpmn.schema_words import schema_refusal
from engine.bpmn.xml import where
from engine.errors import InvalidProcess
from engine.process.deploy import deploy
from tests.conftest import BPMN_DIR, mini_bpmn


def test_a_schema_refusal_of_an_elements_text_names_the_element_not_an_empty_attribute():
    root = etree.fromstring(b"<a>\n<incoming>1 x</incoming></a>")
    message = ("Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}incoming': '1 x' is not "
               "a valid value of the atomic type 'xs:QName'.")
    assert schema_refusal(message, 2, root) == (
        "incoming (baris 2): nilai '1 x' pada isi incoming tidak sah")


def test_an_element_without_an_id_is_named_by_its_name_or_its_line_alone():
    root = etree.fromstring(b'<a id="A">\n<property name="waktu"/>\n<import/></a>')
    assert [where(element) for element in root.iter()] == [
        'a "A" (baris 1)', 'property "waktu" (baris 2)', "import (baris 3)"]


def test_a_file_cut_short_anywhere_is_called_cut_short():
    """Cut inside an attribute's name, a value, a tag, a comment or between elements:
    libxml2 names each differently, the administrator needs one answer."""
    whole = (BPMN_DIR / "sinkronisasi_sipp.bpmn").read_bytes()
    for end in range(2_900, 3_100):
        with pytest.raises(InvalidProcess) as refused:
            validation.read_xml(whole[:end])
        assert "berkas terpotong" in refused.value.problems[0], whole[end - 30:end]


@pytest.mark.parametrize("replace, message", [
    # A step with two outgoing flows (an implicit split, as Camunda Modeler draws it).
    ({'<bpmn:sequenceFlow id="Flow_W1"': '<bpmn:sequenceFlow id="Flow_X" sourceRef="Kegiatan_1" '
                                          'targetRef="EndEvent_1" /><bpmn:sequenceFlow '
                                          'id="Flow_W1"'},
     'userTask "Kegiatan_1" (baris 25): punya lebih dari satu alur keluar; langkah dan event '
     "hanya boleh punya satu — bercabanglah dengan gateway (parallelGateway untuk semua "
     "cabang, exclusiveGateway untuk salah satu)"),
    ({'<bpmn:escalation id="Escalation_Waktu" name="Melewati Waktu"':
      '<bpmn:escalation name="Tanpa id" /><bpmn:escalation id="Escalation_Waktu" '
      'name="Melewati Waktu"'},
     "BPMN: elemen escalation tanpa atribut id; beri setiap elemen escalation id yang unik"),
    ({'<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" />':
      '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?">teks liar</bpmn:exclusiveGateway>'},
     'exclusiveGateway "Gateway_2" (baris 55): exclusiveGateway memuat teks di luar elemen; di '
     "dalam exclusiveGateway hanya elemen yang boleh ada"),
    ({'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">':
      '<bpmn:timeDuration xsi:type="tFormalExpression">'},
     "timeDuration (baris 38): xsi:type 'tFormalExpression' pada timeDuration bukan jenis BPMN "
     "yang dikenal (tulis dengan awalan namespace-nya, mis. bpmn:tFormalExpression)"),
])
def test_what_the_engine_parser_and_the_schema_refuse_is_said_in_indonesian(
        session, clock, replace, message):
    """These came back in English, the first two with an empty line ("baris )")."""
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, mini_bpmn(replace))
    assert refused.value.problems == [message]


def test_a_less_than_sign_inside_an_attribute_is_named_not_called_cut_short():
    with pytest.raises(InvalidProcess) as refused:
        validation.read_xml(mini_bpmn({'name="Ada revisi?"': 'name="Nilai < 5"'}))
    assert refused.value.problems == [
        "Berkas bukan XML yang sah (baris 55, kolom 55): tanda < tidak boleh berada di dalam "
        'nilai atribut; tulis &lt; (mis. "Nilai &lt; 5").']
