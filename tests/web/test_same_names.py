"""Two officials of the same name ("Muhammad Rizki, S.Kom.") are told apart by their user
name in every chooser of a person: the task page's and the inbox's "Alihkan kepada", and
the Plh/Plt form (found by the larger-office probe); a name nobody shares stays as it is."""

import re

import pytest

from engine.models import User, UserRole
from tests.web.conftest import PASSWORD, login
from tests.web.desk_helpers import add_employee
from tests.web.test_inbox_lists import started  # noqa: F401
from web.extensions import clock, db
from web.filters import shared_names
from web.views.auth import hash_password

NAME = "Muhammad Rizki, S.Kom."


@pytest.fixture
def twins(app):
    with app.app_context():
        for username, name in (("m.rizki", NAME), ("muhammad.rizki", "MUHAMMAD RIZKI, S.Kom."),
                               ("rina", "Rina Wati")):
            db.session.add(User(username=username, full_name=name, created_at=clock().now(),
                                roles=[UserRole(role="Prakom")],
                                password_hash=hash_password(PASSWORD)))
        db.session.commit()


def _options(page: str, select_id: str) -> list[str]:
    chosen = re.search(rf'<select id="{select_id}".*?</select>', page, re.DOTALL).group(0)
    return [text.strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", chosen)]


def test_the_alihkan_choices_name_the_account_of_a_shared_name(client, started, twins):  # noqa: F811
    login(client, "kasubbag")
    inbox = _options(client.get("/?tampil=bawahan").get_data(True), "assignee")
    assert f"{NAME} (m.rizki)" in inbox and "MUHAMMAD RIZKI, S.Kom. (muhammad.rizki)" in inbox
    assert "Rina Wati" in inbox and "Demo Prakom" in inbox
    task_id = re.search(r'href="/tugas/(\d+)"', client.get("/?tampil=bawahan").get_data(True))
    page = client.get(f"/tugas/{task_id.group(1)}").get_data(True)
    choices = _options(page, "assignee")
    assert choices[0] == "— pilih pegawai —"
    assert sorted(choices[1:]) == sorted([
        "Demo Prakom", "MUHAMMAD RIZKI, S.Kom. (muhammad.rizki)", f"{NAME} (m.rizki)",
        "Rina Wati"])


def test_the_plh_form_names_the_account_of_a_shared_name(client, twins):
    login(client, "admin")
    page = client.get("/plh/").get_data(True)
    substitutes = _options(page, "substitute")
    assert f"{NAME} (m.rizki; Prakom)" in substitutes
    assert "Rina Wati (Prakom)" in substitutes
    add_employee(client.application)  # holding no role: never "Pegawai Biasa ()"
    page = client.get("/plh/").get_data(True)
    assert not [option for option in _options(page, "official") + _options(page, "substitute")
                if option.endswith("()")]


def test_one_account_under_two_roles_is_no_twin():
    class Person:
        def __init__(self, id: int, full_name: str) -> None:
            self.id, self.full_name = id, full_name

    assert shared_names([Person(1, "Ani"), Person(1, "Ani"), Person(2, "Budi")]) == set()
    assert shared_names([Person(1, "Ani"), Person(2, "ANI ")]) == {"Ani", "ANI "}
