"""`list --json` lines taken from the answer's own text (fleettui.cli.json_runs): for any
vehicles, plain, odd or hostile, the lines are byte for byte what the one-pass read and
the C encoder make (or the run is left to them), and a whole listing made on the way is
the listing written at the end, with the native encoder (orjson) and without it (the
`json_path` fixture runs those tests each way: with the compiled reader of the usual
vehicles too, and with it off)."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleettui.api.list_stream import ListStream
from fleettui.cli.json_lines import JsonLines
from fleettui.cli.json_runs import read_run
from fleettui.cli.list_items import fast_parts
from fleettui.cli.list_json import listing, write_json
from fleettui.core import json_codec
from fleettui.core.json_codec import compact

LATER = datetime(2026, 11, 2, 12, 0, 0, 250_000, tzinfo=UTC)

#: Text as a provider sends it (with what JSON's syntax uses), and as a hostile one might
#: (quotes, backslashes, controls, bidi, non-ASCII: the run's text is then not used).
_PLAIN = st.one_of(
    st.sampled_from(["", " ", "pool", "Berlin", "CC-1001", "a, b: c", ",", ":", "tags"]),
    st.text(alphabet="ab ,:{}[]%s", max_size=6),
)
_HOSTILE = st.text(alphabet='ab"\\\x1b\x7f\u00e9\u202e\u0085\ud800', min_size=1, max_size=4)
#: Values Python's JSON reads and a native codec may not write the same way (or at all).
_NOT_TEXT = st.sampled_from([2**70, -(2**64), float("nan"), float("inf"), 1e-07, True])
_STAMPS = [
    "2026-10-16T03:13:16Z",
    "2026-10-16T03:13:16",
    "2026-10-16T03:13:16.388454Z",
    "2026-10-16T03:13:16.5",
    "2026-10-15T23:59:59Z",
    "2026-10-17T00:00:00Z",
    "2026-10-17T00:00:00",
]
_ODD_STAMPS = ["2026-10-17T00:00:00+02:00", "2026-02-30T00:00:00Z", "2026-10-16 03:13:16", "", 5]
_STATES = ["pending", "approved", "rejected", "revoked", "canceled"]


_ABSENT = object()
#: Now and then the keys come in another order.
_ODD_ORDER = st.integers(0, 19).map(lambda i: i == 11)


def _ordered(keys: tuple[str, ...], *values_and_odd: Any) -> dict[str, Any]:
    *values, odd = values_and_odd
    pairs = [(k, v) for k, v in zip(keys, values, strict=True) if v is not _ABSENT]
    return dict(pairs[::-1] if odd else pairs)


def _mostly(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`common`, and `rare` about one time in twenty (not at Hypothesis' usual even odds:
    a run with one odd vehicle is not taken from its text, and most runs should be)."""
    return st.integers(0, 19).flatmap(lambda i: rare if i == 11 else common)


def _vehicles(hostile: bool) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Vehicles as a provider sends them, with now and then something odd in one
    (hostile: and odd text anywhere)."""
    text = _mostly(_PLAIN, _HOSTILE) if hostile else _PLAIN
    state = _mostly(st.sampled_from(_STATES), st.sampled_from(["Approved", "", "unknown"]))
    stamp = _mostly(st.sampled_from(_STAMPS), st.sampled_from(_ODD_STAMPS))
    reason = _mostly(
        _mostly(st.sampled_from(["no data received yet", "a, b: c", ",", ":", "%s"]), text),
        st.one_of(st.none(), st.integers(0, 3), st.just(_ABSENT), _NOT_TEXT),
    )
    entry = st.builds(
        _ordered, st.just(("timestamp", "status", "reason")), stamp, state, reason, _ODD_ORDER
    )
    vehicle = st.builds(
        _ordered,
        st.just(("vin", "status", "brand", "tags", "changelog")),
        _mostly(
            st.sampled_from(["WV1A77KB4TT602884", "1C4065U46RL359941", "X1"]),
            st.text(alphabet="AB1 ,:", max_size=4),
        ),
        state,
        _mostly(st.sampled_from(["jeep", "volkswagen", "kia"]), text),
        _mostly(
            st.dictionaries(text, text, max_size=3),
            st.one_of(
                st.dictionaries(
                    text, st.one_of(st.integers(0, 3), st.none(), _NOT_TEXT), max_size=2
                ),
                st.none(),
                st.just(_ABSENT),
            ),
        ),
        st.lists(entry, max_size=4),
        _ODD_ORDER,
    )
    return st.lists(vehicle, min_size=1, max_size=5)


_VEHICLES = st.one_of(_vehicles(False), _vehicles(True))


def _run_text(vehicles: list[dict[str, Any]]) -> str:
    return json.dumps(vehicles, separators=(",", ":"), ensure_ascii=False)[1:-1]


def _body(vehicles: list[dict[str, Any]]) -> bytes:
    """The answer as a provider sends it; a lone surrogate (no UTF-8 for it) escaped."""
    try:
        return json.dumps(vehicles, separators=(",", ":"), ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(vehicles, separators=(",", ":")).encode()


def _one_pass_lines(vehicles: list[dict[str, Any]]) -> list[str | None]:
    """What each vehicle's line is the one-pass way, after its `{"vin":` and up to its
    seconds in state."""
    out: list[str | None] = []
    for obj in vehicles:
        got = fast_parts(copy.deepcopy(obj))
        out.append(None if got is None else compact(got[0])[len('{"vin":') : -1])
    return out


@settings(max_examples=400, deadline=None)
@given(_VEHICLES)
def test_lines_from_the_text_are_the_one_pass_lines(vehicles):
    text = _run_text(vehicles)
    items = json.loads("[" + text + "]")
    got = read_run(text, items)
    if got is None:
        return  # left to the one-pass way
    lines, began = got
    expected = _one_pass_lines(items)
    for line, one_pass, obj, at in zip(lines, expected, items, began, strict=True):
        if line is None:
            continue  # this vehicle goes the one-pass way
        assert line == one_pass
        got_parts = fast_parts(copy.deepcopy(obj))
        assert got_parts is not None and got_parts[1] == at


def test_plain_vehicles_are_taken_from_the_text():
    vehicles = [
        {
            "vin": "WV1A77KB4TT602884",
            "status": "pending",
            "brand": "volkswagen",
            "tags": {"fleet": "pool", "depot": "a, b: c"},
            "changelog": [
                {"timestamp": "2026-10-29T17:10:52", "status": "pending"},
                {
                    "timestamp": "2026-10-29T19:52:22.5Z",
                    "status": "pending",
                    "reason": "no data received yet",
                },
            ],
        },
        {
            "vin": "1C4065U46RL359941",
            "status": "revoked",
            "brand": "jeep",
            "tags": {},
            "changelog": [],
        },
    ]
    text = _run_text(vehicles)
    got = read_run(text, json.loads("[" + text + "]"))
    assert got is not None
    assert got[0] == _one_pass_lines(vehicles)
    assert got[1] == [datetime(2026, 10, 29, 17, 10, 52), None]


def _streamed_listing(body: bytes) -> tuple[bool, str]:
    lines = JsonLines()
    assert lines._native is (json_codec.native_available())
    stream = ListStream(None, lines)
    for start in range(0, len(body), 1000):
        stream.feed(body[start : start + 1000])
    data = stream.finish()
    assert data is not None
    out = io.StringIO()
    return lines.write(data, LATER, out), out.getvalue()


# (json_path is the same for every example: it only sets which encoder is used)
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(vehicles=_VEHICLES)
def test_a_listing_made_on_the_way_is_the_listing_written_at_the_end(json_path, vehicles):
    vehicles = list({v["vin"]: v for v in vehicles if v["vin"].strip()}.values())
    body = _body(vehicles)
    written, text = _streamed_listing(body)
    expected = io.StringIO()
    write_json(listing(json.loads(body), LATER), expected)
    assert written and text == expected.getvalue()


def test_lines_from_runs_alone_are_sorted_by_vin_as_the_listing_is(json_path):
    """Lines all taken from runs are sorted as whole lines: a VIN that begins another
    ("X1", "X12") and digits against letters come out in VIN order all the same."""
    vins = ["X12", "WV1A77KB4TT602884", "X1", "1C4065U46RL359941", "x1", "X0Z"]
    vehicles = [
        {
            "vin": vin,
            "status": "pending",
            "brand": "jeep",
            "tags": {"fleet": "pool"},
            "changelog": [{"timestamp": "2026-10-29T17:10:52Z", "status": "pending"}],
        }
        for vin in vins
    ]
    body = json.dumps(vehicles, separators=(",", ":")).encode()
    written, text = _streamed_listing(body)
    expected = io.StringIO()
    write_json(listing(json.loads(body), LATER), expected)
    assert written and text == expected.getvalue()
    assert [json.loads(line.rstrip(","))["vin"] for line in text.splitlines()[1:-1]] == sorted(vins)


@pytest.mark.parametrize("batch", [1, 2, 3, 7, 8])
def test_the_listing_is_the_same_whatever_the_batch_of_lines(monkeypatch, json_path, batch):
    """The lines are completed and written a batch at a time: every split of 7 lines (one
    of them an odd vehicle's, read the exact way) writes the same listing."""
    from fleettui.cli import json_lines

    monkeypatch.setattr(json_lines, "_BATCH", batch)
    vehicles = [
        {
            "vin": f"WV1A77KB4TT60288{k}",
            "status": "pending",
            "brand": "Jeep " if k == 3 else "jeep",
            "tags": {"fleet": "pool"},
            "changelog": [{"timestamp": f"2026-10-2{k}T17:10:52Z", "status": "pending"}],
        }
        for k in (5, 1, 3, 6, 0, 2, 4)
    ]
    body = json.dumps(vehicles, separators=(",", ":")).encode()
    written, text = _streamed_listing(body)
    expected = io.StringIO()
    write_json(listing(json.loads(body), LATER), expected)
    assert written and text == expected.getvalue() and text.count("\n") == 9


_BACKTRACK = """
import json
import os
from fleettui.cli.json_runs import read_run
entry = {"timestamp": "2026-10-29T17:10:52Z", "status": "pending", "reason": "abcdefghij"}
car = {"vin": "WV1A77KB4TT602884", "status": "pending", "brand": "jeep", "tags": {},
       "changelog": [entry] * 40}
text = json.dumps([car], separators=(",", ":"))[1:-1] + ',{"vin":"@"}'
print(read_run(text, []))
"""


def test_a_run_that_fails_at_its_end_is_refused_without_backtracking():
    """A run whose last object does not match, after a car with 40 reasons: the pattern
    must refuse it in one pass. With a reason pattern that could split each reason ten
    ways it tried 10**40 ways (Hypothesis found a run that took minutes): a hang guard
    of 60 s, not a speed figure."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _BACKTRACK], capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail("read_run backtracked for over 60 s on a run that fails at its end")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


# -- the compiled reader (fleettui/cli/_run_lines.c) -------------------------------------

#: Stamps of every form around the ones the readers take (the compiled one takes 1 to 6
#: digits of a fraction; more, and the rest, go the Python way).
_C_STAMPS = [
    *_STAMPS,
    "2026-10-16T03:13:16.1234567Z",
    "2026-10-16T03:13:16.5z",
    "2026-10-16T03:13:16z",
    "2026-10-16T03:13:16.Z",
    "2026-10-16T24:00:00",
    "2026-02-29T00:00:00Z",
    "2024-02-29T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z",
    "2026-W42-5T03:13:16Z",
    "2026-10-16T03:13:60Z",
]


def _compiled():
    from fleettui.cli.run_lines import compiled_reader

    read = compiled_reader()
    if read is None:
        if os.environ.get("FLEETTUI_REQUIRE_COMPILED"):
            pytest.fail("the compiled reader was not built (setup.py: a C compiler?)")
        pytest.skip("the compiled reader is not built here")
    return read


def _check_compiled(vehicles: list[dict[str, Any]], text: str | None = None) -> None:
    from fleettui.cli.run_lines import STATE_NAMES

    text = _run_text(vehicles) if text is None else text
    items = json.loads("[" + text + "]")
    got = _compiled()(text, len(items), STATE_NAMES)
    if got is None:
        return  # the run is left to the Python way
    lines, began = got
    expected = _one_pass_lines(items)
    for line, one_pass, obj, at in zip(lines, expected, items, began, strict=True):
        if line is None:
            continue  # this vehicle goes the Python way
        assert line == one_pass
        parts = fast_parts(copy.deepcopy(obj))
        assert parts is not None and parts[1] == at


@settings(max_examples=600, deadline=None)
@given(_VEHICLES, st.lists(st.sampled_from(_C_STAMPS), min_size=1, max_size=6))
def test_the_compiled_lines_are_the_one_pass_lines(vehicles, stamps):
    """Whatever the vehicles (odd, hostile, in any order of keys), each line the compiled
    reader gives is the Python way's line, byte for byte, with the same state start."""
    for v in vehicles:  # more forms of time than the other tests use
        for e, ts in zip(v.get("changelog") or [], stamps, strict=False):
            if isinstance(e, dict) and "timestamp" in e:
                e["timestamp"] = ts
    _check_compiled(vehicles)


def test_the_compiled_reader_leaves_what_it_cannot_tell_to_the_python_way():
    plain = {
        "vin": "WV1A77KB4TT602884",
        "status": "pending",
        "brand": "volkswagen",
        "tags": {"fleet": "pool"},
        "changelog": [{"timestamp": "2026-10-16T03:13:16Z", "status": "pending"}],
    }
    text = _run_text([plain])
    from fleettui.cli.run_lines import STATE_NAMES

    read = _compiled()
    # a tag given twice (the parse keeps the last), a number, spaces, a backslash
    for odd in (
        text.replace('{"fleet":"pool"}', '{"fleet":"pool","fleet":"car"}'),
        text.replace('"pool"', "5"),
    ):
        _check_compiled([], odd)
        got = read(odd, 1, STATE_NAMES)
        assert got is None or got[0] == [None]
    spaced = read(text.replace(",", ", "), 1, STATE_NAMES)  # not the strict form
    assert spaced is None or spaced[0] == [None]
    for not_strict in (
        text.replace("pool", 'po\\"ol'),
        text + " ",
        text.replace("pool", "p\u00f6ol"),
    ):
        assert read(not_strict, 1, STATE_NAMES) is None
    assert read(text, 2, STATE_NAMES) is None  # not as many vehicles as said
    assert read(text + "," + text, 1, STATE_NAMES) is None
    assert read(text, 1, STATE_NAMES) is not None


@pytest.mark.parametrize("stamp", _C_STAMPS)
def test_each_form_of_time_is_read_as_the_python_way_reads_it(stamp):
    def vehicle(*stamps: str) -> dict[str, Any]:
        log = [{"timestamp": ts, "status": "pending", "reason": "x"} for ts in stamps]
        return {
            "vin": "WV1A77KB4TT602884",
            "status": "pending",
            "brand": "volkswagen",
            "tags": {},
            "changelog": log,
        }

    for stamps in ((stamp,), ("2026-10-16T03:13:16Z", stamp), (stamp, "2026-10-16T03:13:16Z")):
        _check_compiled([vehicle(*stamps)])
