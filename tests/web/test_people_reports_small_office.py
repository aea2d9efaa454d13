"""A person's figures in a small office, where one official holds several roles: a
supervisor of one of his roles sees them only when he holds no role as high as the
viewer's own (a Kasubbag does not read the Ketua's SKP evidence because the Ketua is
also Prakom)."""

import pytest

from engine.models import User, UserRole
from tests.web.conftest import login
from web.extensions import clock, db

Q4 = "periode=triwulan&tahun=2026&triwulan=4"


@pytest.fixture
def office(app):
    with app.app_context():
        for username, roles in (("rina", ("Prakom", "Kasubbag", "Sekretaris", "Ketua")),
                                ("budi", ("Prakom", "Kasubbag"))):
            db.session.add(User(username=username, full_name=username.title(),
                                password_hash="-", created_at=clock().now(),
                                roles=[UserRole(role=role) for role in roles]))
        db.session.commit()


@pytest.mark.parametrize(("viewer", "person", "status"), [
    ("kasubbag", "rina", 403), ("sekretaris", "rina", 403), ("ketua", "rina", 403),
    ("kasubbag", "budi", 403), ("sekretaris", "budi", 200), ("admin", "rina", 200),
    ("kasubbag", "prakom", 200)])
def test_a_supervisor_sees_only_people_below_him_in_every_role(
        client, office, viewer, person, status):
    login(client, viewer)
    assert client.get(f"/laporan/orang/{person}?{Q4}").status_code == status


def test_the_list_of_people_leaves_out_those_as_high_as_the_viewer(client, office):
    login(client, "kasubbag")
    page = client.get("/laporan/orang").get_data(True)
    assert "kecuali pegawai yang juga memegang peran setinggi peran Anda" in page
    assert "/laporan/orang/prakom" in page
    assert "/laporan/orang/rina" not in page and "/laporan/orang/budi" not in page
    login(client, "sekretaris")
    page = client.get("/laporan/orang").get_data(True)
    assert "/laporan/orang/budi" in page and "/laporan/orang/rina" not in page
