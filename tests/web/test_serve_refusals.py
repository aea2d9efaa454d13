"""``alur serve`` refuses an address or a folder it cannot use with a sentence naming where
it came from and exit code 2, before it says it runs and before gunicorn starts (README,
"Konfigurasi")."""

import fcntl
import socket

import pytest

from tests.helpers.cli import run_alur
from tests.helpers.servers import free_port


@pytest.mark.parametrize("args, settings, message", [
    ((), {"ALUR_WEB_WORKERS": "0"}, "GAGAL: ALUR_WEB_WORKERS paling kecil 1, bukan '0'"),
    ((), {"ALUR_WEB_THREADS": "100"}, "GAGAL: ALUR_WEB_THREADS paling besar 64, bukan '100'"),
    ((), {"ALUR_BIND": "127.0.0.1:99999"},
     ("GAGAL: ALUR_BIND harus HOST:PORT dengan port 1–65535 (mis. 127.0.0.1:5000 atau "
      "[::1]:5000) atau unix:JALUR, bukan '127.0.0.1:99999'")),
    ((), {"ALUR_BIND": "omong-kosong"}, "GAGAL: ALUR_BIND harus HOST:PORT"),
    ((), {"ALUR_BIND": "::1"}, "GAGAL: ALUR_BIND harus HOST:PORT"),
    (("--bind", "127.0.0.1:0"), {}, "GAGAL: Nilai '--bind' tidak sah: harus HOST:PORT dengan port 1–65535"),
])
def test_serve_refuses_what_it_cannot_listen_with_naming_where_it_came_from(
        tmp_path, args, settings, message):
    """A variable is named as a variable (not as the --workers flag it fills); an address
    gunicorn cannot listen on is refused before it is started (a port past 65535 was an
    OverflowError traceback, a port of 0 a random one)."""
    result = run_alur(tmp_path, "serve", *args, **settings)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    if settings:
        assert "--workers" not in result.stderr and "--threads" not in result.stderr


@pytest.mark.parametrize("where, why", [("a file", "sudah ada berkas di sana, bukan folder"),
                                        ("under a file", "bukan folder")])
def test_serve_names_a_metrics_folder_it_cannot_use(tmp_path, where, why):
    """prometheus_client's folder was made with a traceback; now a sentence names it."""
    blocked = tmp_path / "bukan-folder"
    blocked.write_text("berkas, bukan folder")
    folder = blocked if where == "a file" else blocked / "metrik"
    result = run_alur(tmp_path, "serve", "--bind", "127.0.0.1:1",
                   PROMETHEUS_MULTIPROC_DIR=str(folder))
    assert result.returncode == 2, result.stderr
    assert (f"GAGAL: PROMETHEUS_MULTIPROC_DIR '{folder}' tidak dapat dipakai sebagai folder "
            f"yang dapat ditulis: {why}\n") in result.stderr  # not "File exists"
    assert "Traceback" not in result.stderr and "Alur berjalan" not in result.stdout


@pytest.mark.parametrize("given", ["ALUR_BIND", "--bind"])
def test_serve_refuses_an_address_another_program_listens_on(tmp_path, given):
    """It said "Alur berjalan di …", then gunicorn's English "Connection in use" for five
    seconds, then exit 1 with no GAGAL line."""
    address = f"127.0.0.1:{free_port()}"
    counts = tmp_path / "instans" / "metrics" / "counter_1.db"  # of the Alur listening there
    counts.parent.mkdir(parents=True)
    counts.write_bytes(b"hitungan")
    with socket.socket() as other:
        other.bind(("127.0.0.1", int(address.rpartition(":")[2])))
        other.listen()
        args, settings = (("--bind", address), {}) if given == "--bind" else (
            (), {"ALUR_BIND": address})
        result = run_alur(tmp_path, "serve", *args, **settings)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"GAGAL: {given} {address} sudah dipakai program lain\n"
    assert counts.read_bytes() == b"hitungan", "the metrics folder is left alone"


@pytest.mark.parametrize("host, problem", [
    ("192.0.2.1", "tidak dapat dipakai: alamat itu bukan milik mesin ini"),  # TEST-NET-1
    ("999.1.1.1", "tidak dapat dipakai: nama host tidak dikenal"),
    ("tidak-ada.invalid", "tidak dapat dipakai: nama host tidak dikenal"),
])
def test_serve_refuses_an_address_it_cannot_listen_on_before_touching_the_metrics(
        tmp_path, host, problem):
    """It said "Alur berjalan di …", emptied the metrics folder of the Alur already
    running on this instance, then gunicorn failed in English and exit 1."""
    counts = tmp_path / "instans" / "metrics" / "counter_1.db"
    counts.parent.mkdir(parents=True)
    counts.write_bytes(b"hitungan")
    address = f"{host}:{free_port()}"
    result = run_alur(tmp_path, "serve", ALUR_BIND=address)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"GAGAL: ALUR_BIND {address} {problem}\n"
    assert counts.read_bytes() == b"hitungan"


def test_a_second_serve_of_a_running_instance_leaves_its_metrics_alone(tmp_path):
    """Another port, the same instance folder: it emptied the metrics folder the running
    server's processes write to, and their counts were gone from /metrics."""
    folder = tmp_path / "instans" / "metrics"
    counts = folder / "counter_1.db"
    folder.mkdir(parents=True)
    counts.write_bytes(b"hitungan")
    with (folder / "serve.lock").open("a") as running:  # as the running alur serve holds it
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run_alur(tmp_path, "serve", "--bind", f"127.0.0.1:{free_port()}")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"GAGAL: PROMETHEUS_MULTIPROC_DIR '{folder}' dipakai alur serve lain yang sedang "
        "berjalan (folder instans yang sama); hentikan yang itu, atau beri yang ini "
        "ALUR_INSTANCE_PATH atau PROMETHEUS_MULTIPROC_DIR lain\n")
    assert counts.read_bytes() == b"hitungan"


@pytest.mark.parametrize("where, problem", [
    ("tidak-ada/alur.sock", "tidak dapat dipakai: foldernya tidak ada"),
    ("berkas-biasa", "tidak dapat dipakai: sudah ada berkas di sana yang bukan soket"),
])
def test_serve_refuses_a_unix_socket_it_cannot_make(tmp_path, where, problem):
    """It said "Alur berjalan di http://unix:…", then gunicorn failed in English five times
    (or a traceback: "is not a socket") and exit 1 (found by the operations probe)."""
    (tmp_path / "berkas-biasa").write_text("bukan soket")
    address = f"unix:{tmp_path / where}"
    result = run_alur(tmp_path, "serve", ALUR_BIND=address)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"GAGAL: ALUR_BIND {address} {problem}\n"
    assert (tmp_path / "berkas-biasa").read_text() == "bukan soket"
