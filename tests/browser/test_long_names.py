"""A real official's name with his degrees ("Muhammad Rizki Pratama, S.Kom., M.T.") in the
task page's "Alihkan kepada" choice does not push a 360 px phone's page sideways (found by
the larger-office probe: the list grew to 356 px beside its label)."""

from tests.browser.axe import PHONE
from tests.browser.conftest import login
from tests.browser.test_inbox_polish import _start

LONG_NAME = "Muhammad Rizki Pratama Wicaksono, S.Kom., M.T. (muhammad.rizki.pratama)"


def test_a_long_name_in_alihkan_stays_inside_a_phone_screen(server, phone):
    task_id = _start(server, "prakom", "penanganan_gangguan_server", "Server ruang sidang")
    login(phone, server, "kasubbag")
    phone.goto(f"{server}/tugas/{task_id}")
    select = phone.locator("select#assignee")
    select.wait_for()
    phone.evaluate("""text => {
        const option = document.createElement("option");
        option.textContent = text;
        document.querySelector("select#assignee").append(option);
    }""", LONG_NAME)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = select.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
