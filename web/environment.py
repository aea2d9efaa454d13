"""Reading Alur's environment variables (README, "Konfigurasi"): a value that cannot be read
stops the command with a sentence naming the variable, not a Python traceback
(``web.cli.commands.main`` prints it and exits 2)."""

import errno
import math
import os
import re
import tempfile
from pathlib import Path

from limits import parse_many
from limits.errors import ConfigurationError as LimitsConfigurationError
from limits.storage import SCHEMES, storage_from_string
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("json", "text")


class ConfigError(ValueError):
    """An environment variable holds a value Alur cannot use; the message (Indonesian)
    names it and what it takes."""


def number(name: str, default: float, minimum: float = 0,
           maximum: float = float("inf")) -> float:
    """``name`` as a number from ``minimum`` to ``maximum`` (seconds, counts), or
    ``default`` when unset or empty.

    Raises:
        ConfigError: not a number, below ``minimum`` (an interval of 0 would make a loop
            spin) or above ``maximum`` (seconds added to now past year 9999 overflow).
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name} harus angka, bukan {text[:40]!r}") from None
    # NaN and infinity are no count; below a positive minimum the minimum is said ("-1"
    # for at least one web process was told "0 or more", then 0 was refused).
    if math.isnan(value) or value == math.inf or (value < 0 and minimum <= 0):
        raise ConfigError(f"{name} harus angka 0 atau lebih, bukan {text[:40]!r}")
    if value < minimum:
        raise ConfigError(f"{name} paling kecil {_plain(minimum)}, bukan {text[:40]!r}")
    if value > maximum:
        raise ConfigError(f"{name} paling besar {_plain(maximum)}, bukan {text[:40]!r}")
    return value


def _plain(value: float) -> str:
    """``2592000`` rather than ``2.592e+06``; ``0.1`` stays ``0.1``."""
    return str(int(value)) if value == int(value) else f"{value:g}"


YES = ("1", "true", "t", "yes", "y", "on", "ya")
NO = ("0", "false", "f", "no", "n", "off", "tidak")


def flag(name: str, default: bool) -> bool:
    """``name`` as yes or no (``1``/``true``/``yes``/``on``/``ya`` or ``0``/``false``/``no``/
    ``off``/``tidak``, any case), or ``default`` when unset or empty.

    Raises:
        ConfigError: another value (it would otherwise be read as one or the other).
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if text.lower() in YES:
        return True
    if text.lower() in NO:
        return False
    raise ConfigError(f"{name} harus 1 atau 0 (juga true/false, yes/no, on/off, ya/tidak), "
                      f"bukan {text[:40]!r}")


def database_url(name: str, default: str) -> str:
    """``name`` as an SQLAlchemy database URL, or ``default`` when unset or empty; its
    driver's Python module is imported here (nothing is connected).

    Raises:
        ConfigError: not a URL SQLAlchemy can read, or its driver is not installed (the
            first connection would otherwise fail with a traceback, even ``alur --help``).
    """
    text = os.environ.get(name, "").strip() or default
    try:
        url = make_url(text)
        dialect = url.get_dialect()  # the dialect and its driver are known
    except (ArgumentError, NoSuchModuleError):
        raise ConfigError(f"{name} harus URL SQLAlchemy, mis. sqlite:////var/lib/alur/"
                          "alur.sqlite3 atau postgresql+psycopg://alur@localhost/alur, "
                          f"bukan {text[:40]!r}") from None
    try:
        dialect.import_dbapi()
    except ImportError as missing:
        module = f"modul Python {missing.name}" if missing.name else str(missing)[:120]
        raise ConfigError(f"{name} memakai driver {dialect.driver} ({url.get_backend_name()}) "
                          f"yang tidak terpasang: {module} tidak ada. Pasang paketnya di "
                          "virtualenv Alur, atau pakai driver yang terpasang, mis. "
                          "postgresql+psycopg://alur@localhost/alur") from None
    return text


# The operating system's reasons (English in its strerror) an administrator meets most.
_OS_WORDS = {
    errno.ENOENT: "tidak ada", errno.ENOTDIR: "bukan folder", errno.EEXIST: "sudah ada",
    errno.EACCES: "tidak diizinkan", errno.EPERM: "tidak diizinkan",
    errno.EROFS: "hanya-baca", errno.ENOSPC: "disk penuh",
    errno.EISDIR: "sebuah folder, bukan berkas",
}


def os_words(error: OSError) -> str:
    """Why ``error`` happened in Indonesian for the common reasons (``tidak ada``, ``bukan
    folder``, ``sudah ada``, ``tidak diizinkan``, ``hanya-baca``, ``disk penuh``, a folder
    where a file should be); other
    reasons in the operating system's own words (``strerror``)."""
    return _OS_WORDS.get(error.errno or 0) or error.strerror or str(error)


def folder_words(error: OSError) -> str:
    """``os_words`` for a folder that could not be made or used: a file already where it
    should be is said so ("sudah ada" told the operator nothing)."""
    if error.errno == errno.EEXIST:
        return "sudah ada berkas di sana, bukan folder"
    return os_words(error)


def writable_folder(name: str, default: Path) -> Path:
    """``name`` as a folder this process writes files to, or ``default`` when unset or
    empty; made (with its parents) when missing, and a file is written and removed in it.

    Raises:
        ConfigError: a file where the folder should be, a folder that cannot be made, or
            one this process may not write to (the writes would otherwise fail later, each
            with a traceback).
    """
    text = os.environ.get(name, "").strip()
    folder = Path(text) if text else default
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ConfigError(f"{name} {str(folder)!r} tidak dapat dipakai sebagai folder "
                          f"yang dapat ditulis: {folder_words(error)}") from None
    return folder


def absolute_path(name: str, default: str | None) -> str | None:
    """``name`` as an absolute path, or ``default`` when unset or empty.

    Raises:
        ConfigError: a relative path (it would be made under whatever folder the command
            runs in: ``/`` under systemd).
    """
    text = os.environ.get(name, "")
    if not text:
        return default
    if not os.path.isabs(text):
        raise ConfigError(f"{name} harus jalur mutlak (diawali /), bukan {text[:60]!r}")
    return text


MIN_SECRET = 16  # characters of a key or token that no one guesses by trying


def secret(name: str) -> str:
    """``name`` as a secret (a key, a token), ``""`` when unset or empty.

    Raises:
        ConfigError: shorter than ``MIN_SECRET`` characters, or with spaces at either
            end (a key of three letters is guessed by trying; a token with a trailing
            space is never matched by a header, which is read without it).
    """
    text = os.environ.get(name, "")
    if text and (text != text.strip() or len(text) < MIN_SECRET):
        raise ConfigError(f"{name} harus paling sedikit {MIN_SECRET} karakter tanpa spasi di "
                          f"awal atau akhir (kini {len(text)} karakter); kosongkan agar tidak "
                          "dipakai")
    return text


def whole(name: str, default: int, minimum: int = 0,
          maximum: float = float("inf")) -> int:
    """``name`` as a whole number from ``minimum`` to ``maximum``, or ``default`` when
    unset or empty.

    Raises:
        ConfigError: not a whole number, or outside those bounds.
    """
    text = os.environ.get(name, "").strip()
    # Written as digits: "60.0", "1e3" and "+2" are read as numbers but are no whole number
    # as typed, and "1.5" is refused as such, not as below the minimum.
    if text and not re.fullmatch(r"-?[0-9]+", text):
        raise ConfigError(f"{name} harus bilangan bulat, bukan {text[:40]!r}")
    return int(number(name, default, minimum, maximum))


def listen_address(name: str, default: str) -> str:
    """``name`` as the address ``alur serve`` listens on (see ``address_problem``), or
    ``default`` when unset or empty.

    Raises:
        ConfigError: an address gunicorn could not listen on.
    """
    text = os.environ.get(name, "").strip() or default
    problem = address_problem(text)
    if problem:
        raise ConfigError(f"{name} {problem}")
    return text


def address_problem(text: str) -> str | None:
    """Why gunicorn could not listen on ``text`` (Indonesian), or None for ``HOST:PORT``
    with a port from 1 to 65535 (an IPv6 host in brackets: ``[::1]:5000``) or
    ``unix:PATH``. The host name itself is left to gunicorn, which says when it cannot
    resolve it."""
    if text.startswith("unix:") and len(text) > len("unix:"):
        return None
    host, _, port = text.rpartition(":")
    bracketed = host.startswith("[") and host.endswith("]")
    if not host or (":" in host and not bracketed) or not (port.isascii() and port.isdigit()) \
            or not 1 <= int(port) <= 65535:
        return ("harus HOST:PORT dengan port 1–65535 (mis. 127.0.0.1:5000 atau [::1]:5000) "
                f"atau unix:JALUR, bukan {text[:60]!r}")
    return None


def choice(name: str, default: str, allowed: tuple[str, ...], *, upper: bool = False) -> str:
    """``name`` as one of ``allowed`` (case-insensitive), or ``default`` when unset.

    Raises:
        ConfigError: another value.
    """
    text = os.environ.get(name, "").strip() or default
    value = text.upper() if upper else text.lower()
    if value not in allowed:
        raise ConfigError(f"{name} harus salah satu dari {', '.join(allowed)}, "
                          f"bukan {text[:40]!r}")
    return value


def rate_limit(name: str, default: str) -> str:
    """``name`` as a rate limit in Flask-Limiter's notation (``"10 per 15 minutes"``), or
    ``default`` when unset or empty.

    Raises:
        ConfigError: a text Flask-Limiter cannot read (it would then limit nothing).
    """
    text = os.environ.get(name, "").strip() or default
    try:
        limits = parse_many(text)
    except ValueError:
        raise ConfigError(f"{name} harus batas bernotasi Flask-Limiter, mis. "
                          f"'10 per 15 minutes', bukan {text[:40]!r}") from None
    # "0 per minute" would refuse every attempt; Flask-Limiter reads "per 0 minutes" as
    # per minute.
    if any(limit.amount < 1 for limit in limits) or re.search(r"(?:per|/)\s*0+\b", text):
        raise ConfigError(f"{name} harus paling sedikit 1 per jangka waktu lebih dari 0, "
                          f"mis. '10 per 15 minutes', bukan {text[:40]!r}")
    return text


def limit_storage(name: str, default: str) -> str:
    """``name`` as the address of Flask-Limiter's counts (``memory://``, ``redis://…``,
    ``memcached://…``), or ``default`` when unset or empty.

    Raises:
        ConfigError: no address, or a kind of storage Flask-Limiter does not know.
    """
    text = os.environ.get(name, "").strip() or default
    scheme, separator, _ = text.partition("://")
    if not separator or scheme not in SCHEMES or scheme.startswith("async+"):
        raise ConfigError(f"{name} harus alamat penyimpanan Flask-Limiter (memory://, "
                          f"redis://…, memcached://…), bukan {text[:40]!r}")
    if scheme != "memory":
        try:  # its client package installed (redis, pymemcache, ...); nothing is connected
            storage_from_string(text)
        except (LimitsConfigurationError, ValueError) as error:
            raise ConfigError(f"{name} {text[:40]!r} tidak dapat dipakai: "
                              f"{_storage_problem(error)}"[:300]) from None
    return text


# limits' words for a client package that is missing or too old (limits.util.DependencyDict).
_MISSING = re.compile(r"'([\w.]+)' prerequisite not available\.(?: A minimum version of (\S+) is)?")
_TOO_OLD = re.compile(r"minimum version of (\S+) for '([\w.]+)' could not be found")


def _storage_problem(error: Exception) -> str:
    """Why Flask-Limiter's storage cannot be used, in the administrator's words where limits
    names a client package that is missing or too old; else limits' own message."""
    if missing := _MISSING.search(str(error)):
        package = missing[1].split(".")[0]
        version = f" (versi {missing[2]} atau lebih baru)" if missing[2] else ""
        return (f"paket Python {package!r}{version} belum terpasang di virtualenv; pasang "
                f"dengan pip install {package}")
    if too_old := _TOO_OLD.search(str(error)):
        return f"paket Python {too_old[2]!r} terlalu lama; perlu versi {too_old[1]} atau lebih baru"
    return str(error)
