"""At upload, a condition is checked against the form fields that fill its data: text
against a number, a number against a text, a choice against a value it does not offer are
refused naming the flow and the field; a name no form declares is left to the data."""

import pytest

from engine.errors import InvalidProcess
from engine.process.deploy import compile_bpmn
from tests.conftest import mini_bpmn
from tests.engine.runtime.test_condition_kinds import DATA_GATEWAY


def _with_start_form(notation: str, condition: str = "jumlah &gt; 5") -> bytes:
    return mini_bpmn({
        **DATA_GATEWAY,
        '<bpmn:startEvent id="StartEvent_1" name="Mulai" />':
            '<bpmn:startEvent id="StartEvent_1" name="Mulai"><bpmn:extensionElements>'
            '<spiffworkflow:properties><spiffworkflow:property name="formulir" '
            f'value="{notation}" /></spiffworkflow:properties></bpmn:extensionElements>'
            '</bpmn:startEvent>'}).replace(b"jumlah &gt; 5", condition.encode())


@pytest.mark.parametrize("notation, condition, said", [
    ("jumlah: teks", "jumlah &gt; 5",
     'kondisi membandingkan kolom teks "Jumlah" (jumlah) dengan angka 5, yang tidak pernah '
     'cocok; jadikan kolomnya angka (jumlah: angka) atau tulis nilainya dalam tanda kutip ("5")'),
    ("jumlah: angka", 'jumlah == "5"',
     'kondisi membandingkan kolom angka "Jumlah" (jumlah) dengan teks "5", yang tidak pernah '
     "cocok; tulis angkanya tanpa tanda kutip"),
    ("jumlah: pilihan(sedikit, banyak)", 'jumlah == "Banyak"',
     'kondisi menguji kolom pilihan "Jumlah" (jumlah) dengan "Banyak", yang tidak ada di '
     "pilihannya (sedikit, banyak)"),
    ("jumlah: pilihan(sedikit, banyak)", "jumlah &gt; 2",  # regression probe: Galat
     'kondisi membandingkan kolom pilihan "Jumlah" (jumlah) dengan angka 2, yang tidak pernah '
     "cocok; bandingkan dengan salah satu pilihannya dalam tanda kutip (sedikit, banyak)"),
])
def test_a_condition_of_another_kind_than_its_field_is_refused(notation, condition, said):
    with pytest.raises(InvalidProcess) as refused:
        compile_bpmn(_with_start_form(notation, condition.replace('"', "&quot;")))
    [problem] = refused.value.problems
    assert problem.startswith('sequenceFlow "Flow_0a" (baris ') and problem.endswith(said + "."), problem


@pytest.mark.parametrize("notation, condition", [
    ("jumlah: angka", "jumlah &gt; 5"),
    ("jumlah: pilihan(sedikit, banyak)", "jumlah == &quot;banyak&quot;"),
    ("nama: teks", "jumlah &gt; 5"),  # not declared: the API may send it
])
def test_a_condition_that_fits_its_field_or_names_no_field_is_taken(notation, condition):
    assert compile_bpmn(_with_start_form(notation, condition))[0] == "sop_uji"


TIMER = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT30M"</bpmn:timeDuration>'
WAKTU = '<spiffworkflow:property name="waktu" value="30 menit" />'


@pytest.mark.parametrize("edit, element", [
    ({TIMER: '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H" if jumlah &gt; 5 '
             'else "PT3H"</bpmn:timeDuration>', WAKTU: ""},
     'boundaryEvent "Waktu_Kegiatan_1"'),
    ({WAKTU: WAKTU + '<spiffworkflow:property name="sepanjang_waktu" value="jumlah &gt; 5" />'},
     'userTask "Kegiatan_1"'),
])
def test_a_timer_or_sepanjang_waktu_of_another_kind_than_its_field_is_refused(edit, element):
    """BPMN probe: only gateways' conditions were checked; every case reaching these
    stopped in Galat, comparing the text "7" with 5."""
    data = _with_start_form("jumlah: teks", "jumlah == &quot;x&quot;")
    for old, new in edit.items():
        assert old.encode() in data
        data = data.replace(old.encode(), new.encode())
    with pytest.raises(InvalidProcess) as refused:
        compile_bpmn(data)
    [problem] = refused.value.problems
    what = "durasi timernya" if "boundary" in element else "properti sepanjang_waktu"
    assert problem.startswith(f"{element} (baris ") and problem.endswith(
        f'{what} membandingkan kolom teks "Jumlah" (jumlah) dengan angka 5, yang tidak pernah '
        'cocok; jadikan kolomnya angka (jumlah: angka) atau tulis nilainya dalam tanda kutip '
        '("5").'), problem
