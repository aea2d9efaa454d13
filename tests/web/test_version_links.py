"""Each version in an SOP's history links its SOP document, PDF and BPMN file: while a newer
version waited, the active one's file could only be had by guessing its address (the SOP
probe), and an administrator revises from the version in force."""

import re

from engine.process.deploy import deploy
from tests.conftest import BPMN_DIR
from tests.web.conftest import login
from web.extensions import clock, db

KEY = "backup_database_sipp"


def test_every_version_card_links_its_document_and_file(app, client):
    revised = (BPMN_DIR / f"{KEY}.bpmn").read_bytes().replace(
        b'<bpmn:process id="backup_database_sipp" name="Backup Database SIPP"',
        b'<bpmn:process id="backup_database_sipp" name="Backup Database SIPP (revisi)"')
    with app.app_context():
        deploy(db.session, clock(), revised, filename=f"{KEY}.bpmn")
        db.session.commit()
    login(client, "admin")
    page = client.get(f"/admin/sop/{KEY}").get_data(True)
    history = page.split("Riwayat versi", 1)[1]
    cards = re.findall(r'<p class="version-links">(.*?)</p>', history)
    assert len(cards) == 2
    for card, version in zip(cards, (2, 1), strict=True):
        assert f'href="/sop/{KEY}/versi/{version}"' in card
        assert f'href="/sop/{KEY}/versi/{version}.pdf"' in card
        assert f'href="/admin/sop/{KEY}/versi/{version}/berkas.bpmn" download' in card
    assert client.get(f"/admin/sop/{KEY}/versi/1/berkas.bpmn").status_code == 200
