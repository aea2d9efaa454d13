"""Edits of the mini SOP (tests/data/mini.bpmn) and the hostile files the upload tests
use, and the refusal every upload test expects: ``InvalidProcess``, nothing stored."""

import pytest
from sqlalchemy import func, select

from engine.errors import InvalidProcess
from engine.models import AuditRecord, ProcessDefinition
from engine.process.deploy import deploy
from tests.conftest import DATA, mini_bpmn

HOSTILE = DATA / "hostile"
FLOW_4_CONDITION = 'keputusan_kasubbag == "setuju"</bpmn:conditionExpression>'
END = '<bpmn:endEvent id="EndEvent_1" name="Selesai" />'
START_LANE = "<bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef>"
REVISION = ('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">keputusan_kasubbag == '
            '"revisi"</bpmn:conditionExpression>')


def condition(text: str) -> bytes:
    """mini.bpmn with ``text`` as the condition of the gateway's "setuju" flow."""
    return mini_bpmn({FLOW_4_CONDITION: f"{text}</bpmn:conditionExpression>"})


def in_process(xml: str) -> bytes:
    """mini.bpmn with ``xml`` added to the process (elements after the end event)."""
    return mini_bpmn({END: END + xml})


def hostile(name: str) -> bytes:
    """A file of tests/data/hostile."""
    return (HOSTILE / name).read_bytes()


def refused(session, clock, data: bytes) -> InvalidProcess:
    """Deploy ``data``: it must be refused, and nothing stored (no version, no audit)."""
    with pytest.raises(InvalidProcess) as refusal:
        deploy(session, clock, data, filename="unggahan.bpmn")
    session.rollback()
    assert refusal.value.message.startswith("Berkas BPMN ditolak: ")
    assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0
    assert session.scalar(select(func.count()).select_from(AuditRecord)) == 0
    return refusal.value
