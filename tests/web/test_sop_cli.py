"""``alur sop import``: an SOP table becomes a deployed version or a BPMN file; a file that
is no table, or a call that would produce nothing, is refused in words and stores nothing."""

import io

from sqlalchemy import func, select

from engine.models import ProcessDefinition, User
from engine.process.deploy import active_definition, deploy
from engine.process.instances import start_instance
from tests.conftest import DATA, mini_bpmn
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, unmigrated_app
from web.cli.commands import BPMN_DIR
from web.extensions import clock, db

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


def test_setup_again_never_replaces_an_offices_revision_of_a_bundled_sop(database, tmp_path):
    """docs/deploy.md: an office's revised SOP is not replaced by the bundled file; alur
    setup run again (e.g. with --admin) leaves every deployed SOP as it is."""
    app = unmigrated_app(database, tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["setup", "--demo"], env={"ALUR_DEMO_PASSWORD": "uji-sandi"})
    assert first.exit_code == 0, first.output
    assert "surat_masuk_keluar.bpmn: surat_masuk_keluar versi 1 (versi baru)" in first.output
    bundled = BPMN_DIR / "surat_masuk_keluar.bpmn"
    with app.app_context():
        revised, created = deploy(db.session, clock(), bundled.read_bytes().replace(
            b'name="Mengarsip', b'name="Mengarsip (revisi kantor)', 1),
            filename=bundled.name, comment="revisi kantor")
        db.session.commit()
        assert (created, revised.is_active, revised.version) == (True, True, 2)
        versions = db.session.scalar(select(func.count(ProcessDefinition.id)))
    again = runner.invoke(args=["setup", "--demo"], env={"ALUR_DEMO_PASSWORD": "uji-sandi"})
    assert again.exit_code == 0, again.output
    assert ("surat_masuk_keluar.bpmn: surat_masuk_keluar sudah ada (versi terakhir 2); setup "
            f"tidak mengubahnya — versi bawaan dipasang dengan alur deploy {bundled}"
            ) in again.output
    # An SOP the office kept as shipped is simply unchanged, with no advice to install it.
    assert "penyusunan_rkt.bpmn: penyusunan_rkt versi 1 (tidak berubah)" in again.output
    assert again.output.count("setup tidak mengubahnya") == 1
    with app.app_context():
        active = active_definition(db.session, "surat_masuk_keluar")
        assert (active.version, active.comment) == (2, "revisi kantor")
        assert db.session.scalar(select(func.count(ProcessDefinition.id))) == versions
    explicit = runner.invoke(args=["deploy", str(bundled)])
    assert "surat_masuk_keluar versi 3 (versi baru)" in explicit.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_alur_deploy_says_the_new_version_is_in_force_and_records_its_reason(app, tmp_path):
    """Found by the SOP lifecycle probe: "(versi baru)" said neither that new processes now
    start on it nor that running ones stay behind, and a version deployed from the command
    line had no reason."""
    runner = app.test_cli_runner()
    path = tmp_path / "uji.bpmn"
    path.write_bytes(mini_bpmn())
    first = runner.invoke(args=["deploy", str(path)])
    assert "uji.bpmn: sop_uji versi 1 (versi baru) — aktif untuk proses baru\n" in first.output
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        start_instance(db.session, clock(), process_key="sop_uji", title="Konsep", user=prakom)
        db.session.commit()
    path.write_bytes(mini_bpmn({'name="Memeriksa konsep"': 'name="Memeriksa ulang"'}))
    second = runner.invoke(args=["deploy", str(path), "--alasan", " Revisi SK 2027 "])
    assert second.exit_code == 0, second.output
    assert ("uji.bpmn: sop_uji versi 2 (versi baru) — aktif untuk proses baru; 1 proses berjalan "
            "tetap pada versi lama sampai dipindahkan (Kelola SOP → Pindahkan proses "
            "berjalan)\n") in second.output
    with app.app_context():
        assert active_definition(db.session, "sop_uji").comment == "Revisi SK 2027"
    too_long = runner.invoke(args=["deploy", str(path), "--alasan", "x" * 2001])
    assert too_long.exit_code == 2 and "--alasan paling panjang 2000 karakter" in too_long.output


def test_a_version_repeating_an_older_one_is_said_by_alur_deploy_and_the_api(app, client,
                                                                              tmp_path):
    """As the admin page says it (found by the regression probe: the command line and the
    API made the new version without a word)."""
    runner = app.test_cli_runner()
    path = tmp_path / "uji.bpmn"
    for replace in ({}, {'name="Memeriksa konsep"': 'name="Memeriksa ulang"'}, {}):
        path.write_bytes(mini_bpmn(replace))
        deployed = runner.invoke(args=["deploy", str(path)])
        assert deployed.exit_code == 0, deployed.output
    assert deployed.stderr == ("PERINGATAN uji.bpmn: isinya sama dengan versi 1; bila isi itu "
                               "yang diinginkan, cukup aktifkan versi 1.\n")
    uploaded = client.post("/api/v1/processes", headers=api_token(client, "admin"),
                           content_type="multipart/form-data", data={"file": (
                               io.BytesIO(mini_bpmn({'name="Memeriksa konsep"':
                                                     'name="Memeriksa ulang"'})), "uji.bpmn")})
    assert (uploaded.status_code, uploaded.json["version"], uploaded.json["same_as_version"]) \
        == (201, 4, 2)


def test_each_file_of_one_deploy_stands_alone_and_one_refused_fails_the_command(app, tmp_path):
    """The operations probe: a script reading only the exit code took "1" for "nothing
    deployed"; the README now says each file stands alone, which this holds."""
    good, bad = tmp_path / "uji.bpmn", tmp_path / "rusak.bpmn"
    good.write_bytes(mini_bpmn())
    bad.write_text("<bukan bpmn", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["deploy", str(good), str(bad)])
    assert result.exit_code == 1
    assert "uji.bpmn: sop_uji versi 1 (versi baru) — aktif untuk proses baru\n" in result.output
    assert "rusak.bpmn" in result.output
    with app.app_context():
        assert active_definition(db.session, "sop_uji").version == 1
