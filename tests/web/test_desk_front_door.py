"""The front door's form and a requester's own ticket page: what each service is for, a
service changed before Kirim, and which notices an official's own ticket page reads."""

from lxml import html
from sqlalchemy import select

from engine.models import Notification, ProcessInstance, User
from tests.conftest import START_DATA, csrf_token
from tests.helpers.rows import app_count
from tests.web.conftest import login
from tests.web.desk_helpers import add_employee, file_ticket
from web.extensions import db

LTI = "penanganan_permintaan_layanan_ti"


def test_the_form_says_what_each_service_is_for_in_its_sop_s_words(app, client):
    """The requester probe: "Penanganan Gangguan Server" or "… Layanan TI" for a broken
    printer? Each service is listed with its SOP's tujuan under the choice."""
    add_employee(app)
    login(client, "pegawai")
    page = html.fromstring(client.get("/tiket/ajukan").get_data(True))
    assert page.xpath("//select[@id='process_key']/@aria-describedby") == ["process_key-hint"]
    assert [" ".join(li.text_content().split()) for li in page.xpath(
        "//ul[@id='process_key-hint']/li")] == [
        "Penanganan Permintaan Layanan TI: Melayani permintaan layanan TI dari pegawai "
        "(pemohon) sampai terpenuhi.",
        "Penanganan Gangguan Server: Menangani laporan gangguan server sampai layanan pulih "
        "dan hasilnya dilaporkan."]


def test_an_official_s_own_ticket_page_reads_only_his_requester_notices(app, client, clock):
    """The regression probe: a Kasubbag who filed a ticket and opened it lost the unread
    mark of the step he still had to do in it."""
    login(client, "kasubbag")
    instance_id = file_ticket(app, client, "Proyektor")
    with app.app_context():
        kasubbag = db.session.scalar(select(User.id).filter_by(username="kasubbag"))
        for kind in ("tiket_diterima", "tugas_baru", "eskalasi"):
            db.session.add(Notification(user_id=kasubbag, kind=kind, role="Kasubbag",
                                        message=kind, created_at=clock.now(),
                                        instance_id=instance_id))
        db.session.commit()
    client.get(f"/tiket/{instance_id}")
    with app.app_context():
        unread = db.session.scalars(select(Notification.kind).where(
            Notification.user_id == kasubbag, Notification.read_at.is_(None))
            .order_by(Notification.id)).all()
    assert unread == ["tugas_baru", "eskalasi"]


def test_kirim_with_another_service_chosen_shows_its_form_and_files_nothing(app, client):
    """The regression probe: a service chosen with the keys (or without JavaScript), then
    Kirim, filed a Gangguan Server ticket with the Layanan TI form's answers lost."""
    add_employee(app)
    login(client, "pegawai")
    page = client.get(f"/tiket/ajukan?process_key={LTI}").get_data(True)
    assert '<input type="hidden" name="formulir_layanan" value="penanganan_permintaan_layanan_ti">' \
        in page
    answer = client.post("/tiket/ajukan", data={
        "csrf_token": csrf_token(page), "process_key": "penanganan_gangguan_server",
        "formulir_layanan": LTI, "title": "Printer lantai 2 macet", **START_DATA[LTI]})
    shown = html.fromstring(answer.get_data(True))
    assert answer.status_code == 200
    assert shown.xpath("//p[@role='alert']")[0].text_content().startswith(
        "Layanan diganti menjadi Penanganan Gangguan Server; tiket belum dikirim.")
    assert shown.xpath("//input[@id='title']/@value") == ["Printer lantai 2 macet"]
    assert shown.xpath("//input[@name='formulir_layanan']/@value") == [
        "penanganan_gangguan_server"]
    assert app_count(app, ProcessInstance) == 0
