"""What a Plh/Plt did in the official's place: the steps he completed as Plh/Plt, listed per
substitution, and named on the official's Kotak Masuk for a week after his return."""

from datetime import timedelta

from sqlalchemy import select

from engine.models import HumanTask, Substitution
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from tests.web.test_plh_form import _add_user
from tests.web.test_plh_in_force import _step, _substitution
from web.extensions import db

BACK = "Selama Anda berhalangan, Plt. Sekretaris Demo Prakom menyelesaikan 1 langkah atas nama Anda."


def test_the_official_back_reads_what_his_plt_completed_in_his_place(app, client, clock):
    _substitution(client, clock, "sekretaris", "prakom", "Sekretaris", kind="Plt")
    task_id = _step(app, clock, "Sekretaris")  # the Prakom's own step before it: not listed
    prakom = api_token(client, "prakom")
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                       json={"data": {"keputusan_kasubbag": "setuju", "catatan": "disetujui"}})
    assert done.status_code == 200, done.json
    with app.app_context():
        substitution_id = db.session.scalar(select(Substitution.id))
        step = db.session.get(HumanTask, task_id)
        assert step.completed_as == "Plt. Sekretaris"
        name = step.name
    address = f"/plh/{substitution_id}/langkah"

    login(client, "sekretaris")
    page = client.get(address).get_data(True)
    assert "Langkah yang diselesaikan Plt. Sekretaris Demo Prakom" in page
    assert "1 langkah" in page and page.count('href="/tugas/') == 1
    assert f'href="/tugas/{task_id}">{name}</a>' in page and "disetujui" in page
    assert f'href="{address}"' in client.get("/plh/").get_data(True)
    assert BACK not in client.get("/").get_data(True), "not while he is still away"

    clock.advance(timedelta(days=11))
    inbox = client.get("/").get_data(True)
    assert BACK in inbox and f'href="{address}"' in inbox
    clock.advance(timedelta(days=7))
    assert BACK not in client.get("/").get_data(True), "a week after his return"
    assert f'href="{address}"' in client.get("/plh/?tampil=berakhir").get_data(True)
    assert client.get(f"{address}?per_page=101").status_code == 400

    login(client, "kasubbag")  # neither in it nor above it
    assert client.get(address).status_code == 403
    assert client.get("/plh/999999/langkah").status_code == 404


def test_a_step_done_in_the_minute_the_plh_was_ended_early_is_listed(app, client, clock):
    """An early end is stored at the start of its minute; the official who ends it right
    after his Plt acted still reads that step (found by the regression probe)."""
    _substitution(client, clock, "sekretaris", "prakom", "Sekretaris", kind="Plt")
    task_id = _step(app, clock, "Sekretaris")
    prakom = api_token(client, "prakom")
    clock.advance(timedelta(minutes=5, seconds=4))
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom,
                       json={"data": {"keputusan_kasubbag": "setuju"}})
    assert done.status_code == 200, done.json
    clock.advance(timedelta(seconds=5))
    with app.app_context():
        substitution_id = db.session.scalar(select(Substitution.id))
    login(client, "sekretaris")
    page = client.get("/plh/").get_data(True)
    ended = client.post(f"/plh/{substitution_id}/akhiri", data={"csrf_token": csrf_token(page)})
    assert ended.status_code == 302
    with app.app_context():
        assert db.session.get(Substitution, substitution_id).ends_at.second == 0
    listed = client.get(f"/plh/{substitution_id}/langkah").get_data(True)
    assert "1 langkah" in listed and f'href="/tugas/{task_id}"' in listed
    assert BACK in client.get("/").get_data(True)


def test_a_step_taken_over_from_the_official_is_completed_as_plh(app, client, clock):
    """A Plh who holds the role himself takes the official's step over ("Plh. Redaktur")
    and then completes it: that completion was recorded as his own, and the official
    back from leave did not read it (found by the Lebaran-leave probe). A free step he
    takes himself stays his own."""
    _add_user(app, "rina", "Rina Redaktur", "Redaktur")
    _substitution(client, clock, "redaktur", "rina", "Redaktur")
    taken_over, free = _step(app, clock, "Redaktur"), _step(app, clock, "Redaktur")
    official, rina = api_token(client, "redaktur"), api_token(client, "rina")
    assert client.post(f"/api/v1/tasks/{taken_over}/claim", headers=official).status_code == 200
    for task_id in (taken_over, free):
        assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=rina).status_code == 200
        login(client, "rina")
        shown = client.get(f"/tugas/{task_id}").get_data(True)
        assert ("(diambil oleh Rina Redaktur sebagai Plh. Redaktur)" in shown) == (
            task_id == taken_over)
        done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=rina,
                           json={"data": {"keputusan_kasubbag": "setuju", "catatan": "ok"}})
        assert done.status_code == 200, done.json
    with app.app_context():
        assert [db.session.get(HumanTask, task_id).completed_as
                for task_id in (taken_over, free)] == ["Plh. Redaktur", None]
        substitution_id = db.session.scalar(select(Substitution.id))
    login(client, "redaktur")
    page = client.get(f"/plh/{substitution_id}/langkah").get_data(True)
    assert f'href="/tugas/{taken_over}"' in page and f'href="/tugas/{free}"' not in page
    # Taken over, then the Plh ends: still his to complete (he holds the role), as himself.
    later = _step(app, clock, "Redaktur")
    assert client.post(f"/api/v1/tasks/{later}/claim", headers=official).status_code == 200
    assert client.post(f"/api/v1/tasks/{later}/claim", headers=rina).status_code == 200
    assert client.post(f"/api/v1/substitutions/{substitution_id}/end",
                       headers=official).status_code == 200
    clock.advance(timedelta(minutes=1))
    assert client.post(f"/api/v1/tasks/{later}/complete", headers=rina, json={
        "data": {"keputusan_kasubbag": "setuju", "catatan": "ok"}}).status_code == 200
    with app.app_context():
        assert db.session.get(HumanTask, later).completed_as is None


def test_the_plt_s_report_counts_the_steps_done_in_the_official_s_place(app, client, clock):
    """Kinerja per orang (SKP evidence): the Prakom's Ringkasan and Per SOP say how many of
    his steps he did as Plh/Plt, and that figure lists the instance behind it."""
    _substitution(client, clock, "sekretaris", "prakom", "Sekretaris", kind="Plt")
    task_id = _step(app, clock, "Sekretaris")
    prakom = api_token(client, "prakom")
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    assert client.post(f"/api/v1/tasks/{task_id}/complete", headers=prakom, json={
        "data": {"keputusan_kasubbag": "setuju"}}).status_code == 200
    with app.app_context():
        step = db.session.get(HumanTask, task_id)
        instance_id, key = step.instance_id, step.instance.definition.key
    now = clock.now()
    period = f"periode=bulan&tahun={now.year}&ke={now.month}"
    login(client, "prakom")
    rows = [line.split(";") for line in client.get(
        f"/laporan/orang/prakom?{period}&format=csv").get_data(True).splitlines()]
    heading = rows[0]
    assert heading[3:5] == ["Langkah selesai", "Sebagai Plh/Plt"]
    assert rows[1][3:5] == ["2", "1"], "his own step before it, and the Sekretaris's as Plt"
    page = client.get(f"/laporan/orang/prakom?{period}").get_data(True)
    assert f"/laporan/orang/prakom/proses?angka=plh&amp;sop={key}&amp;" in page
    listed = client.get(f"/laporan/orang/prakom/proses?angka=plh&{period}").get_data(True)
    assert "Proses di balik angka: langkah selesai sebagai Plh/Plt" in listed
    assert "(1 baris, 20 per halaman)" in listed and f'href="/proses/{instance_id}"' in listed
    login(client, "sekretaris")
    rows = [line.split(";") for line in client.get(
        f"/laporan/orang/sekretaris?{period}&format=csv").get_data(True).splitlines()]
    assert rows[1][3:5] == ["0", "0"], "the official did not do it himself"
    login(client, "kasubbag")  # the Prakom's Pejabat Penilai, in his team table
    team = [line.split(";") for line in client.get(
        f"/laporan/orang?{period}&format=csv").get_data(True).splitlines()]
    assert team[0][4:6] == ["Langkah selesai", "Sebagai Plh/Plt"]
    assert [row[4:6] for row in team if row[1] == "prakom"] == [["2", "1"]]
    assert "/laporan/orang/prakom/proses?angka=plh&amp;" in client.get(
        f"/laporan/orang?{period}").get_data(True)


def test_a_plh_ended_in_its_first_minute_lists_only_what_was_done_before_its_end(
        app, client, clock):
    """Ended at the moment (its first minute), it keeps the minute's slack no more: the step
    its successor's substitute did a few seconds later, in the next minute, is the
    successor's alone (each step under one Plh; found by the regression probe)."""
    admin, prakom = api_token(client, "admin"), api_token(client, "prakom")
    _substitution(client, clock, "sekretaris", "prakom", "Sekretaris")
    first_task = _step(app, clock, "Sekretaris")
    second_task = _step(app, clock, "Sekretaris")
    done = {"data": {"keputusan_kasubbag": "setuju"}}
    clock.advance(timedelta(seconds=10))
    assert client.post(f"/api/v1/tasks/{first_task}/complete", headers=prakom,
                       json=done).status_code == 200
    with app.app_context():
        first = db.session.scalar(select(Substitution.id))
    clock.advance(timedelta(seconds=20))
    assert client.post(f"/api/v1/substitutions/{first}/end", headers=admin).json[
        "cancelled"] is False
    start = clock.now().replace(second=0) + timedelta(minutes=1)
    clock.advance(timedelta(seconds=40))
    second = client.post("/api/v1/substitutions", headers=admin, json={
        "kind": "Plh", "official": "sekretaris", "substitute": "prakom", "role": "Sekretaris",
        "warrant_number": "ST-13/2026", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(days=3)).isoformat()})
    assert second.status_code == 201, second.json
    assert client.post(f"/api/v1/tasks/{second_task}/complete", headers=prakom,
                       json=done).status_code == 200
    login(client, "sekretaris")
    for substitution_id, task_id in ((first, first_task), (second.json["id"], second_task)):
        page = client.get(f"/plh/{substitution_id}/langkah").get_data(True)
        assert "1 langkah" in page and f'href="/tugas/{task_id}"' in page, substitution_id


def test_the_official_reads_that_his_plh_completed_the_step_he_had_taken(app, client, clock):
    """The supervisor probe: the official took it, his Plh completed it, he was not told."""
    task_id = _step(app, clock, "Kasubbag")
    assert client.post(f"/api/v1/tasks/{task_id}/claim",
                       headers=api_token(client, "kasubbag")).status_code == 200
    _substitution(client, clock, "kasubbag", "sekretaris", "Kasubbag")
    done = client.post(f"/api/v1/tasks/{task_id}/complete",
                       headers=api_token(client, "sekretaris"),
                       json={"data": {"keputusan_kasubbag": "setuju"}})
    assert done.status_code == 200, done.json
    login(client, "kasubbag")
    centre = " ".join(client.get("/notifikasi/").get_data(True).split())
    assert ("yang Anda ambil diselesaikan oleh Demo Sekretaris sebagai Plh. Kasubbag."
            in centre.replace("&#34;", '"'))
    assert "Anda menerimanya sebagai" not in centre, "he is the official, not his Plh"
