"""Where tests keep their data: a fresh SQLite file, or, when ``ALUR_DATABASE_URL`` is set
(as ``.ci/run`` does for its second run), a fresh schema of that PostgreSQL database."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

SUITE_URL = os.environ.get("ALUR_DATABASE_URL", "")
# The machine's PostgreSQL, for the tests that need one whatever the suite runs on.
POSTGRES_URL = os.environ.get("ALUR_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def on_postgres() -> bool:
    """True when the suite runs against PostgreSQL."""
    return SUITE_URL.startswith("postgresql")


@contextmanager
def fresh_database(folder: Path) -> Iterator[str]:
    """Yield the URL of an empty database, dropped afterwards."""
    if on_postgres():
        with postgres_schema(SUITE_URL) as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'alur.sqlite3'}"


@contextmanager
def postgres_schema(base_url: str = POSTGRES_URL) -> Iterator[str]:
    """Yield the URL of a fresh schema in the PostgreSQL database ``base_url``. Its
    sessions commit without waiting for the disk (``synchronous_commit=off``): a test's
    data need not outlive a crash of the machine, and the PostgreSQL run is faster."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        separator = "&" if "?" in base_url else "?"
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
