"""Step numbers as printed SOPs write them: "1." in No, "7." or "Langkah 7" in Jika Ya/Jika
Tidak read as the step they number (SOP table probe: refused as "nomor langkah harus
berurutan" or "bukan langkah yang ada")."""

import pytest

from engine.errors import InvalidProcess
from engine.sop.table import table_to_bpmn
from tests.engine.sop.test_sop_table import TITLE_ROW, set_cell, table_rows


def test_numbers_written_with_a_dot_or_langkah_read_as_the_step():
    written = table_rows()
    for row in range(TITLE_ROW + 1, TITLE_ROW + 6):
        written = set_cell(written, row, "No", written[row - 1][0] + ".")
    written = set_cell(set_cell(written, 18, "Jika Ya", "Langkah 3."), 18, "Jika Tidak", "1.")
    assert table_to_bpmn(written) == table_to_bpmn(table_rows())


@pytest.mark.parametrize("target", ["1.5", "Langkah", "3a", "No. 9"])
def test_other_targets_are_still_refused(target):
    with pytest.raises(InvalidProcess) as refused:
        table_to_bpmn(set_cell(table_rows(), 18, "Jika Tidak", target))
    assert "bukan langkah yang ada" in refused.value.problems[0]
