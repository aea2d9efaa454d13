"""The official whose taken step a move to a revised SOP version put in a lane he does not
hold is told so on the step's page and when he sends its form, even when he holds no lane
of the revised SOP at all (found by the SOP lifecycle probe: a renamed lane got the plain
"no role in this SOP")."""

from sqlalchemy import select

from engine import settings
from engine.models import Delivery, HumanTask, Notification, User
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import claim_task
from engine.process.versions import migrate_instances
from tests.conftest import csrf_token, mini_bpmn
from tests.web.conftest import api_token, login
from web.extensions import clock, db

MOVED = ('Tugas &#34;Menyusun konsep&#34; dikerjakan oleh peran Sekretaris; Anda tidak '
         "memegang peran itu: SOP-nya direvisi dan langkah ini dilepas dari Anda (dipindahkan "
         "ke versi 2, Pelaksana langkahnya berubah).")


def _taken_then_moved(app, revision: dict[str, str]) -> int:
    """The Prakom's taken first step of the small SOP, then version 2 (the SOP with
    ``revision``'s replacements) and every instance moved to it; the step's id."""
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        deploy(db.session, clock(), mini_bpmn())
        instance = start_instance(db.session, clock(), process_key="sop_uji", title="Konsep",
                                  user=users["prakom"])
        task = db.session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance.id)).one()
        claim_task(db.session, clock(), task.id, users["prakom"])
        db.session.commit()
        v2, _ = deploy(db.session, clock(), mini_bpmn(revision))
        migrate_instances(db.session, clock(), v2, users["admin"])
        db.session.commit()
        return task.id


def _taken_then_lane_renamed(app) -> int:
    """The step taken, then version 2 renaming the Prakom lane to Sekretaris."""
    return _taken_then_moved(app, {'name="Prakom"': 'name="Sekretaris"'})


def test_the_released_holder_is_told_why_on_the_page_and_on_sending(app, client):
    task_id = _taken_then_lane_renamed(app)
    login(client, "prakom")
    token = csrf_token(client.get("/").get_data(True))
    page = client.get(f"/tugas/{task_id}")
    assert page.status_code == 403 and MOVED in page.get_data(True)
    sent = client.post(f"/tugas/{task_id}", data={"csrf_token": token, "catatan": "Sudah"})
    assert sent.status_code == 403 and MOVED in sent.get_data(True)
    with app.app_context():
        step = db.session.get(HumanTask, task_id)
        assert (step.state, step.role, step.claimed_by_id) == ("open", "Sekretaris", None)
    read = client.get(f"/api/v1/tasks/{task_id}", headers=api_token(client, "prakom"))
    assert (read.status_code, read.json["error"]["message"]) == (
        403, MOVED.replace("&#34;", '"'))


def test_another_official_outside_the_lanes_gets_the_plain_refusal(app, client):
    task_id = _taken_then_lane_renamed(app)
    login(client, "bidang_terkait")
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert "Anda tidak memegang peran pada SOP ini" in page and "SOP-nya direvisi" not in page


def test_the_released_holder_is_told_at_once_in_his_notifications(app, client):
    """The regression probe: he learnt it only when he next opened the step."""
    task_id = _taken_then_lane_renamed(app)
    login(client, "prakom")
    listed = client.get("/api/v1/notifications?kind=penugasan",
                        headers=api_token(client, "prakom")).json
    [notice] = listed["items"]
    assert (notice["task_id"], notice["label"]) == (task_id, "Penugasan")
    assert notice["text"].startswith("Administrator memindahkan ")
    assert notice["text"].endswith(' ke versi 2 SOP-nya; langkah "Menyusun konsep" kini '
                                   "dikerjakan peran Sekretaris dan dilepas dari Anda.")
    with app.app_context():
        assert db.session.scalars(select(Notification.user_id)).all() == [
            db.session.scalars(select(User.id).filter_by(username="prakom")).one()], "him only"


def test_the_released_holder_is_told_by_e_mail_too(app, client):
    """The regression probe: the in-app notice came, the e-mail did not."""
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                          "host": "127.0.0.1", "port": 2525})
        db.session.scalars(select(User).filter_by(username="prakom")).one().email = "p@pn.id"
        db.session.commit()
    task_id = _taken_then_lane_renamed(app)
    with app.app_context():
        [mail] = db.session.scalars(select(Delivery)).all()
        assert (mail.recipient, mail.payload["human_task_id"]) == ("p@pn.id", task_id)
        # Not "Penugasan": nothing is assigned to him (the next regression probe).
        assert mail.subject.startswith('[Alur] Langkah dilepas: ')
        assert "Menyusun konsep" in mail.subject
        # The second regression probe: it asked him to finish the step he may no longer
        # open, and named neither the mover nor the version, as the notice does.
        assert ('Administrator memindahkan proses "Konsep" ke versi 2 SOP-nya; langkah '
                '"Menyusun konsep" kini dikerjakan peran Sekretaris dan dilepas dari Anda.'
                ) in mail.body
        assert ("Tidak ada lagi yang diminta dari Anda untuk langkah ini; pemegang peran "
                "Sekretaris yang mengerjakannya.") in mail.body
        assert "selesaikan langkah ini" not in mail.body
        assert "Dipegang: belum diambil (peran Sekretaris)" in mail.body


def test_an_english_reader_reads_the_release_in_english(app, client):
    """The regression probe: "(dipindahkan ke versi 2, lane berubah)" stood in the English
    refusal and in the history."""
    task_id = _taken_then_lane_renamed(app)
    login(client, "prakom")
    client.post("/akun/", data={"csrf_token": csrf_token(client.get("/akun/").get_data(True)),
                                "email": "", "language": "en"})
    page = client.get(f"/tugas/{task_id}").get_data(True)
    assert ("this step was released from you (moved to version 2, the role that performs "
            "the step changed).") in page
    with app.app_context():
        instance_id = db.session.get(HumanTask, task_id).instance_id
    login(client, "admin")
    client.post("/akun/", data={"csrf_token": csrf_token(client.get("/akun/").get_data(True)),
                                "email": "", "language": "en"})
    history = client.get(f"/proses/{instance_id}").get_data(True)
    assert ("Demo Prakom no longer holds it: moved to version 2, the role that performs the "
            "step changed") in history
    assert "lane berubah" not in history


def test_the_dry_run_names_every_step_that_changes_lane_and_whom_it_leaves(app, client):
    """The authoring and regression probes: the dry run named only taken steps, without
    their lanes or holder, so the administrator could warn no one beforehand."""
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        deploy(db.session, clock(), mini_bpmn())
        for title in ("Diambil", "Belum diambil"):
            instance = start_instance(db.session, clock(), process_key="sop_uji", title=title,
                                      user=users["prakom"])
            if title == "Diambil":
                task = db.session.scalars(select(HumanTask).where(
                    HumanTask.instance_id == instance.id)).one()
                claim_task(db.session, clock(), task.id, users["prakom"])
        deploy(db.session, clock(), mini_bpmn({'name="Prakom"': 'name="Sekretaris"'}))
        db.session.commit()
    login(client, "admin")
    page = client.get("/admin/sop/sop_uji/pindahkan").get_data(True)
    assert ("Diambil</a> — versi 1 → 2; langkah Menyusun konsep pindah dari Prakom ke "
            "Sekretaris dan dilepas dari Demo Prakom</li>") in page
    assert ("Belum diambil</a> — versi 1 → 2; langkah Menyusun konsep pindah dari Prakom ke "
            "Sekretaris</li>") in page


def test_an_official_still_in_the_sop_reads_why_his_step_left_him_on_its_page(app, client):
    """The SOP probe: an official whose taken step a revision moved to another lane, still
    holding a lane of the SOP, could open the step (200) and read only that another role
    does it; why it left him came with the 403 after he sent its form."""
    moved = ("        <bpmn:flowNodeRef>Kegiatan_1</bpmn:flowNodeRef>\n"
             "        <bpmn:flowNodeRef>Waktu_Kegiatan_1</bpmn:flowNodeRef>\n"
             "        <bpmn:flowNodeRef>Eskalasi_Kegiatan_1</bpmn:flowNodeRef>\n")
    kasubbag = '<bpmn:lane id="Lane_Kasubbag" name="Kasubbag">\n'
    task_id = _taken_then_moved(app, {moved: "", kasubbag: kasubbag + moved})
    login(client, "prakom")
    page = client.get(f"/tugas/{task_id}")
    assert page.status_code == 200, "he holds the Prakom lane (its start) still"
    said = ('<p class="flash flash-warning" role="note" id="released-from-you">Tugas &#34;'
            "Menyusun konsep&#34; dikerjakan oleh peran Kasubbag; Anda tidak memegang peran "
            "itu: SOP-nya direvisi dan langkah ini dilepas dari Anda (dipindahkan ke versi 2, "
            "Pelaksana langkahnya berubah).</p>")
    assert said in page.get_data(True)
    login(client, "sekretaris")
    assert "released-from-you" not in client.get(f"/tugas/{task_id}").get_data(True)


def test_a_move_that_renames_and_retimes_a_step_says_so_and_keeps_the_past_s_name(
        app, client):
    """The administrator probe: after a move, the history wrote the new name over the
    step's past ("Tugas diambil “Menyusun ulang”" at a time that name did not exist), and
    the move said nothing of the deadline it moved."""
    task_id = _taken_then_moved(app, {
        'name="Menyusun konsep"': 'name="Menyusun ulang"',
        'value="30 menit"': 'value="1 jam"', 'name="30 menit"': 'name="1 jam"',
        '"PT30M"': '"PT1H"'})
    login(client, "admin")
    with app.app_context():
        instance_id = db.session.get(HumanTask, task_id).instance_id
        assert db.session.get(HumanTask, task_id).name == "Menyusun ulang"
    page = " ".join(client.get(f"/proses/{instance_id}").get_data(True).split())
    assert "Tugas diambil “Menyusun konsep” oleh Demo Prakom" in page
    assert ("(versi 1 → 2) — “Menyusun konsep” menjadi “Menyusun ulang” — “Menyusun ulang” "
            "23 Nov 2026 08.30 WIB → 23 Nov 2026 09.00 WIB") in page
    trail = " ".join(client.get(f"/admin/jejak-audit?proses={instance_id}").get_data(True)
                     .split())
    assert "Nama langkah berubah: “Menyusun konsep” → “Menyusun ulang”" in trail
    assert f'<a href="/tugas/{task_id}">Menyusun konsep</a>' in trail
