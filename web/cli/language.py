"""click's own words in Bahasa Indonesia: the usage errors ("Nilai 'TABLE' tidak sah:
Berkas 'x.csv' tidak ada."), the --help headings and "GAGAL:" before a refusal, from
``locale/id/LC_MESSAGES/click.po`` (compiled by ``make install``). click translates
through Python's ``gettext`` (its documented way), so the ``alur`` command binds the
domain once, before it prints anything.
"""

import gettext
import os
from pathlib import Path

LOCALE = Path(__file__).resolve().parent / "locale"


def speak_indonesian() -> None:
    """Make click speak Indonesian in this process, unless ``LANGUAGE`` already names the
    languages wanted (``LANGUAGE=en`` keeps click's English). Without the compiled
    catalog click falls back to English."""
    os.environ.setdefault("LANGUAGE", "id")
    gettext.bindtextdomain("click", str(LOCALE))
    gettext.textdomain("click")
