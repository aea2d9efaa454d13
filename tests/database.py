"""Where tests keep their data: a fresh SQLite file, or, when ``ALUR_DATABASE_URL`` is set
(as ``.ci/run`` does for its second run), a fresh schema of that PostgreSQL database."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("ALUR_DATABASE_URL", "")


def on_postgres() -> bool:
    """True when the suite runs against PostgreSQL."""
    return POSTGRES_URL.startswith("postgresql")


@contextmanager
def fresh_database(folder: Path) -> Iterator[str]:
    """Yield the URL of an empty database, dropped afterwards."""
    if not on_postgres():
        yield f"sqlite:///{folder / 'alur.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        separator = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
