"""The API's contract: the OpenAPI document covers every route under /api/v1, uses one
error shape, and is shown at /api/v1/docs from vendored files under the strict CSP."""

import re

from flask import Flask
from jsonschema import Draft202012Validator

from tests.web.conftest import api_token
from tests.web.test_alerts_api import FIRING
from web.api.openapi import build


def _documented(app: Flask) -> set[tuple[str, str]]:
    with app.test_request_context():
        document = build(app)
    return {(method.upper(), path) for path, operations in document["paths"].items()
            for method in operations}


def _routes(app: Flask) -> set[tuple[str, str]]:
    return {(method, re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule))
            for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}


def test_every_api_route_is_in_the_document(app, client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json["openapi"] == "3.1.0"
    paths = {(method.upper(), path) for path, operations in served.json["paths"].items()
             for method in operations}
    assert paths == _routes(app)
    assert len(paths) == 37  # 32 of the core API, 5 of the service desk


def test_a_route_added_without_a_description_is_missing_from_the_document(app):
    @app.get("/api/v1/undocumented")
    def undocumented() -> str:
        return "x"

    assert ("GET", "/api/v1/undocumented") in _routes(app) - _documented(app)


def test_errors_are_documented_with_the_one_error_shape(client):
    document = client.get("/api/v1/openapi.json").json
    claim = document["paths"]["/api/v1/tasks/{task_id}/claim"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(claim)
    error = claim["409"]["content"]["application/json"]["schema"]["$ref"]
    assert error == "#/components/schemas/Error"
    # Two identical uploads, or two activations of one SOP, at once: the second is a 409.
    for path in ("/api/v1/processes", "/api/v1/processes/{key}/versions/{version}/activate"):
        conflict = document["paths"][path]["post"]["responses"]["409"]
        assert conflict["content"]["application/json"]["schema"]["$ref"] == error
    shape = document["components"]["schemas"]["Error"]
    assert shape["required"] == ["error"]
    body = document["components"]["schemas"]["ErrorBody"]
    assert body["required"] == ["code", "message"] and "fields" in body["properties"]
    for path, method in (("/api/v1/tasks", "get"), ("/api/v1/alerts", "post")):
        header = document["paths"][path][method]["responses"]["401"]["headers"]
        assert header["WWW-Authenticate"]["schema"]["const"] == 'Bearer realm="alur"'
    for path, method in (("/api/v1/auth/token", "post"), ("/api/v1/tasks", "get")):
        for status in ("429", "503"):
            header = document["paths"][path][method]["responses"][status]["headers"]
            assert header["Retry-After"]["schema"] == {"type": "integer"}
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert all([(p["in"], p["required"]) for p in op["parameters"]
                if p.get("name") == "X-Request-ID"] == [("header", False)] for op in operations)
    assert all(answer["headers"]["X-Request-ID"]["required"] for op in operations
               for answer in op["responses"].values())
    [pattern] = {p["schema"]["pattern"] for op in operations for p in op["parameters"]
                 if p.get("name") == "X-Request-ID"}
    made = client.get("/api/v1/tasks").headers["X-Request-ID"]  # 401: Alur made its id
    assert re.fullmatch(pattern, made) and not re.fullmatch(pattern, "a b")
    assert all(op["security"] == [{"bearer": []}] for path, ops in document["paths"].items()
               for name, op in ops.items()
               if path not in ("/api/v1/auth/token", "/api/v1/openapi.json", "/api/v1/docs",
                               "/api/v1/alerts"))
    alerts = document["paths"]["/api/v1/alerts"]["post"]["security"]
    assert alerts == [{"alert_source": []}]
    assert set(document["components"]["securitySchemes"]) == {"bearer", "alert_source"}


def test_docs_page_uses_only_vendored_files_and_no_inline_script(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert scripts and all('src="/static/' in attrs and not body.strip()
                           for attrs, body in scripts)
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(assets) == 3
    for asset in assets:
        with client.get(asset) as response:
            assert response.status_code == 200
    assert "http" not in "".join(assets)


def test_a_cancel_needs_a_reason_as_the_server_does(client):
    document = client.get("/api/v1/openapi.json").json
    cancel = document["components"]["schemas"]["InstanceCancel"]
    assert cancel["required"] == ["reason"]
    assert cancel["properties"]["reason"] == {"type": "string", "minLength": 1,
                                              "maxLength": 2000}


def test_the_alert_webhook_body_and_the_ticket_status_are_in_the_document(client):
    document = client.get("/api/v1/openapi.json").json
    body = document["paths"]["/api/v1/alerts"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"oneOf": [
        {"$ref": "#/components/schemas/AlertmanagerWebhook"},
        {"$ref": "#/components/schemas/UptimeKumaWebhook"}]}
    status = document["components"]["schemas"]["Ticket"]["properties"]["status"]
    assert status["enum"] == ["diterima", "dikerjakan", "menunggu Anda", "selesai",
                              "dibatalkan"]
    # What a real Alertmanager sends (generatorURL, which Alur leaves out) is valid
    # against the published document too, as the server takes it.
    alert = {**FIRING["alerts"][0], "generatorURL": "http://prometheus:9090/graph?g0.expr=up"}
    Draft202012Validator({"$ref": "#/components/schemas/AlertmanagerWebhook",
                          "components": document["components"]}).validate(
        {**FIRING, "alerts": [alert], "externalURL": "http://alertmanager:9093"})


def test_a_notifications_kind_is_one_the_document_names(app, client, started):
    """Every kind a notification is stored with is in the document's enum, and the stored
    ones of a running office (an assignment here) pass it."""
    document = client.get("/api/v1/openapi.json").json
    kind = document["components"]["schemas"]["NotificationItem"]["properties"]["kind"]
    assert kind["enum"] == ["eskalasi", "penugasan", "tugas_baru", "galat", "tiket_diterima",
                            "tiket_pesan", "tiket_menunggu", "tiket_jawaban", "tiket_selesai",
                            "tiket_dibatalkan", "tiket_nilai_rendah", "proses_selesai",
                            "proses_dibatalkan", "eskalasi_tak_sampai"]
    task_id = started["open_tasks"][0]["id"]
    assigned = client.post(f"/api/v1/tasks/{task_id}/assign", json={"assignee": "prakom"},
                           headers=api_token(client, "kasubbag"))
    assert assigned.status_code == 200, assigned.json
    listed = client.get("/api/v1/notifications", headers=api_token(client, "prakom")).json
    assert [item["kind"] for item in listed["items"]] == ["penugasan"]
