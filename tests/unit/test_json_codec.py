"""The native JSON encoder (orjson) writes exactly what Python's compact encoder writes, or
declines (None) and the caller uses Python's: for any value without floats, plain, odd or
hostile; the native parser's reading is kept only when it is exactly `json.loads`'s
(`exact_loads`); and without orjson (not installed, or switched off) everything still
works."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleettui.cli.json_lines import JsonLines
from fleettui.cli.list_json import listing, write_json
from fleettui.core import json_codec
from fleettui.core.json_codec import PURE_VARIABLE, compact, exact_loads, native

orjson = pytest.importorskip("orjson")  # a dependency: the fallback is tested below

#: Text a provider sends and text a hostile one might: punctuation only, JSON's own
#: characters, controls, DEL, C1, bidi, invisible, non-ASCII, astral, lone surrogates.
_TEXT = st.one_of(
    st.sampled_from(["", " ", ",", ":", '","', '":"', "},{", '},{"vin":', "\\", '"', "1e-07"]),
    st.text(alphabet=',:{}[]"\\ \x00\x1f\x1b\x7f\x85\u200b\u202e\u2028é😀\ud800\udfff', max_size=6),
    st.text(max_size=8),
)
_INTS = st.one_of(
    st.integers(-(2**63), 2**64 - 1),
    st.sampled_from([2**64, 2**70, -(2**63) - 1, -(10**30)]),
)
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), _INTS, _TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=20,
)


def _has_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(map(_has_surrogate, value))
    return False


def _any_leaf(value: object, hit: Callable[[object], bool]) -> bool:
    """Is any value in `value` (itself, a dict's values, a list's items, nested) a hit?"""
    if isinstance(value, dict):
        return any(_any_leaf(v, hit) for v in value.values())
    if isinstance(value, list):
        return any(_any_leaf(v, hit) for v in value)
    return hit(value)


def _has_big_int(value: object) -> bool:
    return _any_leaf(value, lambda v: type(v) is int and not -(2**63) <= v < 2**64)


def _has_float(value: object) -> bool:
    return _any_leaf(value, lambda v: type(v) is float)


@settings(max_examples=500, deadline=None)
@given(_VALUES)
def test_the_native_text_is_pythons_or_none(value):
    got = native(value)
    if _has_surrogate(value) or _has_big_int(value):
        assert got is None  # orjson cannot write it: the caller takes Python's encoder
    else:
        assert got == compact(value)


def test_what_orjson_writes_otherwise_is_declined_or_not_handed_to_it():
    assert native(["\ud800"]) is None and compact(["\ud800"]) == '["\ud800"]'
    assert native([2**64]) is None and native([2**64 - 1]) == "[18446744073709551615]"
    assert native([-(2**63)]) == compact([-(2**63)])
    # Floats are where the two differ: the listing hands the native encoder none.
    assert compact([1e-07, float("nan")]) == "[1e-07,NaN]"
    assert native([1e-07, float("nan")]) == "[1e-7,null]"


_PARSED = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        _INTS,
        st.floats(allow_nan=False, allow_infinity=False),
        _TEXT,
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(_PARSED, st.booleans(), st.sampled_from([(",", ":"), (", ", ": ")]))
def test_a_native_reading_is_exactly_json_loads_reading_or_none(value, ascii_only, seps):
    text = json.dumps(value, ensure_ascii=ascii_only, separators=seps)
    got = exact_loads(text)
    if got is not None:
        # the same values of the same types: an int is not a float, 2**64 not 1.8e19
        assert repr(got) == repr(json.loads(text))
    elif (
        text == compact(value)  # (non-ASCII written as itself, no spaces)
        and not (_has_surrogate(value) or _has_big_int(value) or _has_float(value))
        and value is not None
    ):
        pytest.fail(f"a compact text in the native form was not read natively: {text!r}")


@pytest.mark.parametrize(
    "text",
    [
        "[123456789012345678901234567890]",  # read as 1.2345678901234568e+29
        "[18446744073709551616]",  # 2**64: a float
        "[-9223372036854775809]",
        "[1E5]",  # 100000.0 written back as 100000.0
        '{"a":1,"a":2}',  # a key twice
        '["\\u00e9"]',  # an escape written back as the character
        "[ 1]",
        '["\\ud800"]',  # a lone surrogate: orjson refuses it
        "[NaN]",
        "[1e400]",
        "[-0]",
        "null",
    ],
)
def test_texts_the_native_reading_could_differ_on_are_left_to_json(text):
    assert exact_loads(text) is None


def test_a_native_reading_keeps_the_types():
    text = '[{"vin":"A","n":18446744073709551615,"m":-9223372036854775808,"f":0.5,"e":"é"}]'
    got = exact_loads(text)
    assert got == json.loads(text) and type(got[0]["n"]) is int and type(got[0]["f"]) is float


def test_the_variable_switches_the_native_encoder_off(monkeypatch):
    monkeypatch.delenv(PURE_VARIABLE, raising=False)
    assert json_codec.native_available() and native({"a": 1}) == '{"a":1}'
    monkeypatch.setenv(PURE_VARIABLE, "1")
    assert not json_codec.native_available() and native({"a": 1}) is None
    assert not JsonLines()._native
    assert exact_loads("[1]") is None


_WITHOUT_ORJSON = """
import io, json, sys
sys.modules["orjson"] = None  # as if it were not installed: its import fails
from datetime import UTC, datetime
from fleettui.api.list_stream import ListStream
from fleettui.cli.json_lines import JsonLines
from fleettui.core.json_codec import native, native_available
assert not native_available() and native([1]) is None
from fleettui.api import list_stream
list_stream._NATIVE_FROM = 0  # every run asks for the native parser, which is missing
body = json.dumps(json.loads(sys.stdin.read()), separators=(",", ":")).encode()
lines = JsonLines()
stream = ListStream(None, lines)
stream.feed(body)
out = io.StringIO()
assert lines.write(stream.finish(), datetime(2026, 11, 2, 12, tzinfo=UTC), out)
sys.stdout.write(out.getvalue())
"""

_FLEET = [
    {
        "vin": vin,
        "status": "pending",
        "brand": "jeep",
        "tags": {"depot": "a, b: c"},
        "changelog": [
            {"timestamp": "2026-10-29T17:10:52.5", "status": "pending", "reason": "x"},
        ],
    }
    for vin in ("X2", "X1", "X3")
]


def test_without_orjson_the_listing_is_the_same():
    """orjson not importable (a platform without its wheel): the pure-Python way writes
    the same listing the native way does."""
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_ORJSON],
        input=json.dumps(_FLEET),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    expected = io.StringIO()
    write_json(listing(_FLEET, datetime(2026, 11, 2, 12, tzinfo=UTC)), expected)
    assert done.stdout == expected.getvalue()
    assert done.stdout.splitlines()[1].startswith('{"vin":"X1","status":"pending"')
