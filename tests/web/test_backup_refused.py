"""A backup whose files or manifest do not match is refused and changes nothing;
``--verify`` restores into a scratch database; ``--keep`` prunes (SQLite, in process)."""

import json
import re
import shutil
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from engine.models import HumanTask, User
from engine.process.attachments import attach
from engine.process.instances import start_instance
from web import create_app
from web.cli import archive, dumps
from web.extensions import db

KEY = "penanganan_gangguan_server"


def make_app(folder, clock=None):
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'alur.sqlite3'}",
              "ALUR_ATTACHMENTS_PATH": str(folder / "lampiran"), "TESTING": True,
              "ALUR_PASSWORD_METHOD": "pbkdf2:sha256:1000"}
    if clock is not None:
        config["ALUR_CLOCK"] = clock
    return create_app(config)


def source(tmp_path, clock, monkeypatch, attachments: dict[str, bytes]):
    """The app of an instance (``tmp_path / "sumber"``) with one Gangguan Server process
    carrying ``attachments`` ({file name: bytes})."""
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(tmp_path / "sumber"))
    app = make_app(tmp_path / "sumber", clock)
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    for command in (["deploy"], ["demo-users"]):
        assert runner.invoke(args=command).exit_code == 0
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        instance = start_instance(db.session, clock, process_key=KEY, title="Gangguan",
                                  user=prakom)
        task = db.session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance.id)).one()
        for name, data in attachments.items():
            attach(db.session, clock, tmp_path / "sumber" / "lampiran", task, prakom, name,
                   data)
        db.session.commit()
    return app


@pytest.fixture
def backup(tmp_path, clock, monkeypatch):
    """A backup of an instance with one attachment: ``(backup folder, root, app)``."""
    app = source(tmp_path, clock, monkeypatch, {"laporan.pdf": b"%PDF-1.4 laporan gangguan"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "cadangan")])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(" baris, 1 lampiran\n")
    [made] = (tmp_path / "cadangan").iterdir()
    yield made, tmp_path / "cadangan", app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def restore_into_empty(tmp_path, monkeypatch, folder):
    """Run ``alur restore folder`` for a new empty instance; its result and the target."""
    target = tmp_path / "tujuan"
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(target))
    app = make_app(target)
    result = app.test_cli_runner().invoke(args=["restore", str(folder)])
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result, target


def assert_nothing_restored(target, folder):
    """The ``target`` of a restore refused ``folder`` is as Alur made it: no tables, no
    attachments, its own secret key."""
    database = target / "alur.sqlite3"  # Alur creates it empty, 0600, before anything else
    assert not database.exists() or database.stat().st_size == 0
    # Alur makes its attachments folder empty at start, as the database: nothing restored.
    assert not any((target / "lampiran").iterdir())
    assert (target / "secret_key").read_text() != (folder / "secret_key").read_text()


def damaged_copy(made, tmp_path, damage):
    copy = tmp_path / "rusak"
    shutil.copytree(made, copy)
    damage(copy)
    return copy


def _flip_attachment(folder):
    [file] = (folder / "lampiran").iterdir()
    data = bytearray(file.read_bytes())
    data[-1] ^= 1
    file.write_bytes(bytes(data))


def _edit_manifest(change):
    def damage(folder):
        manifest = json.loads((folder / "manifest.json").read_text())
        change(manifest)
        (folder / "manifest.json").write_text(json.dumps(manifest))
    return damage


@pytest.mark.parametrize("damage, message", [
    (_flip_attachment, "SHA-256 tidak cocok"),
    (lambda folder: (folder / "manifest.json").write_text("{rusak"), "bukan JSON"),
    (lambda folder: (folder / "lampiran" / "selundupan").write_text("x"),
     "berkas lampiran/selundupan ada tetapi tidak tercatat"),
    (lambda folder: (folder / "secret_key").unlink(),
     "berkas secret_key tercatat di manifest.json tetapi tidak ada"),
    (_edit_manifest(lambda m: m["database"].update(dialect="postgresql")),
     "database.dialect dan database.file harus sqlite dengan database.sqlite3"),
    (_edit_manifest(lambda m: m["database"].update(file="secret_key")),
     "database.dialect dan database.file harus sqlite dengan database.sqlite3"),
    (_edit_manifest(lambda m: m.update(format=2)), "format tidak dikenal"),
    (_edit_manifest(lambda m: m.pop("versions")), "versions hilang atau salah bentuk"),
    (_edit_manifest(lambda m: m["versions"].update(migration="ffffffffffff")),
     "revisi migrasi ffffffffffff tidak dikenal"),
    (_edit_manifest(lambda m: m["versions"].update(migration="eef47bd2ea85")),
     "berbeda dari manifest (eef47bd2ea85)"),
    (_edit_manifest(lambda m: m["tables"].update(users=m["tables"]["users"] + 1)),
     "jumlah baris hasil pemulihan berbeda dari manifest: users"),
])
def test_a_mismatching_backup_is_refused_and_the_target_stays_empty(
        backup, tmp_path, monkeypatch, damage, message):
    made, _, _ = backup
    result, target = restore_into_empty(tmp_path, monkeypatch,
                                        damaged_copy(made, tmp_path, damage))
    assert result.exit_code == 1
    assert message in result.output
    assert_nothing_restored(target, made)


def test_verify_restores_into_a_scratch_database_and_compares_counts(
        backup, tmp_path, monkeypatch):
    made, root, app = backup
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "--verify", str(root)])
    assert result.exit_code == 0, result.output
    tables = json.loads((made / "manifest.json").read_text())["tables"]
    assert f"{len(tables)} tabel dan {sum(tables.values())} baris sama" in result.output
    tampered = damaged_copy(made, tmp_path, _edit_manifest(
        lambda m: m["tables"].update(attachments=2)))
    result = runner.invoke(args=["backup", "--verify", str(tampered)])
    assert result.exit_code == 1
    assert "berbeda dari manifest: attachments 2 ≠ 1" in result.output
    missing = runner.invoke(args=["backup", "--verify", str(tmp_path / "tidak-ada")])
    assert missing.exit_code == 2, "a folder that is not there is a usage error, as restore's"
    assert f"Folder '{tmp_path / 'tidak-ada'}' tidak ada." in missing.output


def _no_scratch_restore(*_):
    raise AssertionError("a backup of a newer Alur was restored into a scratch database")


@pytest.mark.parametrize(("statement", "revision"), [
    ("UPDATE alembic_version SET version_num = 'ffffffffffff'", "ffffffffffff"),
    ("DELETE FROM alembic_version", "(kosong)")])
def test_verify_and_restore_both_refuse_a_backup_of_a_newer_alur(
        tmp_path, monkeypatch, clock, statement, revision):
    """A database migrated by a newer Alur (a revision this code does not know): --verify
    passed it while restore refused it. One never migrated (no revision) is refused the
    same way, in words: alembic asserted on the empty revision, a traceback."""
    app = source(tmp_path, clock, monkeypatch, {})
    with app.app_context():
        db.session.execute(text(statement))
        db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "cadangan")]).exit_code == 0
    # Refused from its manifest, before any scratch restore (which on PostgreSQL needs
    # CREATEDB, and would have failed for that instead).
    monkeypatch.setattr(dumps, "scratch_database", _no_scratch_restore)
    checked = runner.invoke(args=["backup", "--verify", str(tmp_path / "cadangan")])
    assert checked.exit_code == 1, checked.output
    assert checked.output.startswith("GAGAL: ")
    assert f"revisi migrasi {revision} tidak dikenal" in checked.output
    [folder] = (tmp_path / "cadangan").iterdir()
    result, target = restore_into_empty(tmp_path, monkeypatch, folder)
    assert result.exit_code == 1 and result.output.startswith("GAGAL: ")
    assert f"revisi migrasi {revision} tidak dikenal" in result.output
    assert_nothing_restored(target, folder)


def test_a_database_whose_revision_is_not_the_manifests_is_refused(backup, tmp_path):
    """The manifest is not hashed: a revision edited in it does not pass for the
    database's, even a revision this code knows (here the first one)."""
    made, _, app = backup
    head = json.loads((made / "manifest.json").read_text())["versions"]["migration"]
    tampered = damaged_copy(made, tmp_path, _edit_manifest(
        lambda m: m["versions"].update(migration="eef47bd2ea85")))
    result = app.test_cli_runner().invoke(args=["backup", "--verify", str(tampered)])
    assert result.exit_code == 1
    assert (f"revisi migrasi hasil pemulihan uji {head} berbeda dari manifest "
            "(eef47bd2ea85)") in result.output


def test_verify_refuses_a_backup_of_another_database_kind_in_words(backup):
    made, _, _ = backup
    with pytest.raises(archive.BackupRefused, match="cadangan ini dari sqlite; pemeriksaan "
                       "memakai basis data postgresql"):
        archive.verify(made, "postgresql+psycopg://postgres@127.0.0.1:1/tidak_ada",
                       migratable=lambda revision: None)


def test_keep_prunes_to_the_newest_backups(backup, clock):
    made, root, app = backup
    runner = app.test_cli_runner()
    for _ in range(2):
        clock.advance(timedelta(minutes=1))
        result = runner.invoke(args=["backup", str(root), "--keep", "2"])
        assert result.exit_code == 0, result.output
    names = sorted(path.name for path in root.iterdir())
    assert len(names) == 2 and made.name not in names
    assert "dihapus (lebih dari 2 cadangan)" in result.output


def test_a_backup_of_a_mistyped_database_path_fails_and_keeps_the_good_ones(
        backup, tmp_path, monkeypatch, clock):
    """A typing error in ALUR_DATABASE_URL made an empty backup, exit 0, then --keep 1
    removed every good one."""
    made, root, _ = backup
    mistyped = tmp_path / "salah-ketik.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{mistyped}", "TESTING": True,
                      "ALUR_ATTACHMENTS_PATH": str(tmp_path / "sumber" / "lampiran"),
                      "ALUR_CLOCK": clock})
    clock.advance(timedelta(minutes=1))
    result = app.test_cli_runner().invoke(args=["backup", str(root), "--keep", "1"])
    assert result.exit_code == 1, result.output
    assert result.output == (f"GAGAL: cadangan tidak dibuat: basis data sqlite:///{mistyped} "
                             "belum berisi tabel Alur; periksa ALUR_DATABASE_URL, atau "
                             "jalankan alur setup\n")
    assert [path.name for path in root.iterdir()] == [made.name]


def test_verify_with_keep_is_a_usage_error(backup):
    made, root, app = backup
    result = app.test_cli_runner().invoke(args=["backup", "--verify", "--keep", "1", str(root)])
    assert result.exit_code == 2 and "--keep tidak dipakai bersama --verify" in result.output
    assert [path.name for path in root.iterdir()] == [made.name]


def test_a_backup_keeps_its_files_private(backup):
    made, _, _ = backup
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in made.rglob("*")}
    assert set(modes.values()) <= {0o600, 0o700}, modes


def test_a_backup_that_missed_an_attachment_does_not_pass_and_restores_with_a_warning(
        tmp_path, monkeypatch, clock):
    """The backup says an attachment was missing (exit 1); --verify and restore say it
    again instead of passing in silence."""
    app = source(tmp_path, clock, monkeypatch,
                 {name: b"%PDF-1.4 " + name.encode() for name in ("a.pdf", "b.pdf")})
    runner = app.test_cli_runner()
    next((tmp_path / "sumber" / "lampiran").iterdir()).unlink()
    made = runner.invoke(args=["backup", str(tmp_path / "cadangan")])
    assert made.exit_code == 1 and "PERINGATAN: lampiran" in made.output
    assert "baris, 1 dari 2 lampiran\n" in made.output  # the files it holds, not the rows
    checked = runner.invoke(args=["backup", "--verify", str(tmp_path / "cadangan")])
    assert checked.exit_code == 1, checked.output
    assert "tidak lengkap" in checked.output and "berkas tidak ada" in checked.output
    [folder] = (tmp_path / "cadangan").iterdir()
    result, target = restore_into_empty(tmp_path, monkeypatch, folder)
    assert result.exit_code == 1, result.output
    assert "PERINGATAN: cadangan ini tidak lengkap" in result.output
    assert "baris, 1 dari 2 lampiran, kunci rahasia" in result.output
    assert "berkas tidak ada" in result.output
    assert len(list((target / "lampiran").iterdir())) == 1


def test_a_restore_leaves_its_files_private(backup, tmp_path, monkeypatch):
    made, _, _ = backup
    result, target = restore_into_empty(tmp_path, monkeypatch, made)
    assert result.exit_code == 0, result.output
    modes = {path.name: stat.S_IMODE(path.stat().st_mode)
             for path in (target / "alur.sqlite3", target / "lampiran",
                          *(target / "lampiran").iterdir())}
    assert set(modes.values()) <= {0o600, 0o700}, modes



def test_keep_and_verify_go_by_the_manifests_time_not_the_folder_name(backup, clock):
    """Backups taken within one second are named …Z, …Z-2, …Z-3, … and a name freed by
    ``--keep`` is taken again, so names do not follow the order of making (nor do "-10"
    and "-9"): by name ``--keep`` removed the backup it had just made and ``--verify``
    checked an older one as the newest."""
    _, root, app = backup
    runner = app.test_cli_runner()
    made = []
    for _ in range(9):
        clock.advance(timedelta(milliseconds=1))
        result = runner.invoke(args=["backup", str(root), "--keep", "3"])
        assert result.exit_code == 0, result.output
        made.append(Path(re.match(r"cadangan (\S+): ", result.output).group(1)))
    assert set(root.iterdir()) == set(made[-3:])
    result = runner.invoke(args=["backup", "--verify", str(root)])
    assert result.exit_code == 0, result.output
    assert f"cadangan {made[-1]} lolos" in result.output


def test_keep_never_removes_the_backup_it_has_just_made(backup, clock):
    """A clock set back (a wrong hardware clock, a restored VM) makes the new backup the
    oldest by name and by time; it is still the one kept."""
    made, root, app = backup
    clock.set(clock.now() - timedelta(days=1))
    result = app.test_cli_runner().invoke(args=["backup", str(root), "--keep", "1"])
    assert result.exit_code == 0, result.output
    [kept] = root.iterdir()
    assert kept != made and f"cadangan {kept}:" in result.output
    assert f"dihapus (lebih dari 1 cadangan): {made}" in result.output
