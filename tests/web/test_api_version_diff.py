"""The diff of a version through the API when no version of its SOP is active yet: a new
SOP uploaded with ``activate=false`` (README, "API JSON")."""

import io

from tests.conftest import mini_bpmn


def test_a_new_sop_waiting_for_activation_diffs_as_all_steps_added(client, admin):
    waiting = client.post("/api/v1/processes", headers=admin, content_type="multipart/form-data",
                          data={"file": (io.BytesIO(mini_bpmn()), "a.bpmn"),
                                "activate": "false"})
    assert (waiting.status_code, waiting.json["active"]) == (201, False)
    diff = client.get("/api/v1/processes/sop_uji/versions/1/diff", headers=admin)
    assert diff.status_code == 200
    assert (diff.json["active_version"], diff.json["version"], diff.json["removed"]) == (
        None, 1, [])
    assert [name for _, name in diff.json["added"]] == ["Menyusun konsep", "Memeriksa konsep"]
