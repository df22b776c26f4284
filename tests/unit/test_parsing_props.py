"""Everything parsed from outside is data: for any JSON the provider (or a local file)
could hold, parsing and painting never raise, and a bad value reads as unknown."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleettui.api.error_body import parse_error_body
from fleettui.api.retry_after import parse_retry_after
from fleettui.config.cache import snapshot_path
from fleettui.config.cache_read import read_snapshot
from fleettui.core.compact import compact, kept
from fleettui.core.dedupe import newest_per_vin
from fleettui.core.rows import build_row, expand
from fleettui.core.store import FleetStore
from fleettui.core.text import sanitize
from fleettui.core.timefmt import format_duration, format_ts, parse_ts
from fleettui.core.vehicle import Vehicle
from fleettui.core.vehicle_lines import tag_problem
from fleettui.ui.widgets.detail import detail_text
from fleettui.ui.widgets.fleet_columns import cell_text

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
COLUMNS = ("vin", "brand", "state", "reason", "time", "tags")
STATES = ["pending", "approved", "rejected", "revoking", "revoked", "canceling", "canceled"]
timestamps = st.one_of(
    st.sampled_from(
        [
            "2026-02-30T12:00:00Z",
            "2026-13-45T99:99:99Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+14:00",
            "2026-10-01T12:00:00Z",
            "2026-10-01T12:00:00.123Z",
            "2026-10-01T12:00:00",
            "2026-10-01T12:00:00+02:00",
            "",
            " ",
            "yesterday",
        ]
    ),
    st.datetimes().map(lambda d: d.isoformat()),
    st.text(max_size=25),
    st.integers(),
    st.none(),
    st.floats(),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30))


def _containers(inner: st.SearchStrategy) -> st.SearchStrategy:
    # A def, not a lambda: Hypothesis reads a lambda's source to check that it uses its
    # argument, and a lambda over several lines read that way warned that it did not.
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)


json_values = st.recursive(scalars, _containers, max_leaves=8)
entries = st.one_of(
    st.fixed_dictionaries(
        {"timestamp": timestamps, "status": st.one_of(st.sampled_from(STATES), json_values)},
        optional={"reason": st.one_of(st.text(max_size=40), json_values)},
    ),
    json_values,
)
vehicles = st.one_of(
    st.fixed_dictionaries(
        {
            "vin": st.one_of(
                st.sampled_from(
                    ["WVWZZZ1JZXW000001", "WBA3A5C51CF256651", " WVWZZZ1JZXW000001 ", ""]
                ),
                st.text(max_size=20),
                json_values,
            ),
            "status": st.one_of(st.sampled_from(STATES), json_values),
            "brand": st.one_of(st.sampled_from(["bmw", "audi", " BMW "]), json_values),
        },
        optional={
            "tags": st.one_of(
                st.dictionaries(
                    st.text(max_size=8), st.one_of(st.text(max_size=8), json_values), max_size=3
                ),
                json_values,
            ),
            "changelog": st.one_of(st.lists(entries, max_size=4), json_values),
            "description": json_values,
        },
    ),
    json_values,
)


def paint(row) -> None:  # noqa: ANN001
    """What the monitor computes from a row while painting the table and the detail."""
    for key in COLUMNS:
        sanitize(cell_text(row, key, NOW))
    row.since_dt()
    format_duration(row.seconds_in_state(NOW))
    row.search  # noqa: B018
    row.to_api()
    detail_text(row.vehicle, NOW)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(vehicles)
def test_any_vehicle_object_builds_a_row_that_paints(obj):
    for row in (build_row(obj, 1), build_row(kept(obj), 1)):
        if row is not None:
            paint(row)
            row.warm()
    c = compact(obj)
    if c is not None:
        assert build_row(expand(c), 1) is not None or not c[0].strip()


@settings(deadline=None)  # a loaded 2-core machine: no per-example time limit
@given(st.lists(vehicles, max_size=6))
def test_the_store_takes_any_list_and_repeated_vins_keep_one(objs):
    store = FleetStore()
    kept, dropped = newest_per_vin([o for o in objs if isinstance(o, dict)])
    store.apply(store.prepare(kept, NOW))
    store.apply(store.prepare(objs, NOW))
    for i in range(len(store)):
        paint(store.row(i))
    vins = [v.get("vin").strip() for v in kept if isinstance(v.get("vin"), str)]
    assert len(vins) == len(set(vins))


@given(timestamps)
def test_a_timestamp_is_a_time_or_unknown(ts):
    dt = parse_ts(ts)
    assert dt is None or dt.tzinfo is not None
    row = build_row(
        {
            "vin": "WVWZZZ1JZXW000001",
            "status": "pending",
            "brand": "bmw",
            "changelog": [{"timestamp": ts, "status": "pending"}],
        },
        1,
    )
    assert row is not None
    paint(row)
    if ts in ("2026-02-30T12:00:00Z", "2026-13-45T99:99:99Z"):
        assert row.since is None and row.seconds_in_state(NOW) is None


def test_impossible_timestamps_are_unknown_times_in_every_form():
    for ts in (
        "2026-02-30T12:00:00Z",
        "2026-13-45T99:99:99Z",
        "2026-02-30T12:00:00",
        "2026-02-30T12:00:00.5Z",
    ):
        obj = {
            "vin": "WVWZZZ1JZXW000001",
            "status": "pending",
            "brand": "bmw",
            "tags": {},
            "changelog": [{"timestamp": ts, "status": "pending", "reason": "x"}],
        }
        for row in (build_row(obj, 1), build_row(kept(obj), 1)):
            assert row.since is None and row.since_dt() is None and row.reason == "x"
            assert cell_text(row, "time", NOW) == ""
        assert Vehicle.from_api(obj).state_since is None


@given(vehicles)
def test_vehicle_parse_raises_only_value_error(obj):
    try:
        v = Vehicle.from_api(obj)
    except ValueError:
        return
    v.reason, v.state_since, v.first_seen, v.to_api()  # noqa: B018
    v.time_in_state(NOW), v.age(NOW)  # noqa: B018


@given(st.binary(max_size=300) | json_values.map(lambda d: json.dumps(d).encode()))
def test_error_bodies_never_raise_and_stay_clean(body):
    parsed = parse_error_body(body)
    for text in (parsed.title, parsed.detail, parsed.source):
        assert text is None or (sanitize(text) == text and "\n" not in text)


@given(st.one_of(st.none(), st.text(max_size=40)), st.one_of(st.none(), st.text(max_size=30)))
def test_retry_after_is_a_sane_number_or_none(detail, header):
    seconds = parse_retry_after(detail, header)
    assert seconds is None or 0 <= seconds <= 300


def test_retry_after_refuses_nonsense_and_caps_the_absurd():
    assert parse_retry_after(None, "inf") is None
    assert parse_retry_after(None, "nan") is None
    assert parse_retry_after(None, "-5") is None
    assert parse_retry_after("retry after 10s", "nan") == 10.0
    assert parse_retry_after(None, "1e12") == 300
    # a date in year 9999 is a wait of ~8,000 years: cut to five minutes too
    assert parse_retry_after(None, "Fri, 31 Dec 9999 23:59:59 GMT") == 300


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.binary(max_size=200)
    | st.lists(vehicles, max_size=3).map(
        lambda vs: json.dumps(
            {
                "format": 1,
                "profile": "p",
                "base_url": "http://x",
                "fetched_at": "2026-02-30T12:00:00Z",
                "vehicles": vs,
            }
        ).encode()
    )
)
def test_reading_any_cache_file_never_raises(isolated_dirs, data):
    path = snapshot_path("p")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    snapshot, note = read_snapshot("p", "http://x")
    assert (snapshot is None) is (note is not None)


def test_a_cache_nested_too_deep_is_ignored_with_a_note(isolated_dirs):
    path = snapshot_path("p")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"[" * 100_000)
    assert read_snapshot("p") == (None, "the file is corrupt")


def test_a_cached_impossible_timestamp_opens_as_an_unknown_time(isolated_dirs):
    """The crash that repeated at every start: the cache kept the row that killed it."""
    from fleettui.config.cache import save_snapshot

    bad = {
        "vin": "WVWZZZ1JZXW000001",
        "status": "pending",
        "brand": "bmw",
        "tags": {},
        "changelog": [{"timestamp": "2026-02-30T12:00:00Z", "status": "pending"}],
    }
    save_snapshot("p", "http://x", [bad])
    snapshot, note = read_snapshot("p", "http://x")
    assert note is None
    store = FleetStore()
    store.apply(store.prepare(snapshot.vehicles, NOW))
    paint(store.row(0))
    assert store.row(0).since is None


@given(st.text(max_size=12), st.text(max_size=12))
def test_tags_with_hidden_characters_are_refused(key, value):
    problem = tag_problem(key, value)
    clean = all(sanitize(c) == c or c.isspace() and c.isprintable() for c in key + value)
    if key and clean:
        assert problem is None
    if problem is not None:
        assert sanitize(problem) == problem


def test_newest_entry_of_a_repeated_vin_is_kept():
    def v(when, reason):  # noqa: ANN001, ANN202
        return {
            "vin": "V1",
            "status": "pending",
            "brand": "bmw",
            "changelog": [{"timestamp": when, "status": "pending", "reason": reason}],
        }

    kept, dropped = newest_per_vin(
        [
            v("2026-09-01T00:00:00Z", "mid"),
            v("2026-10-01T00:00:00Z", "new"),
            v("2026-08-01T00:00:00Z", "old"),
            {"vin": "V2"},
        ]
    )
    assert dropped == 2 and [o["changelog"][0]["reason"] for o in kept[:1]] == ["new"]
    assert [o["vin"] for o in kept] == ["V1", "V2"]
    same = [v("2026-09-01T00:00:00Z", "a")]
    assert newest_per_vin(same) == (same, 0)


#: Every form the row's fast read takes or must refuse, around one day (text order is time
#: order only for the calendar form: 2026-W40-5 is 2 October, after 2026-10-01).
_ROW_STAMPS = [
    "2026-10-01T12:00:00Z",
    "2026-10-01T12:00:00",
    "2026-10-01T12:00:00.5Z",
    "2026-10-02T06:00:00Z",
    "2026-10-03T00:00:00.25",
    "2026-W40-5T08:00:00Z",
    "2026-W40-5T08:00:00",
    "2026-W40-4T08:00:00.5Z",
    "2026-10-02T06:00:00.\u00b2Z",
    "2026-02-30T12:00:00Z",  # the form, but no such day: the full parse puts it last
    "2026-10-01T24:00:00",
]


@settings(max_examples=400)
@given(
    st.sampled_from(STATES),
    st.lists(
        st.tuples(
            st.sampled_from(_ROW_STAMPS),
            st.sampled_from(STATES[:3]),
            st.sampled_from([None, "waiting", " "]),
        ),
        max_size=4,
    ),
)
def test_a_rows_fast_read_agrees_with_the_full_parse(status, log):
    """The reason and the state's start the table shows (and sorts by) are the full
    parse's, whichever path built the row: the dict's, or its compact copy's."""
    obj = {
        "vin": "WVWZZZ1JZXW000001",
        "status": status,
        "brand": "bmw",
        "tags": {},
        "changelog": [
            {"timestamp": ts, "status": st_, **({} if why is None else {"reason": why})}
            for ts, st_, why in log
        ],
    }
    v = Vehicle.from_api(obj)
    since = format_ts(v.state_since)[:19] if v.state_since else None
    for row in (build_row(obj, 1), build_row(kept(obj), 1)):
        assert row is not None
        assert (row.reason, row.since) == (v.reason, since)
