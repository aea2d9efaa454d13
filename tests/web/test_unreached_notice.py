"""What an administrator reads when an escalation reached no one (a vacant Kasubbag post):
the notice names the step, the level and what to do, under the filter "Eskalasi ke
atasan", in his language, and its link opens the step."""

import re
from datetime import timedelta

from sqlalchemy import select

from engine.models import User
from tests.conftest import csrf_token
from tests.web.conftest import api_token, login
from tests.web.test_notification_centre import SOP_NAME, _logout, _open_task, _start
from web.cli.worker import fire_once
from web.extensions import db

STEP = "Menerima dan mencatat laporan gangguan server"


def _vacant_post_goes_late(app, client, clock) -> int:
    with app.app_context():
        kasubbag = db.session.scalar(select(User).where(User.username == "kasubbag"))
        kasubbag.is_disabled = True
        db.session.commit()
    login(client, "prakom")
    _start(client, "Server mati")
    prakom = api_token(client, "prakom")
    task_id = _open_task(client, prakom)
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=prakom).status_code == 200
    clock.advance(timedelta(hours=2))
    assert fire_once(app) == 1 and fire_once(app) == 1
    _logout(client)
    return task_id


def test_the_administrator_reads_whom_it_missed_and_what_to_do(app, client, clock):
    task_id = _vacant_post_goes_late(app, client, clock)
    login(client, "admin")
    page = client.get("/notifikasi/?jenis=eskalasi").get_data(True)
    assert "Eskalasi tak sampai" in page
    [text] = re.findall(r'class="notice-text">(.*?)</p>', page)
    assert text == (f"Eskalasi tingkat 2 untuk Kasubbag tentang langkah &#34;{STEP}&#34; pada GS-2026-0001 &#34;Server mati&#34; ({SOP_NAME}) tidak "
                    "sampai kepada siapa pun: tidak ada akun aktif yang memegang peran Kasubbag "
                    "atau menjadi Plh/Plt-nya. Catat Plt di halaman Plh/Plt, atau beri peran itu "
                    "kepada akun aktif.")
    [link] = re.findall(r'href="(/notifikasi/\d+/[^"]*)">Buka tugas</a>', page)
    assert client.get(link).headers["Location"] == f"/tugas/{task_id}"
    assert client.get(f"/tugas/{task_id}").status_code == 200
    assert "Eskalasi tak sampai" not in client.get("/notifikasi/?jenis=galat").get_data(True)
    [item] = client.get("/api/v1/notifications?kind=eskalasi",
                        headers=api_token(client, "admin")).json["items"]
    assert (item["kind"], item["level"], item["task_id"]) == ("eskalasi_tak_sampai", 2, task_id)


def test_in_english_it_says_the_same(app, client, clock):
    _vacant_post_goes_late(app, client, clock)
    login(client, "admin")
    token = csrf_token(client.get("/akun/").get_data(True))
    client.post("/akun/", data={"email": "", "language": "en", "csrf_token": token})
    page = client.get("/notifikasi/").get_data(True)
    assert "<strong>Escalation reached no one</strong>" in page
    [text] = re.findall(r'class="notice-text">(.*?)</p>', page)
    assert text == (f"Level 2 escalation to Kasubbag about step &#34;{STEP}&#34; of GS-2026-0001 "
                    f"&#34;Server mati&#34; ({SOP_NAME}) reached no one: no active account "
                    "holds the role Kasubbag or stands in for it as Plh/Plt. Record a Plt on "
                    "the Plh/Plt page, or give the role to an active account.")


def test_the_late_official_standing_in_above_himself_is_named_with_what_to_do(
        app, client, clock):
    """The supervisor probe: the only Prakom, also Plh. Kasubbag, let a step go late; the
    notice said only "hanya pemegang langkah itu sendiri" and advised giving the role to
    another account, though the Kasubbag is there, only replaced."""
    from tests.web.test_plh_in_force import _substitution

    _substitution(client, clock, "kasubbag", "prakom", "Kasubbag")
    login(client, "prakom")
    _start(client, "Server mati")
    clock.advance(timedelta(hours=2))
    assert fire_once(app) == 1 and fire_once(app) == 1
    login(client, "admin")
    [text] = re.findall(r'class="notice-text">(.*?)</p>',
                        client.get("/notifikasi/?jenis=eskalasi").get_data(True))
    assert text.endswith(
        "tidak sampai kepada siapa pun: Demo Prakom, yang mengerjakan langkah itu, sendiri yang "
        "bertindak sebagai Kasubbag (Plh. Kasubbag), dan ia tidak diberi tahu sebagai "
        "atasannya sendiri. Eskalasi naik ke tingkat berikutnya bila ada; bila perlu, beri tahu "
        "pejabat Kasubbag yang digantikannya, atau akhiri Plh/Plt itu di halaman Plh/Plt."), text
