"""``alur serve --workers N`` on SQLite: clamped to one web process, with a message."""

import pytest

from tests.helpers.database import on_postgres
from web.cli.serve import web_workers


@pytest.mark.skipif(on_postgres(), reason="the SQLite pass; PostgreSQL serves N processes "
                    "(tests/web/test_workers_postgres.py)")
def test_sqlite_serves_one_web_process_and_says_so(app, capsys):
    assert web_workers(app, 2) == 1
    assert capsys.readouterr().err == ("alur serve: SQLite melayani satu proses web; --workers 2 "
                                       "diturunkan menjadi 1 (pakai PostgreSQL untuk lebih banyak "
                                       "proses).\n")
    assert web_workers(app, 1) == 1
    assert capsys.readouterr().err == ""
