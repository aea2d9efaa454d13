"""engine.text: invisible characters count as spaces where a text is required."""

import pytest

from engine.text import trimmed


@pytest.mark.parametrize("typed", ["", None, "  ", "\u200b", "\u2060", "\ufeff", "\u00ad",
                                   " \u200b\t\ufeff\n", "\u3164", "\u2800", "\u200f\u200e"])
def test_a_text_of_spaces_and_invisible_characters_is_blank(typed):
    assert trimmed(typed) == ""


def test_only_the_ends_are_trimmed():
    assert trimmed("\ufeff Toner\u00adkartrid diganti \u200b") == "Toner\u00adkartrid diganti"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # joined by zero-width joiners
    assert trimmed(f" {family} ") == family


def test_format_characters_that_end_a_text_meaningfully_are_kept():
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert trimmed(f"Terima kasih {scotland}") == f"Terima kasih {scotland}"
    assert trimmed("\u0634\u0643\u0631\u0627\u200f ") == "\u0634\u0643\u0631\u0627\u200f"
