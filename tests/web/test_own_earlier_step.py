"""A small office: one official drafts as Prakom and then approves as Kasubbag. Alur lets
him (the office may have no one else), but the approving step's page says he did the
earlier step himself, so that he can ask for it to go to someone else."""

from datetime import timedelta

from sqlalchemy import select

from engine.models import User, UserRole
from tests.web.conftest import api_token, login
from web.extensions import db


def _drafted(client, prakom) -> tuple[dict, dict]:
    """An SKP started by the Prakom, its draft completed: (the draft, the review step)."""
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "penyusunan_skp_prakom", "title": "SKP 2027"}).json
    draft = started["open_tasks"][0]
    assert client.post(f"/api/v1/tasks/{draft['id']}/complete", headers=prakom,
                       json={"data": {}}).status_code == 200
    [review] = client.get(f"/api/v1/instances/{started['id']}",
                          headers=prakom).json["open_tasks"]
    return draft, review


def _plh(client, clock, official: str, substitute: str, role: str) -> None:
    now = clock.now()
    assert client.post("/api/v1/substitutions", headers=api_token(client, "admin"), json={
        "kind": "Plh", "official": official, "substitute": substitute, "role": role,
        "warrant_number": "ST-12/2026", "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=10)).isoformat()}).status_code == 201


def test_a_step_after_ones_own_earlier_step_in_another_role_says_so(app, client):
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        prakom.roles.append(UserRole(role="Kasubbag"))
        db.session.commit()
    draft, review = _drafted(client, api_token(client, "prakom"))
    note = (f"Langkah sebelumnya pada proses ini, “{draft['name']}”, Anda sendiri yang "
            "menyelesaikannya (sebagai Prakom).")
    login(client, "prakom")
    assert note in client.get(f"/tugas/{review['id']}").get_data(True)
    login(client, "kasubbag")  # another official: nothing to say
    assert "Anda sendiri yang menyelesaikannya" not in client.get(
        f"/tugas/{review['id']}").get_data(True)


def test_a_step_returned_by_a_plh_names_him_once_as_plh(client, clock):
    """The approval chain probe: "Dikembalikan oleh Plh. Sekretaris Demo Kasubbag
    (Sekretaris)" said the role twice, and the note on one's own earlier step dropped the
    "Plh." he acted as."""
    _plh(client, clock, "kasubbag", "prakom", "Kasubbag")
    prakom = api_token(client, "prakom")
    _, review = _drafted(client, prakom)
    assert client.post(f"/api/v1/tasks/{review['id']}/complete", headers=prakom, json={
        "data": {"kesepakatan_skp": "revisi", "catatan": "Target belum terukur"}}
                       ).status_code == 200
    [again] = client.get(f"/api/v1/instances/{review['instance_id']}",
                         headers=prakom).json["open_tasks"]
    login(client, "prakom")
    page = " ".join(client.get(f"/tugas/{again['id']}").get_data(True).split())
    assert "Dikembalikan oleh Plh. Kasubbag Demo Prakom, 23 Nov 2026 08.00 WIB:" in page
    assert (f"<strong>{review['name']}</strong> — Plh. Kasubbag Demo Prakom, <time>"
            in page), "the earlier desks' list says the role once too (regression probe)"
    assert (f"“{review['name']}”, Anda sendiri yang menyelesaikannya (sebagai Plh. "
            "Kasubbag).") in page


def test_a_plh_above_his_own_role_finds_his_own_steps_once(client, clock):
    """The approval chain probe: a Kasubbag serving as Plh. Sekretaris found his own
    Kasubbag step in Tugas Unit and again under Tugas Bawahan, the tab's count one too many."""
    _plh(client, clock, "sekretaris", "kasubbag", "Sekretaris")
    prakom, kasubbag = api_token(client, "prakom"), api_token(client, "kasubbag")
    _drafted(client, prakom)
    [review] = client.get("/api/v1/tasks?view=unit", headers=kasubbag).json
    assert review["role"] == "Kasubbag"
    assert review["id"] not in [task["id"] for task in client.get(
        "/api/v1/tasks?view=bawahan", headers=kasubbag).json]
    other = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": "penyusunan_skp_prakom", "title": "SKP 2028"}).json["open_tasks"][0]
    assert [task["id"] for task in client.get("/api/v1/tasks?view=bawahan",
                                              headers=kasubbag).json] == [other["id"]]
