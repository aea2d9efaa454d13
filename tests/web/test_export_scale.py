"""What keeps the lists and their downloads fast on a year of data (found by the growth
probe: "Proses Saya" of a Prakom with 10,000 processes took 19 s a page and its download
never ended; an XLSX of 10,000 rows took two minutes). Not timed: the statements and the
work that grew with the rows are counted instead."""

from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import event, select

from engine.models import HumanTask, User
from engine.process.instances import start_instance
from engine.process.lists import list_instances
from engine.process.tasks import complete_task
from tests.helpers.database import on_postgres
from tests.web.conftest import login
from web.extensions import clock, db
from web.views.reports.export import Table, xlsx_bytes

SERVER = "penanganan_gangguan_server"


def _statements(app) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda _c, _cur, statement, params, _ctx, _many:
                     seen.append((statement, params)))
    return seen


def _started(count: int, by: str = "prakom") -> None:
    user = db.session.scalar(select(User).where(User.username == by))
    for n in range(count):
        start_instance(db.session, clock(), process_key=SERVER, title=f"Server {n}", user=user)
    db.session.commit()


def test_proses_saya_reads_his_steps_once_not_once_per_process(app):
    """The list "mine" (started by him, or a step of it completed by him) finds the
    processes of his steps from one set: SQLite's plan holds no correlated subquery."""
    with app.app_context():
        _started(2, by="kasubbag")
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        step = db.session.scalar(select(HumanTask.id).where(HumanTask.state == "open"))
        complete_task(db.session, clock(), step, prakom, {"catatan": "dicek"})
        db.session.commit()
        seen = _statements(app)
        found = list_instances(db.session, clock(), prakom, scope="mine")
        assert [item.title for item in found.items] == ["Server 0"] and found.total == 1
        if on_postgres():
            return  # its planner hashes either form; the statement was SQLite's trouble
        statement, params = next((s, p) for s, p in seen if "count(" in s)
        plan = " ".join(str(row[-1]) for row in db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, tuple(params)))
    assert "CORRELATED" not in plan, plan


def test_a_download_of_the_list_counts_it_once_whatever_its_rows(app, client):
    """Up to 10,000 rows in one statement and one count; a page at a time counted the list
    again for every page of 100."""
    with app.app_context():
        _started(230)
    login(client, "prakom")
    seen = _statements(app)
    with client.get("/proses/?format=csv") as response:
        assert response.status_code == 200
        assert response.data.decode("utf-8-sig").count("\nGS-2026-") == 230
    counts = [statement for statement, _ in seen
              if "count(" in statement.lower() and "process_instances" in statement]
    assert len(counts) == 1, counts


def test_an_xlsx_writes_each_row_without_measuring_the_sheet_again(monkeypatch):
    """openpyxl's ``max_row`` walks every cell of the sheet; read once per row it made
    a download of 10,000 rows quadratic."""
    reads = []
    measured = Worksheet.max_row.fget
    monkeypatch.setattr(Worksheet, "max_row", property(
        lambda sheet: reads.append(1) or measured(sheet)))
    table = Table("Uji", ["Teks", "Angka"])
    for n in range(500):
        table.add([f"=baris {n}" if n % 2 else "baris\ndua", n])
    xlsx_bytes([table])
    assert len(reads) < 20, len(reads)
