"""Shared fixtures: a real SQLite file per test, a manual clock, users per role."""

import json
import re
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from engine.clock import ManualClock
from engine.db import SQLITE_BUSY_TIMEOUT_MS, Base
from engine.models import User, UserRole
from engine.process.deploy import deploy
from engine.roles import KNOWN_ROLES, username_for
from engine.runtime import warm
from engine.sqlite_writers import engine_options
from tests.helpers.database import fresh_database

ROOT = Path(__file__).resolve().parent.parent
BPMN_DIR = ROOT / "bpmn"
DATA = Path(__file__).resolve().parent / "data"
WIB = ZoneInfo("Asia/Jakarta")
MONDAY_0800 = datetime(2026, 11, 23, 8, 0, tzinfo=WIB)


# Valid start data of the bundled SOPs whose start form has required fields.
START_DATA = {"penanganan_permintaan_layanan_ti": {
    "pemohon": "Budi", "unit": "Kepaniteraan Pidana", "kategori": "perangkat keras",
    "uraian": "Printer ruang sidang tidak dapat mencetak"}}


def sop_walks() -> dict:
    """The recorded walks through the five bundled SOPs (tests/data/sop_walks.json)."""
    return json.loads((DATA / "sop_walks.json").read_text())


@pytest.fixture(autouse=True)
def no_kept_workflows(monkeypatch) -> None:
    """Each test starts with no workflow kept in memory (``engine.runtime.warm``): ids
    start again in every fresh database, so none may carry over from another test."""
    monkeypatch.setattr(warm, "_kept", OrderedDict())


@pytest.fixture(autouse=True)
def own_instance_folder(monkeypatch, tmp_path_factory) -> None:
    """Each test's app (and each ``alur`` it runs) keeps its instance folder (secret key,
    attachments, SQLite file) in a temporary folder: Flask's default is the checkout's
    ``instance/``. A test naming its own ALUR_INSTANCE_PATH still sets it over this one."""
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_0800)


@pytest.fixture
def database(tmp_path: Path):
    """The URL of a fresh database (SQLite file, or a PostgreSQL schema)."""
    with fresh_database(tmp_path) as found:
        yield found


@pytest.fixture
def session(database):
    """A session on a fresh database, no Flask involved (the engine stands alone), its
    connections made as the app makes them (``engine.sqlite_writers``)."""
    engine = create_engine(database, **engine_options(database, SQLITE_BUSY_TIMEOUT_MS))
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def users(session: Session, clock: ManualClock) -> dict[str, User]:
    """One user per known role (username = role in lower case), plus ``admin``."""
    found = {}
    for role in KNOWN_ROLES:
        user = User(username=username_for(role), full_name=f"Demo {role}", password_hash="-",
                    created_at=clock.now(), roles=[UserRole(role=role)])
        session.add(user)
        found[role] = user
    found["admin"] = User(username="admin", full_name="Admin", password_hash="-",
                          is_admin=True, created_at=clock.now())
    session.add(found["admin"])
    session.flush()
    return found


@pytest.fixture
def deployed(session: Session, clock: ManualClock) -> dict:
    """Every bundled SOP deployed once: ``{process key: definition}``."""
    result = {}
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        definition, _ = deploy(session, clock, path.read_bytes(), filename=path.name)
        result[definition.key] = definition
    session.commit()
    return result


def mini_bpmn(replace: dict[str, str] | None = None) -> bytes:
    """The small test SOP (tests/data/mini.bpmn), with text replacements applied."""
    text = (DATA / "mini.bpmn").read_text()
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
