"""Forms in the compact notation and timer durations chosen by case data, checked at
upload: what is refused names the element and says why; nothing is deployed."""

import pytest
from sqlalchemy import func, select

from engine.bpmn.forms import FormProblem, check_form, fields, from_notation
from engine.errors import InvalidProcess
from engine.models import ProcessDefinition
from engine.process.deploy import deploy
from engine.sop.table import import_table
from tests.conftest import DATA, mini_bpmn

TIMER = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT30M"</bpmn:timeDuration>'
KEL_1 = '<spiffworkflow:property name="kelengkapan" value="Data" />'


def test_notation_becomes_json_schema_with_labels_order_and_required():
    form = from_notation('prioritas: pilihan(kritis, mayor, minor) wajib; '
                         'sistem "Sistem terdampak": teks; gejala: teks_panjang; '
                         'jumlah: angka; tanggal: tanggal; mulai: tanggal_waktu; '
                         'topik: pilihan_banyak(a, b); darurat: ya_tidak; bukti: berkas')
    assert form["schema"]["required"] == ["prioritas"]
    assert form["schema"]["properties"]["prioritas"] == {
        "title": "Prioritas", "type": "string", "enum": ["kritis", "mayor", "minor"]}
    assert form["ui"]["gejala"] == {"ui:widget": "textarea"}
    assert [(f["name"], f["label"], f["kind"]) for f in fields(form)] == [
        ("prioritas", "Prioritas", "choice"), ("sistem", "Sistem terdampak", "text"),
        ("gejala", "Gejala", "textarea"), ("jumlah", "Jumlah", "number"),
        ("tanggal", "Tanggal", "date"), ("mulai", "Mulai", "datetime"),
        ("topik", "Topik", "multi"), ("darurat", "Darurat", "boolean"),
        ("bukti", "Bukti", "file")]
    # A many-of field offers its items' choices (the page had no checkboxes to tick).
    [topik] = [f for f in fields(form) if f["name"] == "topik"]
    assert topik["choices"] == [{"value": "a", "label": "a"}, {"value": "b", "label": "b"}]


@pytest.mark.parametrize("choice", [
    {"enum": ["a", "b"]},
    {"oneOf": [{"const": "a", "title": "A"}, {"const": "b", "title": "B"}]},
])
def test_a_single_choice_needs_no_type(choice):
    form = {"schema": {"type": "object", "properties": {"pil": choice}}, "ui": {}}
    check_form(form, set())
    [field] = fields(form)
    assert (field["kind"], [c["value"] for c in field["choices"]]) == ("choice", ["a", "b"])


def test_a_choice_among_numbers_needs_its_type():
    form = {"schema": {"type": "object", "properties": {"pil": {"enum": [1, 2]}}}, "ui": {}}
    with pytest.raises(FormProblem, match='kolom "pil": jenis tidak didukung'):
        check_form(form, set())


@pytest.mark.parametrize("schema, ui, message", [
    ({"a": {"type": "string"}}, {"ui:order": 5}, 'skema UI: "ui:order" harus daftar nama'),
    ({"a": {"type": "string"}}, {"ui:order": ["a", 3]}, '"ui:order" harus daftar nama kolom'),
    ({"a": {"type": "string"}}, {"a": "textarea"}, 'skema UI: "a" harus objek JSON'),
    ({"a": {"type": "string"}, "b": {"type": "string"}}, {"ui:order": ["a", "a", "b"]},
     'skema UI: "ui:order" menyebut "a" dua kali; setiap kolom sekali saja'),
    ({"a": {"type": "string", "enum": [1, 2]}}, {}, 'kolom "a": pilihan harus teks dalam tanda kutip'),
    ({"a": {"type": "array", "items": {"type": "string", "enum": ["x", 2]}}}, {},
     'kolom "a": pilihan harus teks dalam tanda kutip'),
    ({"a": {"type": "array", "items": {"enum": [1, 2]}}}, {},
     'kolom "a": pilihan harus teks dalam tanda kutip'),
    ({"a": {"type": "array", "items": {"type": "integer", "enum": [1, 2]}}}, {},
     'kolom "a": pilihan harus teks dalam tanda kutip'),
])
def test_a_form_that_could_not_be_shown_or_filled_is_refused(schema, ui, message):
    form = {"schema": {"type": "object", "properties": schema}, "ui": ui}
    with pytest.raises(FormProblem, match=message):
        check_form(form, set())


@pytest.mark.parametrize("schema, extra, message", [
    ({"a": {"type": "string"}}, {"$dynamicRef": "#x"}, "memakai \\$dynamicRef, yang tidak"),
    ({"a": {"type": "string"}}, {"allOf": [{"required": ["zz"]}]}, "memakai allOf"),
    # The regression probe: in a form of 30 fields the author looked for the one.
    ({"a": {"type": "string", "not": {}}}, {}, r"memakai not \(kolom a\), yang tidak didukung"),
    ({"a": {"type": "string", "oneOf": [{"const": "x", "not": {}}]}}, {}, "memakai not"),
    ({"a": {"type": "string", "enum": []}}, {"required": ["a"]}, 'kolom "a": daftar pilihan kosong'),
    ({"a": {"type": "string", "minLength": 5, "maxLength": 2}}, {},
     'kolom "a": batas bawah melebihi batas atas'),
    ({"a": {"type": "number", "minimum": 3, "maximum": 1}}, {}, "batas bawah melebihi"),
    ({"a": {"type": "integer", "exclusiveMinimum": 5, "exclusiveMaximum": 6}}, {},
     r'kolom "a": batas bawah melebihi batas atas \(exclusiveMinimum 5, exclusiveMaximum 6\)'),
    ({"a": {"type": "integer", "minimum": 1.5, "maximum": 1.7}}, {}, "batas bawah melebihi"),
    ({"a": {"type": "string", "const": "x", "oneOf": [{"const": "y", "title": "Y"}]}}, {},
     'kolom "a": const dan oneOf tidak punya nilai bersama'),
    ({"a": {"type": "string", "enum": ["x", "yy"], "minLength": 3}}, {},
     'kolom "a": tidak ada nilai enum yang memenuhi aturan lain kolom ini'),
    ({"a": {"type": "array", "items": {"type": "string", "enum": ["x"], "maxLength": 0}}}, {},
     'kolom "a": tidak ada nilai enum yang memenuhi'),
    ({"a": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}, "minItems": 3}},
     {}, r'kolom "a": minItems 3 melebihi jumlah pilihan \(2\)'),
    ({"a": {"type": "number", "maximum": float("-inf")}}, {},
     'kolom "a": maximum harus angka terhingga'),
    # Required, yet only an empty value fits: and an empty value counts as not given.
    ({"a": {"type": "string", "maxLength": 0}}, {"required": ["a"]},
     'kolom "a": wajib diisi, tetapi maxLength 0 hanya menerima isian kosong'),
    ({"a": {"type": "array", "items": {"type": "string", "enum": ["x"]}, "maxItems": 0}},
     {"required": ["a"]}, 'kolom "a": wajib diisi, tetapi maxItems 0 hanya menerima isian'),
    ({"a": {"type": "string", "enum": ["", " "]}}, {"required": ["a"]},
     'kolom "a": wajib diisi, tetapi setiap pilihan enum kosong'),
    ({"a": {"type": "string", "oneOf": [{"const": "x", "title": "X"},
                                        {"const": "x", "title": "Juga X"}]}}, {},
     'kolom "a": oneOf menawarkan nilai yang sama lebih dari sekali \\("x"\\)'),
    ({"a": {"type": "integer", "minimum": 1, "maximum": 2, "multipleOf": 3}}, {},
     'kolom "a": tidak ada kelipatan multipleOf 3 dari minimum 1 sampai maximum 2'),
    ({"a": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "multipleOf": 1}},
     {}, "tidak ada kelipatan multipleOf 1 dari exclusiveMinimum 0 sampai exclusiveMaximum 1"),
])
def test_a_form_that_no_submission_could_satisfy_is_refused(schema, extra, message):
    form = {"schema": {"type": "object", "properties": schema, **extra}, "ui": {}}
    with pytest.raises(FormProblem, match=message):
        check_form(form, set())


@pytest.mark.parametrize("prop", [
    {"type": "number", "exclusiveMinimum": 5, "maximum": 5.5},
    {"type": "integer", "minimum": 1.5, "maximum": 2},
    {"type": "string", "const": "x", "enum": ["x", "y"]},
    {"type": "array", "uniqueItems": True, "minItems": 2, "maxItems": 2,
     "items": {"type": "string", "enum": ["x", "y"]}},
    {"type": "string", "maxLength": 0},  # not required: left empty, the step completes
    {"type": "string", "enum": ["", "x"]},
    {"type": "number", "minimum": 0.25, "maximum": 0.35, "multipleOf": 0.1},
    {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "multipleOf": 1},
])
def test_a_narrow_field_that_some_value_satisfies_is_accepted(prop):
    check_form({"schema": {"type": "object", "properties": {"a": prop}}, "ui": {}}, set())


def test_the_whole_forms_ui_options_are_accepted():
    form = {"schema": {"type": "object", "properties": {"a": {"type": "string"}}},
            "ui": {"ui:title": "Formulir", "ui:description": "Isi semua", "ui:order": ["a"]}}
    check_form(form, set())
    assert [field["name"] for field in fields(form)] == ["a"]


@pytest.mark.parametrize("text, message", [
    ("a: teks; a: angka wajib", 'kolom "a" sudah ditulis sebelumnya'),
    ("prioritas pilihan(a)", "formulir, bagian “prioritas pilihan(a)” tidak dapat dibaca"),
    ('tanggal_dibutuhkan "Tanggal akun dibutuhkan": kalender', "formulir, bagian "
     '“tanggal_dibutuhkan "Tanggal akun dibutuhkan": kalender”: jenis “kalender” tidak '
     "dikenal; jenis yang ada: teks, teks_panjang, angka, tanggal, tanggal_waktu, pilihan, "
     "pilihan_banyak, ya_tidak, berkas"),
    ("x: pilihan", "hanya pilihan(...) dan pilihan_banyak(...) memuat daftar nilai"),
    ("x: teks(a, b)", "hanya pilihan(...) dan pilihan_banyak(...) memuat daftar nilai"),
    # The authoring probe: a label written as the name was "tidak dapat dibaca", no more.
    ("Nomor Arsip: teks wajib", "formulir, bagian “Nomor Arsip: teks wajib”: nama kolom "
     "“Nomor Arsip” harus huruf kecil, angka dan _ (mulai dengan huruf); labelnya ditulis "
     'dalam tanda kutip, mis. nomor_arsip "Nomor Arsip": …'),
    # The suggestion is a name that is taken (the next regression probe: "123_nomor").
    ("123 Nomor: teks", 'mis. nomor_123 "123 Nomor": …'),
    ("Ümlaut Feld: teks", 'mis. umlaut_feld "Ümlaut Feld": …'),
    ("2026: teks", 'mis. nama_kolom "2026": …'),
])
def test_unreadable_notation_is_refused(text, message):
    with pytest.raises(FormProblem, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.")):
        from_notation(text)


def test_a_timer_may_choose_its_duration_by_case_data(session, clock):
    # The fallback (the last branch) is the step's Waktu ("30 menit"), as the SOP prints it.
    rule = '"PT10M" if prioritas == "kritis" else "PT30M"'
    definition, _ = deploy(session, clock, mini_bpmn({TIMER: TIMER.replace('"PT30M"', rule)}))
    entry = definition.catalog["tasks"]["Kegiatan_1"]
    assert (entry["duration"], entry["duration_rule"]) == ("PT30M", rule)


@pytest.mark.parametrize("replace, problem", [
    ({TIMER: TIMER.replace('"PT30M"', '"PT1H" if prioritas == "kritis" else 4')},
     "durasi harus ditulis dalam tanda kutip"),
    ({TIMER: TIMER.replace('"PT30M"', '"PT1H" if prioritas == "kritis" else "4 jam"')},
     "durasi timer ditolak"),
    ({TIMER: TIMER.replace('"PT30M"', '"PT1H" if len(prioritas) else "PT4H"')},
     "pemanggilan fungsi"),
    ({KEL_1: KEL_1 + '<spiffworkflow:property name="sepanjang_waktu" value="__import__" />'},
     "properti sepanjang_waktu ditolak"),
    ({KEL_1: KEL_1 + '<spiffworkflow:property name="formulir" value="x: warna" />'},
     'userTask "Kegiatan_1"'),
    ({'name="waktu" value="Relatif"': 'name="waktu" value="1 hari"'},
     ('userTask "Kegiatan_2" (baris 44) "Memeriksa konsep": Waktu "1 hari" tanpa boundary '
      'timer; tambahkan timer "P1D"')),
    ({KEL_1: KEL_1 + '<spiffworkflow:property name="formulir" value="catatan: teks" />'},
     'kolom "catatan" sudah dibuat Alur'),
    ({'<bpmn:startEvent id="StartEvent_1" name="Mulai" />': (
        '<bpmn:startEvent id="StartEvent_1" name="Mulai"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="formulir" '
        'value="kelengkapan: teks" /></spiffworkflow:properties></bpmn:extensionElements>'
        '</bpmn:startEvent>')},
     'kolom "kelengkapan" sudah dibuat Alur'),
    # The start page shows no file field and nothing is attached before the start: a
    # required one made the SOP impossible to start from the pages.
    ({'<bpmn:startEvent id="StartEvent_1" name="Mulai" />': (
        '<bpmn:startEvent id="StartEvent_1" name="Mulai"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="formulir" '
        'value="bukti: berkas wajib" /></spiffworkflow:properties></bpmn:extensionElements>'
        '</bpmn:startEvent>')},
     'kolom berkas "bukti" tidak dapat berada di formulir mulai'),
    ({KEL_1: KEL_1 + '<spiffworkflow:property name="formJsonSchemaFilename" '
      'value="tidak-ada-schema.json" />'},
     'berkas formulir "tidak-ada-schema.json" tidak ada dalam unggahan'),
])
def test_bad_rules_and_forms_are_refused_at_upload(session, clock, replace, problem):
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, mini_bpmn(replace))
    assert problem in " ".join(refused.value.problems)
    assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0


def test_the_formulir_column_of_an_sop_table_becomes_the_steps_form(session, clock):
    text = (DATA / "sop_table_uji.csv").read_text(encoding="utf-8")
    text = text.replace("Jika Tidak,Sepanjang Waktu", "Jika Tidak,Sepanjang Waktu,Formulir")
    text = text.replace("Server terpelihara,,,,ya",
                        'Server terpelihara,,,,ya,"hasil: pilihan(baik, rusak) wajib"')
    definition, _ = deploy(session, clock, import_table(text.encode(), "uji.csv"))
    assert definition.catalog["tasks"]["Kegiatan_3"]["form"]["schema"]["required"] == ["hasil"]
    bad = text.replace("pilihan(baik, rusak) wajib", "warna")
    with pytest.raises(InvalidProcess) as refused:
        import_table(bad.encode(), "uji.csv")
    assert any(p.startswith("Baris 19, kolom Formulir: formulir") for p in refused.value.problems)


def test_a_formulir_reusing_a_field_alur_makes_is_refused_on_its_table_row():
    text = (DATA / "sop_table_uji.csv").read_text(encoding="utf-8")
    text = text.replace("Jika Tidak,Sepanjang Waktu", "Jika Tidak,Sepanjang Waktu,Formulir")
    bad = text.replace("Server terpelihara,,,,ya", 'Server terpelihara,,,,ya,"catatan: teks"')
    with pytest.raises(InvalidProcess) as refused:
        import_table(bad.encode(), "uji.csv")
    assert refused.value.problems == [(
        'Baris 19, kolom Formulir: kolom "catatan" sudah dibuat Alur (Catatan, Kelengkapan '
        "atau keputusan gateway); pakai nama lain.")]


def _refused(schema: dict) -> list[str]:
    """The faults ``check_form`` finds in a form of ``schema`` (no UI schema)."""
    with pytest.raises(FormProblem) as refused:
        check_form({"schema": schema, "ui": {}}, set())
    return refused.value.problems


def test_every_fault_of_a_form_is_said_in_one_refusal():
    """Found by the SOP lifecycle probe: a pattern, impossible lengths and an unknown
    required field took three uploads, one fault each."""
    schema = {"type": "object", "required": ["tidakada"], "properties": {
        "kode": {"type": "string", "pattern": "^[A-Z]+$"},
        "nama": {"type": "string", "minLength": 5, "maxLength": 2},
        "Salah": {"type": "string"}}}
    assert _refused(schema) == [
        "skema formulir tidak boleh memakai pola (pattern): pemeriksaan pola dapat berjalan "
        "sangat lama; pakai pilihan atau teks biasa (kolom kode)",
        'kolom "nama": batas bawah melebihi batas atas (minLength 5, maxLength 2); tidak ada '
        "nilai yang dapat diterima",
        'nama kolom "Salah" harus huruf kecil, angka dan _',
        "required menyebut kolom yang tidak ada: tidakada"]


def test_every_value_json_schema_refuses_is_said_at_once():
    schema = {"type": "object", "properties": {"a": {"type": "angka"}, "b": {"minLength": -1}}}
    assert _refused(schema) == [
        'bukan JSON Schema yang sah: nilai "angka" pada properties.a.type tidak diterima',
        "bukan JSON Schema yang sah: nilai -1 pada properties.b.minLength tidak diterima"]


def test_a_default_the_field_itself_refuses_is_refused():
    """Found by the regression probe: a number field opened holding "tua", a choice one
    holding a value it does not offer."""
    schema = {"type": "object", "properties": {
        "umur": {"type": "integer", "default": "tua"},
        "pilih": {"type": "string", "enum": ["a", "b"], "default": "z"},
        "catatan_awal": {"type": "string", "default": "Lihat lampiran"}}}
    assert _refused(schema) == [
        'kolom "umur": nilai bawaan "tua" tidak diterima kolom itu sendiri ("umur" harus '
        "berupa bilangan bulat); ubah atau hapus default-nya",
        'kolom "pilih": nilai bawaan "z" tidak diterima kolom itu sendiri ("pilih" harus salah '
        "satu dari: a, b); ubah atau hapus default-nya"]


@pytest.mark.parametrize(("prop", "shown", "why"), [
    ({"type": "string", "format": "date", "default": "kemarin"}, '"kemarin"',
     '"Tanggal" harus tanggal (TTTT-BB-HH)'),
    ({"type": "string", "format": "date", "default": "2026-02-30"}, '"2026-02-30"',
     '"Tanggal": tanggal 2026-02-30 tidak ada di kalender'),
    ({"type": "string", "format": "date", "default": "0001-01-01"}, '"0001-01-01"',
     '"Tanggal" harus dalam tahun 1900–2100'),
    ({"type": "string", "format": "date-time", "default": "2026-12-07 08:00"},
     '"2026-12-07 08:00"',
     '"Tanggal" harus tanggal dan jam (TTTT-BB-HHTJJ:MM, mis. 2026-12-06T09:30)'),
    ({"type": "number", "default": 1e301}, "1e+301",
     '"Tanggal" harus angka terhingga di bawah 2^53 (9.007.199.254.740.992)'),
    ({"type": "integer", "maximum": 5, "default": 10}, "10", '"Tanggal" paling besar 5'),
    ({"type": "boolean", "default": "ya"}, '"ya"',
     '"Tanggal" ya/tidak: nilai bawaannya true atau false (JSON)'),
    ({"type": "string", "default": "a" * 2001}, '"' + "a" * 78 + "…",
     '"Tanggal" paling banyak 2000 karakter')])
def test_a_default_is_checked_as_a_value_sent_is_and_told_why(prop, shown, why):
    """The regression probes: the start form opened with "kemarin" in a date field and a
    300-digit number, and was refused when sent unchanged; then the refusal of a default
    did not say why, and cut a long one without a mark."""
    [problem] = _refused({"type": "object", "properties": {
        "isian": {**prop, "title": "Tanggal"}}})
    assert problem == (f'kolom "isian": nilai bawaan {shown} tidak diterima kolom itu sendiri '
                       f"({why}); ubah atau hapus default-nya")


def test_every_fault_of_one_field_is_said_at_once():
    schema = {"type": "object", "properties": {
        "umur": {"type": "number", "default": "tua", "minimum": 10, "maximum": 5}}}
    assert _refused(schema) == [
        'kolom "umur": batas bawah melebihi batas atas (minimum 10, maximum 5); tidak ada nilai '
        "yang dapat diterima",
        'kolom "umur": nilai bawaan "tua" tidak diterima kolom itu sendiri ("umur" harus '
        "berupa angka); ubah atau hapus default-nya"]
