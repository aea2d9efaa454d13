"""``alur --help`` and every command's ``--help`` speak Indonesian to the office's
administrators: summaries, option help, ``[OPSI]`` and Indonesian argument names, no
Flask developer options (README, "Perintah alur"); ``LANGUAGE=en`` gives click's English
words back."""

import gettext
import re

import pytest
from click.testing import CliRunner

from tests.helpers.cli import run_alur
from web.cli.commands import alur_group
from web.cli.language import speak_indonesian

# Words that only English help would have; \b keeps ALUR_DEMO_PASSWORD and "API-nya" out.
ENGLISH = re.compile(r"\b(the|and|of|to|with|from|this|is|for|if|only|in|or|an|be|by|its|"
                     r"when|not|Usage|Options|Commands|OPTIONS|COMMAND|ARGS|TEXT|INTEGER|"
                     r"FILE|PATHS?|TABLE|USERNAME|NAME|IMPORT|required|default)\b")
# Flask-Migrate's own commands under ``alur db`` keep their English (README: Flask-Migrate).
FOREIGN = {("db",)}


@pytest.fixture
def alur(monkeypatch, tmp_path):
    """The ``alur`` group as its entry point builds it, click speaking Indonesian."""
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(tmp_path / "instans"))
    monkeypatch.setenv("ALUR_DATABASE_URL",
                       f"sqlite:///{tmp_path / 'instans' / 'alur.sqlite3'}")
    monkeypatch.delenv("ALUR_DEMO", raising=False)
    monkeypatch.setenv("LANGUAGE", "id")
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # Flask sets it; restored afterwards
    domain = gettext.textdomain()
    speak_indonesian()
    yield alur_group()
    gettext.textdomain(domain)


def _help(alur, path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(alur, [*path, "--help"], prog_name="alur")
    assert result.exit_code == 0, (path, result.output)
    return result.output


def _listed(output: str) -> list[str]:
    """The command names under "Perintah:" in a group's help."""
    _, _, commands = output.partition("\nPerintah:\n")
    return [line.split()[0] for line in commands.splitlines() if re.match(r"  \S", line)]


def test_every_help_is_in_indonesian(alur):
    helps, waiting = {}, [()]
    while waiting:
        path = waiting.pop()
        helps[path] = _help(alur, path)
        waiting += [(*path, name) for name in _listed(helps[path])
                    if (*path, name) not in FOREIGN]
    assert {("deploy",), ("setup",), ("serve",), ("worker",), ("sop", "import"),
            ("user", "add"), ("alerts", "add-source"), ("backup",),
            ("restore",)} <= helps.keys()
    for path, output in helps.items():
        usage = output.splitlines()[0]
        assert usage.startswith(f"Pemakaian: {' '.join(('alur', *path))} [OPSI]"), usage
        assert "Flask" not in output and "Show this message" not in output, path
        assert not ENGLISH.search(output), (path, ENGLISH.search(output), output)


def test_alur_help_lists_only_alur_s_own_options_and_commands(alur):
    output = _help(alur, ())
    assert "Pemakaian: alur [OPSI] PERINTAH [ARGUMEN]..." in output
    for flask_only in ("--app", "--env-file", "--debug", "limiter"):
        assert flask_only not in output
    assert re.search(r"\n  db +Migrasi skema basis data", output)
    assert "Deploy SOP dari berkas BPMN." in output
    assert CliRunner().invoke(alur, ["--version"], prog_name="alur").output.startswith(
        "alur, versi ")


def test_the_real_command_speaks_indonesian_unless_language_asks_otherwise(tmp_path):
    """Through the installed entry point, which binds click's catalog before any command
    module names its arguments ("BERKAS", not "FILE")."""
    indonesian = run_alur(tmp_path, "sop", "import", "--help")
    assert indonesian.returncode == 0, indonesian.stderr
    assert indonesian.stdout.startswith("Pemakaian: alur sop import [OPSI] TABEL\n")
    assert "--out BERKAS" in indonesian.stdout
    english = run_alur(tmp_path, "sop", "import", "--help", LANGUAGE="en")
    assert english.stdout.startswith("Usage: alur sop import [OPTIONS] TABEL\n")
    assert "Show this message and exit." in english.stdout
