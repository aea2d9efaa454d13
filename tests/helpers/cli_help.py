"""Every ``--help`` of the ``alur`` command, read in a fresh interpreter:
``python -m tests.helpers.cli_help`` prints ``{"alur sop import": help, ...}`` as JSON,
with ``"--version"``'s output beside them.

A fresh process, because click keeps each command's ``--help`` option once built, with
the words of the language it was built in: commands run earlier in the test process (in
English) would keep "Show this message and exit." whatever the real ``alur`` says.
"""

import json
import re

from click.testing import CliRunner

from web.cli.language import speak_indonesian


def _listed(output: str) -> list[str]:
    """The command names under "Perintah:" in a group's help."""
    _, _, commands = output.partition("\nPerintah:\n")
    return [line.split()[0] for line in commands.splitlines() if re.match(r"  \S", line)]


def walk() -> dict[str, str]:
    """``{"alur", "alur deploy", ...: the --help output}`` of every listed command (exit
    code 0 asserted), and ``"--version"``."""
    speak_indonesian()
    from web.cli.commands import alur_group

    alur, runner = alur_group(), CliRunner()
    helps, waiting = {}, [()]
    while waiting:
        path = waiting.pop()
        result = runner.invoke(alur, [*path, "--help"], prog_name="alur")
        assert result.exit_code == 0, (path, result.output)
        helps[" ".join(("alur", *path))] = result.output
        waiting += [(*path, name) for name in _listed(result.output)]
    helps["--version"] = runner.invoke(alur, ["--version"], prog_name="alur").output
    return helps


if __name__ == "__main__":
    print(json.dumps(walk()))
