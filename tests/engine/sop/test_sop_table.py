"""An SOP table (CSV or XLSX) becomes a BPMN process that deploys and runs; bad tables are
refused per row and column, and nothing is deployed."""

import csv
import io
import itertools
from collections.abc import Callable

import pytest
from lxml import etree
from openpyxl import Workbook
from sqlalchemy import func, select

from engine.bpmn.xml import NS
from engine.errors import MAX_PROBLEMS, InvalidProcess
from engine.models import HumanTask, ProcessDefinition
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.sop.reading import MAX_COLUMNS, read_table
from engine.sop.table import MAX_STEPS, import_table, table_to_bpmn
from tests.conftest import DATA

TABLE = DATA / "sop_table_uji.csv"
KEY = "pemeliharaan_server_uji"
TITLE_ROW = 16  # the spreadsheet row of "No, Kegiatan, ..." in sop_table_uji.csv
DI = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI"}


def table_rows() -> list[list[str]]:
    return list(csv.reader(io.StringIO(TABLE.read_text(encoding="utf-8"), newline="")))


def xlsx_bytes(rows: list[list[str]], tmp_path) -> bytes:
    """The table as a workbook, numbers as numbers, the way a person would type it."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([int(cell) if cell.isdigit() else (cell or None) for cell in row])
    path = tmp_path / "sop.xlsx"
    workbook.save(path)
    return path.read_bytes()


def process_of(bpmn: bytes) -> etree._Element:
    return etree.fromstring(bpmn).find("bpmn:process", NS)


def open_tasks(session, instance) -> list[HumanTask]:
    return list(session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.state == "open")))


def test_the_table_deploys_with_its_lanes_steps_and_time_standards(session, clock):
    definition, created = deploy(session, clock, import_table(TABLE.read_bytes(), TABLE.name),
                                 filename=TABLE.name)
    assert created
    assert (definition.key, definition.name) == (KEY, "Pemeliharaan Server Uji")
    catalog = definition.catalog
    assert catalog["lanes"] == ["Prakom", "Kasubbag"]
    assert (catalog["kelompok"], catalog["tujuan"]) == ("", "")  # the table names neither
    assert [(task_id, t["lane"], t["no"], t["waktu"], t["duration"], t["round_the_clock"])
            for task_id, t in catalog["tasks"].items()] == [
        # The Waktu keeps its words, in one casing (the table wrote "1 Hari Kerja").
        ("Kegiatan_1", "Prakom", "1", "1 hari kerja", "P1D", False),
        ("Kegiatan_2", "Kasubbag", "2", "30 menit", "PT30M", False),
        ("Kegiatan_3", "Prakom", "3", "2 jam", "PT2H", True),
        ("Kegiatan_4", "Prakom", "4", "Relatif", None, False),
        ("Kegiatan_5", "Prakom", "5", "1 minggu", "P1W", False),
    ]
    review = catalog["tasks"]["Kegiatan_2"]
    assert (review["kelengkapan"], review["output"], review["keterangan"]) == (
        "Rencana pemeliharaan", "Rencana disetujui", "Ya = setuju; Tidak = revisi")
    decision = review["fields"][-1]
    assert (decision["name"], [c["value"] for c in decision["choices"]]) == (
        "keputusan_2", ["ya", "tidak"])
    assert [c["label"] for c in decision["choices"]] == ["Ya", "Tidak"]


def test_the_sop_header_becomes_process_properties(session, clock):
    text = TABLE.read_text(encoding="utf-8").replace(
        "Kunci Proses,pemeliharaan_server_uji\n", "Kunci Proses,pemeliharaan_server_uji\n"
        'Kelompok,TI\nTujuan,"Memelihara server uji, sebulan sekali"\n')
    process = process_of(import_table(text.encode(), TABLE.name))
    properties = {p.get("name"): p.get("value") for p in process.findall(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}
    assert properties == {
        "nomor_sop": "W4-U2/15/SOP.PTIP/I/2026",
        "nama_sop": "Pemeliharaan Server Uji",
        "tanggal_pembuatan": "2 Januari 2026",
        "tanggal_revisi": "",
        "tanggal_efektif": "5 Januari 2026",
        "disahkan_oleh": "Ketua Pengadilan Negeri Uji, NIP 19700101 199503 1 001",
        "dasar_hukum": "Permenpan RB No. 35 Tahun 2012",
        "kualifikasi_pelaksana": "Memahami administrasi server",
        "keterkaitan": "SOP Penanganan Gangguan Server",
        "peralatan_perlengkapan": "Komputer, jaringan",
        "peringatan": "Jika tidak dilaksanakan, server dapat terganggu",
        "pencatatan_pendataan": "Buku log pemeliharaan",
        "kelompok": "TI",
        "tujuan": "Memelihara server uji, sebulan sekali",
    }
    definition, _ = deploy(session, clock, import_table(text.encode(), TABLE.name))
    assert (definition.catalog["kelompok"], definition.catalog["tujuan"]) == (
        "TI", "Memelihara server uji, sebulan sekali")


@pytest.mark.parametrize("last_choice, walk_end", [
    ("ya", [("Kegiatan_5", "Prakom", {})]),
    ("tidak", []),
])
def test_it_runs_round_the_revision_loop_to_the_end(session, clock, users, last_choice,
                                                    walk_end):
    deploy(session, clock, import_table(TABLE.read_bytes(), TABLE.name))
    instance = start_instance(session, clock, process_key=KEY, title="Server SIPP",
                              user=users["Prakom"])
    walk = [
        ("Kegiatan_1", "Prakom", {}),
        ("Kegiatan_2", "Kasubbag", {"keputusan_2": "tidak", "catatan": "tambah jadwal"}),
        ("Kegiatan_1", "Prakom", {}),
        ("Kegiatan_2", "Kasubbag", {"keputusan_2": "ya"}),
        ("Kegiatan_3", "Prakom", {}),
        ("Kegiatan_4", "Prakom", {"keputusan_4": last_choice}),
        *walk_end,
    ]
    for number, (task_id, role, data) in enumerate(walk, start=1):
        tasks = open_tasks(session, instance)
        assert [(t.bpmn_id, t.role) for t in tasks] == [(task_id, role)], number
        complete_task(session, clock, tasks[0].id, users[role], data)
        session.commit()
    assert open_tasks(session, instance) == []
    assert instance.status == "completed"


def test_the_diagram_draws_every_element_inside_its_lane_with_orthogonal_edges():
    root = etree.fromstring(import_table(TABLE.read_bytes(), TABLE.name))
    process = root.find("bpmn:process", NS)
    nodes = {el.get("id") for el in process if etree.QName(el).localname in (
        "startEvent", "endEvent", "userTask", "exclusiveGateway", "boundaryEvent")}
    flows = {el.get("id") for el in process.findall("bpmn:sequenceFlow", NS)}
    lanes = {el.get("id"): [ref.text for ref in el.findall("bpmn:flowNodeRef", NS)]
             for el in process.iterfind(".//bpmn:lane", NS)}
    bounds = {shape.get("bpmnElement"): [float(shape.find("dc:Bounds", DI).get(a))
                                         for a in ("x", "y", "width", "height")]
              for shape in root.iterfind(".//bpmndi:BPMNShape", DI)}
    assert set(bounds) == nodes | set(lanes) | {f"Participant_{KEY}"}
    edges = {edge.get("bpmnElement"): [(float(p.get("x")), float(p.get("y")))
                                       for p in edge.findall("di:waypoint", DI)]
             for edge in root.iterfind(".//bpmndi:BPMNEdge", DI)}
    assert set(edges) == flows
    for flow_id, points in edges.items():
        assert len(points) >= 2, flow_id
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in itertools.pairwise(points)), flow_id
    for lane_id, members in lanes.items():
        lane_x, lane_y, lane_w, lane_h = bounds[lane_id]
        for member in members:
            x, y, w, h = bounds[member]
            assert lane_x <= x and x + w <= lane_x + lane_w, member
            assert lane_y <= y and y + h <= lane_y + lane_h, member
    assert len({bounds[lane_id][3] for lane_id in lanes}) == 1


def test_the_same_table_as_xlsx_gives_the_same_bpmn(session, clock, tmp_path):
    workbook = xlsx_bytes(table_rows(), tmp_path)
    assert read_table(workbook, "sop.xlsx") == read_table(TABLE.read_bytes(), TABLE.name)
    bpmn = import_table(workbook, "sop.xlsx")
    assert bpmn == import_table(TABLE.read_bytes(), TABLE.name)
    assert deploy(session, clock, bpmn)[1]
    assert not deploy(session, clock, import_table(TABLE.read_bytes(), TABLE.name))[1]


def test_a_semicolon_csv_from_excel_is_read_too():
    text = TABLE.read_text(encoding="utf-8")
    semicolons = io.StringIO()
    csv.writer(semicolons, delimiter=";").writerows(csv.reader(io.StringIO(text)))
    assert (import_table(semicolons.getvalue().encode("utf-8-sig"), "sop.csv")
            == import_table(TABLE.read_bytes(), TABLE.name))


@pytest.mark.parametrize("waktu, duration", [
    ("30 Menit", '"PT30M"'), ("2 jam", '"PT2H"'), ("1 Jam", '"PT1H"'), ("1 hari", '"P1D"'),
    ("1 Hari Kerja", '"P1D"'), ("2 hari kerja", '"P2D"'), ("1 Minggu", '"P1W"'),
    ("1 bulan", '"P1M"'), ("1 Triwulan", '"P3M"'), ("2 triwulan", '"P6M"'),
    ("4 triwulan", '"P12M"'), ("12 bulan", '"P12M"'), ("52 minggu", '"P52W"'),
    ("Relatif", None), ("Situasional tergantung Jaringan", None),
    ("Disesuaikan dengan waktu kegiatan", None), ("", None),
])
def test_waktu_becomes_a_quoted_iso_duration_or_no_timer(waktu, duration):
    rows = table_rows()
    set_cell(rows, 17, "Waktu", waktu)
    process = process_of(table_to_bpmn(rows))
    timer = process.find('bpmn:boundaryEvent[@attachedToRef="Kegiatan_1"]', NS)
    if duration is None:
        assert timer is None
    else:
        assert timer.get("cancelActivity") == "false"
        assert timer.get("name") == waktu
        assert timer.findtext(".//bpmn:timeDuration", namespaces=NS) == duration


def set_cell(rows: list[list[str]], row: int, column: str, value: str) -> list[list[str]]:
    """Write ``value`` in spreadsheet ``row`` under the title row's ``column``."""
    index = rows[TITLE_ROW - 1].index(column)
    rows[row - 1][index] = value
    return rows


def drop_row(rows: list[list[str]], row: int) -> list[list[str]]:
    del rows[row - 1]
    return rows


ROLES = "Prakom, Kasubbag, Sekretaris, Ketua, Pemohon, Bidang Terkait, Panitera, Redaktur, " \
        "Pihak Ketiga"
REFUSALS: dict[str, tuple[Callable[[list[list[str]]], list[list[str]]], list[str]]] = {
    "unknown role column": (
        lambda rows: set_cell(rows, TITLE_ROW, "Kasubbag", "Satpam"),
        [f'Baris 16, kolom Pelaksana: "Satpam" bukan peran yang dikenal ({ROLES}).']),
    "no Nama SOP": (
        lambda rows: drop_row(rows, 3),
        ["Kepala SOP: Nama SOP wajib diisi (baris Nama SOP,<nilai> di atas tabel)."]),
    "no Kunci Proses": (
        lambda rows: drop_row(rows, 4),
        ["Kepala SOP: Kunci Proses wajib diisi (baris Kunci Proses,<nilai> di atas tabel)."]),
    "a Kunci Proses the engine uses itself": (
        lambda rows: [[*row[:1], "Root", *row[2:]] if row[:1] == ["Kunci Proses"] else row
                      for row in rows],
        ['Baris 4, kolom Kunci Proses: "Root" dipakai mesin proses sendiri (Start, End, '
         "Root); pilih kunci lain (misalnya penyusunan_rkt)."]),
    "a Kunci Proses too long": (
        lambda rows: [[*row[:1], "k" * 200, *row[2:]] if row[:1] == ["Kunci Proses"] else row
                      for row in rows],
        ["Baris 4, kolom Kunci Proses: paling panjang 128 karakter (200 ditulis)."]),
    "No not consecutive": (
        lambda rows: set_cell(rows, 19, "No", "4"),
        [('Baris 19, kolom No: nomor 3 diharapkan, tertulis "4"; nomor langkah harus '
         "berurutan 1, 2, 3 ...")]),
    "no mark": (
        lambda rows: set_cell(rows, 19, "Prakom", ""),
        ["Baris 19, kolom Pelaksana: tidak ada tanda X atau ? di kolom peran mana pun."]),
    "two marks": (
        lambda rows: set_cell(rows, 19, "Kasubbag", "X"),
        [("Baris 19, kolom Pelaksana: ada tanda di lebih dari satu kolom peran (Prakom, "
         "Kasubbag); satu langkah punya satu Pelaksana.")]),
    "Jika Ya on a process step": (
        lambda rows: set_cell(rows, 19, "Jika Ya", "5"),
        [("Baris 19, kolom Jika Ya: hanya langkah keputusan (tanda ?) yang boleh diisi "
         "Jika Ya/Jika Tidak.")]),
    "target step does not exist": (
        lambda rows: set_cell(rows, 18, "Jika Tidak", "9"),
        [('Baris 18, kolom Jika Tidak: "9" bukan langkah yang ada; tulis nomor 1 sampai 5 '
         "atau Selesai.")]),
    "target written as a superscript": (  # "²".isdigit() is True, int("²") raises
        lambda rows: set_cell(rows, 18, "Jika Tidak", "²"),
        [('Baris 18, kolom Jika Tidak: "²" bukan langkah yang ada; tulis nomor 1 sampai 5 '
         "atau Selesai.")]),
    "decision without two targets": (
        lambda rows: set_cell(set_cell(rows, 18, "Jika Ya", ""), 18, "Jika Tidak", ""),
        [("Baris 18, kolom Jika Ya/Jika Tidak: keduanya kosong, jadi keduanya menuju langkah "
          "3; keputusan (tanda ?) perlu dua tujuan berbeda: tulis nomor langkah atau "
          "Selesai.")]),
    "decision with one target the next step": (
        lambda rows: set_cell(set_cell(rows, 18, "Jika Ya", "3"), 18, "Jika Tidak", ""),
        [("Baris 18, kolom Jika Tidak: Jika Tidak kosong, berarti langkah berikutnya: Jika "
          "Ya dan Jika Tidak menuju langkah 3; keputusan perlu dua tujuan berbeda.")]),
    "both targets Selesai": (
        lambda rows: set_cell(rows, 20, "Jika Ya", "Selesai"),
        [("Baris 20, kolom Jika Tidak: Jika Ya dan Jika Tidak menuju Selesai; keputusan "
         "perlu dua tujuan berbeda.")]),
    "no steps": (
        lambda rows: rows[:TITLE_ROW],
        [("Baris 16, kolom No: tabel tidak punya langkah; tulis satu baris per Kegiatan di "
         "bawah baris judul.")]),
    "bad Waktu": (
        lambda rows: set_cell(rows, 19, "Waktu", "secepatnya"),
        [("Baris 19, kolom Waktu: 'secepatnya' tidak dikenali; contoh: 30 menit, 2 jam, "
         "1 hari kerja, Relatif.")]),
    "Waktu as a range": (lambda rows: set_cell(rows, 19, "Waktu", "1-2 hari"), [(
        "Baris 19, kolom Waktu: '1-2 hari' tidak dikenali; contoh: 30 menit, 2 jam, 1 hari "
        "kerja, Relatif. Untuk rentang, tulis batas terlamanya (mis. 2 hari), yang menjadi "
        "timer langkah itu, atau Relatif bila tanpa batas waktu.")]),
    "absurd Waktu": (
        lambda rows: set_cell(rows, 19, "Waktu", "99999999999999999999 minggu"),
        [("Baris 19, kolom Waktu: '99999999999999999999 minggu' melebihi batas waktu "
          "terpanjang, 1 tahun (mis. 12 bulan, 4 triwulan, 52 minggu).")]),
    "Waktu of five triwulan": (
        lambda rows: set_cell(rows, 17, "Waktu", "5 Triwulan"),
        [("Baris 17, kolom Waktu: '5 Triwulan' melebihi batas waktu terpanjang, 1 tahun "
          "(mis. 12 bulan, 4 triwulan, 52 minggu).")]),
    "Waktu of a day and a half": (
        lambda rows: set_cell(rows, 18, "Waktu", "1,5 hari"),
        [("Baris 18, kolom Waktu: '1,5 hari': bulan, minggu dan hari harus bilangan bulat; "
          'pecahan hanya pada jam atau menit (mis. "1 hari 4 jam", "1,5 jam").')]),
    "Waktu of nothing": (
        lambda rows: set_cell(rows, 18, "Waktu", "0 menit"),
        [("Baris 18, kolom Waktu: '0 menit': lamanya 0; tulis Waktu \"Relatif\" bila tanpa "
          "batas waktu.")]),
    "a loop with no way out": (
        lambda rows: set_cell(set_cell(rows, 20, "Jika Ya", "1"), 20, "Jika Tidak", "3"),
        [("Baris 18, kolom Jika Ya/Jika Tidak: dari langkah 2 tidak ada jalan ke Selesai; "
         "arahkan satu pilihan ke langkah sesudahnya atau ke Selesai."),
         ("Baris 20, kolom Jika Ya/Jika Tidak: dari langkah 4 tidak ada jalan ke Selesai; "
         "arahkan satu pilihan ke langkah sesudahnya atau ke Selesai."),
         ("Baris 21, kolom No: langkah 5 tidak pernah dicapai; arahkan Jika Ya atau Jika "
         "Tidak ke langkah ini.")]),
    "a step never reached": (
        lambda rows: set_cell(rows, 18, "Jika Ya", "4"),
        [("Baris 19, kolom No: langkah 3 tidak pernah dicapai; arahkan Jika Ya atau Jika "
         "Tidak ke langkah ini.")]),
    "a cell longer than a BPMN attribute": (
        lambda rows: set_cell(rows, 18, "Output", "o" * 5000),
        ["Baris 18, kolom Output: 5.000 karakter; paling banyak 4.000."]),
    "an unknown header row": (
        lambda rows: [*rows[:2], ["Nomor Surat", "1"], *rows[2:]],
        [('Baris 3, kolom Isian: "Nomor Surat" bukan isian kepala SOP yang dikenal (Nomor SOP, '
         "Nama SOP, Tanggal Pembuatan, Tanggal Revisi, Tanggal Efektif, Disahkan Oleh, Dasar "
         "Hukum, Kualifikasi Pelaksana, Keterkaitan, Peralatan/Perlengkapan, Peringatan, "
         "Pencatatan dan Pendataan, Kelompok, Tujuan, Prefiks Nomor, Kunci Proses).")]),
    "a header value longer than a BPMN attribute": (
        lambda rows: [*rows[:2], [rows[2][0], "n" * 4001], *rows[3:]],
        ["Baris 3, kolom Nilai: 4.001 karakter; paling banyak 4.000."]),
    "every problem at once": (
        lambda rows: drop_row(set_cell(set_cell(rows, 18, "Waktu", "kapan-kapan"),
                                       20, "Prakom", ""), 4),
        ["Kepala SOP: Kunci Proses wajib diisi (baris Kunci Proses,<nilai> di atas tabel).",
         ("Baris 17, kolom Waktu: 'kapan-kapan' tidak dikenali; contoh: 30 menit, 2 jam, "
         "1 hari kerja, Relatif."),
         "Baris 19, kolom Pelaksana: tidak ada tanda X atau ? di kolom peran mana pun."]),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_bad_table_is_refused_per_row_and_column_and_nothing_deployed(session, clock,
                                                                        case):
    edit, expected = REFUSALS[case]
    text = io.StringIO()
    csv.writer(text).writerows(edit(table_rows()))
    data = text.getvalue().encode()
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, import_table(data, "sop.csv"))
    session.rollback()
    assert refused.value.problems == expected
    assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0


@pytest.mark.parametrize("data, filename, expected", [
    (b"x" * (2_111_640), "sop.csv", ("Berkas terlalu besar: 2,01 MB (2.111.640 bita); "
     "batasnya 2 MB (2.097.152 bita).")),
    (b"x" * (2_100_000), "sop.csv", ("Berkas terlalu besar: 2,003 MB (2.100.000 bita); "
     "batasnya 2 MB (2.097.152 bita).")),  # never "2 MB … batasnya 2 MB"
    (b"\xd0\xcf\x11\xe0lama", "sop.xls", ("sop.xls: format .xls lama tidak didukung; simpan "
     "sebagai .xlsx atau CSV UTF-8.")),
    (b"PK\x03\x04rusak", "sop.xlsx", ("sop.xlsx: bukan buku kerja XLSX yang dapat dibaca; buka "
     "di Excel atau LibreOffice lalu simpan ulang sebagai .xlsx.")),
    (b'No,Kegiatan\n1,"' + b"x" * 200_000 + b'"\n', "sop.csv", (
        "sop.csv: CSV tidak dapat dibaca di baris 2: sel lebih dari 131.072 karakter atau "
        "tanda kutip yang tidak ditutup.")),
    (b"%PDF-1.7 ...", "SOP ditandatangani.pdf", (
        'Berkas "SOP ditandatangani.pdf" bukan tabel SOP (tampaknya PDF); tabel SOP berupa '
        ".csv atau .xlsx, dan BPMN dideploy apa adanya (alur deploy, atau unggah di Kelola "
        "SOP).")),
    (b'<?xml version="1.0"?><bpmn:definitions/>', "sop.csv", (
        'Berkas "sop.csv" bukan tabel SOP (tampaknya BPMN); tabel SOP berupa .csv atau .xlsx, '
        "dan BPMN dideploy apa adanya (alur deploy, atau unggah di Kelola SOP).")),
    ("Nama SOP,Uji\nNo,Kegiatan\n".encode("cp1252") + b"\x93", "sop.csv",
     'sop.csv: bukan teks UTF-8 (bita ke-26); simpan sebagai "CSV UTF-8".'),
])
def test_an_unreadable_file_is_refused(data, filename, expected):
    with pytest.raises(InvalidProcess) as refused:
        read_table(data, filename)
    assert refused.value.problems == [expected]


def test_a_csv_is_read_to_its_column_limit_and_a_refusal_stays_short(session, clock):
    """A title row with 200,000 extra columns (a 400 KB CSV) was refused with 200,000
    sentences (a 36 MB page): as in an XLSX, columns past ``MAX_COLUMNS`` are not read,
    and a refusal lists at most ``MAX_PROBLEMS`` problems (then counts the rest)."""
    rows = table_rows()
    rows[TITLE_ROW - 1] += ["x"] * 200_000
    data = "\n".join(",".join(row) for row in rows).encode()
    assert len(read_table(data, "sop.csv")[TITLE_ROW - 1]) == MAX_COLUMNS
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, import_table(data, "sop.csv"))
    problems = refused.value.problems
    assert 1 < len(problems) <= MAX_PROBLEMS + 1
    assert all('kolom "x": kolom ini tidak dikenal' in problem for problem in problems)


def test_a_table_of_more_steps_than_an_sop_has_is_refused_in_its_own_words(session, clock):
    """397 steps were refused as "2.001 elemen alur" of a process the user never wrote."""
    rows = table_rows()
    step = rows[TITLE_ROW]
    rows = rows[:TITLE_ROW] + [[str(n), *step[1:]] for n in range(1, MAX_STEPS + 2)]
    data = "\n".join(",".join(row) for row in rows).encode()
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, import_table(data, "sop.csv"))
    assert f"Tabel memuat 301 langkah; paling banyak {MAX_STEPS} (pecah menjadi beberapa SOP)." \
        in refused.value.problems
