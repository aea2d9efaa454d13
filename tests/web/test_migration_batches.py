"""Pindahkan proses berjalan moves a bounded batch per request, and the SOP page costs
the same number of statements however many instances are running."""

import html
import re

from sqlalchemy import select

from engine.models import HumanTask, ProcessInstance, User
from engine.process import migration_plan, versions
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.conftest import BPMN_DIR, csrf_token, mini_bpmn
from tests.engine.process.test_galat_migration import TIMED
from tests.engine.process.test_migration import KEY, REMOVED, without_step
from tests.helpers.statements import page_statements
from tests.web.conftest import login
from web.extensions import clock, db


def _start(app, count: int) -> None:
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        for n in range(count):
            start_instance(db.session, clock(), process_key=KEY, title=f"Gangguan {n}",
                           user=prakom)
        db.session.commit()


def _version_2(app) -> None:
    with app.app_context():
        deploy(db.session, clock(), without_step((BPMN_DIR / f"{KEY}.bpmn").read_bytes(),
                                                 REMOVED))
        db.session.commit()


def _activate(app, version: int) -> None:
    with app.app_context():
        versions.activate(db.session, clock(), KEY, version, None)
        db.session.commit()


def _versions(app) -> list[int]:
    with app.app_context():
        return [instance.definition.version for instance in db.session.scalars(
            select(ProcessInstance).order_by(ProcessInstance.id))]


def _form(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action``."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html,
                     re.DOTALL)
    assert form is not None, html
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[0]))


def test_one_post_moves_one_batch_and_the_next_post_moves_the_rest(app, client, monkeypatch):
    monkeypatch.setattr(versions, "MAX_MOVED", 3, raising=False)
    _start(app, 5)
    _version_2(app)
    login(client, "admin")
    action = f"/admin/sop/{KEY}/pindahkan"
    preview = client.get(action).get_data(True)
    assert "Akan dipindahkan (5)" in preview
    first = client.post(action, data=_form(preview, action)).get_data(True)
    assert _versions(app) == [2, 2, 2, 1, 1], "the oldest first, at most MAX_MOVED"
    assert "3 proses dipindahkan" in first and "2 proses lagi" in first
    assert "GS-2026-0001 Gangguan 0</a>" in first
    assert first.count("<form") == first.count("</form>") and "<title>Pemindahan proses" in \
        first and "sesudah" not in first.split("</title>")[0]  # the form is in the page only
    second = client.post(action, data=_form(first, action)).get_data(True)
    assert _versions(app) == [2, 2, 2, 2, 2]
    assert "2 proses dipindahkan" in second and "proses lagi" not in second


def test_the_dry_run_lists_a_page_and_counts_the_rest(app, client, monkeypatch):
    monkeypatch.setattr(migration_plan, "PREVIEW_LIMIT", 2)
    _start(app, 5)
    _version_2(app)
    login(client, "admin")
    preview = client.get(f"/admin/sop/{KEY}/pindahkan").get_data(True)
    assert "Akan dipindahkan (5)" in preview
    # Named by number, as every other page names a process.
    assert "GS-2026-0002 Gangguan 1" in preview and "GS-2026-0003 Gangguan 2" not in preview
    assert "dan 3 lainnya" in preview


def test_the_sop_page_runs_the_same_statements_for_2_or_12_running_instances(app, client):
    _start(app, 2)
    _version_2(app)
    login(client, "admin")
    path = f"/admin/sop/{KEY}"
    client.get(path)  # the first request of a session loads what later ones keep
    few = page_statements(app, client, path)
    assert "Pindahkan 2 proses berjalan ke versi 2" in client.get(path).get_data(True)
    _activate(app, 1)
    _start(app, 10)
    _activate(app, 2)
    many = page_statements(app, client, path)
    assert len(many) == len(few), many
    assert "Pindahkan 12 proses berjalan ke versi 2" in client.get(path).get_data(True)
    assert csrf_token(client.get(path).get_data(True))


def test_the_dry_run_and_the_result_name_an_instance_whose_step_gains_a_timer(app, client):
    """The dry run lists it as staying (before, it promised a move that then failed, again
    at every try), and the result names it by number and title, as the dry run does."""
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        deploy(db.session, clock(), mini_bpmn())
        instance = start_instance(db.session, clock(), process_key="sop_uji", title="Konsep",
                                  user=prakom)
        complete_task(db.session, clock(), db.session.scalar(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id)), prakom, {})
        deploy(db.session, clock(), mini_bpmn(TIMED))
        number = instance.number
        db.session.commit()
    login(client, "admin")
    action = "/admin/sop/sop_uji/pindahkan"
    preview = client.get(action).get_data(True)
    assert "Akan dipindahkan" not in preview and "Tetap pada versinya (1)" in preview
    assert f"{number} Konsep</a> (versi 1): timer berubah: Memeriksa konsep" in preview
    assert "Pindahkan 1 proses" not in client.get("/admin/sop/sop_uji").get_data(True)
    result = client.post(action, data={"csrf_token": csrf_token(preview), "konfirmasi": "2"})
    assert f"{number} Konsep</a>: Memeriksa konsep (timer berubah)" in result.get_data(True)
    assert "Tidak dapat dipindahkan" not in result.get_data(True)


def test_the_dry_run_names_a_running_step_whose_waktu_changes(app, client):
    """Moving counts the deadline again with the new Waktu: a shorter one may make the step
    late at once and remind its supervisor, which the dry run did not say (found by the
    SOP revision probe)."""
    with app.app_context():
        deploy(db.session, clock(), mini_bpmn())
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        start_instance(db.session, clock(), process_key="sop_uji", title="Konsep", user=prakom)
        deploy(db.session, clock(), mini_bpmn({'value="30 menit"': 'value="15 menit"',
                                               'name="30 menit"': 'name="15 menit"',
                                               '"PT30M"': '"PT15M"',
                                               'name="Menyusun konsep"':
                                                   'name="Menyusun ulang"'}))
        db.session.commit()
    login(client, "admin")
    preview = html.unescape(client.get("/admin/sop/sop_uji/pindahkan").get_data(True))
    # A renamed step is said too (the administrator probe: the dry run did not).
    assert ("versi 1 → 2; Waktu Menyusun konsep: 30 menit → 15 menit; langkah “Menyusun "
            "konsep” menjadi “Menyusun ulang”</li>") in preview
    assert "Waktu yang lebih singkat memajukannya" in preview
    _start(app, 1)
    _version_2(app)  # another SOP, one step removed and no Waktu changed: nothing said
    other = client.get(f"/admin/sop/{KEY}/pindahkan").get_data(True)
    assert "Akan dipindahkan (1)" in other and "memajukannya" not in other
