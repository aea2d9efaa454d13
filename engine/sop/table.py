"""Importing an SOP table (Permenpan RB 35/2012) from CSV or XLSX as a BPMN 2.0 file.

The spreadsheet holds what the office already writes in its SOP document:

1. a header block of ``Isian,Nilai`` rows (``HEADER_FIELDS``, plus ``Kunci Proses``, the
   process id in Alur, and the optional ``Kelompok``, ``Tujuan`` and ``Prefiks Nomor``),
   blank rows ignored;
2. the table's title row ``No, Kegiatan, <one column per Pelaksana (role)>, Kelengkapan,
   Waktu, Output, Keterangan`` and the optional Alur columns ``Jika Ya, Jika Tidak,
   Pertanyaan, Sepanjang Waktu, Formulir, Catatan Konversi``;
3. one row per step: ``X`` (process) or ``?`` (decision) in the acting role's column; a
   decision's ``Jika Ya``/``Jika Tidak`` is a step number or ``Selesai``, empty = the
   next step (the end after the last); its ``Pertanyaan`` the question its performer
   answers Ya or Tidak ("Surat perlu dijawab atau ditindaklanjuti?"; empty: the Kegiatan
   as a question, cut at 40 characters); ``Sepanjang Waktu`` = ``ya`` counts the step's
   time standard in wall-clock time; ``Formulir`` is the step's form in the compact
   notation of ``engine.bpmn.forms`` (``prioritas: pilihan(kritis, mayor) wajib``);
   ``Catatan Konversi`` is the modeller's note on how the row was read from its source
   (OCR readings, assumed Pelaksana), kept for administrators only.

The result follows README "Konvensi BPMN": one lane per role, a user task per step with
its Mutu Baku as properties, a non-interrupting timer per Waktu leading to an escalation
end event, an exclusive gateway after each decision (``keputusan_<No> == "ya"``/
``"tidak"``) and a diagram; ``engine.sop.writer`` writes it. Problems are reported per
spreadsheet row (1-based) and column, all at once, as ``InvalidProcess``.
"""


import re
from difflib import get_close_matches

from engine.bpmn.catalog import (
    NOTE_FIELD,
    NUMBER_PREFIX_PATTERN,
    NUMBER_PREFIX_PROPERTY,
    NUMBER_PREFIX_RULE,
    checklist_field,
)
from engine.bpmn.conventions import GROUP_PROPERTY, KEY_PATTERN, PURPOSE_PROPERTY
from engine.bpmn.forms import FormProblem, check_form, from_notation
from engine.bpmn.validation import MAX_ATTRIBUTE_CHARS, RESERVED_IDS
from engine.errors import InvalidProcess
from engine.numbers import grouped
from engine.roles import KNOWN_ROLES
from engine.sop.reading import has_group_heading, read_table
from engine.sop.writer import END, SopStep, write_bpmn
from engine.time.duration import InvalidDuration, UnknownWaktu, waktu_duration

# Header field (lower case) -> process property name, in the order of the SOP's identitas.
HEADER_FIELDS = {
    "nomor sop": "nomor_sop", "nama sop": "nama_sop", "tanggal pembuatan": "tanggal_pembuatan",
    "tanggal revisi": "tanggal_revisi", "tanggal efektif": "tanggal_efektif",
    "disahkan oleh": "disahkan_oleh", "dasar hukum": "dasar_hukum",
    "kualifikasi pelaksana": "kualifikasi_pelaksana", "keterkaitan": "keterkaitan",
    "peralatan/perlengkapan": "peralatan_perlengkapan", "peringatan": "peringatan",
    "pencatatan dan pendataan": "pencatatan_pendataan",
}
# Alur's own header fields (not in Permenpan's identitas): the group "Mulai Proses" lists
# the SOP under, its purpose in one sentence, and the prefix of its process numbers
# (README, "Konvensi BPMN"; the prefix is written only when given).
ALUR_HEADER_FIELDS = {"kelompok": GROUP_PROPERTY, "tujuan": PURPOSE_PROPERTY,
                      "prefiks nomor": NUMBER_PREFIX_PROPERTY}
KEY_FIELD = "kunci proses"
MUTU_BAKU = ("Kelengkapan", "Waktu", "Output", "Keterangan")
ALUR_COLUMNS = ("Jika Ya", "Jika Tidak", "Pertanyaan", "Sepanjang Waktu", "Formulir",
                "Catatan Konversi")
# A cell becomes a BPMN attribute (at most MAX_ATTRIBUTE_CHARS): said here with its row and
# column, not later as a line of the generated BPMN. The longest SOP of the source
# documents has 40 steps; each step is several BPMN elements (MAX_FLOW_ELEMENTS).
MAX_STEPS = 300


def import_table(data: bytes, filename: str) -> bytes:
    """Read an SOP table file (CSV or XLSX) and return it as BPMN 2.0 XML bytes.

    Raises:
        InvalidProcess: the file cannot be read, or the table breaks the format (every
            problem listed, each naming its spreadsheet row and column).
    """
    return table_to_bpmn(read_table(data, filename))


def table_to_bpmn(rows: list[list[str]]) -> bytes:
    """Turn an SOP table (rows of cell texts, as from ``read_table``) into BPMN 2.0 XML.

    Args:
        rows: spreadsheet rows, top to bottom; row ``i`` of the list is spreadsheet row
            ``i + 1`` in messages.

    Returns:
        UTF-8 XML that ``engine.process.deploy.deploy`` accepts. The same table gives the same bytes.

    Raises:
        InvalidProcess: one Indonesian sentence per problem, naming row and column.
    """
    rows = [[(cell or "").strip() for cell in row] for row in rows]
    problems: list[str] = []
    title = next((i for i, row in enumerate(rows) if len(row) > 1
                  and row[0].lower() == "no" and row[1].lower() == "kegiatan"), None)
    _check_lengths(rows, title)
    header = _read_header(rows[:title] if title is not None else rows, problems)
    if title is None:
        raise InvalidProcess(problems + [("Tabel langkah tidak ditemukan: perlu baris judul "
                                         "yang diawali No, Kegiatan.")])
    if has_group_heading(rows[title:title + 1]):
        raise InvalidProcess(problems + [
            f"Baris {title + 1}: baris judul bertingkat seperti di dokumen SOP cetak (Pelaksana "
            "dan Mutu Baku di atas nama kolomnya); hapus baris judul kelompok itu dan tulis "
            "nama kolom dalam satu baris: No, Kegiatan, nama peran (mis. Prakom, Kasubbag), "
            "Kelengkapan, Waktu, Output, Keterangan."])
    column_problems: list[str] = []
    columns, roles = _read_columns(rows[title], title + 1, column_problems)
    problems += column_problems
    if any(name not in columns for name in MUTU_BAKU) or not roles:
        raise InvalidProcess(in_row_order(problems))  # the steps cannot be read without them
    steps, targets = _read_steps(rows, title + 1, columns, roles, problems)
    if not steps and not problems:
        problems.append(f"Baris {title + 1}, kolom No: tabel tidak punya langkah; tulis "
                        "satu baris per Kegiatan di bawah baris judul.")
    _resolve_exits(steps, targets, problems)
    if not problems:
        _check_paths(steps, problems)
    if problems:
        raise InvalidProcess(in_row_order(problems))
    lanes = [role for role in roles.values() if any(step.role == role for step in steps)]
    names = [*HEADER_FIELDS.values(), *ALUR_HEADER_FIELDS.values()]
    return write_bpmn(header["key"], header["nama_sop"],
                      {name: header[name] for name in names
                       if header[name] or name != NUMBER_PREFIX_PROPERTY}, lanes, steps)


def in_row_order(problems: list[str]) -> list[str]:
    """``problems`` by the spreadsheet row they name ("Baris 20, …" before "Baris 26, …"),
    those of the SOP as a whole ("Kepala SOP: …") first; each row's in the order found."""
    def row(problem: str) -> int:
        found = re.match(r"Baris (\d+)", problem)
        return int(found.group(1)) if found else 0
    return sorted(problems, key=row)


def _check_lengths(rows: list[list[str]], title: int | None) -> None:
    """Refuse cells longer than a BPMN attribute may be, naming row and column.

    Raises:
        InvalidProcess: one sentence per such cell (at most ``MAX_PROBLEMS``).
    """
    problems = []
    for number, row in enumerate(rows, start=1):
        names = (rows[title] if title is not None and number > title + 1 else
                 ["Isian", "Nilai"])
        for index, cell in enumerate(row):
            if len(cell) > MAX_ATTRIBUTE_CHARS:
                column = names[index] if index < len(names) and names[index] else index + 1
                problems.append(f"Baris {number}, kolom {column}: {grouped(len(cell))} "
                                f"karakter; paling banyak {grouped(MAX_ATTRIBUTE_CHARS)}.")
    if problems:
        raise InvalidProcess(problems)


def _read_header(rows: list[list[str]], problems: list[str]) -> dict[str, str]:
    fields = {**HEADER_FIELDS, **ALUR_HEADER_FIELDS}
    header = {name: "" for name in fields.values()}
    header["key"] = ""
    seen = {}
    for number, row in enumerate(rows, start=1):
        name, value = (row + ["", ""])[:2]
        label = " ".join(name.split()).rstrip(":").strip().lower()
        if not any(row) or (label, value.lower()) in (("isian", "nilai"), ("field", "value")):
            continue  # blank, or a caption row
        target = "key" if label == KEY_FIELD else fields.get(label)
        if target is None:
            problems.append(f'Baris {number}, kolom Isian: "{name}" bukan isian kepala SOP '
                            f"yang dikenal ({', '.join(_title(f) for f in fields)}, "
                            "Kunci Proses).")
        elif target in seen:
            problems.append(f"Baris {number}, kolom Isian: {name} sudah diisi di baris "
                            f"{seen[target]}.")
        else:
            seen[target] = number
            header[target] = value
    for target, label in (("nama_sop", "Nama SOP"), ("key", "Kunci Proses")):
        if not header[target]:
            where = f"Baris {seen[target]}, kolom {label}" if target in seen else "Kepala SOP"
            problems.append(f"{where}: {label} wajib diisi (baris {label},<nilai> di atas "
                            "tabel).")
    key = header["key"]
    if key and len(key) > 128:
        problems.append(f'Baris {seen["key"]}, kolom Kunci Proses: paling panjang 128 '
                        f"karakter ({len(key)} ditulis).")
    elif key and not KEY_PATTERN.match(key):
        problems.append(f'Baris {seen["key"]}, kolom Kunci Proses: "{key}" harus '
                        "huruf, angka, _ atau -, diawali huruf (misalnya penyusunan_rkt).")
    elif key in RESERVED_IDS:
        problems.append(f'Baris {seen["key"]}, kolom Kunci Proses: "{key}" dipakai mesin '
                        f"proses sendiri ({', '.join(RESERVED_IDS)}); pilih kunci lain "
                        "(misalnya penyusunan_rkt).")
    prefix = header[NUMBER_PREFIX_PROPERTY].strip().upper()
    if prefix and not re.fullmatch(NUMBER_PREFIX_PATTERN, prefix):
        problems.append(f"Baris {seen[NUMBER_PREFIX_PROPERTY]}, kolom Prefiks Nomor: "
                        f'"{prefix[:40]}" {NUMBER_PREFIX_RULE}')
    header[NUMBER_PREFIX_PROPERTY] = prefix
    return header


def _title(label: str) -> str:
    return label.title().replace("Sop", "SOP").replace(" Dan ", " dan ")


def _read_columns(row: list[str], number: int, problems: list[str]
                  ) -> tuple[dict[str, int], dict[int, str]]:
    """``({column name: index}, {index: role})`` from the table's title row."""
    columns: dict[str, int] = {}
    roles: dict[int, str] = {}
    canonical = {name.lower(): name for name in MUTU_BAKU + ALUR_COLUMNS}
    known_roles = {role.lower(): role for role in KNOWN_ROLES}
    for index, cell in enumerate(row[2:], start=2):
        name = " ".join(cell.split())
        if not name:
            continue
        if name.lower() in canonical:
            columns[canonical[name.lower()]] = index
        elif columns:
            problems.append(f'Baris {number}, kolom "{name}": kolom ini tidak dikenal; sesudah '
                            f"Kelengkapan hanya {', '.join(MUTU_BAKU[1:] + ALUR_COLUMNS)}.")
        elif name.lower() not in known_roles:
            close = get_close_matches(name.lower(), known_roles, n=1, cutoff=0.75)
            guess = f"; maksud Anda {known_roles[close[0]]}?" if close else "."
            problems.append(f'Baris {number}, kolom Pelaksana: "{name}" bukan peran yang '
                            f"dikenal ({', '.join(KNOWN_ROLES)}){guess}")
            roles[index] = name  # its marks still read, so that every row's problems are said
        elif known_roles[name.lower()] in roles.values():
            problems.append(f"Baris {number}, kolom Pelaksana: peran {name} muncul dua kali.")
        else:
            roles[index] = known_roles[name.lower()]
    if not roles and not problems:
        problems.append(f"Baris {number}, kolom Pelaksana: tidak ada kolom peran di antara "
                        "Kegiatan dan Kelengkapan.")
    for name in MUTU_BAKU:
        if name not in columns:
            problems.append(f"Baris {number}, kolom {name}: kolom ini tidak ada di baris judul "
                            "tabel.")
    return columns, roles


def _read_steps(rows: list[list[str]], title: int, columns: dict[str, int],
                roles: dict[int, str], problems: list[str]
                ) -> tuple[list[SopStep], dict[int, dict[str, str]]]:
    """The steps, and each decision's ``{"Jika Ya": text, "Jika Tidak": text}``."""
    steps: list[SopStep] = []
    decisions: dict[int, dict[str, str]] = {}
    numbered = True
    for number, row in enumerate(rows[title:], start=title + 1):
        if not any(row):
            continue

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index] if index is not None and index < len(row) else ""

        if row[0].removesuffix(".") != str(len(steps) + 1) and numbered:  # "1." as printed
            # Only the first: after a gap or a typo every later number is off as well.
            problems.append(f"Baris {number}, kolom No: nomor {len(steps) + 1} diharapkan, "
                            f'tertulis "{row[0]}"; nomor langkah harus berurutan 1, 2, 3 ...')
            numbered = False
        kegiatan = " ".join(row[1].split()) if len(row) > 1 else ""
        if not kegiatan:
            problems.append(f"Baris {number}, kolom Kegiatan: kosong.")
        marks = {}
        for index, role in roles.items():
            mark = row[index].upper() if index < len(row) else ""
            if mark in ("X", "?"):
                marks[role] = mark
            elif mark:
                problems.append(f'Baris {number}, kolom {role}: "{row[index]}" bukan tanda; '
                                "tulis X (proses) atau ? (keputusan).")
        if not marks:
            problems.append(f"Baris {number}, kolom Pelaksana: tidak ada tanda X atau ? di "
                            "kolom peran mana pun.")
        elif len(marks) > 1:
            problems.append(f"Baris {number}, kolom Pelaksana: ada tanda di lebih dari satu "
                            f"kolom peran ({', '.join(marks)}); satu langkah punya satu "
                            "Pelaksana.")
        waktu = " ".join(cell("Waktu").split())
        duration = _duration(waktu, number, problems)
        round_the_clock = cell("Sepanjang Waktu").lower()
        if round_the_clock not in ("", "ya", "tidak"):
            problems.append(f'Baris {number}, kolom Sepanjang Waktu: "{cell("Sepanjang Waktu")}" '
                            "tidak dikenali; tulis ya atau kosongkan.")
        formulir = cell("Formulir")
        decision = list(marks.values()) == ["?"]
        # The fields Alur makes for the step (as engine.bpmn.catalog will), which a
        # declared one may not reuse: refused here, naming the table's row.
        generated = {NOTE_FIELD["name"],
                     *(field["name"] for field in checklist_field(cell("Kelengkapan"))),
                     *([f"keputusan_{len(steps) + 1}"] if decision else [])}
        try:
            if formulir.strip():
                check_form(from_notation(formulir), generated)
        except FormProblem as problem:
            problems += [f"Baris {number}, kolom Formulir: {said}." for said in problem.problems]
        targets = {choice: cell(choice) for choice in ("Jika Ya", "Jika Tidak")}
        for choice, text in targets.items():
            if text and len(marks) == 1 and not decision:
                problems.append(f"Baris {number}, kolom {choice}: hanya langkah keputusan "
                                "(tanda ?) yang boleh diisi Jika Ya/Jika Tidak.")
        question = " ".join(cell("Pertanyaan").split())
        if question and len(marks) == 1 and not decision:
            problems.append(f"Baris {number}, kolom Pertanyaan: hanya langkah keputusan "
                            "(tanda ?) yang punya pertanyaan.")
        steps.append(SopStep(
            no=len(steps) + 1, row=number, kegiatan=kegiatan, role=next(iter(marks), ""),
            decision=decision, duration=duration, round_the_clock=round_the_clock == "ya",
            mutu_baku={"kelengkapan": cell("Kelengkapan"), "waktu": waktu,
                       "output": cell("Output"), "keterangan": cell("Keterangan"),
                       **({"formulir": formulir} if formulir else {})},
            catatan_konversi=" ".join(cell("Catatan Konversi").split()), question=question))
        decisions[len(steps)] = targets
    if len(steps) > MAX_STEPS:
        problems.append(f"Tabel memuat {grouped(len(steps))} langkah; paling banyak "
                        f"{MAX_STEPS} (pecah menjadi beberapa SOP).")
    return steps, decisions


def _duration(waktu: str, number: int, problems: list[str]) -> str | None:
    """ISO 8601 duration of a Waktu text (``waktu_duration``); None = no deadline."""
    try:
        return waktu_duration(waktu)
    except UnknownWaktu:  # a range ("1-2 hari") is a paper SOP's usual way: say which
        ranged = re.search(r"\d\s*[-–]\s*\d", waktu)
        problems.append(f"Baris {number}, kolom Waktu: '{waktu}' tidak dikenali; contoh: "
                        "30 menit, 2 jam, 1 hari kerja, Relatif." + (
                            " Untuk rentang, tulis batas terlamanya (mis. 2 hari), yang menjadi "
                            "timer langkah itu, atau Relatif bila tanpa batas waktu."
                            if ranged else ""))
    except InvalidDuration as invalid:
        problems.append(f"Baris {number}, kolom Waktu: {invalid}.")
    return None


def _resolve_exits(steps: list[SopStep], targets: dict[int, dict[str, str]],
                   problems: list[str]) -> None:
    for step in steps:
        following = step.no + 1 if step.no < len(steps) else END
        if not step.decision:
            step.exits = [("", following)]
            continue
        for choice, text in targets[step.no].items():
            text = re.sub(r"(?i)^(langkah|no\.?)\s*(?=\d)|(?<=\d)\.$", "", text)  # "Langkah 7."
            if not text:
                step.exits.append((choice, following))
            elif text.lower() == "selesai":
                step.exits.append((choice, END))
            elif text.isdecimal() and 1 <= int(text) <= len(steps):
                step.exits.append((choice, int(text)))
            else:
                problems.append(f'Baris {step.row}, kolom {choice}: "{text}" bukan langkah yang '
                                f"ada; tulis nomor 1 sampai {len(steps)} atau Selesai.")
                step.exits.append((choice, -1))
        (_, yes), (_, no) = step.exits
        if not any(targets[step.no].values()):
            problems.append(f"Baris {step.row}, kolom Jika Ya/Jika Tidak: keduanya kosong, "
                            f"jadi keduanya menuju {_target_text(yes)}; keputusan (tanda ?) "
                            "perlu dua tujuan berbeda: tulis nomor langkah atau Selesai.")
        elif -1 not in (yes, no) and yes == no:
            empty = next((choice for choice, text in targets[step.no].items() if not text), "")
            problems.append(f"Baris {step.row}, kolom {empty or 'Jika Tidak'}: "
                            + (f"{empty} kosong, berarti langkah berikutnya: " if empty else "")
                            + f"Jika Ya dan Jika Tidak menuju {_target_text(yes)}; keputusan "
                            "perlu dua tujuan berbeda.")


def _target_text(target: int) -> str:
    return "Selesai" if target == END else f"langkah {target}"


def _check_paths(steps: list[SopStep], problems: list[str]) -> None:
    """Every step is reachable from step 1 and has a way to Selesai."""
    successors = {step.no: {target for _, target in step.exits} for step in steps}
    reached, todo = set(), [1]
    while todo:
        current = todo.pop()
        if current != END and current not in reached:
            reached.add(current)
            todo.extend(successors[current])
    finishing, changed = {END}, True
    while changed:
        changed = False
        for no, targets in successors.items():
            if no not in finishing and targets & finishing:
                finishing.add(no)
                changed = True
    for step in steps:
        if step.no not in reached:
            problems.append(f"Baris {step.row}, kolom No: langkah {step.no} tidak pernah "
                            "dicapai; arahkan Jika Ya atau Jika Tidak ke langkah ini.")
        elif step.no not in finishing and step.decision:
            # A closed loop always contains a decision: that is where the way out belongs.
            problems.append(f"Baris {step.row}, kolom Jika Ya/Jika Tidak: dari langkah "
                            f"{step.no} tidak ada jalan ke Selesai; arahkan satu pilihan ke "
                            "langkah sesudahnya atau ke Selesai.")
