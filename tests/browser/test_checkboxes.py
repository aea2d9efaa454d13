"""In Chromium on a phone against the real server: a box to tick is as wide as itself and
sits beside its words (the Administrator box took the whole row: any tap across it gave or
took administrator rights)."""


from tests.browser.conftest import login


def test_the_administrator_box_is_no_wider_than_a_box(server, phone):
    login(phone, server, "admin")
    phone.goto(f"{server}/admin/pengguna")
    box = phone.locator('input[name="is_admin"]').bounding_box()
    words = phone.get_by_text("Administrator", exact=True).last.bounding_box()
    assert box is not None and box["width"] <= 30
    assert abs((box["y"] + box["height"] / 2) - (words["y"] + words["height"] / 2)) < 20
