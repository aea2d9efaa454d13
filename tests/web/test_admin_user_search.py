"""Pengguna dan Peran in an office with hundreds of accounts: the administrator finds an
account by part of its name or user name, and narrows the list by role and status (found
by the larger-office probe); an unknown role or status is refused naming it."""

import re

import pytest

from engine.models import User, UserRole
from tests.web.conftest import login
from web.extensions import clock, db

PEOPLE = (("siti.khadijah", "Hj. Siti Khadijah, S.H.", "Kasubbag", False),
          ("m.rizki", "Muhammad Rizki, S.Kom.", "Prakom", False),
          ("rizki.lama", "Rizki Ananda", "Prakom", True))


@pytest.fixture
def office(app):
    with app.app_context():
        for username, name, role, disabled in PEOPLE:
            db.session.add(User(username=username, full_name=name, password_hash="-",
                                created_at=clock().now(), is_disabled=disabled,
                                roles=[UserRole(role=role)]))
        db.session.commit()


def _listed(client, query: str) -> list[str]:
    page = client.get(f"/admin/pengguna?{query}")
    assert page.status_code == 200, page.get_data(True)
    return re.findall(r'<td data-label="Nama pengguna"><a [^>]*>([^<]+)</a>', page.get_data(True))


def test_search_role_and_status_narrow_the_list(client, office):
    login(client, "admin")
    assert _listed(client, "cari=khadijah") == ["siti.khadijah"]
    assert _listed(client, "cari=SITI+KHADIJAH+SH") == ["siti.khadijah"]
    assert _listed(client, "cari=rizki") == ["m.rizki", "rizki.lama"]
    assert _listed(client, "cari=rizki&status=aktif") == ["m.rizki"]
    assert _listed(client, "status=nonaktif") == ["rizki.lama"]
    assert _listed(client, "peran=Kasubbag") == ["kasubbag", "siti.khadijah"]
    page = client.get("/admin/pengguna?cari=zzz").get_data(True)
    assert "Tidak ada pengguna yang cocok." in page and 'value="zzz"' in page


@pytest.mark.parametrize(("query", "message"), [
    ("peran=Dekan", "Peran &#34;Dekan&#34; tidak dikenal; pilih "),
    ("status=cuti", "Status &#34;cuti&#34; tidak dikenal; pilih aktif, nonaktif atau baru.")])
def test_an_unknown_role_or_status_is_refused_naming_it(client, office, query, message):
    login(client, "admin")
    response = client.get(f"/admin/pengguna?{query}")
    assert response.status_code == 400 and message in response.get_data(True)


def test_a_role_typed_in_lower_case_is_the_role(client, office):
    login(client, "admin")
    assert _listed(client, "peran=kasubbag") == ["kasubbag", "siti.khadijah"]
    assert _listed(client, "peran=+KASUBBAG+&status=Aktif") == ["kasubbag", "siti.khadijah"]
    assert _listed(client, "peran=bidang_terkait") == ["bidang_terkait"]


def test_accounts_still_on_their_temporary_password_are_listed_as_not_yet_started(client, office):
    """After an import the administrator sees who has not yet begun to use Alur."""
    with client.application.app_context():
        fresh = db.session.query(User).filter_by(username="m.rizki").one()
        fresh.must_change_password = True
        db.session.query(User).filter_by(username="rizki.lama").one().must_change_password = True
        db.session.commit()
    login(client, "admin")
    assert _listed(client, "status=baru") == ["m.rizki"]
    page = client.get("/admin/pengguna?cari=rizki").get_data(True)
    assert page.count("aktif, belum mulai memakai: kata sandi sementaranya belum diganti") == 1
    assert _listed(client, "status=aktif&cari=rizki") == ["m.rizki"]


def test_a_search_of_punctuation_alone_says_it_did_not_filter(client, office):
    login(client, "admin")
    note = "Pencarian ini tidak memuat huruf atau angka, jadi tidak menyaring"
    underscore = client.get("/admin/pengguna?cari=_").get_data(True)
    assert note in underscore and "siti.khadijah" in underscore
    assert note not in client.get("/admin/pengguna?cari=siti").get_data(True)
    assert note not in client.get("/admin/pengguna").get_data(True)
