"""Report periods and export parameters: a bad one is refused with a 400 naming its field
(never a 500), on every report; the period form shows only the chosen period's inputs."""

import pytest
from lxml import html

from tests.web.conftest import login
from tests.web.test_reports import Q4, assert_exports_match


@pytest.mark.parametrize("query", ["periode=bulan&tahun=2026&ke=13", "periode=minggu",
                                   "periode=rentang&dari=2026-02-01&sampai=2026-01-01",
                                   "periode=rentang&dari=kemarin", "format=pdf",
                                   "periode=tahun&tahun=abc"])
def test_malformed_periods_and_formats_are_refused(client, history, query):
    login(client, "admin")
    assert client.get(f"/laporan/sop/sop_uji?{query}").status_code == 400


def test_index_and_default_period(client, history):
    login(client, "admin")
    html = client.get("/laporan/").get_data(True)
    assert "Tahun 2026" in html and "/laporan/tabel7?tahun=2026&amp;semester=2" in html
    # The reports probe: "1 berjalan" under "Kinerja SOP (Tahun 2030)" read as 2030's.
    future = client.get("/laporan/?periode=tahun&tahun=2030").get_data(True)
    assert ("Angka di setiap kartu adalah keadaan saat ini, apa pun periodenya: proses yang "
            "sedang berjalan dan langkah yang sekarang terlambat. Tautannya membuka laporan "
            "Tahun 2030.") in future
    moved = client.get("/laporan/?sop=sop_uji&periode=bulan&tahun=2026&ke=11")
    assert moved.status_code == 302
    assert moved.headers["Location"].startswith("/laporan/sop/sop_uji?")
    custom = client.get("/laporan/sop/sop_uji?periode=rentang&dari=2026-11-23&sampai=2026-11-30")
    assert "23 November 2026 – 30 November 2026" in custom.get_data(True)
    # Spaces around a typed month or year are no part of it (the auditor probe: 400).
    spaced = client.get("/laporan/sop/sop_uji?periode=bulan&tahun=%202026%20&bulan=%20%206")
    assert spaced.status_code == 200 and "Juni 2026" in spaced.get_data(True)
    ranged = client.get("/laporan/sop/sop_uji?periode=%20rentang&dari=%202026-11-23%20"
                        "&sampai=2026-11-30%20")
    assert ranged.status_code == 200
    assert "23 November 2026 – 30 November 2026" in ranged.get_data(True)
    # Refused for its month, the form comes back with the year as typed, not cut to " 202".
    refused = client.get("/laporan/?periode=bulan&bulan=13&tahun=%202026").get_data(True)
    assert 'name="tahun" type="number" min="2000" max="2100" value="2026"' in refused


@pytest.mark.parametrize(("query", "message"), [
    ("periode=bulan&tahun=2026&bulan=13", 'Bulan: "13" tidak ada; pilih 1–12.'),
    ("periode=bulan&tahun=2026&ke=13", 'Bulan: "13" tidak ada; pilih 1–12.'),
    ("periode=triwulan&tahun=2026&triwulan=5", 'Triwulan: "5" tidak ada; pilih 1–4.'),
    ("periode=tahun&tahun=abc", 'Tahun: "abc" bukan tahun 2000–2100.'),
    ("periode=rentang&dari=kemarin",
     'Dari: "kemarin" bukan tanggal (TTTT-BB-HH) tahun 2000–2100.'),
    ("periode=rentang", "Dari wajib diisi untuk rentang tanggal (TTTT-BB-HH)."),
    ("periode=rentang&dari=2026-01-01&sampai=",
     "Sampai wajib diisi untuk rentang tanggal (TTTT-BB-HH)."),
    ("periode=rentang&dari=2026-01-01&sampai=9999-12-31",
     'Sampai: "9999-12-31" bukan tanggal (TTTT-BB-HH) tahun 2000–2100.'),
    ("periode=rentang&dari=20260101&sampai=2026-01-31",
     'Dari: "20260101" bukan tanggal (TTTT-BB-HH) tahun 2000–2100.'),
    ("periode=rentang&dari=2026-01-01&sampai=2026W053",
     'Sampai: "2026W053" bukan tanggal (TTTT-BB-HH) tahun 2000–2100.'),
    ("periode=rentang&dari=0001-01-01&sampai=0001-01-01",
     'Dari: "0001-01-01" bukan tanggal (TTTT-BB-HH) tahun 2000–2100.'),
    ("periode=rentang&dari=2026-02-01&sampai=2026-01-01",  # as the lists say it
     "Sampai sebelum Dari: tanggal akhir harus sama dengan atau sesudah tanggal awal."),
])
def test_a_bad_period_names_its_field(client, history, query, message):
    login(client, "admin")
    response = client.get(f"/laporan/sop/sop_uji?{query}")
    assert response.status_code == 400
    page = response.get_data(True).replace("&#34;", '"')
    assert message in page and 'period-form" aria-label="Pilih periode"' in page
    # The auditor probe: the refusal did not say which report it was for.
    assert "Laporan yang diminta: Kinerja SOP: SOP Uji." in page


@pytest.mark.parametrize(("path", "report"), [
    ("/laporan/sop/sop_uji/peta", "Peta hambatan: SOP Uji"),
    ("/laporan/sop/tidak_ada", "Kinerja SOP: tidak_ada"),
    ("/laporan/orang/prakom", "Kinerja per orang: prakom"),
    ("/laporan/orang", "Kinerja per orang"), ("/laporan/tabel7", "Tabel 7 Monitoring "
                                               "Pelaksanaan SOP"),
    ("/laporan/layanan-ti", "Laporan Layanan TI"), ("/laporan/", "Ringkasan laporan")])
def test_a_refused_period_names_its_report(client, history, path, report):
    login(client, "admin")
    response = client.get(f"{path}?periode=bulan&tahun=2026&bulan=13")
    assert response.status_code == 400
    assert f"Laporan yang diminta: {report}." in response.get_data(True)


def test_a_refused_period_names_an_sop_the_reader_may_not_see_by_its_key_only(client, history):
    login(client, "redaktur")
    response = client.get("/laporan/sop/sop_uji?periode=bulan&tahun=2026&bulan=13")
    assert "Laporan yang diminta: Kinerja SOP: sop_uji." in response.get_data(True)
    assert "SOP Uji" not in response.get_data(True)


@pytest.mark.parametrize("path", ["/laporan/?", "/laporan/sop/sop_uji/peta?format=xlsx&",
                                  "/laporan/orang/prakom?format=xlsx&",
                                  "/laporan/orang/prakom/proses?", "/laporan/layanan-ti?format=xlsx&"])
def test_a_date_beyond_the_calendar_is_refused_on_every_report(client, history, path):
    login(client, "admin")
    for query in ("dari=9999-12-31&sampai=9999-12-31", "dari=0001-01-01&sampai=0001-01-01"):
        response = client.get(f"{path}periode=rentang&{query}")
        assert response.status_code == 400, (path, query)
        assert "tahun 2000–2100" in response.get_data(True)


@pytest.mark.parametrize(("url", "message"), [
    ("/laporan/tabel7?tahun=2026&semester=3", 'Semester: "3" tidak ada; pilih 1–2.'),
    ("/laporan/tabel7?tahun=1999&semester=1", 'Tahun: "1999" bukan tahun 2000–2100.'),
    ("/laporan/tabel7?tahun=2026&semester=abc", 'Semester: "abc" tidak ada; pilih 1–2.'),
    ("/laporan/sop/sop_uji?format=pdf", 'Format "pdf" tidak dikenal; pilih csv atau xlsx.'),
    ("/laporan/tabel7?format=csv&sep=x", 'Pemisah CSV (sep) "x" tidak dikenal; pilih ; atau ,.'),
    ("/laporan/tabel7?format=csv&tabel=99", 'Tabel "99" tidak ada; pilih 1–2.'),
    # Other scripts' digits, which int() would read as 2026 and 1: 0–9 only.
    ("/laporan/tabel7?tahun=٢٠٢٦&semester=1", 'Tahun: "٢٠٢٦" bukan tahun 2000–2100.'),
    ("/laporan/tabel7?tahun=2026&semester=１", 'Semester: "１" tidak ada; pilih 1–2.'),
    ("/laporan/tabel7?format=csv&tabel=١", 'Tabel "١" tidak ada; pilih 1–2.'),
    ("/laporan/orang/prakom/proses?periode=tahun&tahun=2026",
     "Angka belum dipilih; pilih tugas, plh, terlambat, langkah, mttr, eskalasi, notifikasi."),
])
def test_tabel7_and_export_refusals_name_their_parameter(client, history, url, message):
    login(client, "admin")
    response = client.get(url)
    assert response.status_code == 400
    assert response.get_data(True).replace("&#34;", '"').count(message) == 1, "said once"


def test_tabel7_refuses_another_kind_of_period_and_offers_its_semesters(client, history):
    """Any periode was ignored: the current semester was shown (and downloaded) instead of
    the month asked for, and ke=12 of a month was read as semester 12."""
    login(client, "admin")
    for query in ("periode=bulan&bulan=13", "periode=rentang&dari=2025-02-30&sampai=2025-03-01",
                  "periode=x", "periode=triwulan&triwulan=2&format=xlsx",
                  "periode=bulan&ke=12&bulan=1"):
        response = client.get(f"/laporan/tabel7?tahun=2026&{query}")
        assert response.status_code == 400, query
        page = html.fromstring(response.get_data(True))
        kind = query.partition("&")[0].partition("=")[2]
        assert f'Tabel 7 disusun per semester: periode "{kind}" tidak tersedia di sini' in \
            page.text_content()
        # The form to mend it asks for a year and a semester, as Tabel 7's own.
        assert page.xpath("//select[@name='periode']/option/@value") == ["semester"]
    semester = client.get("/laporan/tabel7?periode=semester&tahun=2026&semester=1")
    assert semester.status_code == 200


def test_tabel7_reads_the_semester_from_ke_as_the_other_reports(client, history):
    login(client, "admin")
    for number in (1, 2):
        page = client.get(f"/laporan/tabel7?tahun=2026&ke={number}").get_data(True)
        assert f'<option value="{number}" selected>' in page
        # Its days as every page writes a day: "1/7/2026" read as 7 January in English.
        days = ("1 Januari 2026 – 30 Juni 2026", "1 Juli 2026 – 31 Desember 2026")[number - 1]
        assert f"Semester {'I' * number} 2026 ({days})" in page


def test_the_period_form_shows_only_the_chosen_periods_inputs(client, history):
    login(client, "admin")
    page = html.fromstring(client.get(f"/laporan/sop/sop_uji?{Q4}").get_data(True))
    shown = [field.xpath(".//label")[0].text_content().strip()
             for field in page.xpath("//form[contains(@class, 'period-form')]"
                                     "//div[@data-for][not(@hidden)]")]
    assert shown == ["Tahun", "Triwulan"]
    month = page.xpath("//select[@name='bulan']/option")
    assert [o.text for o in month][:2] == ["Januari", "Februari"] and len(month) == 12
    # Switched on the page to another kind, its list starts at the period shown, not January.
    assert _chosen(page) == {"bulan": "Oktober", "triwulan": "IV", "semester": "II"}
    ranged = client.get("/laporan/sop/sop_uji?periode=rentang&dari=2026-05-23&sampai=2026-11-30")
    assert _chosen(html.fromstring(ranged.get_data(True))) == {
        "bulan": "Mei", "triwulan": "II", "semester": "I"}
    # Without JavaScript "Ganti" switches the kind of period, starting from today's.
    switched = client.get("/laporan/sop/sop_uji?periode=bulan&tahun=2026&triwulan=4&ganti=1")
    assert switched.status_code == 200
    assert '<option value="bulan" selected>' in switched.get_data(True)


def _chosen(page):
    return {kind: "".join(page.xpath(f"//select[@name='{kind}']/option[@selected]/text()"))
            for kind in ("bulan", "triwulan", "semester")}


@pytest.mark.parametrize(("path", "tables"), [
    ("/laporan/sop/sop_uji", 2), ("/laporan/sop/sop_uji/peta", 1), ("/laporan/orang/prakom", 5),
    ("/laporan/orang", 1), ("/laporan/tabel7", 2), ("/laporan/layanan-ti", 5)])
def test_every_report_checks_format_sep_and_tabel_with_or_without_format(
        client, history, path, tables):
    login(client, "admin")
    period = "tahun=2026&semester=1" if path == "/laporan/tabel7" else "periode=tahun&tahun=2026"
    sep = 'Pemisah CSV (sep) "x" tidak dikenal; pilih ; atau ,.'
    missing = f'Tabel "{tables + 1}" tidak ada; pilih 1–{tables}.'
    for query, message in (("format=pdf", 'Format "pdf" tidak dikenal; pilih csv atau xlsx.'),
                           ("format=csv&sep=x", sep), ("sep=x", sep),
                           (f"format=csv&tabel={tables + 1}", missing),
                           (f"tabel={tables + 1}", missing),
                           ("tabel=x", f'Tabel "x" tidak ada; pilih 1–{tables}.')):
        response = client.get(f"{path}?{period}&{query}")
        assert response.status_code == 400, (path, query)
        assert message in response.get_data(True).replace("&#34;", '"'), (path, query)
    # Valid ones without ``format`` change nothing: the page; empty ones are not asked,
    # as an empty ``format`` (sep= and tabel= were 400 while format= was the page).
    for query in (f"sep=,&tabel={tables}", "format=&sep=&tabel="):
        page = client.get(f"{path}?{period}&{query}")
        assert page.status_code == 200 and page.mimetype == "text/html", query
    csv = client.get(f"{path}?{period}&format=csv&sep=&tabel=")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert b";" in csv.data.splitlines()[0]


@pytest.mark.parametrize("path", ["/laporan/", "/laporan/orang/prakom/proses",
                                  "/laporan/sop/sop_uji/diagram.bpmn"])
def test_pages_without_a_download_refuse_its_parameters(client, history, path):
    # A visitor is sent to log in first, whatever the query string.
    assert client.get(f"{path}?format=pdf").status_code == 302
    login(client, "admin")
    for query in ("format=csv", "format=xlsx", "format=pdf", "sep=;", "tabel=1"):
        name = query.partition("=")[0]
        response = client.get(f"{path}?periode=tahun&tahun=2026&angka=tugas&{query}")
        assert response.status_code == 400, (path, query)
        assert (f'Halaman ini tidak dapat diunduh ("{name}"); unduhan CSV atau XLSX ada di '
                "halaman setiap laporan.") in response.get_data(True).replace("&#34;", '"')


def test_a_refused_period_comes_back_as_it_was_filled_in(client, history):
    login(client, "admin")
    refused = client.get("/laporan/?periode=rentang&dari=2026-12-03&sampai=2026-10-01")
    assert refused.status_code == 400
    page = refused.get_data(True)
    assert '<option value="rentang" selected>' in page
    assert 'name="dari" type="date" value="2026-12-03"' in page
    assert 'name="sampai" type="date" value="2026-10-01"' in page
    empty = client.get("/laporan/?periode=rentang&dari=&sampai=2026-03-01").get_data(True)
    assert 'name="dari" type="date" value=""' in empty, "left empty, as the refusal says"
    assert 'name="sampai" type="date" value="2026-03-01"' in empty
    month = client.get("/laporan/?periode=bulan&tahun=1999&bulan=5").get_data(True)
    assert '<option value="bulan" selected>' in month and 'value="1999"' in month
    assert '<option value="5" selected>' in month


def test_a_period_that_has_not_begun_has_nothing_running_and_says_so(client, history):
    login(client, "kasubbag")
    now = assert_exports_match(client, "/laporan/sop/sop_uji?periode=tahun&tahun=2026", "&")
    assert now["Ringkasan"][0][2:6] == [3, 2, 1, 0]  # started, finished, running, cancelled
    ahead = assert_exports_match(client, "/laporan/sop/sop_uji?periode=tahun&tahun=2030", "&")
    assert ahead["Ringkasan"][0][2:6] == [0, 0, 0, 0]
    page = client.get("/laporan/sop/sop_uji?periode=tahun&tahun=2030").get_data(True)
    assert "Periode ini belum dimulai; belum ada yang dapat dilaporkan." in page
    assert "belum dimulai" not in client.get(
        "/laporan/sop/sop_uji?periode=tahun&tahun=2026").get_data(True)
    for page in ("/laporan/sop/sop_uji/peta", "/laporan/orang/prakom", "/laporan/layanan-ti",
                 "/laporan/"):
        ahead = client.get(f"{page}?periode=tahun&tahun=2030").get_data(True)
        assert "Periode ini belum dimulai; belum ada yang dapat dilaporkan." in ahead, page
        assert "belum dimulai" not in client.get(
            f"{page}?periode=tahun&tahun=2026").get_data(True), page
    shown = assert_exports_match(client, "/laporan/tabel7?tahun=2027&semester=1", "&")
    catatan = {row[1]: row[4] for row in shown["Tabel 7"]}
    assert catatan["SOP Uji"] == "Periode ini belum dimulai; belum ada yang dapat dicatat."
    assert set(catatan.values()) == {catatan["SOP Uji"]}


@pytest.mark.parametrize("path", ["/laporan/", "/laporan/sop/sop_uji", "/laporan/sop/sop_uji/peta",
                                  "/laporan/orang", "/laporan/orang/prakom",
                                  "/laporan/layanan-ti"])
def test_every_page_with_a_period_form_switches_its_inputs(client, history, path):
    """Layanan TI lacked the script: choosing Bulan showed no month until "Ganti"."""
    login(client, "admin")
    page = client.get(path).get_data(True)
    assert 'period-form" aria-label="Pilih periode"' in page
    assert '<script src="/static/reports.js' in page
