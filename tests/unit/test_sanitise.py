"""The one sanitiser (fleettui.core.text): what reaches a terminal, a CSV cell or JSON."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from fleettui.core.text import MARK, csv_cell, json_safe, one_line, sanitize

ESC = "\x1b"
#: Characters that must never survive: controls, escapes' introducers, bidi, invisible.
HIDDEN = {
    *map(chr, range(0x20)),
    "\x7f",
    *map(chr, range(0x80, 0xA0)),
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u2060",
    "\ufeff",
    "\u061c",
    "\u00ad",
    "\u2028",
    "\u2029",
}
hostile_text = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(sorted(HIDDEN)),
        st.sampled_from(
            [
                f"{ESC}[",
                f"{ESC}]",
                f"{ESC}P",
                f"{ESC}\\",
                "\x9b",
                "\x9d",
                "\x07",
                "0;title",
                "2J",
                "31m",
                "52;c;",
            ]
        ),
    ),
    max_size=40,
).map("".join)


def test_whole_escape_sequences_go_not_just_their_esc():
    assert sanitize(f"a{ESC}]0;pwned\x07b") == "ab"  # OSC title, BEL
    assert sanitize(f"a{ESC}]52;c;ZXZpbA=={ESC}\\b") == "ab"  # OSC 52, ST
    assert sanitize(f"x{ESC}[2Jy{ESC}[38;5;196mz") == "xyz"  # CSI
    assert sanitize(f"a{ESC}P1$qm{ESC}\\b{ESC}_apc{ESC}\\c{ESC}^pm\x07d") == "abcd"
    assert sanitize("a\x9b31mb\x9d0;t\x9cc\x90dcs\x9cd") == "abcd"  # 8-bit forms
    assert sanitize(f"a{ESC}(Bb{ESC}7c{ESC}cd") == "abcd"  # two-byte ones
    assert sanitize(f"cut {ESC}]0;title never ended") == "cut "  # swallowed whole
    assert sanitize(f"osc{ESC}]0;t{ESC}[2Jafter") == "oscafter"  # ESC ends a string


def test_controls_bidi_and_zero_width_characters_go():
    assert sanitize("a\x00b\x07c\x08d\x7fe\x85f") == "abcdef"
    assert sanitize("tab\there\nnew\rline") == "tab here new line"
    assert sanitize("pay\u202egnp.exe") == "paygnp.exe"
    assert sanitize("W\u200bV\u200dW\ufeff\u2066x\u2069") == "WVWx"
    assert sanitize("lone \ud800 surrogate") == f"lone {MARK} surrogate"


def test_mark_shows_where_something_hidden_was():
    assert sanitize("WVWZZZ\u200b1JZXW000001", mark=True) == f"WVWZZZ{MARK}1JZXW000001"
    assert sanitize(f"VIN{ESC}[2J1", mark=True) == f"VIN{MARK}1"
    assert sanitize("plain VIN", mark=True) == "plain VIN"


def test_keep_newlines_keeps_lines_only():
    assert (
        sanitize(f"one\r\ntwo{ESC}[2J\nthree\u2028four", keep_newlines=True)
        == "one\ntwo\nthree\nfour"
    )


def test_csv_cells_never_start_a_formula():
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x", f"{ESC}[0m=cmd|' /C calc'!A0"):
        assert csv_cell(cell).startswith("'"), cell
    assert csv_cell("privacy mode is enabled") == "privacy mode is enabled"
    assert csv_cell(None) == ""


@given(hostile_text)
def test_nothing_hidden_survives_sanitize(text):
    for out in (sanitize(text), sanitize(text, mark=True), one_line(text)):
        assert not set(out) & HIDDEN, repr(out)
        assert ESC not in out
        assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs") for c in out)


@given(hostile_text)
def test_sanitize_is_idempotent_and_keeps_printable_text(text):
    once = sanitize(text)
    assert sanitize(once) == once
    assert sanitize(once, mark=True) == once
    printable = "".join(c for c in text if c.isprintable())
    if printable == text:
        assert once == text


@given(hostile_text)
def test_one_line_is_one_line_and_cut(text):
    out = one_line(text, 20)
    assert "\n" not in out and len(out) <= 20 and out == out.strip()


@given(hostile_text)
def test_csv_cells_are_clean_and_never_formulas(text):
    cell = csv_cell(text)
    assert not set(cell) & HIDDEN
    assert not cell.startswith(("=", "+", "-", "@"))


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | hostile_text,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_json_output_is_the_same_data_with_nothing_hidden(data):
    text = json_safe(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(text) == data
    assert not (set(text) - {"\n"}) & HIDDEN
    text.encode("utf-8")  # no lone surrogate left to fail the write


def test_long_lines_wrap_with_a_hanging_indent():
    from fleettui.core.text import hang_wrap

    text = "Title\n\n  12:00  WBA0000  pending -> rejected (privacy mode is enabled)\nshort\n"
    assert hang_wrap(text, 30) == (
        "Title\n\n  12:00  WBA0000  pending ->\n      rejected (privacy mode\n"
        "      is enabled)\nshort\n"
    )
    cut = hang_wrap("  " + "x" * 50, 20).split("\n")  # a word longer than a line is cut
    assert cut[0] == "  " + "x" * 18 and all(len(line) <= 20 for line in cut)
    assert hang_wrap("fits", 4) == "fits"
