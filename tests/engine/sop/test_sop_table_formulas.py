"""A workbook's formula cell without a saved value is refused by name: a workbook written by
a program (openpyxl, pandas) saves no value, openpyxl read the cell as empty, and the step
lost its Waktu and its timer unseen (SOP table probe). Excel's saved value is read, and a
date cell as the SOP document writes a date."""

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from engine.errors import InvalidProcess
from engine.sop.reading import read_table
from engine.sop.table import import_table
from tests.engine.sop.test_sop_table import TITLE_ROW, table_rows

WAKTU = f"F{TITLE_ROW + 2}"  # step 2's Waktu, "30 Menit"
SHEET = "xl/worksheets/sheet1.xml"


def _workbook(formulas: dict[str, str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in table_rows():
        sheet.append([cell or None for cell in row])
    for ref, formula in formulas.items():
        sheet[ref] = formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _with_sheet(data: bytes, change) -> bytes:
    """``data`` with its sheet's XML passed through ``change`` (as Excel would save it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, change(content) if item.filename == SHEET else content)
    return out.getvalue()


def test_a_formula_without_a_saved_value_is_refused_naming_its_cell():
    with pytest.raises(InvalidProcess) as refused:
        import_table(_workbook({WAKTU: '="3 jam"', f"G{TITLE_ROW + 1}": "=B17"}), "sop.xlsx")
    assert refused.value.problems == [  # every cell named once, the advice once
        f"sop.xlsx: sel G{TITLE_ROW + 1}, {WAKTU} berisi rumus tanpa nilai tersimpan (buku "
        "kerja dibuat oleh program, bukan disimpan di Excel atau LibreOffice); Alur membaca "
        "nilai tersimpan sebuah rumus, tidak menghitungnya. Buka lalu simpan ulang di Excel "
        "atau LibreOffice, atau tulis nilainya tanpa rumus."]


def test_a_formula_saved_with_its_value_is_read_as_that_value():
    saved = _with_sheet(_workbook({WAKTU: '="3 jam"', "L1": '=""'}), lambda xml: re.sub(
        rb'<c r="(F18|L1)"><f>("3 jam"|"")</f><v></v></c>',
        lambda m: (b'<c r="F18" t="str"><f>"3 jam"</f><v>3 jam</v></c>' if m.group(1) == b"F18"
                   else b'<c r="L1" t="str"><f>""</f><v></v></c>'), xml))
    assert read_table(saved, "sop.xlsx")[TITLE_ROW + 1][5] == "3 jam"


def test_a_date_cell_reads_as_the_sop_document_writes_a_date():
    """SOP table probe: a Tanggal Efektif typed into Excel printed as 2027-01-02."""
    workbook = Workbook()
    sheet = workbook.active
    for row in table_rows():
        sheet.append([cell or None for cell in row])
    sheet["B1"], sheet["C1"] = date(2027, 1, 2), datetime(2027, 1, 2, 8, 30)
    out = io.BytesIO()
    workbook.save(out)
    assert read_table(out.getvalue(), "sop.xlsx")[0][1:3] == ["2 Januari 2027",
                                                              "2027-01-02T08:30:00"]
