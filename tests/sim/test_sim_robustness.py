"""Property tests: whatever a client sends, the simulator answers with a documented status and
a JSON body (never a 500, a traceback or a hang)."""

from __future__ import annotations

import itertools
import json
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleettui.sim import SimConfig, Simulator
from tests.support.sim import SIM_START, fetch_token

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
vehicle_like = st.fixed_dictionaries(
    {},
    optional={
        "vin": st.text(max_size=20) | st.integers() | st.just("WBA00000000000001"),
        "brand": st.sampled_from(["bmw", "BMW", "volkswagen", "nope", ""]) | json_values,
        "tags": st.dictionaries(
            st.text(max_size=8), st.text(max_size=8) | st.integers(), max_size=3
        )
        | json_values,
    },
)
_SERIAL = itertools.count(1)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with Simulator(
        SimConfig(
            vehicles=20,
            seed=5,
            speed=0.0,
            start=SIM_START,
            token_lifetime=3600,
            get_one_limit=10**6,
        )
    ) as sim:
        token = fetch_token(sim)
        with httpx.Client(
            base_url=sim.base_url, timeout=5, headers={"Authorization": f"Bearer {token}"}
        ) as c:
            yield c


def _is_json(r: httpx.Response) -> object:
    return json.loads(r.content)


@SETTINGS
@given(body=json_values)
def test_any_json_post_body(client, body):
    r = client.post("/v1/fleets/vehicles", json=body)
    assert r.status_code in (200, 422)
    _is_json(r)


@SETTINGS
@given(vehicles=st.lists(vehicle_like, max_size=5))
def test_any_vehicle_entries_get_one_answer_each(client, vehicles):
    r = client.post("/v1/fleets/vehicles", json={"vehicles": vehicles})
    assert r.status_code == 200
    out = r.json()["vehicles"]
    assert len(out) == len(vehicles)
    for entry in out:
        assert entry["status"] in (
            "pending",
            "approved",
            "rejected",
            "revoking",
            "revoked",
            "canceling",
            "canceled",
            "error",
        )
        if entry["status"] == "error":
            assert entry["description"]


@SETTINGS
@given(tags=st.dictionaries(st.text(max_size=8), st.text(max_size=12), max_size=4))
def test_any_tag_text_round_trips_through_the_cached_json(client, tags):
    vin = f"SBX{next(_SERIAL):014d}"
    client.post(
        "/v1/fleets/vehicles", json={"vehicles": [{"vin": vin, "brand": "sandbox", "tags": tags}]}
    )
    listed = {v["vin"]: v for v in client.get("/v1/fleets/vehicles").json()}
    assert vin in listed
    one = client.get(f"/v1/fleets/vehicles/{vin}").json()
    assert one == listed[vin]
    assert one["tags"] == tags


@SETTINGS
@given(raw=st.text(max_size=60) | json_values.map(json.dumps))
def test_any_filter(client, raw):
    r = client.get("/v1/fleets/vehicles", params={"filter": raw})
    assert r.status_code in (200, 400, 422)
    body = _is_json(r)
    assert isinstance(body, list) or "errors" in body


@SETTINGS
@given(vin=st.text(min_size=1, max_size=30))
def test_any_vin_path(client, vin):
    path = "/v1/fleets/vehicles/" + urllib.parse.quote(vin, safe="")
    r = client.delete(path)
    assert r.status_code in (200, 404, 405, 409, 422)
    _is_json(r)


@SETTINGS
@given(
    body=st.binary(max_size=80),
    ctype=st.sampled_from(
        ["application/json", "application/x-www-form-urlencoded", "text/plain", ""]
    ),
)
def test_any_token_request(client, body, ctype):
    r = client.post("/v1/access_tokens", content=body, headers={"Content-Type": ctype})
    assert r.status_code in (200, 400)
    assert set(_is_json(r)) in (
        {"error", "error_description"},
        {"access_token", "expires_in", "token_type", "scope"},
    )
