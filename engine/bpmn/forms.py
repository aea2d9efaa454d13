"""Forms of a start event or user task as JSON Schema (draft 2020-12), read at upload.

A form is declared either the SpiffArena way, as files uploaded with the BPMN and named
in the element's ``spiffworkflow:properties`` (``formJsonSchemaFilename``, optional
``formUiSchemaFilename``), or in the compact notation of SOP tables, in the property
``formulir``::

    prioritas: pilihan(kritis, mayor, minor) wajib; sistem "Sistem terdampak": teks

Supported fields (kind: notation -> JSON Schema): text ``teks`` -> string; long text
``teks_panjang`` -> string with ``ui:widget`` textarea; number ``angka`` -> number; date
``tanggal`` -> string ``format: date``; date-time ``tanggal_waktu`` -> string
``format: date-time``; one-of ``pilihan(a, b)`` -> string ``enum``; many-of
``pilihan_banyak(a, b)`` -> array of ``enum`` items; yes/no ``ya_tidak`` -> boolean; file
``berkas`` -> string ``format: data-url`` (SpiffArena's file widget; Alur stores the
attachment's file name). Anything else in a schema is refused at upload, so that every
declared field can be rendered and checked.
"""

import json
import re
import unicodedata
from typing import Any

from jsonschema import Draft202012Validator

from engine.bpmn.form_limits import infinite_number, unsatisfiable
from engine.bpmn.form_messages import messages
from engine.bpmn.form_validator import FormValidator
from engine.bpmn.form_values import FORMATS, NUMBER_LIMIT, YEARS_TEXT, kept_exactly, within_years
from engine.bpmn.schema_keywords import depth, keywords, used_in

SCHEMA_PROPERTY = "formJsonSchemaFilename"
UI_PROPERTY = "formUiSchemaFilename"
NOTATION_PROPERTY = "formulir"
MAX_FORM_BYTES = 256 * 1024
MAX_FIELDS = 60
MAX_TEXT = 2000
# A form file nested deeper than this is refused before any recursive reader sees it.
MAX_FORM_DEPTH = 32
# Faults said at most in one refusal of a form.
MAX_SAID = 20
_META = Draft202012Validator(Draft202012Validator.META_SCHEMA)
# Keywords a schema may not use, with why: a reference points outside the form; a regular
# expression is checked with Python's ``re``, which can take exponential time on a crafted
# input (``"^(a+)+$"``) while the request holds the database's write lock.
_SLOW_PATTERN = "pemeriksaan pola dapat berjalan sangat lama; pakai pilihan atau teks biasa"
_REFUSED_KEYWORDS = {
    "$ref": "skema formulir tidak boleh memakai $ref",
    "pattern": f"skema formulir tidak boleh memakai pola (pattern): {_SLOW_PATTERN}",
    "patternProperties": ("skema formulir tidak boleh memakai pola (patternProperties): "
                          + _SLOW_PATTERN),
}
# Every other keyword is refused: a combinator (allOf, not, if) or a dynamic reference can
# make a step that no submission satisfies, or fail inside the validator on every one.
_ROOT_KEYWORDS = {"$schema", "$comment", "type", "properties", "required", "title",
                  "description", "additionalProperties"}
_FIELD_KEYWORDS = {"$comment", "type", "title", "description", "default", "examples", "enum",
                   "const", "oneOf", "items", "format", "minLength", "maxLength", "minimum",
                   "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems",
                   "maxItems", "uniqueItems", "readOnly", "deprecated"}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

KINDS = ("text", "textarea", "number", "date", "datetime", "choice", "multi", "boolean",
         "file")
_NOTATION = {"teks": "text", "teks_panjang": "textarea", "angka": "number",
             "tanggal": "date", "tanggal_waktu": "datetime", "pilihan": "choice",
             "pilihan_banyak": "multi", "ya_tidak": "boolean", "berkas": "file"}
_ENTRY = re.compile(r'^([a-z][a-z0-9_]{0,63})\s*(?:"([^"]{1,200})")?\s*:\s*([a-z_]+)\s*'
                    r"(?:\(([^)]*)\))?\s*(wajib)?$")


class FormProblem(ValueError):
    """A form is refused; ``problems`` (Indonesian) say why, each fault one."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def from_notation(text: str) -> dict[str, Any]:
    """Turn the compact notation into ``{"schema": JSON Schema, "ui": UI schema}``.

    Raises:
        FormProblem: naming the entry that cannot be read.
    """
    schema: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    ui: dict[str, Any] = {"ui:order": []}
    for entry in (part.strip() for part in text.split(";")):
        if not entry:
            continue
        match = _ENTRY.match(entry)
        if match is not None and match.group(3) not in _NOTATION:
            raise FormProblem(f"formulir, bagian “{entry[:80]}”: jenis “{match.group(3)}” tidak "
                              f'dikenal; jenis yang ada: {", ".join(_NOTATION)}')
        named = entry.split(":")[0].split('"')[0].strip()
        if match is None and ":" in entry and named and not NAME.match(named):
            suggested = _suggested_name(named)
            raise FormProblem(f"formulir, bagian “{entry[:80]}”: nama kolom “{named[:64]}” "
                              "harus huruf kecil, angka dan _ (mulai dengan huruf); labelnya "
                              f'ditulis dalam tanda kutip, mis. {suggested} "{named[:64]}": …')
        if match is None:
            raise FormProblem(f"formulir, bagian “{entry[:80]}” tidak dapat dibaca; tulis "
                              'misalnya "prioritas: pilihan(kritis, mayor) wajib" (jenis: '
                              f'{", ".join(_NOTATION)})')
        name, label, kind, arguments, required = match.groups()
        if name in schema["properties"]:
            raise FormProblem(f'formulir "{entry[:80]}": kolom "{name}" sudah ditulis '
                              "sebelumnya; setiap kolom sekali saja")
        choices = [c.strip() for c in (arguments or "").split(",") if c.strip()]
        if (kind in ("pilihan", "pilihan_banyak")) != bool(choices):
            raise FormProblem(f'formulir "{entry[:80]}": hanya pilihan(...) dan '
                              "pilihan_banyak(...) memuat daftar nilai, dan keduanya wajib")
        schema["properties"][name] = _schema_of(_NOTATION[kind], label or _label(name), choices)
        if _NOTATION[kind] == "textarea":
            ui[name] = {"ui:widget": "textarea"}
        ui["ui:order"].append(name)
        if required:
            schema["required"].append(name)
    return {"schema": schema, "ui": ui}


def load_files(schema_name: str, ui_name: str | None, files: dict[str, bytes]
               ) -> dict[str, Any]:
    """Read a SpiffArena-style form from the uploaded ``files`` (``{file name: bytes}``).

    Raises:
        FormProblem: a missing, too large or unreadable file.
    """
    form = {"schema": _json_file(schema_name, files), "ui": {}}
    if ui_name:
        form["ui"] = _json_file(ui_name, files)
    return form


def check_form(form: dict[str, Any], reserved: set[str]) -> None:
    """Check a form's JSON Schema is valid draft 2020-12 and only uses supported fields.

    Args:
        reserved: names of generated fields (Catatan, Kelengkapan, the decision) that a
            declared field may not reuse.

    Raises:
        FormProblem: naming the field or the schema rule at fault; every such fault at
            once (one upload, not one per fault), except that a schema JSON Schema itself
            refuses, or one that is no object with properties, is refused for that alone.
    """
    schema, ui = form["schema"], form["ui"]
    if not isinstance(schema, dict) or not isinstance(ui, dict):
        raise FormProblem("skema formulir dan skema UI harus berupa objek JSON")
    for part, words in ((schema, "skema formulir"), (ui, "skema UI")):
        where = infinite_number(part)
        if where and where.startswith("properties.") and "." in where[11:]:
            field, rest = where[11:].split(".", 1)
            words, where = f'kolom "{field[:64]}"', rest
        if where:
            raise FormProblem(f"{words}: {where[:200]} harus angka terhingga (bukan NaN, tak "
                              "hingga atau 1e400, yang tidak dapat dibawa JSON)")
    invalid = sorted(_META.iter_errors(schema), key=lambda error: error.json_path)
    if invalid:
        raise FormProblem(*dict.fromkeys(
            f"bukan JSON Schema yang sah: nilai {json.dumps(error.instance)[:80]} pada "
            f"{(error.json_path.removeprefix('$.').removeprefix('$') or 'akar skema')[:200]} "
            "tidak diterima" for error in invalid[:MAX_SAID]))
    problems = [_REFUSED_KEYWORDS[keyword] + used_in(keyword, schema)
                for keyword in dict.fromkeys(keywords(schema)) if keyword in _REFUSED_KEYWORDS]
    problems += _keyword_problems(schema)
    properties = schema.get("properties")
    if schema.get("type") != "object" or not isinstance(properties, dict) or not properties:
        raise FormProblem(*problems, 'skema formulir harus "type": "object" dengan "properties"')
    problems += _ui_problems(ui)
    if len(properties) > MAX_FIELDS:
        raise FormProblem(f"formulir memuat {len(properties)} kolom; batasnya {MAX_FIELDS}")
    required = schema.get("required") or ()
    for name, prop in properties.items():
        problems += _field_problems(name, prop, ui.get(name, {}), reserved, name in required)
    unknown = set(required) - set(properties)
    if unknown:
        problems.append(f"required menyebut kolom yang tidak ada: {', '.join(sorted(unknown))}")
    if problems:
        raise FormProblem(*problems[:MAX_SAID])


def _field_problems(name: str, prop: Any, ui: Any, reserved: set[str], required: bool
                    ) -> list[str]:
    """The faults of one declared field: its name or kind alone when those are wrong,
    else every fault of its choices, bounds and default."""
    if not NAME.match(name):
        return [f'nama kolom "{name[:64]}" harus huruf kecil, angka dan _']
    if name in reserved:
        return [f'kolom "{name}" sudah dibuat Alur (Catatan, Kelengkapan atau keputusan '
                "gateway); pakai nama lain"]
    kind = kind_of(prop, ui)
    if kind is None:
        return [f'kolom "{name}": jenis tidak didukung (teks, teks panjang, angka, tanggal, '
                "tanggal-waktu, pilihan, pilihan banyak, ya/tidak, berkas)"]
    return [problem for problem in (
        _choices_problem(name, prop["items"] if kind == "multi" else prop, kind == "multi"),
        unsatisfiable(name, prop, kind == "multi", required),
        _default_problem(name, prop)) if problem]


def _suggested_name(label: str) -> str:
    """A field name ``NAME`` accepts for ``label``: accents dropped, lower case, words
    joined by ``_``, digits it starts with moved to its end ("123 Nomor" → ``nomor_123``);
    ``nama_kolom`` when nothing is left."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_label.lower())
    first = next((at for at, word in enumerate(words) if not word[0].isdigit()), 0)
    name = "_".join(words[first:] + words[:first])[:64]
    return name if NAME.match(name) else "nama_kolom"


def _default_problem(name: str, prop: dict[str, Any]) -> str | None:
    """A ``default`` the field itself refuses, as it refuses a value sent (its schema, its
    date format and years, a number Alur keeps exactly, text of ``MAX_TEXT``), with why, in
    the words a refused value gets (``form_messages``): the page would open with it filled
    in (a number field holding "tua", a date field "kemarin"), and the form be refused when
    sent as it opened."""
    if "default" not in prop:
        return None
    default, label = prop["default"], str(prop.get("title") or name)
    if not kept_exactly(default):
        why = [f'"{label}" harus {NUMBER_LIMIT}']
    elif prop.get("type") == "boolean" and not isinstance(default, bool):  # "ya" is the page's
        why = [f'"{label}" ya/tidak: nilai bawaannya true atau false (JSON)']
    else:
        schema = {"type": "object", "properties": {name: prop}}
        why = [text for error in FormValidator(schema, format_checker=FORMATS).iter_errors(
            {name: default}) for _, text in messages(error, {name: label}, {name: default})]
    if prop.get("format") in ("date", "date-time") and isinstance(default, str) \
            and not within_years(default):
        why.append(f'"{label}" harus {YEARS_TEXT}')
    if isinstance(default, str) and len(default) > MAX_TEXT:
        why.append(f'"{label}" paling banyak {MAX_TEXT} karakter')
    if not why:
        return None
    shown = json.dumps(default, ensure_ascii=False)
    shown = shown if len(shown) <= 80 else shown[:79] + "…"
    return (f'kolom "{name}": nilai bawaan {shown} tidak diterima kolom itu sendiri '
            f'({"; ".join(dict.fromkeys(why))}); ubah atau hapus default-nya')


def _keyword_problems(schema: dict[str, Any]) -> list[str]:
    unknown = set(schema) - _ROOT_KEYWORDS
    properties = schema.get("properties")
    for prop in properties.values() if isinstance(properties, dict) else ():
        if isinstance(prop, dict):
            unknown |= set(prop) - _FIELD_KEYWORDS
            items = prop.get("items")
            unknown |= set(items) - _FIELD_KEYWORDS if isinstance(items, dict) else set()
            for option in prop.get("oneOf") or []:
                unknown |= set(option) - {"const", "title"} if isinstance(option, dict) else set()
    unknown -= set(_REFUSED_KEYWORDS)  # said with their reason
    if not unknown:
        return []
    used = ", ".join(keyword + used_in(keyword, schema) for keyword in sorted(unknown))
    return [f"skema formulir memakai {used[:300]}, yang tidak didukung: satu kolom satu jenis, "
            "tanpa allOf/anyOf/not/if atau rujukan"]


def _ui_problems(ui: dict[str, Any]) -> list[str]:
    # What ``fields`` and ``kind_of`` read of the UI schema: the order, and per field an
    # object (``ui:widget``).
    order = ui.get("ui:order", [])
    if not isinstance(order, list) or not all(isinstance(name, str) for name in order):
        return ['skema UI: "ui:order" harus daftar nama kolom, mis. ["a", "b"]']
    problems = []
    seen: set[str] = set()
    twice = next((name for name in order if name in seen or seen.add(name)), None)
    if twice is not None:
        # The page would draw the field twice, and keep only one of its two values.
        problems.append(f'skema UI: "ui:order" menyebut "{twice[:64]}" dua kali; setiap '
                        "kolom sekali saja")
    # "ui:title", "ui:description", ...: the whole form's options, not read by Alur.
    return problems + [f'skema UI: "{name[:64]}" harus objek JSON, mis. '
                       '{"ui:widget": "textarea"}'
                       for name, entry in ui.items()
                       if not name.startswith("ui:") and not isinstance(entry, dict)]


def _choices_problem(name: str, prop: dict[str, Any], multi: bool) -> str | None:
    # A choice is sent back as the text of its value: a text field's choices, and every
    # many-of field's (a page sends texts only), must be texts, or no choice could ever be
    # accepted (1 is not "1").
    if prop.get("enum") == [] or prop.get("oneOf") == []:
        return f'kolom "{name}": daftar pilihan kosong; tidak ada yang dapat dipilih'
    if multi or prop.get("type") == "string":
        values = prop.get("enum") or [option.get("const") for option in prop.get("oneOf") or []]
        if not all(isinstance(value, str) for value in values):
            return (f'kolom "{name}": pilihan harus teks dalam tanda kutip, mis. ["1", "2"]: '
                    "halaman mengirim pilihan sebagai teks")
    return None


def fields(form: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The form's fields in display order: ``[{"name", "label", "kind", "required",
    "choices": [{"value", "label"}], "help"}]`` (``kind`` one of ``KINDS``)."""
    if not form:
        return []
    schema, ui = form["schema"], form.get("ui") or {}
    order = [name for name in ui.get("ui:order", []) if name in schema["properties"]]
    order += [name for name in schema["properties"] if name not in order]
    required = set(schema.get("required", []))
    found = []
    for name in order:
        prop = schema["properties"][name]
        kind = kind_of(prop, ui.get(name, {}))
        # Many-of: its choices are those of each item.
        found.append({"name": name, "label": prop.get("title") or _label(name),
                      "kind": kind, "required": name in required,
                      "choices": _choices(prop["items"] if kind == "multi" else prop),
                      "help": prop.get("description", "")})
    return found


def kind_of(prop: Any, ui: Any) -> str | None:
    """The supported kind of one property schema (``KINDS``), or None."""
    if not isinstance(prop, dict):
        return None
    kind = prop.get("type")
    if kind is None:  # "enum" or "oneOf" alone: one choice among texts
        values = prop.get("enum") or [o.get("const") for o in prop.get("oneOf") or []
                                      if isinstance(o, dict)]
        texts = _choices(prop) and all(isinstance(value, str) for value in values)
        return "choice" if texts else None
    if kind == "string":
        if _choices(prop):
            return "choice"
        fmt = prop.get("format")
        if fmt in (None, "date", "date-time", "data-url"):
            widget = ui.get("ui:widget") if isinstance(ui, dict) else None
            return {None: "textarea" if widget == "textarea" else "text", "date": "date",
                    "date-time": "datetime", "data-url": "file"}[fmt]
        return None
    if kind in ("number", "integer"):  # with choices: one of them, picked by its title
        return "choice" if _choices(prop) else "number"
    if kind == "boolean":
        return "boolean"
    if kind == "array" and isinstance(prop.get("items"), dict) and _choices(prop["items"]):
        return "multi"
    return None


def _choices(prop: dict[str, Any]) -> list[dict[str, str]]:
    if isinstance(prop.get("enum"), list):
        return [{"value": str(v), "label": _shown(v)} for v in prop["enum"]]
    if isinstance(prop.get("oneOf"), list) and all(
            isinstance(o, dict) and "const" in o for o in prop["oneOf"]):
        return [{"value": str(o["const"]), "label": str(o.get("title", _shown(o["const"])))}
                for o in prop["oneOf"]]
    return []


def _shown(value: Any) -> str:
    """A choice without a title as an official reads it: 1,5 with a decimal comma."""
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def _schema_of(kind: str, label: str, choices: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "text": {"type": "string", "maxLength": MAX_TEXT},
        "textarea": {"type": "string", "maxLength": MAX_TEXT},
        "number": {"type": "number"},
        "date": {"type": "string", "format": "date"},
        "datetime": {"type": "string", "format": "date-time"},
        "choice": {"type": "string", "enum": choices},
        "multi": {"type": "array", "items": {"type": "string", "enum": choices},
                  "uniqueItems": True},
        "boolean": {"type": "boolean"},
        "file": {"type": "string", "format": "data-url"},
    }[kind]
    return {"title": label, **schema}


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _json_file(name: str, files: dict[str, bytes]) -> Any:
    data = files.get(name)
    if data is None:
        raise FormProblem(f'berkas formulir "{name[:200]}" tidak ada dalam unggahan')
    if len(data) > MAX_FORM_BYTES:
        raise FormProblem(f'berkas formulir "{name[:200]}" lebih dari {MAX_FORM_BYTES // 1024} KB')
    deep = f'berkas formulir "{name[:200]}" bersarang lebih dari {MAX_FORM_DEPTH} tingkat'
    try:
        value = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise FormProblem(deep) from None
    except json.JSONDecodeError as error:
        raise FormProblem(f'berkas formulir "{name[:200]}" bukan JSON yang sah (baris '
                          f"{error.lineno}, kolom {error.colno})") from None
    except (UnicodeDecodeError, ValueError):
        raise FormProblem(f'berkas formulir "{name[:200]}" bukan teks JSON UTF-8') from None
    if depth(value) > MAX_FORM_DEPTH:
        raise FormProblem(deep)
    return value
