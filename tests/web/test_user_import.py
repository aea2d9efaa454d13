"""``alur user import``: accounts for every employee from one CSV file, all or none, each
with a temporary password printed once."""

import base64
import csv
import html
import io
import re

from sqlalchemy import func, select

from engine.models import AuditRecord, User
from engine.people import account_import, accounts
from tests.conftest import csrf_token
from tests.web.conftest import login
from web.extensions import db

GOOD = ("\ufeffnama_pengguna;nama_lengkap;surel;peran\r\n"
        "Gita;Gita Permata, S.Kom.;gita@pa-bima.go.id;prakom\r\n"
        ";;;\r\n"
        "rudi;Rudi Hartono;;Prakom, bidang_terkait\r\n"
        "sari;Sari Dewi;;\r\n")


def _import(app, tmp_path, text: str | bytes):
    path = tmp_path / "akun.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return app.test_cli_runner().invoke(args=["user", "import", str(path)])


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(User)),
                db.session.scalar(select(func.count()).select_from(AuditRecord).where(
                    AuditRecord.action == "user.created")))


def test_an_excel_csv_makes_each_account_with_a_password_to_change(app, client, tmp_path):
    before = _counts(app)
    result = _import(app, tmp_path, GOOD)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "NAMA\tNAMA LENGKAP\tPERAN\tKATA SANDI SEMENTARA"
    printed = [line.split("\t") for line in lines[1:]]
    assert [row[:3] for row in printed] == [
        ["gita", "Gita Permata, S.Kom.", "Prakom"],
        ["rudi", "Rudi Hartono", "Bidang Terkait, Prakom"],
        ["sari", "Sari Dewi", "tanpa peran"]]
    assert all(len(row[3]) >= 10 for row in printed)
    assert "3 akun dibuat" in result.stderr
    assert _counts(app) == (before[0] + 3, before[1] + 3)
    with app.app_context():
        gita = db.session.scalar(select(User).where(User.username == "gita"))
        assert (gita.email, gita.must_change_password) == ("gita@pa-bima.go.id", True)
    entered = login(client, "rudi", printed[1][3])
    assert entered.status_code == 302 and entered.headers["Location"].startswith("/akun")


def test_one_bad_row_stores_nothing_and_every_problem_is_named(app, tmp_path):
    before = _counts(app)
    result = _import(app, tmp_path, (
        "nama_pengguna,nama_lengkap,peran\n"
        "budi,Budi Santoso,Bos\n"
        "prakom,Demo Lain,Prakom\n"
        "budi,Budi Kedua,\n"
        "1a,Satu A,\n"
        "tono,,Kasubbag\n"
        "wati,Wati \x07Ayu,\n"))
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith(
        f"{tmp_path / 'akun.csv'}: tidak diimpor, tidak ada akun yang dibuat:")
    assert result.output.splitlines()[1:] == [
        "baris 2, kolom peran: peran tidak dikenal: Bos (dikenal: Prakom, Kasubbag, "
        "Sekretaris, Ketua, Pemohon, Bidang Terkait, Panitera, Redaktur, Pihak Ketiga)",
        "baris 3, kolom nama_pengguna: pengguna prakom sudah ada",
        "baris 4, kolom nama_pengguna: budi sudah disebut di baris 2",
        "baris 5, kolom nama_pengguna: huruf kecil, angka, _ atau . (diawali huruf), 2–64 "
        "karakter",
        "baris 6, kolom nama_lengkap: nama lengkap wajib diisi",
        "baris 7, kolom nama_lengkap: memuat karakter kendali yang tidak dapat disimpan (mis. "
        "tersalin dari dokumen lain); hapus karakter itu dari berkasnya"]
    assert _counts(app) == before


def test_a_row_with_more_cells_than_the_title_row_is_refused_whole(app, tmp_path):
    """A name with an unquoted comma ("Budi Santoso, S.Kom.") was cut at it and stored
    (the administrator probe); with more columns its shifted cells were blamed one by one.
    A quoted one, and a spreadsheet's empty trailing cells, are read as they are."""
    before = _counts(app)
    result = _import(app, tmp_path, (
        "nama_pengguna,nama_lengkap\n"
        "budi.x3,Budi Santoso, S.Kom.\n"
        'rina.x3,"Rina Wati, S.H."\n'
        "tono.x3,Tono,,\n"
        "X Y,Iks\n"))
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        'baris 2: 3 isian, padahal baris judul 2 kolom; isian yang memuat "," harus diberi '
        'tanda kutip (mis. "Budi Santoso, S.Kom.")',
        "baris 5, kolom nama_pengguna: huruf kecil, angka, _ atau . (diawali huruf), 2–64 "
        "karakter"]
    assert _counts(app) == before
    quoted = _import(app, tmp_path, 'nama_pengguna\tnama_lengkap\tperan\nsiti\tSiti\t'
                                    '"Prakom\tRedaktur"\n')
    assert quoted.exit_code == 0, quoted.output  # as the refusal below asks: quoted
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "siti")).role_names == \
            {"Prakom", "Redaktur"}
    before = _counts(app)
    tabbed = _import(app, tmp_path, "nama_pengguna\tnama_lengkap\nbudi\tBudi\tS.Kom.\n")
    assert tabbed.output.splitlines()[1:] == [
        "baris 2: 3 isian, padahal baris judul 2 kolom; isian yang memuat tab harus diberi "
        'tanda kutip (mis. "Budi Santoso, S.Kom.")']
    # A quote left open runs to the file's end: refused on its row, on any row (the
    # regression probes: it took the next rows, or the last row's own cells, into a name).
    for text, line in (('nama_pengguna,nama_lengkap\njoko,"Joko, S.H.\nkiki,Kiki\nlia,Lia\n', 2),
                       ('nama_pengguna,nama_lengkap,surel,peran\nnana,Nana,,Prakom\n'
                        'mira,"Mira, S.H.,,Prakom\n', 3)):
        result = _import(app, tmp_path, text)
        assert result.exit_code == 1 and result.output.splitlines()[1:] == [
            f"berkas: baris {line} tidak dapat dibaca sebagai CSV: tanda kutip yang dibuka "
            "tidak ditutup, atau satu sel lebih dari 131.072 karakter"]
    for name in ("Yuni\u2028S", "Zaki\x85S"):  # Unicode's and C1's line breaks too
        result = _import(app, tmp_path, f"nama_pengguna,nama_lengkap\nyuni,{name}\n")
        assert result.exit_code == 1 and "memuat pindah baris" in result.output, repr(name)
    assert _counts(app) == before
    result = _import(app, tmp_path, 'nama_pengguna,nama_lengkap,peran\nrina.x3,"Rina Wati, S.H.",'
                                    '"Prakom,Redaktur"\ntono.x3,Tono,,\n')
    assert result.exit_code == 0, result.output
    with app.app_context():
        rina = db.session.scalar(select(User).where(User.username == "rina.x3"))
        assert (rina.full_name, rina.role_names) == ("Rina Wati, S.H.", {"Prakom", "Redaktur"})


def test_every_problem_of_a_row_in_its_columns_order_on_the_line_it_starts(app, tmp_path):
    """A title typed as "Nama Pengguna" is the column; a quoted name over two lines moves
    the next rows' lines; a row's problems come all at once, left to right; a NUL in a
    user name is named, never looked up (PostgreSQL refuses it: a 500 in the regression
    probe)."""
    before = _counts(app)
    result = _import(app, tmp_path, (
        "Nama Pengguna;Nama Lengkap;Surel;Peran\n"
        'ok1;"Baris\nDua";;\n'
        "X Y;;bukan-surel;Bos\n"
        "ab\x00c;Wati \x07Ayu;;Pra\x07kom\n"))
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        # A name is one line (the regression probe: a quote left open took the next rows
        # into one account's name).
        "baris 2, kolom nama_lengkap: nama lengkap memuat pindah baris; tulis dalam satu baris "
        "(di berkas CSV: tanda kutip yang dibuka harus ditutup)",
        "baris 4, kolom nama_pengguna: huruf kecil, angka, _ atau . (diawali huruf), 2–64 "
        "karakter",
        "baris 4, kolom nama_lengkap: nama lengkap wajib diisi",
        "baris 4, kolom surel: alamat surel tidak valid (contoh: nama@pa-bima.go.id)",
        "baris 4, kolom peran: peran tidak dikenal: Bos (dikenal: Prakom, Kasubbag, "
        "Sekretaris, Ketua, Pemohon, Bidang Terkait, Panitera, Redaktur, Pihak Ketiga)",
        "baris 5, kolom nama_pengguna: memuat karakter kendali yang tidak dapat disimpan (mis. "
        "tersalin dari dokumen lain); hapus karakter itu dari berkasnya",
        "baris 5, kolom nama_lengkap: memuat karakter kendali yang tidak dapat disimpan (mis. "
        "tersalin dari dokumen lain); hapus karakter itu dari berkasnya",
        "baris 5, kolom peran: peran tidak dikenal: Pra\x07kom (maksud Anda Prakom?) "
        "(dikenal: Prakom, Kasubbag, "
        "Sekretaris, Ketua, Pemohon, Bidang Terkait, Panitera, Redaktur, Pihak Ketiga)"]
    assert _counts(app) == before



def test_a_file_that_is_no_account_list_is_refused_in_words(app, tmp_path):
    before = _counts(app)
    header = "nama_pengguna,nama_lengkap\n"
    for text, said in (
            ("nama,surel\nbudi,b@x.id\n", "berkas: baris judul harus memuat kolom "
             "nama_pengguna, nama_lengkap (kolom yang dikenal: nama_pengguna, nama_lengkap, "
             "surel, peran, bahasa)"),
            (header, "berkas: tidak ada baris akun di bawah baris judul"),
            (header + "".join(f"p{n},Pegawai {n}\n" for n in range(501)),
             "berkas: paling banyak 500 akun sekaligus; berkas ini memuat 501"),
            (b"nama_pengguna,nama_lengkap\n\xff\xfe", "berkas: bukan teks UTF-8; di Excel "
             'simpan sebagai "CSV UTF-8"'),
            # The English admin probe: a PDF or an empty file was told of its header row.
            (b"%PDF-1.4\nnama_pengguna budi\n", 'berkas: berkas PDF, bukan CSV; buat '
             'daftarnya di Excel lalu simpan sebagai "CSV UTF-8"'),
            (b"\xef\xbb\xbf \r\n", "berkas: berkas kosong; unggah daftar akun sebagai CSV dengan baris "
             "judul nama_pengguna, nama_lengkap, surel, peran, bahasa"),
            # Found by the onboarding probe: a workbook was called text that is no UTF-8.
            (b"PK\x03\x04" + b"\x00" * 40, 'berkas: berkas Excel (.xlsx), bukan CSV; di Excel '
             'simpan sebagai "CSV UTF-8" lalu unggah berkas itu'),
            (header + "ani,Ani\n" + 'budi,"' + "x" * 200_000 + '"\n', "berkas: baris 3 tidak "
             "dapat dibaca sebagai CSV: tanda kutip yang dibuka tidak ditutup, atau satu sel "
             "lebih dari 131.072 karakter"),
            (header + "x" * (1024 * 1024), ("berkas: Berkas terlalu besar: 1,00003 MB "
                                                "(1.048.603 bita); batasnya 1 MB (1.048.576 "
                                                "bita)."))):
        result = _import(app, tmp_path, text)
        assert result.exit_code == 1, said
        assert result.output.splitlines()[1:] == [said]
    assert _counts(app) == before


def _upload(client, data: bytes, filename: str = "akun.csv"):
    token = csrf_token(client.get("/admin/pengguna/impor").get_data(True))
    return client.post("/admin/pengguna/impor", data={
        "csrf_token": token, "berkas": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")


def test_the_page_imports_all_or_none_and_shows_each_password_once(app, client, monkeypatch):
    login(client, "admin")
    assert "/admin/pengguna/impor" in client.get("/admin/pengguna").get_data(True)
    with client.get("/admin/pengguna/contoh-impor-akun.csv") as example:
        assert example.status_code == 200
        assert example.data.decode("utf-8-sig").splitlines()[0] == (
            "nama_pengguna;nama_lengkap;surel;peran;bahasa")
    before = _counts(app)
    refused = _upload(client, b"nama_pengguna,nama_lengkap\nbudi,Budi\nprakom,Lain\n")
    page = refused.get_data(True)
    assert refused.status_code == 422
    assert "Berkas tidak diimpor; tidak ada akun yang dibuat." in page
    assert "baris 3, kolom nama_pengguna: pengguna prakom sudah ada" in page
    assert _counts(app) == before
    missing = client.post("/admin/pengguna/impor", data={"csrf_token": csrf_token(page)})
    said = missing.get_data(True)
    assert missing.status_code == 422 and "<li>pilih berkas CSV daftar akun</li>" in said
    assert "Perbaiki baris berikut" not in said, "the file as a whole is no row to correct"
    workbook = _upload(client, b"PK\x03\x04" + b"\x00" * 40, "akun.xlsx").get_data(True)
    assert "<li>berkas Excel (.xlsx), bukan CSV; di Excel simpan sebagai" in workbook
    # A smaller limit here: the test client spools a body of 1 MB into a file it never closes.
    monkeypatch.setattr(account_import, "MAX_FILE_BYTES", 1000)
    too_large = _upload(client, b"nama_pengguna,nama_lengkap\n" + b"x" * 1000)
    assert too_large.status_code == 422 and ("(1.027 bita); batasnya 0,00095 MB (1.000 "
                                             "bita).") in too_large.get_data(True)
    monkeypatch.undo()
    assert _counts(app) == before

    done = _upload(client, GOOD.encode())
    page = done.get_data(True)
    assert (done.status_code, done.headers["Cache-Control"]) == (201, "no-store")
    assert "3 akun dibuat" in page
    passwords = re.findall(r'<code class="password">([^<]+)</code>', page)
    assert len(passwords) == 3
    assert _counts(app) == (before[0] + 3, before[1] + 3)
    # The same list to download, in this answer only (the administrator probe).
    link = re.search(r'<a href="data:text/csv;charset=utf-8;base64,([^"]+)" '
                     r'download="kata-sandi-sementara.csv">', page)
    rows = list(csv.reader(io.StringIO(base64.b64decode(link[1]).decode("utf-8-sig")),
                           delimiter=";"))
    assert rows == [["Nama pengguna", "Nama lengkap", "Peran", "Kata sandi sementara"],
                    ["gita", "Gita Permata, S.Kom.", "Prakom", html.unescape(passwords[0])],
                    ["rudi", "Rudi Hartono", "Bidang Terkait, Prakom",
                     html.unescape(passwords[1])],
                    ["sari", "Sari Dewi", "", html.unescape(passwords[2])]]
    client.post("/keluar", data={"csrf_token": csrf_token(page)})
    entered = login(client, "sari", html.unescape(passwords[2]))
    assert entered.status_code == 302 and entered.headers["Location"].startswith("/akun")


def test_only_an_administrator_may_import(app, client):
    login(client, "kasubbag")
    before = _counts(app)
    assert client.get("/admin/pengguna/impor").status_code == 403
    token = csrf_token(client.get("/").get_data(True))
    refused = client.post("/admin/pengguna/impor", data={
        "csrf_token": token, "berkas": (io.BytesIO(GOOD.encode()), "akun.csv")},
        content_type="multipart/form-data")
    assert refused.status_code == 403
    assert _counts(app) == before


def test_a_file_with_old_mac_line_ends_imports(app, tmp_path):
    result = _import(app, tmp_path, "nama_pengguna,nama_lengkap\rani,Ani\rbudi,Budi\r")
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[0] for line in result.stdout.splitlines()[1:]] == ["ani", "budi"]


def test_a_misspelt_role_is_answered_with_the_role_meant():
    """Found by the onboarding probe: "Sekertaris" and "Kasubag", as many offices write
    them, were answered only with the list of roles."""
    assert accounts.account_problems("andi", "Andi", None, ["Sekertaris", "Kasubag"]) == {
        "roles": "peran tidak dikenal: Sekertaris, Kasubag (maksud Anda Sekretaris, "
                 "Kasubbag?)"}
    # The regression probe: a staff list writes a Jabatan Fungsional in full.
    assert accounts.account_problems("andi", "Andi", None, ["Pranata  Komputer"]) == {
        "roles": "peran tidak dikenal: Pranata  Komputer (maksud Anda Prakom?)"}
    # In any case and with "_" for a space, as roles are taken (the regression probe).
    assert accounts.account_problems("andi", "Andi", None, ["prakon", "bidang_terkai"]) == {
        "roles": "peran tidak dikenal: prakon, bidang_terkai (maksud Anda Prakom, Bidang "
                 "Terkait?)"}


def test_a_temporary_password_has_no_characters_mistaken_when_read_out():
    """Found by the onboarding probe: "VflMwwoVz0xJlzfE" was to be passed on in person."""
    for _ in range(50):
        password = accounts.generate_password()
        assert re.fullmatch(r"[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}", password), password
        assert accounts.password_problem(password) is None


def test_an_english_reader_is_refused_in_english_by_the_forms_of_accounts(app, client):
    """The English admin probe: Tambah pengguna and Impor akun answered an English page
    with the engine's Indonesian, the values kept as typed."""
    login(client, "admin")
    client.post("/akun/", data={"language": "en", "email": "",
                                "csrf_token": csrf_token(client.get("/akun/").get_data(True))})
    before = _counts(app)
    token = csrf_token(client.get("/admin/pengguna").get_data(True))
    added = client.post("/admin/pengguna", data={
        "csrf_token": token, "username": "9x", "full_name": " ", "email": "bukan-surel",
        "roles": ["Kasubag"]})
    page = html.unescape(added.get_data(True))
    assert added.status_code == 422
    for said in ("lower-case letters, digits, _ or . (a letter first), 2–64 characters",
                 "the full name is required",
                 "not a valid e-mail address (e.g. nama@pa-bima.go.id)",
                 "unknown role: Kasubag (did you mean Kasubbag?)"):
        assert said in page, said
    listed = html.unescape(_upload(client, (
        b"nama_pengguna;nama_lengkap;surel;peran\r\nbudi;Budi;x;\r\nbudi;Budi;;\r\n"
        )).get_data(True))
    assert "row 2, column surel: not a valid e-mail address (e.g. nama@pa-bima.go.id)" in listed
    assert "row 3, column nama_pengguna: budi is already named on row 2" in listed
    assert "a PDF file, not a CSV" in html.unescape(_upload(client, b"%PDF-1.7").get_data(True))
    assert ("row 2, column bahasa: unknown language: Jawa (choose Bahasa Indonesia or English, "
            "or leave it empty)") in html.unescape(_upload(
                client, b"nama_pengguna;nama_lengkap;bahasa\r\nani;Ani;Jawa\r\n").get_data(True))
    shifted = html.unescape(_upload(client, (
        b"nama_pengguna;nama_lengkap\r\nbudi;Budi; S.Kom.\r\n")).get_data(True))
    assert ('row 2: 3 cells, but the title row has 2 columns; a cell containing ";" must be '
            'in quotes (e.g. "Budi Santoso, S.Kom.")') in shifted
    assert _counts(app) == before


def test_the_bahasa_column_gives_each_account_its_pages_language(app, tmp_path):
    before = _counts(app)
    refused = _import(app, tmp_path, "nama_pengguna;nama_lengkap;Bahasa\n"
                                     "ani;Ani;English\nbayu;Bayu;Jawa\n")
    assert refused.exit_code == 1
    assert refused.output.splitlines()[1:] == [
        "baris 3, kolom bahasa: bahasa tidak dikenal: Jawa (pilih Bahasa Indonesia atau "
        "English, atau kosongkan)"]
    assert _counts(app) == before
    made = _import(app, tmp_path, "nama_pengguna;nama_lengkap;bahasa\n"
                                  "ani;Ani;english\nbayu;Bayu; Bahasa  Indonesia\ncici;Cici;\n"
                                  "dodi;Dodi;EN\n")
    assert made.exit_code == 0, made.output
    with app.app_context():
        assert {name: language for name, language in db.session.execute(
            select(User.username, User.language).where(
                User.username.in_(["ani", "bayu", "cici", "dodi"])))} == {
            "ani": "en", "bayu": "id", "cici": "id", "dodi": "en"}
