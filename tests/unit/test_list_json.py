"""`fleettui list` output: the fast way reads every vehicle exactly as Vehicle.from_api
would, and the table, CSV and JSON stream a line per vehicle."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import example, given, settings
from hypothesis import strategies as st

from fleettui.cli.common import plain
from fleettui.cli.list_items import listed, vehicle_json
from fleettui.cli.list_json import listing, write_json
from fleettui.cli.list_text import write_table
from fleettui.core.fleet_csv import write_fleet
from fleettui.core.text import text_cells as width
from fleettui.core.vehicle import Vehicle
from fleettui.sim import SimConfig, Simulator
from tests.support.fleets import NOW, ODD, small_fleet, vdict

_FORMS = ["{}Z", "{}", "{}.5Z", "{}.123456", "{}z", "{}+01:00", "{}.Z", "{}.1x", "{} ", "{}Zx"]
#: Including ISO week dates: real times (2026-W40-5 is 2 October) the one-pass read must
#: not copy as they came, as the full parse writes them as calendar dates.
_ODD = [
    "2026-02-30T08:00:00Z",
    "2026-10-02T24:00:00",
    "2026-10-02 08:00:00Z",
    "2026-W40-5T08:00:00Z",
    "2026-W40-5T08:00:00.5",
    "",
    None,
    7,
]


@st.composite
def _history(draw) -> list[dict]:
    """Mostly what a provider sends (times in order, in the forms it uses), some not."""
    hours = sorted(draw(st.lists(st.integers(0, 99), max_size=4)))
    if draw(st.integers(0, 4)) == 0:
        hours.reverse()
    log = []
    for h in hours:
        base = f"2026-10-{1 + h // 24:02}T{h % 24:02}:00:00"
        ts = draw(st.sampled_from(_FORMS[:3] if draw(st.integers(0, 9)) else _FORMS)).format(base)
        e = {
            "timestamp": draw(st.sampled_from([ts] * 60 + _ODD)),
            "status": draw(st.sampled_from(["pending"] * 6 + ["approved", "rejected", "x"])),
        }
        if draw(st.booleans()):
            e["reason"] = draw(st.sampled_from(["waiting"] * 6 + ["", " ", None, 3]))
        if draw(st.integers(0, 40)) == 0:
            e["other"] = 1
        log.append(e)
    return log


_VEHICLE = st.fixed_dictionaries(
    {
        "vin": st.sampled_from(["WBA00000000000030"] * 6 + [" WBA00000000000031", "", 5]),
        "status": st.sampled_from(["pending"] * 6 + ["approved", "rejected", "revoking", "odd"]),
        "brand": st.sampled_from(["bmw"] * 6 + ["BMW", " mini", "", None]),
    },
    optional={
        "tags": st.one_of(
            st.none(), st.dictionaries(st.sampled_from("ab"), st.sampled_from(["x"] * 4 + ["", 1]))
        ),
        "changelog": st.one_of(_history(), _history(), st.just("x")),
    },
)


@settings(max_examples=600, deadline=None)
@example(  # one ISO week date among calendar ones: found here only now and then
    {
        "vin": "WBA00000000000030",
        "status": "pending",
        "brand": "bmw",
        "changelog": [
            {"timestamp": "2026-10-01T08:00:00Z", "status": "pending"},
            {"timestamp": "2026-W40-5T08:00:00Z", "status": "pending", "reason": "waiting"},
        ],
    },
    None,
)
@given(
    _VEHICLE,
    st.sampled_from(
        [
            None,
            datetime(2026, 10, 3, 12, 0, 0, 250_000, tzinfo=UTC),
            datetime(2026, 10, 3, 14, tzinfo=timezone(timedelta(hours=2))),
        ]
    ),
)
def test_the_fast_way_agrees_with_the_full_parse_on_any_shape(obj, now):
    try:
        expected = exact(copy.deepcopy(obj), now)
    except ValueError:
        expected = None
    assert listed(copy.deepcopy(obj), now) == expected
    if expected is not None:
        assert list(listed(obj, now) or ()) == list(expected)  # the keys' order too


@settings(max_examples=300, deadline=None)
@given(st.lists(_VEHICLE, max_size=8), st.integers(0, 3))
def test_the_csv_and_table_listing_without_history_writes_the_same_bytes(objs, plain_ones):
    # `listing(history=False)` (the CSV and the table) skips rewriting each history:
    # every other field, and so every byte they write, is what the whole read gives
    fleet = [*objs, *small_fleet()[:plain_ones]]
    now = datetime(2026, 10, 3, 12, 0, 0, 250_000, tzinfo=UTC)
    whole = listing(copy.deepcopy(fleet), now)
    short = listing(fleet, now, history=False)
    assert [{**i, "changelog": None} for i in short] == [{**i, "changelog": None} for i in whole]
    for write in (write_fleet, lambda items, out: write_table(items, now, out, plain)):
        a, b = io.StringIO(), io.StringIO()
        write(whole, a)
        write(short, b)
        assert b.getvalue() == a.getvalue()


def exact(obj, now=None) -> dict:
    return vehicle_json(Vehicle.from_api(obj), now)


def test_the_fast_way_gives_what_the_full_parse_gives():
    with Simulator(SimConfig(vehicles=2_000, seed=3, speed=0.0, start=NOW)) as sim:
        fleet = json.loads(sim.engine.list_blob())  # timestamps in every form it sends
    later = datetime(2026, 11, 2, 12, 0, 0, 250_000, tzinfo=UTC)
    for obj in [*fleet, *small_fleet(), *ODD]:
        expected = exact(copy.deepcopy(obj))
        expected_now = exact(copy.deepcopy(obj), later)
        assert listed(copy.deepcopy(obj)) == expected, obj
        assert listed(obj, later) == expected_now, obj
    assert listed({"status": "pending"}) is None and listed([1]) is None


def test_json_is_an_array_with_a_vehicle_per_line():
    out = io.StringIO()
    items = listing(reversed(small_fleet()))
    write_json(items, out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(items) + 2
    assert json.loads(out.getvalue()) == [
        exact(v) for v in sorted(small_fleet(), key=lambda v: v["vin"])
    ]
    empty = io.StringIO()
    write_json([], empty)
    assert json.loads(empty.getvalue()) == []


def test_csv_and_table_rows():
    at = datetime(2026, 11, 1, 12, tzinfo=UTC)
    items = listing(small_fleet(), at)
    out = io.StringIO()
    assert write_fleet(items, out) == len(items)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [
        "vin",
        "brand",
        "status",
        "reason",
        "state_since",
        "tags",
        "seconds_in_state",
    ]
    assert rows[1][0] == items[0]["vin"] and len(rows) == len(items) + 1
    assert [r[6] for r in rows[1:]] == [str(i["seconds_in_state"]) for i in items]
    table = io.StringIO()
    write_table(items, at, table, plain)
    lines = table.getvalue().splitlines()
    assert lines[0].split() == ["VIN", "BRAND", "STATE", "REASON", "IN", "STATE"]
    at = lines[0].index("BRAND")
    assert [line[at:].split()[0] for line in lines[1:]] == [i["brand"] for i in items]


def test_table_cells_are_sanitised_and_measured_in_cells():
    evil = vdict("WBA00000000000020", "pending", reason="bad\x1b[31m  red\u202e x")
    wide = vdict("WBA00000000000021", "pending", reason="車両の承認待ち")
    out = io.StringIO()
    write_table(listing([evil, wide]), NOW, out, plain)
    text = out.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and "  red" not in text
    assert width("車両") == 4 and width("abc") == 3
    first, second = text.splitlines()[1:3]
    # the IN STATE column starts in the same cell on both lines
    assert width(first[: first.rindex(" ") + 1]) == width(second[: second.rindex(" ") + 1])


def test_the_monitors_export_and_list_csv_are_one_shape():
    """The same fleet gives the same bytes through `list --csv` (listing objects) and the
    monitor's export (parsed vehicles): one column set, one writer."""
    from fleettui.core.fleet_csv import write_vehicles
    from fleettui.core.vehicle import Vehicle

    at = datetime(2026, 11, 1, 12, tzinfo=UTC)
    raw = [
        *small_fleet(),
        vdict("WBA00000000000030", "rejected", reason='=cmd, "quoted"', tags={"b": "2", "a": "-1"}),
    ]
    listed, exported = io.StringIO(), io.StringIO()
    write_fleet(listing(raw, at), listed)
    write_vehicles(sorted((Vehicle.from_api(v) for v in raw), key=lambda v: v.vin), at, exported)
    assert exported.getvalue() == listed.getvalue()
    assert listed.getvalue().splitlines()[0].endswith(",seconds_in_state")
