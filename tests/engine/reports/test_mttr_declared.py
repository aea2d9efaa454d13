"""Which SOPs count for MTTR, and which start field is their priority, is declared in the
BPMN (process properties ``mttr`` and ``data_prioritas``), not in code."""

from sqlalchemy import select

from engine.models import HumanTask
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.reports.people import incident_sops, person_report
from engine.time.calendar import WorkCalendar
from engine.time.periods import calendar_period
from tests.conftest import mini_bpmn

PROCESS = '<bpmn:process id="sop_uji" name="SOP Uji" isExecutable="true">'
DECLARED = PROCESS + """
    <bpmn:extensionElements>
      <spiffworkflow:properties>
        <spiffworkflow:property name="mttr" value="ya"/>
        <spiffworkflow:property name="data_prioritas" value="urgensi"/>
      </spiffworkflow:properties>
    </bpmn:extensionElements>"""


def _finish(session, clock, users, data):
    instance = start_instance(session, clock, process_key="sop_uji", title="Printer rusak",
                              user=users["Prakom"], data=data)
    for user, values in ((users["Prakom"], {}),
                         (users["Kasubbag"], {"keputusan_kasubbag": "setuju"})):
        task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                       HumanTask.state == "open")).one()
        complete_task(session, clock, task.id, user, values)
    session.commit()


def test_an_sop_declared_mttr_counts_by_its_declared_priority_field(session, clock, users):
    deploy(session, clock, mini_bpmn({PROCESS: DECLARED}))
    assert incident_sops(session) == {"sop_uji": "urgensi"}
    _finish(session, clock, users, {"urgensi": "tinggi"})
    report = person_report(session, WorkCalendar(), users["Prakom"],
                           calendar_period("bulan", 2026, 11, "Asia/Jakarta"))
    assert [(m.key, m.priority, m.resolved) for m in report.mttr] == [("sop_uji", "tinggi", 1)]


def test_an_sop_without_the_declaration_has_no_mttr(session, clock, users):
    deploy(session, clock, mini_bpmn())
    assert incident_sops(session) == {}
    _finish(session, clock, users, {"urgensi": "tinggi"})
    report = person_report(session, WorkCalendar(), users["Prakom"],
                           calendar_period("bulan", 2026, 11, "Asia/Jakarta"))
    assert report.mttr == ()
