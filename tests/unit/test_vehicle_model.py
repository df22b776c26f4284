"""The vehicle model and timestamp parsing against odd API payloads (property-based)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleettui.core.states import State
from fleettui.core.timefmt import format_ts, parse_ts
from fleettui.core.vehicle import ChangelogEntry, Vehicle

# -- timestamps ----------------------------------------------------------------------

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)
aware = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets
)


@given(aware)
def test_parse_ts_any_offset_is_same_instant_in_utc(dt):
    parsed = parse_ts(dt.isoformat())
    assert parsed == dt
    assert parsed.utcoffset() == timedelta(0)


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)))
def test_parse_ts_without_zone_means_utc(naive):
    assert parse_ts(naive.isoformat()) == naive.replace(tzinfo=UTC)
    assert parse_ts(naive.isoformat() + "Z") == naive.replace(tzinfo=UTC)
    assert parse_ts(naive.isoformat() + "z") == naive.replace(tzinfo=UTC)


@given(st.one_of(st.text(), st.integers(), st.none(), st.floats(), st.lists(st.text())))
def test_parse_ts_never_raises(value):
    out = parse_ts(value)
    assert out is None or out.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2022-03-22T09:36:51", datetime(2022, 3, 22, 9, 36, 51, tzinfo=UTC)),
        ("2022-03-22T09:36:51Z", datetime(2022, 3, 22, 9, 36, 51, tzinfo=UTC)),
        ("2022-03-22T09:36:51.123Z", datetime(2022, 3, 22, 9, 36, 51, 123000, tzinfo=UTC)),
        ("2022-03-22T09:36:51.123456+02:00", datetime(2022, 3, 22, 7, 36, 51, 123456, tzinfo=UTC)),
        ("  2022-03-22T09:36:51Z\n", datetime(2022, 3, 22, 9, 36, 51, tzinfo=UTC)),
        ("", None),
        ("Z", None),
        ("yesterday", None),
        ("2022-13-01T00:00:00", None),
    ],
)
def test_parse_ts_examples(text, expected):
    assert parse_ts(text) == expected


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_parse_ts_out_of_range_after_utc_conversion_is_none_not_a_crash(text):
    assert parse_ts(text) is None


@given(
    st.datetimes(
        min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
    )
)
def test_format_then_parse_round_trips_to_the_second(dt):
    assert parse_ts(format_ts(dt)) == dt.replace(microsecond=0)


# -- the vehicle -------------------------------------------------------------------

json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12)
)
json_value = st.recursive(
    json_scalar,
    lambda kids: st.one_of(
        st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=6), kids, max_size=3)
    ),
    max_leaves=8,
)
timestamps = st.one_of(
    json_value,
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(
        lambda d: d.isoformat()
    ),
    aware.map(lambda d: d.isoformat()),
)
statuses = st.one_of(
    st.sampled_from([s.value for s in State] + ["PENDING", " approved ", "paused", ""]), json_value
)
entries = st.one_of(
    st.fixed_dictionaries(
        {"timestamp": timestamps, "status": statuses},
        optional={"reason": st.one_of(st.text(max_size=30), json_value), "extra": json_value},
    ),
    json_value,
)
payloads = st.fixed_dictionaries(
    {"vin": st.text(min_size=1, max_size=20).filter(str.strip)},
    optional={
        "status": statuses,
        "brand": st.one_of(st.text(max_size=12), json_value),
        "tags": st.one_of(st.dictionaries(st.text(max_size=8), json_value, max_size=3), json_value),
        "changelog": st.one_of(st.lists(entries, max_size=6), json_value),
        "description": json_value,
        "unexpected": json_value,
    },
)

NOW = datetime(2101, 1, 1, tzinfo=UTC)  # after every generated timestamp


@given(payloads)
def test_from_api_absorbs_odd_payloads(obj):
    v = Vehicle.from_api(obj)
    assert v.vin == obj["vin"].strip()
    assert isinstance(v.state, State)
    assert all(isinstance(k, str) and isinstance(x, str) for k, x in v.tags.items())
    stamps = [e.timestamp for e in v.changelog if e.timestamp is not None]
    assert stamps == sorted(stamps)
    # dated entries first, undated after
    seen_undated = False
    for e in v.changelog:
        seen_undated = seen_undated or e.timestamp is None
        assert not (seen_undated and e.timestamp is not None)
    # derived fields never raise and are consistent
    assert v.reason is None or v.reason == v.latest.reason
    assert v.first_seen is None or v.first_seen == stamps[0]
    if v.state_since is not None:
        assert v.time_in_state(NOW) >= 0 and v.age(NOW) >= v.time_in_state(NOW)
    else:
        assert v.time_in_state(NOW) is None
    again = Vehicle.from_api(v.to_api())
    assert (again.vin, again.brand, again.status, again.tags) == (v.vin, v.brand, v.status, v.tags)
    assert len(again.changelog) == len(v.changelog)


@given(
    st.one_of(
        json_scalar,
        st.lists(json_scalar, max_size=3),
        st.fixed_dictionaries({}, optional={"vin": json_scalar}),
    )
)
def test_from_api_only_raises_value_error_without_a_vin(obj):
    if isinstance(obj, dict) and isinstance(obj.get("vin"), str) and obj["vin"].strip():
        Vehicle.from_api(obj)
    else:
        with pytest.raises(ValueError):
            Vehicle.from_api(obj)


def test_missing_and_empty_changelog():
    for obj in (
        {"vin": "X", "status": "pending"},
        {"vin": "X", "changelog": []},
        {"vin": "X", "changelog": None},
    ):
        v = Vehicle.from_api(obj)
        assert v.changelog == () and v.reason is None and v.state_since is None
        assert v.first_seen is None and v.age(NOW) is None


def test_derived_fields_from_a_realistic_changelog():
    v = Vehicle.from_api(
        {
            "vin": "WVWZZZ1KZ6W000001",
            "brand": " Audi ",
            "status": "rejected",
            "tags": {"n": 1},
            "changelog": [
                {
                    "timestamp": "2026-10-20T08:00:00.5Z",
                    "status": "rejected",
                    "reason": "privacy mode is enabled",
                },
                {"timestamp": "2026-10-10T08:00:00", "status": "pending"},
                "garbage",
                {
                    "timestamp": "2026-10-12T08:00:00+02:00",
                    "status": "pending",
                    "reason": "privacy mode is enabled",
                },
            ],
            "future_field": {"x": 1},
        }
    )
    assert v.brand == "audi" and v.tags == {"n": "1"}
    assert [e.status for e in v.changelog] == ["pending", "pending", "rejected"]
    assert v.reason == "privacy mode is enabled"
    assert v.first_seen == datetime(2026, 10, 10, 8, tzinfo=UTC)
    assert v.state_since == datetime(2026, 10, 20, 8, 0, 0, 500000, tzinfo=UTC)
    assert v.time_in_state(datetime(2026, 10, 21, 8, 0, 0, 500000, tzinfo=UTC)) == 86400


def test_reason_from_an_earlier_state_is_history():
    v = Vehicle.from_api(
        {
            "vin": "X",
            "status": "approved",
            "changelog": [
                {
                    "timestamp": "2026-10-10T08:00:00Z",
                    "status": "pending",
                    "reason": "vehicle not driven",
                }
            ],
        }
    )
    assert v.reason is None


def test_unknown_state_keeps_raw_status():
    v = Vehicle.from_api({"vin": "X", "status": "paused", "brand": "trabant"})
    assert v.state is State.UNKNOWN and v.status == "paused" and v.brand == "trabant"


def test_changelog_entry_rejects_non_objects():
    assert ChangelogEntry.from_api(["x"]) is None
    e = ChangelogEntry.from_api({"status": "Pending", "reason": "  "})
    assert e.state is State.PENDING and e.reason is None and e.timestamp is None
