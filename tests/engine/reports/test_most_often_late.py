"""Tabel 7's "Paling sering terlambat": the step with a deadline most often done late for
its executions, which the slowest step (a long Waktu kept well) does not tell."""

from engine.reports.sop import SopPerformance, StepStats


def _step(no: str, with_deadline: int, on_time: int, median: int) -> StepStats:
    return StepStats(bpmn_id=f"Kegiatan_{no}", no=no, name=f"Langkah {no}", role="Prakom",
                     waktu="30 menit", standard_minutes=30, done=with_deadline,
                     median_minutes=median, p90_minutes=median, with_deadline=with_deadline,
                     on_time=on_time, escalations=0)


def _report(*steps: StepStats) -> SopPerformance:
    ordered = sorted(steps, key=lambda step: -(step.median_minutes or 0))  # slowest first
    return SopPerformance(key="sop", name="SOP", period=None, started=0, finished=0,
                          running=0, cancelled=0, cycle_median_minutes=None,
                          cycle_p90_minutes=None, steps=tuple(ordered))


def test_the_lowest_on_time_share_wins_then_more_late_executions_then_sop_order():
    slow_but_kept = _step("2", 4, 4, 600)
    report = _report(slow_but_kept, _step("6", 3, 1, 84), _step("3", 6, 2, 40),
                     _step("4", 3, 1, 50))
    assert report.slowest is slow_but_kept
    assert report.most_often_late.no == "3", "1 of 3 each; 4 late of 6 before 2 of 3"
    assert _report(_step("6", 3, 1, 84), _step("4", 3, 1, 50)).most_often_late.no == "4"


def test_none_when_every_step_kept_its_deadline():
    assert _report(_step("1", 2, 2, 10), _step("2", 0, 0, 5)).most_often_late is None


def test_steps_as_often_late_as_the_one_named_are_counted():
    """The reports probe: two steps each late 1 of 1, and Catatan named one alone."""
    report = _report(_step("3", 1, 0, 20), _step("5", 1, 0, 30), _step("6", 2, 0, 10),
                     _step("7", 1, 1, 5))
    assert report.most_often_late.no == "6", "2 late of 2 before 1 of 1"
    tied = _report(_step("3", 1, 0, 20), _step("5", 1, 0, 30), _step("7", 1, 1, 5))
    assert (tied.most_often_late.no, tied.also_most_often_late) == ("3", 1)
    assert (report.also_most_often_late, _report(_step("7", 1, 1, 5)).also_most_often_late) \
        == (0, 0)
