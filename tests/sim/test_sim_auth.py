"""Simulator over real HTTP: tokens, 401s, expiry, revocation, routing and the Date header."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import httpx
import pytest

from tests.support.sim import SIM_START, authed, fetch_token, only_error, token_body


def test_token_json_body_has_the_documented_shape(sim):
    r = httpx.post(f"{sim.base_url}/v1/access_tokens", json=token_body(sim))
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 300
    assert "fleet:clearance" in body["scope"].split()
    assert body["access_token"].count(".") == 2  # JWT-shaped


def test_token_form_body_is_accepted(sim):
    r = httpx.post(f"{sim.base_url}/v1/access_tokens", data=token_body(sim))
    assert r.status_code == 200
    assert r.json()["access_token"]


@pytest.mark.parametrize(
    ("body", "description"),
    [
        ({}, "client_id can't be blank, client_secret can't be blank, grant_type can't be blank"),
        (
            {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": " "},
            "client_secret can't be blank",
        ),
        (
            {
                "grant_type": "client_credentials",
                "client_id": "demo-client",
                "client_secret": "nope",
            },
            "client_secret is invalid",
        ),
        (
            {
                "grant_type": "client_credentials",
                "client_id": "who",
                "client_secret": "demo-secret",
            },
            "client_id is invalid",
        ),
    ],
)
def test_token_refusals_use_the_oauth_shape(sim, body, description):
    r = httpx.post(f"{sim.base_url}/v1/access_tokens", json=body)
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_request", "error_description": description}


def test_token_with_unparseable_body_or_wrong_grant(sim):
    r = httpx.post(
        f"{sim.base_url}/v1/access_tokens",
        content=b"{nope",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    body = {**token_body(sim), "grant_type": "password"}
    r = httpx.post(f"{sim.base_url}/v1/access_tokens", json=body)
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic abc", "token"])
def test_fleet_calls_need_a_valid_bearer_token(sim, header):
    headers = {"Authorization": header} if header else {}
    r = httpx.get(f"{sim.base_url}/v1/fleets/vehicles", headers=headers)
    assert r.status_code == 401
    err = only_error(r)
    assert err["source"] == "Authorization"
    assert err["detail"].startswith("Missing or invalid authorization header.")


def test_token_expires_on_the_session_clock(monkeypatch):
    """Manual advances move the session clock; its real time is a fake here (it moves
    only when told), so a slow machine does not expire the token between the calls."""
    from fleettui.sim import SimConfig, Simulator

    monkeypatch.setattr("fleettui.sim.clock.time", FakeMonotonic())
    config = SimConfig(vehicles=60, seed=1, speed=0.0, start=SIM_START)
    with Simulator(config) as s, authed(s) as c:
        assert c.get("/v1/fleets/vehicles").status_code == 200
        s.engine.advance(299)
        assert c.get("/v1/fleets/vehicles").status_code == 200
        s.engine.advance(2)
        assert c.get("/v1/fleets/vehicles").status_code == 401


class FakeMonotonic:
    """Stands in for the `time` module of fleettui.sim.clock: its monotonic clock only
    moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_short_lifetime_expires_by_itself(monkeypatch):
    """Without any advance(): the session clock's own (here fake) real time expires it."""
    from fleettui.sim import SimConfig, Simulator

    clock = FakeMonotonic()
    monkeypatch.setattr("fleettui.sim.clock.time", clock)
    with Simulator(SimConfig(vehicles=1, speed=0.0, token_lifetime=0.3)) as s:
        token = fetch_token(s)
        headers = {"Authorization": f"Bearer {token}"}
        clock.now += 0.29
        assert httpx.get(f"{s.base_url}/v1/fleets/vehicles", headers=headers).status_code == 200
        clock.now += 0.02
        assert httpx.get(f"{s.base_url}/v1/fleets/vehicles", headers=headers).status_code == 401


def test_revoked_tokens_are_refused_and_new_ones_work(sim):
    with authed(sim) as c:
        assert c.get("/v1/fleets/vehicles").status_code == 200
        assert sim.revoke_tokens() >= 1
        assert c.get("/v1/fleets/vehicles").status_code == 401
    with authed(sim) as c:
        assert c.get("/v1/fleets/vehicles").status_code == 200


def test_date_header_is_the_simulated_now(sim):
    r = httpx.get(f"{sim.base_url}/nowhere")
    assert parsedate_to_datetime(r.headers["Date"]) == SIM_START
    sim.engine.advance(86400 * 3 + 5)
    r = httpx.post(f"{sim.base_url}/v1/access_tokens", json=token_body(sim))
    assert (parsedate_to_datetime(r.headers["Date"]) - SIM_START).total_seconds() == 86400 * 3 + 5


def test_unknown_paths_and_methods_get_envelopes(sim):
    r = httpx.get(f"{sim.base_url}/v2/whatever")
    assert r.status_code == 404 and only_error(r)["title"] == "Not found"
    r = httpx.put(f"{sim.base_url}/v1/fleets/vehicles", json={})
    assert r.status_code == 405 and only_error(r)["title"] == "Method not allowed"
    r = httpx.get(f"{sim.base_url}/v1/access_tokens")
    assert r.status_code == 405


def test_deprecated_endpoints_answer_gone(sim):
    r = httpx.post(f"{sim.base_url}/v1/fleets/access_tokens", json=token_body(sim))
    assert r.status_code == 410 and "POST /v1/access_tokens" in only_error(r)["detail"]
    r = httpx.post(f"{sim.base_url}/v1/fleets/WVWZZZ1JZXW000001/cancel_activation")
    assert r.status_code == 410 and only_error(r)["title"] == "Gone"


def test_secret_is_not_in_reprs(sim):
    assert sim.client_secret not in repr(sim)
    assert sim.client_secret not in repr(sim.config)
    assert sim.client_secret not in repr(sim.tokens)
