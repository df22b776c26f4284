"""A list answer parsed while it downloads (fleettui.api.list_stream), the client's list
call reading it that way (fleettui.api.vehicle_list), and `list --json` formatted on the
way (fleettui.cli.json_lines): the same result as the whole-body way, whatever the cuts."""

from __future__ import annotations

import copy
import io
import json
import sys
from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleettui.api import list_stream
from fleettui.api.list_stream import MAX_PENDING, ListStream
from fleettui.cli.json_lines import JsonLines
from fleettui.cli.list_json import listing, write_json
from fleettui.core.json_codec import exact_loads
from fleettui.sim import SimConfig, Simulator
from tests.support.fleets import NOW, ODD, small_fleet
from tests.support.hostile_server import DATA_KINDS, _data, _raw_list
from tests.support.mock_provider import Fake, client_for

LATER = datetime(2026, 11, 2, 12, 0, 0, 250_000, tzinfo=UTC)


def streamed(body: bytes, cuts: list[int], each=None, on_batch=None) -> list | None:
    stream = ListStream(each, on_batch)
    last = 0
    for cut in sorted({min(max(c, 0), len(body)) for c in cuts}):
        stream.feed(body[last:cut])
        last = cut
    stream.feed(body[last:])
    return stream.finish()


def whole(body: bytes):
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    return data if type(data) is list else None


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=4), kids, max_size=3)
    ),
    max_leaves=6,
)
_ELEMENT = st.one_of(
    _VALUES,
    st.fixed_dictionaries({"vin": st.text(alphabet='AB},{"\\[] \n\u00e9', max_size=8)}),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_ELEMENT, max_size=8),
    st.sampled_from([(",", ":"), (", ", ": ")]),
    st.lists(st.integers(0, 400), max_size=12),
    st.sampled_from([None, "bom", "space", "garbage", "cut", "comma"]),
)
def test_any_array_in_any_cuts_parses_as_the_whole_body_does(items, seps, cuts, twist):
    body = json.dumps(items, separators=seps, ensure_ascii=False).encode()
    if twist == "bom":
        body = b"\xef\xbb\xbf" + body
    elif twist == "space":
        body = b" \n" + body + b"\r\n"
    elif twist == "garbage":
        body += b" x"
    elif twist == "cut":
        body = body[: len(body) // 2]
    elif twist == "comma" and items:
        body = body[:-1] + b",]"
    batches: list = []
    got = streamed(body, cuts, on_batch=lambda batch, first: batches.extend(batch))
    assert got == whole(body)
    if got is not None:
        assert batches == got  # everything was handed on, in order


_BIG_INTS = st.sampled_from([2**64, 2**64 - 1, -(2**63) - 1, 10**30, 0.5, 1e-07, -0.0])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries({"vin": st.text(alphabet="AB1", min_size=1, max_size=3)})
        | st.fixed_dictionaries(
            {"vin": st.just("N"), "n": _BIG_INTS, "e": st.text(alphabet='aé\\"', max_size=3)}
        ),
        max_size=8,
    ),
    st.sampled_from([(",", ":"), (", ", ": ")]),
    st.booleans(),
    st.lists(st.integers(0, 400), max_size=12),
)
def test_runs_read_natively_are_exactly_what_json_reads(items, seps, ascii_only, cuts):
    """Every run asks for the native parser (none is too short): what it hands back has
    the values and types `json.loads` gives (2**64 stays an int, 1e-07 a float)."""
    body = json.dumps(items, separators=seps, ensure_ascii=ascii_only).encode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(list_stream, "_NATIVE_FROM", 0)
        got = streamed(body, cuts)
    assert repr(got) == repr(whole(body))


def test_a_compact_answer_is_read_natively_and_another_form_soon_is_not(monkeypatch):
    """The native parser reads a simulator's answer (it pays: half of json's time); an
    answer whose text is not in its form (escaped non-ASCII) is tried a few runs, then
    left to `json.loads`."""
    tried: list[bool] = []

    def counted(text: str):
        got = exact_loads(text)
        tried.append(got is not None)
        return got

    monkeypatch.setattr(list_stream, "exact_loads", counted)
    with Simulator(SimConfig(vehicles=3_000, seed=5, speed=0.0, start=NOW)) as sim:
        body = sim.engine.list_blob()
    body = body if isinstance(body, bytes) else body.encode()
    cuts = list(range(0, len(body), 65_536))
    assert streamed(body, cuts) == json.loads(body)
    assert len(tried) > 5 and all(tried)
    tried.clear()
    vehicles = [{**v, "tags": {**v["tags"], "city": "Zürich"}} for v in json.loads(body)]
    escaped = json.dumps(vehicles, separators=(",", ":")).encode()  # "Z\u00fcrich"
    assert streamed(escaped, cuts) == vehicles
    assert tried == [False] * list_stream._NATIVE_MISSES


def test_an_incomplete_element_is_scanned_without_what_was_read_before(monkeypatch):
    """Each chunk ends inside a vehicle, whose scan fails until the rest comes: json's
    error counts the lines before where it failed, so the text read already is dropped
    first (at 100,000 vehicles the counting took ~30 ms)."""
    failed_at: list[int] = []

    class Counted(json.JSONDecodeError):
        def __init__(self, msg: str, doc: str, pos: int) -> None:
            failed_at.append(pos)
            super().__init__(msg, doc, pos)

    monkeypatch.setattr(json.decoder, "JSONDecodeError", Counted)
    body = json.dumps([{"vin": f"V{k:05}", "x": "y" * 200} for k in range(2_000)]).encode()
    assert streamed(body, list(range(0, len(body), 16_384))) == json.loads(body)
    assert failed_at and max(failed_at) < 1_000  # within the last vehicle, not the chunk


@pytest.mark.parametrize(
    "body",
    [
        b'{"vin": "a"}',  # not an array: the whole-body way says so
        b'["\xff"]',  # not UTF-8: the whole-body way marks it
        b"[" + b"7" * 5000 + b"]",  # a number too long: marked the same way
        b"[" * 100_000 + b"]" * 100_000,  # too deep
        b"[1 2]",
        b"[1,]",
        b"[]]",
    ],
)
def test_what_the_stream_cannot_read_is_left_to_the_whole_body(body):
    for cuts in ([], [1], list(range(0, len(body), 7))):
        assert streamed(body, cuts) is None


def test_a_tail_that_never_parses_is_dropped_at_its_bound():
    body = b'[{"vin":"A"},"' + b"y" * (MAX_PENDING + 10)  # a string that never ends
    stream = ListStream()
    for start in range(0, len(body), 1 << 20):
        stream.feed(body[start : start + (1 << 20)])
    assert stream.failed and stream.finish() is None
    # an element as long, once complete, is an element
    body = json.dumps([{"vin": "A"}, {"vin": "B", "x": "y" * (MAX_PENDING - 100)}]).encode()
    assert streamed(body, list(range(0, len(body), 1 << 20))) == json.loads(body)


def test_a_simulator_list_in_network_sized_chunks_is_the_same_list():
    with Simulator(SimConfig(vehicles=3_000, seed=5, speed=0.0, start=NOW)) as sim:
        body = sim.engine.list_blob()
    body = body if isinstance(body, bytes) else body.encode()
    seen: list[int] = []
    got = streamed(
        body, list(range(0, len(body), 65_536)), on_batch=lambda b, f: seen.append(len(b))
    )
    assert got == json.loads(body)
    assert len(seen) > 10  # handed on as it came, not at the end


def test_the_client_hands_entries_on_while_the_body_arrives():
    fleet = small_fleet() * 1  # distinct VINs
    body = json.dumps(fleet).encode()
    batches: list[tuple[int, bool, int]] = []
    sent = [0]

    def chunks():
        for start in range(0, len(body), 50):
            sent[0] = start + 50
            yield body[start : start + 50]

    fake = Fake(lambda request: httpx.Response(200, content=chunks()))
    with client_for(fake) as client:
        got = client.list_vehicles_raw(
            on_batch=lambda batch, first: batches.append((len(batch), first, sent[0]))
        )
    assert got == fleet
    assert batches and batches[0][1] and not any(first for _, first, _ in batches[1:])
    assert sum(n for n, _, _ in batches) == len(fleet)
    assert batches[0][2] < len(body)  # the first entries came before the last byte


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.text(alphabet="AB ", max_size=3), st.integers(0, 2), st.none(), st.just("AA")),
        max_size=10,
    ),
    st.integers(1, 60),
)
def test_the_list_call_keeps_one_entry_per_vin_as_the_whole_body_way(vins, chunk):
    """VINs told batch by batch while the body arrives (repeats, blanks, ones that differ
    only by spaces, ones that are not text): the list is the whole-body way's."""
    from fleettui.api import wire
    from fleettui.core.dedupe import newest_per_vin

    fleet = [{"vin": vin, "status": "approved", "n": k} for k, vin in enumerate(vins)]
    body = json.dumps(fleet).encode()
    parts = [body[k : k + chunk] for k in range(0, len(body), chunk)]
    fake = Fake(lambda request: httpx.Response(200, content=iter(parts)))
    with client_for(fake) as client:
        got = client.list_vehicles_raw()
    good, _ = wire.with_vin(json.loads(body))
    assert got == newest_per_vin(good)[0]


def test_a_retried_answer_starts_the_batches_again():
    fleet = small_fleet()
    body = json.dumps(fleet).encode()
    tries = [0]

    def answer(request: httpx.Request) -> httpx.Response:
        tries[0] += 1
        if tries[0] == 1:

            def dropped():
                yield body[: len(body) // 2]
                raise httpx.ReadError("connection reset")

            return httpx.Response(200, content=dropped())
        return httpx.Response(200, content=body)

    firsts: list[bool] = []
    kept: list = []

    def on_batch(batch: list, first: bool) -> None:
        firsts.append(first)
        if first:
            kept.clear()
        kept.extend(batch)

    with client_for(Fake(answer)) as client:
        assert client.list_vehicles_raw(on_batch=on_batch) == fleet
    assert tries[0] == 2 and firsts.count(True) == 2 and kept == fleet


def json_lines_text(body: bytes, now: datetime) -> tuple[bool, str]:
    from fleettui.api import wire
    from fleettui.core.dedupe import newest_per_vin

    lines = JsonLines()
    data = streamed(body, list(range(0, len(body), 4096)), on_batch=lines)
    assert data is not None
    good, _ = wire.with_vin(data)
    good, _ = newest_per_vin(good)
    out = io.StringIO()
    return lines.write(good, now, out), out.getvalue()


@pytest.mark.parametrize(
    "kind", [k for k in DATA_KINDS if k not in ("bad_utf8_tag", "long_number_tag")]
)
def test_json_made_on_the_way_is_the_listing_written_at_the_end(kind):
    body = json.dumps(_data(kind)).encode()
    written, text = json_lines_text(body, LATER)
    data = json.loads(body)
    from fleettui.api import wire
    from fleettui.core.dedupe import newest_per_vin

    good, skipped = wire.with_vin(data)
    good, repeats = newest_per_vin(good)
    expected = io.StringIO()
    write_json(listing(copy.deepcopy(good), LATER), expected)
    if skipped or repeats:
        assert not written and text == ""  # not the answer: the usual way writes it
    else:
        assert written and text == expected.getvalue()


def test_json_made_on_the_way_for_a_simulator_fleet_and_odd_vehicles():
    with Simulator(SimConfig(vehicles=2_000, seed=3, speed=0.0, start=NOW)) as sim:
        fleet = json.loads(sim.engine.list_blob())
    fleet += copy.deepcopy([v for v in ODD if isinstance(v.get("vin"), str)])
    body = json.dumps(fleet, separators=(",", ":")).encode()
    written, text = json_lines_text(body, LATER)
    expected = io.StringIO()
    write_json(listing(json.loads(body), LATER), expected)
    assert written and text == expected.getvalue()


def test_json_lines_refuse_a_list_that_is_not_what_they_saw():
    lines = JsonLines()
    fleet = small_fleet()
    lines(fleet, True)
    out = io.StringIO()
    assert not lines.write(fleet[1:], LATER, out) and out.getvalue() == ""
    assert not lines.write(copy.deepcopy(fleet), LATER, out)
    assert lines.write(fleet, LATER, out) and json.loads(out.getvalue())


def test_bad_raw_lists_still_come_from_the_whole_body():
    for kind in ("bad_utf8_tag", "long_number_tag"):
        assert streamed(_raw_list(kind), [100, 5000]) is None
    assert sys.getrecursionlimit() < 100_000


def test_the_collector_is_paused_only_while_the_body_is_read():
    import gc

    body = json.dumps(small_fleet()).encode()
    seen: list[bool] = []

    def chunks():
        seen.append(gc.isenabled())  # the body is being read: paused
        yield body

    assert gc.isenabled()
    with client_for(Fake(lambda request: httpx.Response(200, content=chunks()))) as client:
        client.list_vehicles_raw()
    assert seen == [False] and gc.isenabled()
    with (
        client_for(Fake(lambda request: httpx.Response(503)), max_retries=0) as client,
        pytest.raises(Exception, match="503"),
    ):
        client.list_vehicles_raw()
    assert gc.isenabled()
