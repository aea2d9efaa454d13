"""Time wording (issue 15, point 3): deadlines calendar-first, working time second,
round-the-clock steps on the wall clock, completed steps frozen, long spans in working
days. The office is in Asia/Jakarta (UTC+7); Perpres 21/2023 hours."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from engine.process.startable import TotalWaktu
from tests.conftest import mini_bpmn
from tests.web.conftest import api_token, login
from web.field_values import field_value, form_values
from web.time_words import (
    deadline_text,
    due_text,
    file_size,
    finished_text,
    number,
    span_text,
    standard_text,
    time_left,
    working_text,
)
from web.views.start import total_words


def _wib(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in December 2026 at a WIB clock time (7 December is a Monday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


@pytest.fixture
def at(app, clock):
    """Run in a request at a WIB moment: ``with at(day, hour, minute): ...``."""
    def moment(day: int, hour: int, minute: int = 0):
        clock.set(_wib(day, hour, minute))
        return app.test_request_context()
    return moment


def test_a_deadline_tomorrow_morning_reads_calendar_first(at):
    with at(7, 17, 5):
        due = _wib(8, 7, 40)
        assert deadline_text(due) == "besok 07.40 WIB"
        assert due_text(due) == "besok 07.40 WIB · sisa 10 menit kerja"
        assert deadline_text(_wib(7, 16)) == "hari ini 16.00 WIB"
        assert deadline_text(_wib(14, 10)) == "Sen 14 Des 10.00 WIB"


def test_a_round_the_clock_step_late_after_hours_counts_the_wall_clock(at):
    with at(7, 20, 5):
        assert time_left(_wib(7, 19), round_the_clock=True) == "terlambat 1 jam 5 menit"
        # In office time nothing has passed since 16.00: late, but not "0 minutes" late,
        # nor "just passed" all night (the Plh/escalation probe).
        assert time_left(_wib(7, 19)) == "terlambat kurang dari 1 menit kerja"
        assert time_left(_wib(7, 20, 4) + timedelta(seconds=30)) == (
            "terlambat, batasnya baru lewat")


def test_seconds_left_read_less_than_a_minute_not_zero_minutes(at):
    with at(7, 10):
        due = _wib(7, 10) + timedelta(seconds=50)
        assert time_left(due) == "sisa kurang dari 1 menit kerja"
        assert time_left(due, round_the_clock=True) == "sisa kurang dari 1 menit"
        assert time_left(_wib(7, 10, 1)) == "sisa 1 menit kerja"


def test_long_delays_read_in_working_days(at):
    with at(16, 11):
        assert time_left(_wib(7, 7, 30)) == "terlambat 7 hari kerja 3 jam"


def test_a_completed_step_is_frozen(at):
    with at(20, 9):
        due = _wib(8, 10)
        assert finished_text(_wib(8, 9, 55), due) == "selesai 5 menit kerja sebelum batas"
        assert finished_text(_wib(8, 11), due) == "selesai, terlambat 1 jam kerja"
        assert finished_text(_wib(8, 11), due, round_the_clock=True) == \
            "selesai, terlambat 1 jam"
        assert finished_text(_wib(8, 11), None) == "selesai"


def test_a_step_completed_less_than_a_minute_late_is_not_zero_minutes_late(at):
    with at(20, 9):
        due = _wib(8, 10)
        late = due + timedelta(seconds=40)
        assert finished_text(late, due) == "selesai, terlambat kurang dari 1 menit kerja"
        assert finished_text(late, due, round_the_clock=True) == \
            "selesai, terlambat kurang dari 1 menit"
        # Completed at 19.00, after the 16.00 deadline: no working minute passed between.
        assert finished_text(_wib(8, 19), _wib(8, 16)) == \
            "selesai, terlambat kurang dari 1 menit kerja"


def test_numbers_and_sizes_in_indonesian(at):
    with at(7, 9):
        assert file_size(19_660) == "19,2 KB"
        assert number(1234.5) == "1.234,5"


def test_a_task_reads_calendar_first_while_open_and_frozen_once_completed(app, clock):
    from engine.models import HumanTask, User
    from engine.process.instances import start_instance
    from engine.process.tasks import complete_task
    from web.extensions import db
    from web.time_words import task_time

    clock.set(_wib(7, 15, 30))  # Monday; "Menerima permintaan layanan TI" takes 10 menit
    with app.test_request_context():
        prakom = db.session.scalar(db.select(User).where(User.username == "prakom"))
        instance = start_instance(db.session, clock, process_key="penanganan_permintaan_layanan_ti",
                                  title="Printer", user=prakom, data={
                                      "pemohon": "Budi", "unit": "Kepaniteraan",
                                      "kategori": "perangkat keras", "uraian": "Printer macet"})
        task = db.session.scalar(db.select(HumanTask).where(HumanTask.instance_id == instance.id))
        assert task_time(task) == "hari ini 15.40 WIB · sisa 10 menit kerja"
        clock.set(_wib(7, 15, 35))
        task_id = task.id
        complete_task(db.session, clock, task_id, prakom, {})
        db.session.commit()
    clock.set(_wib(9, 10))
    with app.test_request_context():
        task = db.session.get(HumanTask, task_id)
        assert task_time(task) == "selesai 5 menit kerja sebelum batas"


def test_case_data_reads_as_officials_write_it(at):
    with at(7, 9):
        choice = {"kind": "choice", "choices": [{"value": "p1", "label": "Kritis (1 jam)"}]}
        assert field_value("p1", choice) == "Kritis (1 jam)"
        assert field_value(["p1", "x"], choice) == "Kritis (1 jam), x"
        assert field_value("2026-12-24", {"kind": "date"}) == "24 Des 2026"
        assert field_value("2026-12-04T09:00:00", {"kind": "datetime"}) == "4 Des 2026 09.00 WIB"
        assert field_value(1500000.75, {"kind": "number"}) == "1.500.000,75"
        assert field_value(12500, {"kind": "number"}) == "12.500"
        assert field_value(2027, {"kind": "number"}) == "2027"  # a year: four digits ungrouped
        assert field_value(87.5, {"kind": "number"}) == "87,5"
        assert field_value(True) == "Ya" and field_value("bebas") == "bebas"
        assert field_value("bukan tanggal", {"kind": "date"}) == "bukan tanggal"


def test_a_returned_step_is_filled_as_its_inputs_send_it_back_unchanged(at):
    declared = [{"name": "jadwal", "kind": "datetime"}, {"name": "kadar", "kind": "number"},
                {"name": "mulai", "kind": "datetime"}]
    with at(7, 9):
        filled = form_values(declared, {"jadwal": "2026-12-05T02:15:00Z", "kadar": 1e-07,
                                        "mulai": "2026-12-04T09:00:00"})
    # Given with its zone through the API: the office's wall clock, not 02.15 read as WIB.
    assert filled.to_dict() == {"jadwal": "2026-12-05T09:15", "kadar": "0,0000001",
                                "mulai": "2026-12-04T09:00"}


KRITIS_SOP = {
    'value="30 menit" />': 'value="4 jam" />\n          <spiffworkflow:property '
                           'name="sepanjang_waktu" value="prioritas == &quot;kritis&quot;" />',
    '"PT30M"': '"PT1H" if prioritas == "kritis" else "PT4H"'}


def test_a_step_the_case_made_round_the_clock_reads_on_the_wall_clock(app, client, clock):
    """A kritis case's step (1 hour round the clock by a condition on its data) shows its
    time left and its finish on the wall clock in the Kotak Masuk and on its page."""
    clock.set(_wib(7, 16, 50))  # Monday, ten minutes before the office closes
    admin, prakom = api_token(client, "admin"), api_token(client, "prakom")
    assert client.post("/api/v1/processes", headers=admin, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(mini_bpmn(KRITIS_SOP)), "a.bpmn")}
                       ).status_code == 201
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "sop_uji", "title": "Server mati", "data": {"prioritas": "kritis"}})
    assert started.status_code == 201, started.json
    [task] = started.json["open_tasks"]
    clock.set(_wib(7, 16, 51))
    login(client, "prakom")
    assert "sisa 59 menit</td>" in client.get("/").get_data(True)
    assert "sisa 59 menit</dd>" in client.get(f"/tugas/{task['id']}").get_data(True)
    assert client.post(f"/api/v1/tasks/{task['id']}/complete", headers=prakom,
                       json={"data": {}}).status_code == 200
    assert "selesai 59 menit sebelum batas" in client.get(f"/tugas/{task['id']}").get_data(True)


def test_english_counts_one_in_the_singular(at):
    """English has a singular (README "Tampilan": the interface in English)."""
    with at(7, 9), force_locale("en"):
        assert span_text(_wib(7, 9), _wib(8, 9), round_the_clock=True) == "1 day"
        assert span_text(_wib(7, 9), _wib(9, 10), round_the_clock=True) == "2 days 1 h"
        assert time_left(_wib(8, 9, 30)) == "1 working day left"
        assert total_words(TotalWaktu(months=1, days=1, minutes=135, untimed=0)) == (
            "1 month 1 working day 2 h 15 min")
        assert total_words(TotalWaktu(months=0, days=2, minutes=0, untimed=0)) == (
            "2 working days")


def test_a_step_without_a_deadline_says_so_once(app, client):
    admin, prakom = api_token(client, "admin"), api_token(client, "prakom")
    assert client.post("/api/v1/processes", headers=admin, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(mini_bpmn()), "a.bpmn")}).status_code == 201
    started = client.post("/api/v1/instances", headers=prakom,
                          json={"process_key": "sop_uji", "title": "Konsep"}).json
    client.post(f"/api/v1/tasks/{started['open_tasks'][0]['id']}/complete", headers=prakom,
                json={"data": {}})
    [task] = client.get(f"/api/v1/instances/{started['id']}", headers=admin).json["open_tasks"]
    login(client, "kasubbag")
    page = client.get(f"/tugas/{task['id']}").get_data(True)
    assert "<dt>Batas Waktu</dt><dd>tanpa batas waktu</dd>" in page


def test_report_figures_read_in_the_users_language_rounded_not_cut(app, at):
    cell = app.jinja_env.filters["angka_laporan"]
    with at(7, 9):
        assert working_text(721.8) == "12 jam 2 menit kerja"
        assert working_text(140.6) == "2 jam 21 menit kerja"
        assert working_text(1463 * 60 + 1) == "1.463 jam 1 menit kerja"
        assert working_text(1463 * 60) == "1.463 jam kerja"
        assert [cell(v) for v in (2309.9, 99.46, 81.0, 12, None)] == [
            "2.309,9", "99,46", "81,0", "12", "—"]
        with force_locale("en"):
            assert cell(2309.9) == "2,309.9"
            assert working_text(1463 * 60) == "1,463 h of working time"


def test_an_english_clock_time_has_a_colon(at):
    with at(7, 9):
        with force_locale("en"):
            assert deadline_text(_wib(8, 7, 40)) == "tomorrow 07:40 WIB"
        assert deadline_text(_wib(8, 7, 40)) == "besok 07.40 WIB"


def test_a_time_standard_reads_in_words_on_its_own_clock(at):
    with at(7, 9):
        assert [standard_text(d, wall) for d, wall in (
            ("PT1H", True), ("PT1H30M", True), ("P1W", True), ("PT4H", False),
            ("P1D", False), ("P1W", False), ("P1M", False), ("P1DT2H", False))] == [
            "1 jam", "1 jam 30 menit", "7 hari", "4 jam kerja", "1 hari kerja",
            "5 hari kerja", "1 bulan", "1 hari kerja 2 jam"]
        with force_locale("en"):
            assert (standard_text("PT1H", True), standard_text("P1D")) == (
                "1 h", "1 working day")
