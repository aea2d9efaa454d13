"""The files under deploy/ are valid for the tools that read them: ``systemd-analyze
verify`` on the units, ``nginx -t`` on the site (with a self-signed certificate made
here), the site run by nginx answers static files as ``alur serve`` does, and the site's
upload limit equals the app's (Debian packages systemd, nginx)."""

import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import csrf_token
from tests.helpers.servers import alur_server, free_port
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ALUR = str(Path(sys.executable).with_name("alur"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="Debian package systemd not installed (.ci/run installs it)")
def test_systemd_units_verify(tmp_path):
    units = sorted((DEPLOY / "systemd").iterdir())
    assert {unit.name for unit in units} == {"alur-web.service", "alur-worker.service",
                                            "alur-backup.service", "alur-backup.timer"}
    for unit in units:  # ExecStart must exist: this venv's alur stands in for /opt/alur's
        text = unit.read_text()
        assert "/opt/alur/venv/bin/alur" in text or unit.suffix == ".timer"
        (tmp_path / unit.name).write_text(text.replace("/opt/alur/venv/bin/alur", ALUR))
    verified = subprocess.run(["systemd-analyze", "verify", "--man=no",
                               *sorted(str(p) for p in tmp_path.iterdir())],
                              capture_output=True, text=True, timeout=60, check=False)
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr.strip() == ""  # unknown keys are only warned about
    for name in ("alur-web.service", "alur-worker.service"):
        text = (DEPLOY / "systemd" / name).read_text()
        for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                          "PrivateTmp=yes", "CapabilityBoundingSet=", "User=alur"):
            assert hardening in text, (name, hardening)


NGINX_MISSING = "Debian package nginx not installed (.ci/run installs it)"


def _nginx_config(folder: Path, http_port: int = 80, https_port: int = 443,
                  upstream: str = "127.0.0.1:5000") -> list[str]:
    """deploy/nginx/alur.conf in ``folder`` with a self-signed certificate made here, this
    checkout's static files and refusal pages and, when given, other ports and another
    upstream (``HOST:PORT``); returns nginx's arguments."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=alur.example.go.id", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    site = (DEPLOY / "nginx" / "alur.conf").read_text()
    for old, new in (("/etc/ssl/alur/fullchain.pem", str(folder / "cert.pem")),
                     ("/etc/ssl/alur/privkey.pem", str(folder / "key.pem")),
                     ("/var/log/nginx/", f"{folder}/"),
                     ("/opt/alur/app/web/static/", f"{ROOT / 'web' / 'static'}/"),
                     ("root /opt/alur/app/deploy/nginx;", f"root {DEPLOY / 'nginx'};"),
                     ("server 127.0.0.1:5000;", f"server {upstream};"),
                     ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
                     ("listen [::]:80;\n", ""), ("listen [::]:443 ssl http2;\n", "")):
        assert old.rstrip("\n") in site, old
        site = site.replace(old, new)
    (folder / "alur.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        f"user root;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n include {folder}/alur.conf;\n}}\n")
    return ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder),
            "-e", str(folder / "error.log")]


@pytest.mark.skipif(shutil.which("nginx") is None, reason=NGINX_MISSING)
def test_nginx_accepts_the_site(tmp_path):
    tested = subprocess.run([*_nginx_config(tmp_path), "-t"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert tested.returncode == 0, tested.stderr
    assert "test is successful" in tested.stderr


@pytest.mark.skipif(shutil.which("nginx") is None, reason=NGINX_MISSING)
@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")  # self-signed
def test_nginx_keeps_a_versioned_static_file_a_year_as_alur_serve_does(tmp_path):
    """README "Menjalankan sebagai layanan": a static file named with its version is kept
    a year. nginx serves /static/ itself and said "expires 7d" (no public, no immutable)."""
    port = free_port()
    arguments = _nginx_config(tmp_path, http_port=free_port(), https_port=port)
    nginx = subprocess.Popen([*arguments, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        answers = {}
        for query in ("?v=0123456789ab", ""):
            for _ in range(100):
                try:
                    answers[query] = requests.get(
                        f"https://127.0.0.1:{port}/static/alur.css{query}", verify=False,
                        headers={"Host": "alur.example.go.id"}, timeout=10)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
    versioned, unversioned = answers["?v=0123456789ab"], answers[""]
    assert versioned.status_code == unversioned.status_code == 200
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert unversioned.headers["Cache-Control"] == "no-cache"
    assert "Expires" not in versioned.headers
    for answer in (versioned, unversioned):  # the server's headers, repeated there
        assert answer.headers["Strict-Transport-Security"] == "max-age=63072000"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_nginx_upload_limit_is_above_the_apps():
    """A file over the app's limit is refused by the app, in its words (which limit, a
    link back; JSON on /api/), not by nginx (a bare English page)."""
    site = (DEPLOY / "nginx" / "alur.conf").read_text()
    [limit] = re.findall(r"client_max_body_size (\d+)m;", site)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "uji"})
    assert int(limit) * 2**20 >= 3 * app.config["MAX_CONTENT_LENGTH"]


def test_container_image_copies_what_exists():
    containerfile = (DEPLOY / "container" / "Containerfile").read_text()
    sources = [word for line in containerfile.splitlines() if line.startswith("COPY ")
               for word in line.split()[1:-1]]
    assert sources and all((ROOT / source).exists() for source in sources), sources
    compose = (DEPLOY / "container" / "compose.yaml").read_text()
    services_block = compose.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    services = re.findall(r"^  ([a-z0-9-]+):$", services_block, flags=re.MULTILINE)
    assert services == ["db", "redis", "migrate", "web-1", "web-2", "worker-1",
                        "worker-2", "backup"]


def test_the_app_behind_nginx_knows_it_is_served_over_https():
    """nginx answers only over TLS (deploy/nginx/alur.conf), so the app must mark its
    cookies Secure: ALUR_HTTPS=1 in alur.env and in the containers' environment. The
    app's HSTS header is hidden behind nginx's own (one policy, not two headers)."""
    settings = dict(line.split("=", 1) for line in (DEPLOY / "alur.env").read_text().splitlines()
                    if line.strip() and not line.startswith("#"))
    assert settings["ALUR_HTTPS"] == "1"
    compose = (DEPLOY / "container" / "compose.yaml").read_text()
    assert re.search(r'^    ALUR_HTTPS: "1"$', compose, flags=re.MULTILINE)
    site = (DEPLOY / "nginx" / "alur.conf").read_text()
    assert "proxy_hide_header Strict-Transport-Security;" in site


def test_every_install_compiles_the_catalogs_the_makefile_compiles():
    """The container and both install paths of docs/deploy.md build the .mo files that
    make install builds: without click's, alur's usage errors would be English."""
    compiled = ("pybabel compile -d", "pybabel compile -D click -d")
    containerfile = (DEPLOY / "container" / "Containerfile").read_text()
    guide = (ROOT / "docs" / "deploy.md").read_text()
    for command in compiled:
        assert command in containerfile, command
        assert guide.count(command) == 2, command


def _raw_https(port: int, head: str) -> tuple[int, dict[str, str], str]:
    """Send only ``head`` (a request's line and headers) over TLS; the answer's status,
    headers (lower-case names) and body: nginx answers a too large Content-Length at once."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw) as tls:
        tls.sendall(head.encode() + b"\r\n")
        answer = b""
        while chunk := tls.recv(65536):
            answer += chunk
    head_part, body = answer.decode().split("\r\n\r\n", 1)
    status_line, *lines = head_part.split("\r\n")
    return (int(status_line.split()[1]),
            {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}, body)


@pytest.mark.skipif(shutil.which("nginx") is None, reason=NGINX_MISSING)
@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")  # self-signed
def test_the_app_behind_the_guides_nginx(tmp_path):
    """docs/deploy.md's site in front of ``alur serve``, on an https port other than 443:
    forms are accepted (Host with its port), pages are not compressed (BREACH), one nosniff
    header, /readyz stays inside, and a body too large is refused in Indonesian, by the app
    up to its limit and beyond nginx's by deploy/nginx/413.html or 413.json (/api/)."""
    with alur_server(ALUR_INSTANCE_PATH=str(tmp_path / "inst"), ALUR_DEMO="1",
                     ALUR_DATABASE_URL=f"sqlite:///{tmp_path / 'alur.db'}",
                     ALUR_DEMO_PASSWORD="kata-sandi-uji", ALUR_PROXY_COUNT="1",
                     ALUR_HTTPS="1") as base:
        port = free_port()  # after the app's own
        site = f"alur.example.go.id:{port}"
        arguments = _nginx_config(tmp_path, http_port=free_port(), https_port=port,
                                  upstream=base.removeprefix("http://"))
        nginx = subprocess.Popen([*arguments, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        try:
            http = requests.Session()
            http.verify, http.trust_env = False, False  # REQUESTS_CA_BUNDLE would verify
            http.headers["Host"] = site
            url = f"https://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    page = http.get(f"{url}/masuk", headers={"Accept-Encoding": "gzip"})
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            assert page.status_code == 200 and "Content-Encoding" not in page.headers
            assert page.headers["X-Content-Type-Options"] == "nosniff"  # one, not "nosniff, nosniff"
            logged_in = http.post(f"{url}/masuk", allow_redirects=False, headers={
                "Referer": f"https://{site}/masuk"}, data={
                "username": "prakom", "password": "kata-sandi-uji",
                "csrf_token": csrf_token(page.text)})
            assert logged_in.status_code == 302, logged_in.text
            assert http.get(f"{url}/readyz").status_code == 404
            diagram = http.get(f"{url}/laporan/sop/penyusunan_rkt/diagram.bpmn",
                               headers={"Accept-Encoding": "gzip"})
            assert diagram.status_code == 200 and diagram.text.startswith("<?xml")
            assert diagram.headers["Content-Encoding"] == "gzip", "no token nor case data in it"
            assert "Accept-Encoding" in diagram.headers["Vary"]
            again = http.get(f"{url}/laporan/sop/penyusunan_rkt/diagram.bpmn", headers={
                "Accept-Encoding": "gzip", "If-None-Match": diagram.headers["ETag"]})
            assert again.status_code == 304, "revalidated through nginx's weakened ETag"
            token = http.post(f"{url}/api/v1/auth/token", json={
                "username": "prakom", "password": "kata-sandi-uji"}).json()["token"]
            over_apps = http.post(f"{url}/api/v1/tasks/1/attachments",
                                  headers={"Authorization": f"Bearer {token}"},
                                  files={"lampiran": ("a.pdf", b"x" * (11 * 2**20))})
            assert (over_apps.status_code, over_apps.json()["error"]["message"]) == (
                413, "Berkas terlalu besar: lampiran paling besar 10 MB per berkas dan 10 MB "
                "bersama-sama dalam satu permintaan.")
            too_large = "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 40000000"
            status, headers, body = _raw_https(port, (
                f"POST /api/v1/tasks/1/attachments HTTP/1.1\r\nHost: {site}\r\n{too_large}\r\n"))
            assert (status, headers["content-type"]) == (413, "application/json")
            assert json.loads(body)["error"]["code"] == "request_entity_too_large"
            status, headers, body = _raw_https(port, (
                f"POST /admin/sop HTTP/1.1\r\nHost: {site}\r\n{too_large}\r\n"))
            assert (status, headers["content-type"]) == (413, "text/html")
            assert "<h1>Berkas terlalu besar</h1>" in body
            huge = tmp_path / "besar.bin"  # sparse: no 40 MB written to the disk
            with huge.open("wb") as file:
                file.truncate(40_000_000)
            http2 = subprocess.run(  # browsers speak HTTP/2 to this site
                ["curl", "-sk", "--http2", "-o", "-", "-w", "\n%{http_version} %{http_code}",
                 "-H", f"Host: {site}", "-H", "Content-Type: application/octet-stream",
                 "--data-binary", f"@{huge}", f"{url}/api/v1/tasks/1/attachments"],
                capture_output=True, text=True, timeout=60, check=False)
            answer, version_status = http2.stdout.rsplit("\n", 1)
            assert version_status == "2 413"
            assert json.loads(answer)["error"]["code"] == "request_entity_too_large"
        finally:
            nginx.terminate()
            nginx.wait(timeout=30)
