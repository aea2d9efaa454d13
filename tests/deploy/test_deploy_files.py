"""The files under deploy/ are valid for the tools that read them: ``systemd-analyze
verify`` on the units, ``nginx -t`` on the site (with a self-signed certificate made
here), and the site's upload limit equals the app's (Debian packages systemd, nginx)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.skipif(shutil.which("nginx") is None,
                    reason="Debian package nginx not installed (.ci/run installs it)")
def test_nginx_accepts_the_site(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=alur.example.go.id", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    site = (DEPLOY / "nginx" / "alur.conf").read_text()
    for old, new in (("/etc/ssl/alur/fullchain.pem", str(tmp_path / "cert.pem")),
                     ("/etc/ssl/alur/privkey.pem", str(tmp_path / "key.pem")),
                     ("/var/log/nginx/", f"{tmp_path}/"),
                     ("/opt/alur/app/web/static/", f"{ROOT / 'web' / 'static'}/")):
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "alur.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n include {tmp_path}/alur.conf;\n}}\n")
    tested = subprocess.run(["nginx", "-t", "-c", str(tmp_path / "nginx.conf"),
                             "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert tested.returncode == 0, tested.stderr
    assert "test is successful" in tested.stderr


def test_nginx_upload_limit_is_the_apps():
    site = (DEPLOY / "nginx" / "alur.conf").read_text()
    [limit] = re.findall(r"client_max_body_size (\d+)k;", site)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "uji"})
    assert int(limit) * 1024 == app.config["MAX_CONTENT_LENGTH"]


def test_container_image_copies_what_exists():
    containerfile = (DEPLOY / "container" / "Containerfile").read_text()
    sources = [word for line in containerfile.splitlines() if line.startswith("COPY ")
               for word in line.split()[1:-1]]
    assert sources and all((ROOT / source).exists() for source in sources), sources
    compose = (DEPLOY / "container" / "compose.yaml").read_text()
    services_block = compose.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    services = re.findall(r"^  ([a-z0-9-]+):$", services_block, flags=re.MULTILINE)
    assert services == ["db", "migrate", "web-1", "web-2", "worker-1", "worker-2", "backup"]


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
