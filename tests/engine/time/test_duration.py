"""The strict ISO 8601 duration parser and the longest time standard (one year)."""

import pytest

from engine.time.duration import (
    InvalidDuration,
    UnknownWaktu,
    duration_words,
    parse_duration,
    waktu_duration,
    waktu_text,
)


@pytest.mark.parametrize(("text", "parts"), [
    ("PT30M", {"minutes": 30}),
    ("P1D", {"days": 1}),
    ("P1W", {"weeks": 1}),
    ("P3M", {"months": 3}),
    ("P1DT2H", {"days": 1, "hours": 2}),
    ("PT1.5H", {"hours": 1.5}),
    ("PT1H30M", {"hours": 1, "minutes": 30}),
    ("pt30m", {"minutes": 30}),
    # The ceiling itself, in each unit (a year = 12 months = 52 weeks = 365 days).
    ("P1Y", {"years": 1}),
    ("P12M", {"months": 12}),
    ("P52W", {"weeks": 52}),
    ("P365D", {"days": 365}),
    ("PT8760H", {"hours": 8760}),
    ("P6M26W", {"months": 6, "weeks": 26}),
])
def test_durations_alur_counts(text, parts):
    assert parse_duration(text) == parts


@pytest.mark.parametrize("text", [
    "P9000Y", "PT99999999H", "P99999999D", "P13M", "P53W", "P366D", "PT8761H", "P1YT1S",
    "P11M5W",
])
def test_durations_longer_than_a_year_are_refused(text):
    with pytest.raises(InvalidDuration, match="melebihi batas waktu terpanjang, 1 tahun"):
        parse_duration(text)


@pytest.mark.parametrize("text", [
    "", "P", "PT", "P1DT", "1 hari", "P1X", "P-1D", "+P1D", "P1E3D", "P0001-02-03", "PT1H2",
    "P1D2W", "PT30M1H", " ", "P" + "9" * 5000 + "D", "P1DT1H1M1S" * 5,
    "PT１H", "PT١H", "P٣D",  # other scripts' digits, which Python's \d and int() read
])
def test_what_is_not_an_iso_duration_is_refused(text):
    with pytest.raises(InvalidDuration, match="bukan durasi ISO 8601"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["P9999999999D", "PT" + "1" * 30 + "S", "P1DT1234567890M"])
def test_a_number_of_ten_digits_or_more_is_called_too_long_not_no_duration(text):
    with pytest.raises(InvalidDuration, match=f"^'{text}': angka paling banyak 9 digit "):
        parse_duration(text)


@pytest.mark.parametrize("text", ["P0.5D", "P1.5W", "P0,5Y", "PT1.5H30M"])
def test_fractions_only_on_the_last_time_part(text):
    with pytest.raises(InvalidDuration, match="bilangan bulat|bagian terakhir"):
        parse_duration(text)


def test_an_escalation_level_may_count_up_to_ten_time_standards():
    assert parse_duration("P10Y", longest_years=10) == {"years": 10}
    assert parse_duration("P36M", longest_years=10) == {"months": 36}
    with pytest.raises(InvalidDuration, match="melebihi batas waktu terpanjang, 10 tahun"):
        parse_duration("P11Y", longest_years=10)


@pytest.mark.parametrize(("written", "shown"), [
    ("10 Menit", "10 menit"), ("3 Hari  Kerja", "3 hari kerja"), ("1 Triwulan", "1 triwulan"),
    ("Relatif", "Relatif"), ("Situasional  (sesuai kebutuhan)", "Situasional (sesuai kebutuhan)"),
])
def test_waktu_is_shown_in_one_casing(written, shown):
    assert waktu_text(written) == shown


@pytest.mark.parametrize(("duration", "round_the_clock", "words"), [
    ("P1D", False, "1 hari kerja"), ("P2D", True, "2 hari"), ("PT90M", False, "1 jam 30 menit kerja"),
])
def test_a_time_standard_in_words(duration, round_the_clock, words):
    assert duration_words(duration, round_the_clock) == words


@pytest.mark.parametrize(("waktu", "duration"), [
    ("30 menit", "PT30M"), ("3 Hari Kerja", "P3D"), ("1 Triwulan", "P3M"),
    ("1,5 jam", "PT1.5H"), ("1.5 jam", "PT1.5H"), ("1 jam 30 menit", "PT1H30M"),
    ("6.000 menit", "PT6000M"), ("1 hari 2 jam", "P1DT2H"), ("Relatif", None), ("", None),
    ("1 Tahun", "P12M"),  # the SOP table probe: refused, while the limit is said in years
])
def test_a_waktu_written_as_numbers_with_units_is_read_as_its_duration(waktu, duration):
    """Decimals, the source documents' grouped thousands ("6.000 menit") and several units
    were free text, so a timer that disagreed with them was never noticed."""
    assert waktu_duration(waktu) == duration


@pytest.mark.parametrize(("waktu", "error", "message"), [
    ("1-2 hari", UnknownWaktu, "'1-2 hari' tidak dikenali"),
    ("30 menit 1 jam", UnknownWaktu, "setiap satuan sekali, yang besar dulu"),
    ("1 jam 1 jam", UnknownWaktu, "setiap satuan sekali, yang besar dulu"),
    ("1,5 hari", InvalidDuration, "^'1,5 hari': bulan, minggu dan hari harus bilangan bulat; "
                                  "pecahan hanya pada jam atau menit"),
    ("0 menit", InvalidDuration, "^'0 menit': lamanya 0"),
    ("1,5 jam 30 menit", InvalidDuration, "^'1,5 jam 30 menit': hanya satuan terakhir"),
    ("5 Triwulan", InvalidDuration, "^'5 Triwulan' melebihi batas waktu terpanjang, 1 tahun"),
    ("2 tahun", InvalidDuration, "^'2 tahun' melebihi batas waktu terpanjang, 1 tahun"),
    ("1 tahun 2 bulan", UnknownWaktu, "setiap satuan sekali, yang besar dulu"),
])
def test_a_waktu_that_is_no_length_of_time_alur_counts_says_why(waktu, error, message):
    with pytest.raises(error, match=message):
        waktu_duration(waktu)
