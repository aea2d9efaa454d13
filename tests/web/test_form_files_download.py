"""The stored BPMN of a version whose forms are JSON files downloads as the .zip an upload
takes, its forms beside it, so a revision made from it uploads (the regression probe: the
.bpmn alone was refused, "berkas formulir … tidak ada dalam unggahan")."""

import io
import json
import zipfile

from tests.web.conftest import login
from tests.web.test_form_upload import SCHEMA, START, UI, _files, _post


def test_a_version_with_form_files_downloads_as_a_zip_that_uploads_again(client):
    assert _post(client, _files()).status_code == 201
    login(client, "admin")
    answer = client.get("/admin/sop/sop_uji/versi/1/berkas.bpmn")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == "attachment; filename=sop_uji-v1.zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    assert sorted(archive.namelist()) == ["konsep-schema.json", "konsep-uischema.json",
                                          "mulai-schema.json", "sop_uji-v1.bpmn"]
    assert json.loads(archive.read("konsep-schema.json")) == SCHEMA
    assert json.loads(archive.read("konsep-uischema.json")) == UI
    assert json.loads(archive.read("mulai-schema.json")) == START
    revised = {name: archive.read(name) for name in archive.namelist()}
    revised["sop_uji-v1.bpmn"] = revised["sop_uji-v1.bpmn"].replace(
        b'name="Menyusun konsep"', b'name="Menyusun konsep surat"')
    again = _post(client, revised)
    assert (again.status_code, again.json["version"]) == (201, 2), again.json
