"""A Plh/Plt recorded by the official's direct supervisor: the Prakom who falls ill cannot
log in to record his own, and his Plh is the Kasubbag's to appoint (SE Kepala BKN
1/SE/I/2021). The supervisor records it for the roles he supervises only, sees it, ends
it and extends a Plt; one above the line (the Ketua for a Prakom) may not."""

import re
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select, update

from engine.models import AuditRecord, Substitution, User
from tests.conftest import csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import api_token, login
from tests.web.test_plh_form import _add_user, _id, _options
from web import plh_words
from web.engine_words import in_reader_language
from web.extensions import db

FORM = {"kind": "Plh", "warrant_number": "W8-U1/7/KP/XII/2026",
        "starts_at": "2026-11-23T07:00", "ends_at": "2026-12-04T00:00"}


def test_the_kasubbag_records_the_plh_of_his_prakom_who_is_ill(app, client):
    login(client, "kasubbag")
    page = client.get("/plh/").get_data(True)
    offered = _options(page, "official")
    assert offered[0] == ("Demo Kasubbag (Kasubbag)", True)  # his own first, chosen
    assert ("Demo Prakom (Prakom)", False) in offered
    assert "Demo Sekretaris (Sekretaris)" not in [text for text, _ in offered]
    assert ("Selain untuk diri Anda, Anda dapat mencatat Plh/Plt bagi pemegang peran yang "
            "Anda awasi langsung (Prakom, Bidang Terkait, Redaktur)") in page
    chosen = client.get(f"/plh/?official={_id(app, 'prakom')}").get_data(True)
    assert re.search(r'<option value="\d+"\s+>Demo Kasubbag \(Kasubbag\)', chosen)  # he may
    assert re.search(r'<option value="\d+"\s+hidden disabled>Demo Prakom \(', chosen)
    response = client.post("/plh/", data={
        **FORM, "csrf_token": csrf_token(page), "official": _id(app, "prakom"),
        "substitute": _id(app, "bidang_terkait"), "role": "Prakom"})
    assert response.status_code == 302, response.get_data(True)
    with app.app_context():
        recorded = db.session.scalars(select(Substitution)).one()
        assert (recorded.official.username, recorded.substitute.username, recorded.role) == (
            "prakom", "bidang_terkait", "Prakom")
        assert recorded.created_by_id == _id(app, "kasubbag")
        trail = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "substitution.recorded")).one()
        assert (trail.actor.username, trail.detail["official"]) == ("kasubbag", "prakom")
    listed = client.get("/plh/").get_data(True)
    assert '<td data-label="Surat perintah">W8-U1/7/KP/XII/2026</td>' in listed
    assert "<summary>Akhiri lebih awal</summary>" in listed  # his to end, too


def test_the_form_of_one_who_supervises_a_prakom_holding_two_roles_offers_only_prakom(
        app, client):
    both = _add_user(app, "dwi", "Dwi Ganda", "Prakom", "Kasubbag")
    login(client, "kasubbag")
    page = client.get(f"/plh/?official={both}").get_data(True)
    assert _options(page, "role") == [("Prakom", True)]
    assert ("Dwi Ganda (Prakom)", True) in _options(page, "official")  # not his Kasubbag
    crafted = client.post("/plh/", data={
        **FORM, "csrf_token": csrf_token(page), "official": both,
        "substitute": _id(app, "prakom"), "role": "Kasubbag"})
    assert crafted.status_code == 422
    assert ("Anda hanya dapat mencatat Plh/Plt Dwi Ganda untuk peran yang Anda awasi "
            "langsung: Prakom") in crafted.get_data(True)
    assert app_count(app, Substitution) == 0


def test_an_official_above_the_line_or_beside_it_may_not_record_it(app, client):
    """The Ketua is not the Prakom's direct supervisor; the Kasubbag is not his
    Sekretaris's: 403, nothing stored."""
    for who, official, role in (("ketua", "prakom", "Prakom"),
                                ("kasubbag", "sekretaris", "Sekretaris"),
                                ("prakom", "bidang_terkait", "Bidang Terkait")):
        login(client, who)
        page = client.get("/plh/").get_data(True)
        refused = client.post("/plh/", data={
            **FORM, "csrf_token": csrf_token(page), "official": _id(app, official),
            "substitute": _id(app, "redaktur"), "role": role})
        assert refused.status_code == 403, who
        assert ("Hanya administrator, pejabat yang bersangkutan atau atasan langsungnya yang "
                "dapat mencatat Plh/Plt.") in refused.get_data(True)
    assert app_count(app, Substitution) == 0


def test_the_supervisor_sees_ends_and_extends_through_the_api(app, client, clock, kasubbag):
    start = clock.now()
    body = {"kind": "Plt", "official": "prakom", "substitute": "redaktur", "role": "Prakom",
            "warrant_number": "ST-9/2026", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(days=40)).isoformat()}
    ketua = api_token(client, "ketua")
    refused = client.post("/api/v1/substitutions", headers=ketua, json=body)
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "forbidden")
    assert app_count(app, Substitution) == 0
    created = client.post("/api/v1/substitutions", headers=kasubbag, json=body)
    assert created.status_code == 201, created.json
    assert created.json["may_end"] is True
    listed = client.get("/api/v1/substitutions", headers=kasubbag).json
    assert [item["warrant_number"] for item in listed["items"]] == ["ST-9/2026"]
    assert client.get("/api/v1/substitutions", headers=ketua).json["total"] == 0
    login(client, "kasubbag")
    page = client.get("/plh/").get_data(True)
    assert "Perpanjang sampai" in page
    extended = client.post(f"/plh/{created.json['id']}/perpanjang", data={
        "csrf_token": csrf_token(page), "ends_at": "2027-02-01T00:00"})
    assert extended.status_code == 302, extended.get_data(True)
    ended = client.post(f"/api/v1/substitutions/{created.json['id']}/end", headers=kasubbag)
    assert ended.status_code == 200
    with app.app_context():
        found = db.session.get(Substitution, created.json["id"])
        assert found.extended_at is not None and found.ended_by.username == "kasubbag"


def test_an_english_reader_reads_the_plh_refusals_in_english(app, client):
    with app.app_context():
        db.session.execute(update(User).where(User.username.in_(("kasubbag", "ketua")))
                           .values(language="en"))
        db.session.commit()
    both = _add_user(app, "dwi", "Dwi Ganda", "Prakom", "Kasubbag")
    login(client, "kasubbag")
    page = client.get("/plh/").get_data(True)
    refused = client.post("/plh/", data={
        "csrf_token": csrf_token(page), "kind": "Plh", "official": both,
        "substitute": _id(app, "prakom"), "role": "Kasubbag", "warrant_number": "",
        "starts_at": "", "ends_at": "2026-12-04T00:00"}).get_data(True)
    for said in ("You may record a Plh/Plt of Dwi Ganda only for the roles you directly "
                 "supervise: Prakom", "the warrant number is required",
                 "the start date and time are required"):
        assert said in refused
    plh = {**FORM, "official": _id(app, "prakom"), "role": "Prakom",
           "substitute": _id(app, "bidang_terkait")}
    assert client.post("/plh/", data={**plh, "csrf_token": csrf_token(page)}).status_code == 302
    clash = client.post("/plh/", data={**plh, "csrf_token": csrf_token(page),
                                       "substitute": _id(app, "redaktur")}).get_data(True)
    assert ("Demo Prakom is already replaced as Prakom by Demo Bidang Terkait (Plh, warrant "
            "W8-U1/7/KP/XII/2026) for part of this period") in clash
    login(client, "ketua")
    page = client.get("/plh/").get_data(True)
    forbidden = client.post("/plh/", data={**FORM, "csrf_token": csrf_token(page),
                                           "official": _id(app, "prakom"), "role": "Prakom",
                                           "substitute": _id(app, "redaktur")})
    assert forbidden.status_code == 403
    assert ("Only an administrator, the official himself or his direct supervisor may record "
            "a Plh/Plt.") in forbidden.get_data(True)
    assert app_count(app, Substitution) == 1


def test_only_the_plh_refusals_are_read_by_their_words(app):
    """A refusal that merely shares words with one of them stays as the engine wrote it."""
    other = 'Tugas "Menerima" tidak lagi menunggu untuk diselesaikan.'
    with app.test_request_context(), force_locale("en"):
        assert in_reader_language(other) == other
        assert in_reader_language("Dwi Ganda tidak memegang peran Prakom") == (
            "Dwi Ganda does not hold the role Prakom")


def test_an_indonesian_reader_reads_the_engine_s_own_words(app):
    """The table's source words are the engine's: on an Indonesian page each refusal reads
    exactly as the engine wrote it."""
    said = [*plh_words.FIXED,
            "Demo Prakom sudah digantikan sebagai Prakom oleh Demo Redaktur (Plh, surat "
            "perintah SP-1) pada sebagian periode ini; satu jabatan punya satu pengganti: "
            "akhiri yang itu dulu atau pilih periode lain",
            "akun Budi nonaktif (berhalangan tetap): catat Plt, bukan Plh",
            "Budi tidak dapat menjadi pengganti: hanya pegawai aktif yang memegang peran"]
    with app.test_request_context(), force_locale("id"):
        for message in said:
            assert in_reader_language(message) == message
    with app.test_request_context(), force_locale("en"):
        assert all(in_reader_language(message) != message for message in said)
