"""A decision row's Pertanyaan is the question its performer answers Ya or Tidak: the
gateway's name and the decision's label, where the Kegiatan cut at 40 characters
("Mengarsip surat masuk sesuai dengan…?") asked nothing an official could answer."""

import csv
import io

import pytest

from engine.bpmn.catalog import build_catalog
from engine.errors import InvalidProcess
from engine.sop.table import import_table
from engine.sop.template import table_template
from tests.engine.sop.test_sop_table import TITLE_ROW, process_of, table_rows


def _with_questions(questions: dict[int, str]) -> bytes:
    """The test table with a Pertanyaan column, ``{spreadsheet row: question}``."""
    rows = table_rows()
    rows[TITLE_ROW - 1].append("Pertanyaan")
    for row in rows[TITLE_ROW:]:
        if any(row):
            row.extend([""] * (len(rows[TITLE_ROW - 1]) - len(row)))
    for number, question in questions.items():
        rows[number - 1][-1] = question
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def test_a_decisions_question_names_its_gateway_and_labels_its_choice():
    process = process_of(import_table(_with_questions({18: "  Rencana  disetujui? "}),
                                      "t.csv"))
    assert [gateway.get("name") for gateway in process.iter("{*}exclusiveGateway")] == [
        "Rencana disetujui?", "Menilai apakah perlu tindak lanjut?"], \
        "a row without one asks its Kegiatan"
    decision = [field for field in build_catalog(process)["tasks"]["Kegiatan_2"]["fields"]
                if field["type"] == "choice"]
    assert [(field["label"], [c["label"] for c in field["choices"]]) for field in decision] \
        == [("Rencana disetujui?", ["Ya", "Tidak"])]


def test_a_question_on_a_process_row_is_refused_naming_its_row():
    with pytest.raises(InvalidProcess) as refused:
        import_table(_with_questions({17: "Sudah?"}), "t.csv")
    assert refused.value.problems == [
        "Baris 17, kolom Pertanyaan: hanya langkah keputusan (tanda ?) yang punya pertanyaan."]


def test_the_template_shows_a_question_and_imports_as_it_is():
    template = table_template()
    assert ",Jika Ya,Jika Tidak,Pertanyaan,Sepanjang Waktu," in template
    gateways = process_of(import_table(template.encode(), "templat.csv")).iter(
        "{*}exclusiveGateway")
    assert [gateway.get("name") for gateway in gateways] == ["Permintaan disetujui?"]
