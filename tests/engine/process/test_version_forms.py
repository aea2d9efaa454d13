"""The version page's differences name form and decision changes too (found by the SOP
authoring probe: a new required start field, which every start must then give, went
unmentioned until the first start after activation was refused)."""

from engine.process.deploy import deploy
from engine.process.version_forms import FormChange
from engine.process.versions import diff_versions
from tests.conftest import mini_bpmn

START = '<bpmn:startEvent id="StartEvent_1" name="Mulai" />'
STEP_ONE_WAKTU = '<spiffworkflow:property name="waktu" value="30 menit" />'


def _with_forms(start: str, step: str) -> bytes:
    return mini_bpmn({
        START: '<bpmn:startEvent id="StartEvent_1" name="Mulai"><bpmn:extensionElements>'
               '<spiffworkflow:properties><spiffworkflow:property name="formulir" '
               f'value="{start}"/></spiffworkflow:properties></bpmn:extensionElements>'
               "</bpmn:startEvent>",
        STEP_ONE_WAKTU: STEP_ONE_WAKTU + f'<spiffworkflow:property name="formulir" '
                                         f'value="{step}" />',
        '"Kembalikan untuk revisi"': '"Kembalikan untuk diperbaiki"'})


def test_form_and_decision_changes_are_listed(session, clock):
    v1, _ = deploy(session, clock, mini_bpmn({
        START: '<bpmn:startEvent id="StartEvent_1" name="Mulai"><bpmn:extensionElements>'
               '<spiffworkflow:properties><spiffworkflow:property name="formulir" '
               'value="tahun: angka"/></spiffworkflow:properties></bpmn:extensionElements>'
               "</bpmn:startEvent>"}))
    v2, _ = deploy(session, clock, _with_forms(
        "tahun: angka wajib; unit &quot;Unit pengusul&quot;: teks", "nomor: teks"),
        activate=False)
    diff = diff_versions(v1, v2)
    assert diff.forms == [FormChange(None, ["Unit pengusul"], [], ["Tahun"]),
                          FormChange("Menyusun konsep", ["Nomor"], [], [])]
    assert diff.decisions == [("Memeriksa konsep", ["Setuju", "Kembalikan untuk revisi"],
                               ["Setuju", "Kembalikan untuk diperbaiki"])]
    assert not diff.empty and diff_versions(v2, v2).empty
