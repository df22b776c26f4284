"""VehicleFilter: the typed builder for the list call's `filter` parameter."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fleettui.api.filters import STORED_STATUSES, VehicleFilter
from fleettui.core.states import State

VIN = "WBA12345678901234"


def test_empty_filter_is_falsy_and_serialises_to_empty_object():
    f = VehicleFilter()
    assert not f
    assert f.to_dict() == {}
    assert f.to_param() == "{}"


def test_each_builder_produces_the_documented_shape():
    when = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    f = (
        VehicleFilter()
        .vin_in([VIN, " wba00000000000001 "])
        .status_in(["pending", State.REJECTED])
        .brand_in(["BMW", "mini"])
        .tags_contains({"fleet": "north"})
        .approved_at("gte", when)
        .inserted_at("lt", "2026-11-02T00:00:00")
    )
    assert f.to_dict() == {
        "vin": {"operator": "in", "value": [VIN, "WBA00000000000001"]},
        "status": {"operator": "in", "value": ["pending", "rejected"]},
        "brand": {"operator": "in", "value": ["bmw", "mini"]},
        "tags": {"operator": "contains", "value": {"fleet": "north"}},
        "approved_at": {"operator": "gte", "value": "2026-11-01T12:00:00Z"},
        "inserted_at": {"operator": "lt", "value": "2026-11-02T00:00:00Z"},
    }
    assert json.loads(f.to_param()) == f.to_dict()


def test_eq_variants():
    f = VehicleFilter().vin_eq(VIN).status_eq("approved").brand_eq("Ford").tags_eq({"a": "b"})
    assert f.condition("vin") == ("eq", VIN)
    assert f.condition("status") == ("eq", "approved")
    assert f.condition("brand") == ("eq", "ford")
    assert f.condition("tags") == ("eq", {"a": "b"})


def test_builder_is_immutable():
    base = VehicleFilter().brand_eq("bmw")
    narrowed = base.status_eq("pending")
    assert base.fields == ("brand",)
    assert narrowed.fields == ("status", "brand")


def test_one_condition_per_field_and_without_replaces():
    f = VehicleFilter().approved_at("gt", "2026-01-01T00:00:00Z")
    with pytest.raises(ValueError, match="already has a condition"):
        f.approved_at("lt", "2026-02-01T00:00:00Z")
    g = f.without("approved_at").approved_at("lt", "2026-02-01T00:00:00Z")
    assert g.condition("approved_at") == ("lt", "2026-02-01T00:00:00Z")


def test_dates_are_normalised_to_utc_z():
    cet = timezone(timedelta(hours=1))
    f = VehicleFilter().inserted_at("eq", datetime(2026, 11, 1, 13, 0, tzinfo=cet))
    assert f.condition("inserted_at") == ("eq", "2026-11-01T12:00:00Z")
    naive = VehicleFilter().inserted_at("eq", datetime(2026, 11, 1, 12, 0))
    assert naive.condition("inserted_at") == ("eq", "2026-11-01T12:00:00Z")


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda f: f.status_eq("approvd"), "unknown status"),
        (lambda f: f.status_eq("error"), "unknown status"),
        (lambda f: f.status_in([]), "at least one value"),
        (lambda f: f.vin_in(VIN), "list of values"),
        (lambda f: f.vin_eq("  "), "non-empty"),
        (lambda f: f.brand_in(["bmw", 3]), "non-empty string"),
        (lambda f: f.tags_eq({}), "non-empty mapping"),
        (lambda f: f.tags_contains({"k": 1}), "string value"),
        (lambda f: f.approved_at("between", "2026-01-01"), "operators eq, lt, gt, lte, gte"),
        (lambda f: f.inserted_at("gt", "yesterday"), "not an ISO 8601"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(build, message):
    with pytest.raises(ValueError, match=message):
        build(VehicleFilter())


def test_every_stored_status_is_accepted():
    assert set(STORED_STATUSES) == {
        "pending",
        "approved",
        "rejected",
        "revoking",
        "revoked",
        "canceling",
        "canceled",
    }
    assert VehicleFilter().status_in(STORED_STATUSES).condition("status")[1] == list(
        STORED_STATUSES
    )


def test_duplicates_are_dropped_keeping_order():
    f = VehicleFilter().brand_in(["bmw", "BMW", "mini"])
    assert f.condition("brand") == ("in", ["bmw", "mini"])


def test_round_trip_through_param_and_dict():
    f = (
        VehicleFilter()
        .vin_eq(VIN)
        .status_in(["pending"])
        .tags_eq({"x": "y"})
        .approved_at("lte", "2026-11-01T12:00:00Z")
    )
    assert VehicleFilter.from_param(f.to_param()) == f
    assert VehicleFilter.from_dict(f.to_dict()) == f
    assert hash(VehicleFilter.from_dict(f.to_dict())) == hash(f)


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"colour": {"operator": "eq", "value": "red"}}', "unknown filter field"),
        ('{"vin": {"operator": "contains", "value": "x"}}', "operators eq, in"),
        ('{"vin": "WBA"}', "needs"),
        ("[1, 2]", "JSON object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_from_param_reports_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        VehicleFilter.from_param(text)


def test_httpx_url_encodes_the_param_and_the_server_gets_the_json_back():
    f = VehicleFilter().tags_eq({"name": "Müller & Söhne"}).status_in(["pending"])
    request = httpx.Request(
        "GET", "https://example.test/v1/fleets/vehicles", params={"filter": f.to_param()}
    )
    query = urlsplit(str(request.url)).query
    assert "%26" in query and "&" not in query
    assert json.loads(parse_qs(query)["filter"][0]) == f.to_dict()


def test_repr_shows_the_conditions():
    assert "pending" in repr(VehicleFilter().status_eq("pending"))


vins = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=17, max_size=17)


@settings(max_examples=150, deadline=None)
@given(
    vin_list=st.lists(vins, min_size=1, max_size=5),
    statuses=st.lists(st.sampled_from(STORED_STATUSES), min_size=1, max_size=7),
    tags=st.dictionaries(
        st.text(min_size=1, max_size=8).filter(str.strip),
        st.text(max_size=8),
        min_size=1,
        max_size=3,
    ),
    seconds=st.integers(0, 10**9),
)
def test_any_valid_filter_round_trips_through_the_query_string(vin_list, statuses, tags, seconds):
    when = datetime.fromtimestamp(seconds, UTC)
    f = (
        VehicleFilter()
        .vin_in(vin_list)
        .status_in(statuses)
        .tags_contains(tags)
        .inserted_at("gte", when)
    )
    request = httpx.Request(
        "GET", "https://example.test/v1/fleets/vehicles", params={"filter": f.to_param()}
    )
    back = VehicleFilter.from_param(parse_qs(urlsplit(str(request.url)).query)["filter"][0])
    assert back == f
    assert back.condition("inserted_at")[1] == when.strftime("%Y-%m-%dT%H:%M:%SZ")
