"""``alur user import``: accounts for every employee from one CSV file, all or none, each
with a temporary password printed once."""

from sqlalchemy import func, select

from engine.models import AuditRecord, User
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
        "baris 7: memuat karakter kendali yang tidak dapat disimpan (mis. tersalin dari "
        "dokumen lain); hapus karakter itu lalu ulangi perintahnya"]
    result = _import(app, tmp_path, (
        "nama_pengguna,nama_lengkap,peran\n"
        "budi,Budi Santoso,Bos\n"
        "prakom,Demo Lain,Prakom\n"
        "budi,Budi Kedua,\n"
        "1a,Satu A,\n"
        "tono,,Kasubbag\n"))
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "baris 2, kolom peran: peran tidak dikenal: Bos (dikenal: Prakom, Kasubbag, "
        "Sekretaris, Ketua, Pemohon, Bidang Terkait, Panitera, Redaktur, Pihak Ketiga)",
        "baris 3, kolom nama_pengguna: pengguna prakom sudah ada",
        "baris 4, kolom nama_pengguna: budi sudah disebut di baris 2",
        "baris 5, kolom nama_pengguna: huruf kecil, angka, _ atau . (diawali huruf), 2–64 "
        "karakter",
        "baris 6, kolom nama_lengkap: nama lengkap wajib diisi"]
    assert _counts(app) == before


def test_a_file_that_is_no_account_list_is_refused_in_words(app, tmp_path):
    before = _counts(app)
    header = "nama_pengguna,nama_lengkap\n"
    for text, said in (
            ("nama,surel\nbudi,b@x.id\n", "berkas: baris judul harus memuat kolom "
             "nama_pengguna, nama_lengkap (kolom yang dikenal: nama_pengguna, nama_lengkap, "
             "surel, peran)"),
            (header, "berkas: tidak ada baris akun di bawah baris judul"),
            (header + "".join(f"p{n},Pegawai {n}\n" for n in range(501)),
             "berkas: paling banyak 500 akun sekaligus; berkas ini memuat 501"),
            (b"nama_pengguna,nama_lengkap\n\xff\xfe", "berkas: bukan teks UTF-8; di Excel "
             'simpan sebagai "CSV UTF-8 (Comma delimited)"'),
            (header + "x" * (1024 * 1024), ("berkas: Berkas terlalu besar: 1,00003 MB "
                                                "(1.048.603 bita); batasnya 1 MB (1.048.576 "
                                                "bita)."))):
        result = _import(app, tmp_path, text)
        assert result.exit_code == 1, said
        assert result.output.splitlines()[1:] == [said]
    assert _counts(app) == before
