"""The ``alur`` command's entry point: click's words in Indonesian (``language``) before
any command module builds its options (their "file", "directory" are translated then),
then the command group (``commands.main``)."""

from web.cli.language import speak_indonesian


def main() -> None:
    """Run the ``alur`` command."""
    speak_indonesian()
    from web.cli.commands import main as alur

    alur()
