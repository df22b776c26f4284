"""Simulator over real HTTP: list and filter shapes, get one, rate limit, POST validation."""

from __future__ import annotations

import httpx
import pytest

from fleettui.core.timefmt import parse_ts
from fleettui.core.vehicle import Vehicle
from tests.support.sim import SIM_START, authed, list_filter, only_error

VW_TAGS = {"vw-group-customer-name": "Test Fleet GmbH"}


def test_list_returns_bare_array_of_vehicle_objects(sim):
    with authed(sim) as c:
        r = c.get("/v1/fleets/vehicles")
    assert r.status_code == 200
    body = r.json()
    assert isinstance(body, list) and len(body) == 60
    for obj in body:
        assert set(obj) == {"vin", "status", "brand", "tags", "changelog"}
        assert obj["changelog"], obj
        assert obj["changelog"][-1]["status"] == obj["status"]
        v = Vehicle.from_api(obj)
        assert v.first_seen is not None and v.first_seen <= SIM_START
        assert all(isinstance(val, str) for val in obj["tags"].values())


def test_timestamps_mix_the_providers_styles(sim):
    with authed(sim) as c:
        stamps = [
            e["timestamp"] for v in c.get("/v1/fleets/vehicles").json() for e in v["changelog"]
        ]
    assert any(s.endswith("Z") and "." in s for s in stamps)
    assert any(not s.endswith("Z") for s in stamps)
    assert all(parse_ts(s) is not None for s in stamps)


def test_filters_by_status_brand_vin_and_tags(sim):
    with authed(sim) as c:
        everything = c.get("/v1/fleets/vehicles").json()
        pending = list_filter(c, {"status": {"operator": "eq", "value": "pending"}}).json()
        assert pending and {v["status"] for v in pending} == {"pending"}
        assert len(pending) == sum(v["status"] == "pending" for v in everything)
        two = [v["vin"] for v in everything[:2]]
        got = list_filter(c, {"vin": {"operator": "in", "value": two}}).json()
        assert sorted(v["vin"] for v in got) == sorted(two)
        brand = everything[0]["brand"]
        both = list_filter(
            c,
            {
                "brand": {"operator": "in", "value": [brand]},
                "status": {"operator": "in", "value": ["approved", "pending"]},
            },
        )
        assert all(
            v["brand"] == brand and v["status"] in ("approved", "pending") for v in both.json()
        )
        depot = everything[0]["tags"]["depot"]
        tagged = list_filter(c, {"tags": {"operator": "contains", "value": {"depot": depot}}})
        assert tagged.json() and all(v["tags"]["depot"] == depot for v in tagged.json())
        exact = list_filter(c, {"tags": {"operator": "eq", "value": everything[0]["tags"]}})
        assert everything[0]["vin"] in {v["vin"] for v in exact.json()}


def test_filters_by_time(sim):
    with authed(sim) as c:
        everything = c.get("/v1/fleets/vehicles").json()
        week_ago = "2026-10-25T12:00:00Z"
        recent = list_filter(c, {"inserted_at": {"operator": "gte", "value": week_ago}}).json()
        older = list_filter(c, {"inserted_at": {"operator": "lt", "value": week_ago}}).json()
        assert len(recent) + len(older) == len(everything) and recent and older
        approved = list_filter(
            c, {"approved_at": {"operator": "lte", "value": "2026-11-01T12:00:00"}}
        ).json()
        assert approved and all(
            any(e["status"] == "approved" for e in v["changelog"]) for v in approved
        )


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("{not json", 400),
        ("[1, 2]", 422),
        ('{"colour": {"operator": "eq", "value": "red"}}', 422),
        ('{"vin": {"operator": "contains", "value": "X"}}', 422),
        ('{"status": {"operator": "in", "value": "pending"}}', 422),
        ('{"inserted_at": {"operator": "gt", "value": "yesterday"}}', 422),
        ('{"status": "pending"}', 422),
    ],
)
def test_bad_filters_get_envelopes(sim, raw, status):
    with authed(sim) as c:
        r = c.get("/v1/fleets/vehicles", params={"filter": raw})
    assert r.status_code == status
    assert only_error(r)["source"] == "filter"


def test_get_one_and_unknown_vin(sim):
    with authed(sim) as c:
        first = c.get("/v1/fleets/vehicles").json()[0]
        r = c.get(f"/v1/fleets/vehicles/{first['vin']}")
        assert r.status_code == 200 and r.json() == first
        r = c.get("/v1/fleets/vehicles/WVWZZZ1JZXW999999")
        assert r.status_code == 404 and only_error(r)["title"] == "Not found"


def test_get_one_is_limited_to_60_per_minute(sim):
    with authed(sim) as c:
        vin = c.get("/v1/fleets/vehicles").json()[0]["vin"]
        codes = [c.get(f"/v1/fleets/vehicles/{vin}").status_code for _ in range(61)]
        assert codes[:60] == [200] * 60 and codes[60] == 429
        err = only_error(c.get(f"/v1/fleets/vehicles/{vin}"))
        assert err["title"] == "Too many requests"
        assert err["detail"].startswith("retry after ") and err["detail"].endswith("s")
        assert c.get("/v1/fleets/vehicles").status_code == 200  # the list is not limited
        sim.engine.advance(61)
    with authed(sim) as c:
        assert c.get(f"/v1/fleets/vehicles/{vin}").status_code == 200


def test_post_mixes_good_and_bad_vehicles(sim):
    payload = {
        "vehicles": [
            {"vin": "WVWZZZ1JZXW000001", "brand": "volkswagen", "tags": VW_TAGS},
            {"vin": "WVWZZZ1JZXW00000", "brand": "volkswagen"},
            {"vin": "WBA12345678901234", "brand": "bmwx"},
            {"vin": "VF1AAAAA5A0000001", "brand": "renault"},
        ]
    }
    with authed(sim) as c:
        r = c.post("/v1/fleets/vehicles", json=payload)
        assert r.status_code == 200
        out = r.json()["vehicles"]
        assert out[0] == {"vin": "WVWZZZ1JZXW000001", "status": "pending", "tags": VW_TAGS}
        assert out[1] == {
            "vin": "WVWZZZ1JZXW00000",
            "status": "error",
            "description": "vin should be 17 character(s)",
        }
        assert out[2] == {
            "vin": "WBA12345678901234",
            "status": "error",
            "description": "The brand is invalid",
        }
        assert out[3]["status"] == "pending" and out[3]["tags"] == {}
        got = c.get("/v1/fleets/vehicles/VF1AAAAA5A0000001").json()
        assert got["brand"] == "renault" and got["changelog"][0]["status"] == "pending"
        assert parse_ts(got["changelog"][0]["timestamp"]) == SIM_START
        assert c.get("/v1/fleets/vehicles/WBA12345678901234").status_code == 404
    assert len(sim.engine.vehicles) == 62


def test_post_of_a_vin_already_active_returns_it_unchanged(sim):
    vin = "WVWZZZ1JZXW000002"
    body = {"vehicles": [{"vin": vin, "brand": "volkswagen", "tags": VW_TAGS}]}
    with authed(sim) as c:
        c.post("/v1/fleets/vehicles", json=body)
        before = c.get(f"/v1/fleets/vehicles/{vin}").json()
        again = c.post("/v1/fleets/vehicles", json=body).json()["vehicles"][0]
        assert again == {"vin": vin, "status": "pending", "tags": VW_TAGS}
        assert c.get(f"/v1/fleets/vehicles/{vin}").json() == before


def test_post_of_an_ended_vin_starts_a_new_clearance(sim):
    vin = "WBA00000000000001"
    sim.engine.seed_vehicle(vin, "bmw", "revoked", 20 * 86400)
    with authed(sim) as c:
        out = c.post("/v1/fleets/vehicles", json={"vehicles": [{"vin": vin, "brand": "bmw"}]})
        assert out.json()["vehicles"][0]["status"] == "pending"
        log = c.get(f"/v1/fleets/vehicles/{vin}").json()["changelog"]
    assert [e["status"] for e in log] == ["pending", "approved", "revoking", "revoked", "pending"]


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{oops", 400),
        (b"[]", 422),
        (b'{"vehicles": {"vin": "x"}}', 422),
        (b"", 422),
    ],
)
def test_bad_post_bodies_get_envelopes(sim, content, status):
    with authed(sim) as c:
        r = c.post(
            "/v1/fleets/vehicles", content=content, headers={"Content-Type": "application/json"}
        )
    assert r.status_code == status
    assert only_error(r)["title"]


def test_odd_entries_become_error_entries(sim):
    with authed(sim) as c:
        out = c.post(
            "/v1/fleets/vehicles",
            json={
                "vehicles": [
                    "WVWZZZ1JZXW000003",
                    {"brand": "bmw"},
                    {"vin": "WBA0000000000000#", "brand": "bmw"},
                    {"vin": "WBA00000000000009", "brand": "bmw", "tags": {"n": 1}},
                ]
            },
        ).json()["vehicles"]
    assert [e["status"] for e in out] == ["error"] * 4
    assert out[1]["description"] == "vin can't be blank"


def test_connection_refused_after_stop():
    from fleettui.sim import SimConfig, Simulator

    s = Simulator(SimConfig(vehicles=1, speed=0.0)).start()
    url = s.base_url
    s.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v1/fleets/vehicles", timeout=2)
