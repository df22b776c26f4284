"""Helpers for the simulator tests: an authenticated httpx client and common payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

#: The simulated start time of every test fleet (and the monitor's fixed clock in tests):
#: the one definition.
SIM_START = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
DAY = 86400.0


def token_body(sim) -> dict[str, str]:  # noqa: ANN001
    return {
        "grant_type": "client_credentials",
        "client_id": sim.client_id,
        "client_secret": sim.client_secret,
    }


def fetch_token(sim) -> str:  # noqa: ANN001
    r = httpx.post(f"{sim.base_url}/v1/access_tokens", json=token_body(sim), timeout=5)
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def authed(sim) -> httpx.Client:  # noqa: ANN001
    """A client with a fresh bearer token (close it, or use it as a context manager)."""
    return httpx.Client(
        base_url=sim.base_url, timeout=5, headers={"Authorization": f"Bearer {fetch_token(sim)}"}
    )


def list_filter(client: httpx.Client, spec: dict) -> httpx.Response:
    return client.get("/v1/fleets/vehicles", params={"filter": json.dumps(spec)})


def only_error(resp: httpx.Response) -> dict:
    body = resp.json()
    assert isinstance(body, dict) and isinstance(body.get("errors"), list), body
    assert len(body["errors"]) == 1
    return body["errors"][0]
