"""``alur sop import``: an SOP table becomes a deployed version or a BPMN file; a file that
is no table, or a call that would produce nothing, is refused in words and stores nothing."""


from engine.models import ProcessDefinition
from tests.conftest import DATA
from tests.helpers.rows import app_count

TABLE = DATA / "sop_table_uji.csv"


def test_a_table_is_deployed_or_written_out(app, tmp_path):
    before = app_count(app, ProcessDefinition)
    runner = app.test_cli_runner()
    out = tmp_path / "sop.bpmn"
    written = runner.invoke(args=["sop", "import", str(TABLE), "--out", str(out),
                                  "--no-deploy"])
    assert written.exit_code == 0, written.output
    assert b"<bpmn:definitions" in out.read_bytes() and app_count(app, ProcessDefinition) == before
    deployed = runner.invoke(args=["sop", "import", str(TABLE)])
    assert deployed.exit_code == 0, deployed.output
    assert "versi 1 (versi baru)" in deployed.output and app_count(app, ProcessDefinition) == before + 1


def test_a_pdf_or_a_call_that_makes_nothing_is_refused(app, tmp_path):
    before = app_count(app, ProcessDefinition)
    runner = app.test_cli_runner()
    pdf = tmp_path / "SOP ditandatangani.pdf"
    pdf.write_bytes(b"%PDF-1.7\n...")
    refused = runner.invoke(args=["sop", "import", str(pdf)])
    assert refused.exit_code == 1
    assert "bukan tabel SOP (tampaknya PDF)" in refused.output
    nothing = runner.invoke(args=["sop", "import", str(TABLE), "--no-deploy"])
    assert nothing.exit_code == 2 and "--no-deploy tanpa --out" in nothing.output
    assert app_count(app, ProcessDefinition) == before
