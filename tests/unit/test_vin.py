"""VIN normalisation and checks: exact refusals, check digit only a warning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleettui.core.vin import ALLOWED, check_digit, check_vin, normalise_vin

ALPHABET = "".join(sorted(ALLOWED))
valid_vins = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


def test_alphabet_is_az_09_without_ioq():
    assert set(ALPHABET) == set("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")


def test_trims_and_upper_cases():
    assert normalise_vin("  wvwzzz1kz6w000001\n") == "WVWZZZ1KZ6W000001"
    r = check_vin(" wvwzzz1kz6w000001 ")
    assert r.ok and r.vin == "WVWZZZ1KZ6W000001" and r.problems == []


def test_sixteen_characters_named():
    r = check_vin("WVWZZZ1KZ6W00000")
    assert not r.ok
    assert r.problems == ["16 characters, need 17"]


def test_letter_o_position_named():
    r = check_vin("WVWZOZ1KZ6W000001")
    assert r.problems == ["letter O at position 5 is never used in VINs"]


def test_symbol_position_named():
    r = check_vin("WV#ZZZ1KZ6W000001")
    assert r.problems == ["'#' at position 3 is not a letter or digit"]


def test_inner_space_and_control_chars_are_named():
    assert check_vin("WVW ZZ1KZ6W000001").problems == [
        "a space at position 4 is not a letter or digit"
    ]
    assert "control character U+0007 at position 2" in check_vin("W\aWZZZ1KZ6W000001").problems[0]


def test_non_ascii_letters_are_not_folded():
    # 'ß'.upper() is 'SS': that must not turn a 16-char input into a valid VIN.
    r = check_vin("WVWZZZ1KZ6W0000ß")
    assert not r.ok
    assert "'ß' at position 16 is not a letter A-Z or digit 0-9" in r.problems


def test_empty_and_not_text():
    assert check_vin("   ").problems == ["empty; a VIN has 17 characters"]
    assert not check_vin(None).ok  # type: ignore[arg-type]


def test_many_bad_characters_are_summarised():
    r = check_vin("#$%&()*+,-./:;<=>")
    assert len(r.problems) == 6
    assert r.problems[-1] == "and 12 more characters that are not allowed"


def test_the_same_character_at_several_positions_is_said_once():
    assert check_vin("WOOOOO1KZ6W000001").problems == [
        "letter O at positions 2-6 is never used in VINs"
    ]
    assert check_vin("WVOZOZ1KZ6W00O0O1").problems == [
        "letter O at positions 3, 5, 14 and 16 is never used in VINs"
    ]
    r = check_vin("#" * 17)
    assert r.problems == ["'#' at positions 1-17 is not a letter or digit"]
    both = check_vin("W O Z O Z1KZ6W0001")
    assert both.problems[1:] == [
        "a space at positions 2, 4, 6 and 8 is not a letter or digit",
        "letter O at positions 3 and 7 is never used in VINs",
    ]


def test_check_digit_known_example():
    assert check_digit("1M8GDM9AXKP042788") == "X"
    assert check_digit("11111111111111111") == "1"


def test_north_american_check_digit_mismatch_is_only_a_warning():
    r = check_vin("1M8GDM9A1KP042788")
    assert r.ok
    assert r.problems == []
    assert len(r.warnings) == 1 and "position 9" in r.warnings[0] and "X" in r.warnings[0]


def test_check_digit_ignored_outside_north_america():
    r = check_vin("WM8GDM9A1KP042788")
    assert r.ok and r.warnings == []


@given(valid_vins)
def test_any_allowed_17_char_string_passes(vin):
    r = check_vin(vin)
    assert r.ok
    assert r.problems == []
    assert r.vin == vin


@given(valid_vins, st.integers(min_value=0, max_value=16), st.sampled_from("IOQioq"))
def test_ioq_fails_naming_position(vin, index, letter):
    bad = vin[:index] + letter + vin[index + 1 :]
    r = check_vin(bad)
    assert not r.ok
    assert f"letter {letter.upper()} at position {index + 1} is never used in VINs" in r.problems


@given(st.text(alphabet=ALPHABET, max_size=40).filter(lambda s: len(s) not in (0, 17)))
def test_wrong_lengths_fail_naming_length(vin):
    r = check_vin(vin)
    assert not r.ok
    n = len(vin)
    assert r.problems[0] == f"{n} character{'s' if n != 1 else ''}, need 17"


@given(st.text())
def test_normalisation_idempotent_and_check_never_raises(text):
    once = normalise_vin(text)
    assert normalise_vin(once) == once
    r = check_vin(text)
    assert r.ok == (not r.problems)
    assert check_vin(once) == r


@pytest.mark.parametrize("lower", ["wvwzzz1kz6w000001", "WvWzZz1Kz6W000001"])
def test_case_does_not_matter(lower):
    assert check_vin(lower).ok
