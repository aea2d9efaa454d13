"""An upload of one process: a BPMN file and its form files, sent together (several files
in one request, a ``.zip``, or a SpiffArena process folder read from disk).

Only bare file names count (folders inside a ZIP are flattened, ``..`` never reaches the
disk: nothing is written), and sizes and counts are bounded.
"""

import io
import json
import lzma
import zipfile
import zlib
from pathlib import Path

from engine.bpmn.validation import MAX_BPMN_BYTES
from engine.errors import InvalidProcess

MAX_FILES = 50
MAX_BUNDLE_BYTES = 8 * 1024 * 1024
FORM_SUFFIXES = (".json",)


def unpack(files: list[tuple[str, bytes]]) -> tuple[str, bytes, dict[str, bytes]]:
    """Split uploaded files into ``(BPMN file name, BPMN bytes, {form file name: bytes})``.

    A single ``.zip`` is opened first. Exactly one ``.bpmn`` file is required; other
    files must be ``.json`` (JSON Schema and UI schema files) holding valid JSON. That the
    BPMN names each of them is checked when it is compiled (``build_catalog``).

    Raises:
        InvalidProcess: no or several BPMN files, another kind of file, a ``.json`` file
            that is not valid UTF-8 JSON (each named), too many or too large files, or an
            unreadable ZIP.
    """
    if len(files) == 1 and files[0][0].lower().endswith(".zip"):
        files = _from_zip(files[0][0], files[0][1])
    if len(files) > MAX_FILES:
        raise InvalidProcess([f"Unggahan memuat {len(files)} berkas; batasnya {MAX_FILES}."])
    if sum(len(data) for _, data in files) > MAX_BUNDLE_BYTES:
        raise InvalidProcess([f"Unggahan lebih dari {MAX_BUNDLE_BYTES // 2**20} MB (semua "
                              "berkasnya bersama); berkas BPMN atau tabel SOP paling besar "
                              f"{MAX_BPMN_BYTES // 2**20} MB."])
    bpmn = [(name, data) for name, data in files if name.lower().endswith(".bpmn")]
    if len(bpmn) != 1:
        message = f"Unggahan harus memuat tepat satu berkas .bpmn; ditemukan {len(bpmn)}."
        raise InvalidProcess([message])
    forms, problems = {}, []
    for name, data in files:
        if name == bpmn[0][0]:
            continue
        if not name.lower().endswith(FORM_SUFFIXES):
            message = (f'Berkas "{name[:200]}" bukan BPMN atau formulir JSON '
                       "(*-schema.json, *-uischema.json).")
            raise InvalidProcess([message])
        problems += _not_json(name, data)
        forms[name] = data
    if problems:
        raise InvalidProcess(problems)
    return bpmn[0][0], bpmn[0][1], forms


def _not_json(name: str, data: bytes) -> list[str]:
    """``[why]`` when ``data`` is not a JSON text in UTF-8, else []. Whether a form file
    is a form is decided where the BPMN names it (``engine.bpmn.forms``)."""
    try:
        json.loads(data.decode("utf-8"))
    except json.JSONDecodeError as error:
        return [(f'Berkas formulir "{name[:200]}" bukan JSON yang sah (baris {error.lineno}, '
                 f"kolom {error.colno}).")]
    except RecursionError:
        return []  # JSON nested too deep for the parser: refused by name where it is read
    except (UnicodeDecodeError, ValueError):
        return [f'Berkas formulir "{name[:200]}" bukan teks JSON UTF-8.']
    return []


def _from_zip(name: str, data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_FILES:
            raise InvalidProcess([f"ZIP memuat {len(members)} berkas; batasnya {MAX_FILES}."])
        if sum(m.file_size for m in members) > MAX_BUNDLE_BYTES:
            raise InvalidProcess([f"Isi ZIP lebih dari {MAX_BUNDLE_BYTES // 2**20} MB."])
        found = []
        for member in members:
            base = Path(member.filename).name
            if base and not base.startswith(".") and "__MACOSX" not in member.filename:
                found.append((base, archive.read(member)))
        return found
    except NotImplementedError:  # e.g. AES (7-Zip) or another method zipfile cannot read
        raise InvalidProcess([f'Berkas "{name[:200]}" memakai cara pemadatan yang tidak '
                              "dapat dibaca; buat ZIP biasa (Deflate)."]) from None
    except RuntimeError:  # zipfile's word for a member locked with a password
        # (after NotImplementedError, which is a RuntimeError too)
        raise InvalidProcess([f'Berkas "{name[:200]}" adalah ZIP berkata sandi; kirim ZIP '
                              "tanpa kata sandi."]) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, lzma.LZMAError):
        raise InvalidProcess([f'Berkas "{name[:200]}" bukan ZIP yang dapat dibaca.']) from None
