"""A process definition's catalog is decoded once per stored text (``engine.db.WrittenOnceJSON``,
issue 13): every lock of a task reads it with its definition, and decoding 16 KB each time
cost about a twentieth of a completion. What is read stays what was written."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import ProcessDefinition


def _catalog(session: Session) -> dict:
    with Session(session.get_bind()) as other:
        return other.scalars(select(ProcessDefinition).where(
            ProcessDefinition.key == "penyusunan_rkt")).one().catalog


def test_the_catalog_read_again_is_the_one_already_decoded(session, deployed):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("PostgreSQL's driver hands over the catalog decoded")
    first, again = _catalog(session), _catalog(session)
    assert again is first
    assert first["tasks"]["Kegiatan_1"]["lane"] == "Kasubbag"


def test_another_catalog_is_decoded_on_its_own(session, deployed):
    rkt = _catalog(session)
    other = session.scalars(select(ProcessDefinition).where(
        ProcessDefinition.key != "penyusunan_rkt")).first().catalog
    assert other is not rkt and other["tasks"] != rkt["tasks"]
