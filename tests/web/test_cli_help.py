"""``alur --help`` and every command's ``--help`` speak Indonesian to the office's
administrators: summaries, option help, ``[OPSI]`` and Indonesian argument names, no
Flask developer options (README, "Perintah alur"); ``LANGUAGE=en`` gives click's English
words back."""

import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.helpers.cli import run_alur

# Words that only English help would have; \b keeps ALUR_DEMO_PASSWORD and "API-nya" out.
ENGLISH = re.compile(r"\b(the|and|of|to|with|from|this|is|for|if|only|in|or|an|be|by|its|"
                     r"when|not|Usage|Options|Commands|OPTIONS|COMMAND|ARGS|TEXT|INTEGER|"
                     r"FILE|PATHS?|TABLE|USERNAME|NAME|IMPORT|required|default)\b")


@pytest.fixture
def helps(tmp_path) -> dict[str, str]:
    """Every ``alur`` help, read in a fresh interpreter (``tests.helpers.cli_help``)."""
    env = {**os.environ, "ALUR_INSTANCE_PATH": str(tmp_path / "instans"), "LANGUAGE": "id",
           "ALUR_DATABASE_URL": f"sqlite:///{tmp_path / 'instans' / 'alur.sqlite3'}"}
    env.pop("ALUR_DEMO", None)
    walked = subprocess.run([sys.executable, "-m", "tests.helpers.cli_help"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert walked.returncode == 0, walked.stderr
    return json.loads(walked.stdout)


def test_every_help_is_in_indonesian(helps):
    assert {"alur deploy", "alur setup", "alur serve", "alur worker", "alur sop import",
            "alur user add", "alur alerts add-source", "alur backup",
            "alur restore", "alur db", "alur db upgrade", "alur db current"} <= helps.keys()
    for command, output in helps.items():
        if command == "--version":
            continue
        usage = output.splitlines()[0]
        assert usage.startswith(f"Pemakaian: {command} [OPSI]"), usage
        assert "Flask" not in output and "Show this message" not in output, command
        assert not ENGLISH.search(output), (command, ENGLISH.search(output), output)


def test_alur_help_lists_only_alur_s_own_options_and_commands(helps):
    output = helps["alur"]
    assert "Pemakaian: alur [OPSI] PERINTAH [ARGUMEN]..." in output
    for flask_only in ("--app", "--env-file", "--debug", "limiter"):
        assert flask_only not in output
    assert re.search(r"\n  db +Migrasi skema basis data", output)
    assert "Deploy SOP dari berkas BPMN." in output
    assert helps["--version"].startswith("alur, versi ")


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
