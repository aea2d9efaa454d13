"""``alur deploy``: BPMN files into versions, each said as it became (new and active, the
same as before, or kept as the office left it by ``alur setup``)."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func

from engine.errors import InvalidProcess
from engine.models import ProcessDefinition
from engine.people.holders import unheld_lanes
from engine.process import versions
from engine.process.deploy import MAX_COMMENT, deploy, version_hash
from engine.sop.reading import TABLE_SUFFIXES
from web.cli.language import NamedArgument
from web.cli.origin import mark_command_origin
from web.extensions import clock, db

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


@click.command("deploy", help=(
    "Deploy SOP dari berkas BPMN. JALUR: berkas .bpmn atau folder (setiap *.bpmn di "
    "dalamnya), beserta berkas formulir (*.json) yang disebut BPMN-nya di folder yang sama; "
    "tanpa JALUR: folder bpmn/ bawaan."))
@click.argument("paths", nargs=-1, metavar="[JALUR]...", cls=NamedArgument,
                type=click.Path(exists=True, path_type=Path))
@click.option("--alasan", "comment", metavar="TEKS", default="",
              help=f"Alasan versi baru, tampil di riwayat versi (paling panjang {MAX_COMMENT} "
                   "karakter).")
@with_appcontext
def deploy_command(paths: tuple[Path, ...], comment: str) -> None:
    """Deploy BPMN files (or every *.bpmn in a folder) with the form files (*.json) they
    name beside them; default: the bundled bpmn/. ``comment``: the new versions' reason."""
    if len(comment) > MAX_COMMENT:
        raise click.UsageError(f"--alasan paling panjang {MAX_COMMENT} karakter, bukan "
                               f"{len(comment)}.")
    mark_command_origin()
    files = []
    for path in paths or (BPMN_DIR,):
        files += sorted(f for f in path.glob("*.bpmn") if f.is_file()) if path.is_dir() \
            else [path]
    if not files:
        click.echo(f"tidak ada berkas .bpmn di {', '.join(str(p) for p in paths)}; "
                   "tidak ada yang dideploy", err=True)
        raise SystemExit(1)
    if not deploy_files(files, comment=comment.strip()):
        raise SystemExit(1)


def deploy_files(files: list[Path], *, keep_deployed: bool = False, comment: str = "") -> bool:
    """Deploy each file, one commit each, saying what became of it; False when one was
    refused. ``keep_deployed`` (``alur setup``): an SOP already deployed is left as it is,
    so that an office's revision is never replaced by the bundled file. ``comment``: the
    reason recorded with each new version."""
    failed = False
    for file in files:
        try:
            if file.suffix.lower() in TABLE_SUFFIXES:
                raise InvalidProcess([(f"{file.name} tabel SOP, bukan BPMN: ubah dan deploy "
                                       f"dengan alur sop import {file}")])
            data = file.read_bytes()
            # A SpiffArena process folder: the form files the BPMN names (as a whole
            # attribute value) lie beside it; a file it does not name would be refused.
            forms = {form.name: form.read_bytes() for form in file.parent.glob("*.json")
                     if form.is_file() and any(f"{quote}{form.name}{quote}".encode() in data
                                               for quote in "\"'")}
            definition, created = deploy(db.session, clock(), data, filename=file.name,
                                         forms=forms, keep_deployed=keep_deployed,
                                         comment=comment)
        except InvalidProcess as refused:
            db.session.rollback()
            failed = True
            click.echo(f"DITOLAK {file.name}:", err=True)
            for problem in refused.problems:
                click.echo(f"  - {problem}", err=True)
            continue
        db.session.commit()
        unchanged = definition.file_hash == version_hash(data, tuple(sorted(forms.items())))
        if created or not keep_deployed or unchanged:
            state = "versi baru" if created else "tidak berubah"
            said = f"{file.name}: {definition.key} versi {definition.version} ({state})"
            if created and not keep_deployed:  # setup deploys before any account exists
                click.echo(said + _in_force(definition))
                _warn_twin(file.name, definition)
                _warn_unheld(file.name, definition)
            else:
                click.echo(said)
        else:
            click.echo(f"{file.name}: {definition.key} sudah ada (versi terakhir "
                       f"{definition.version}); setup tidak mengubahnya — versi bawaan "
                       f"dipasang dengan alur deploy {file}")
    return not failed


def _in_force(definition: ProcessDefinition) -> str:
    """That the new version is the one new instances start on, and how many running ones
    stay on older versions until moved (the admin page's Pindahkan)."""
    running = db.session.scalar(versions.older_instances(definition, func.count()))
    if not running:
        return " — aktif untuk proses baru"
    return (f" — aktif untuk proses baru; {running} proses berjalan tetap pada versi lama "
            "sampai dipindahkan (Kelola SOP → Pindahkan proses berjalan)")


def _warn_twin(name: str, definition: ProcessDefinition) -> None:
    """Say on stderr that the new version repeats an older one (as the admin page does)."""
    twin = versions.earlier_twin(db.session, definition)
    if twin is not None:
        click.echo(f"PERINGATAN {name}: isinya sama dengan versi {twin}; bila isi itu yang "
                   f"diinginkan, cukup aktifkan versi {twin}.", err=True)


def _warn_unheld(name: str, definition: ProcessDefinition) -> None:
    """Say on stderr which lanes of a deployed version nobody holds (``unheld_lanes``)."""
    lanes = unheld_lanes(db.session, definition.catalog, clock().now())
    if lanes:
        click.echo(f"PERINGATAN {name}: tidak seorang pun memegang peran {', '.join(lanes)} "
                   "sekarang; proses versi ini berhenti di langkah lane itu sampai peran itu "
                   "diberikan kepada seorang pengguna (alur user), atau Plt dicatat bila pemegangnya "
                   "yang nonaktif masih tercatat.", err=True)
