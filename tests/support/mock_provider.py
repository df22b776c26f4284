"""A provider in an httpx.MockTransport, for the client's tests below the simulator: the
token endpoint answered, the fleet calls scripted by the test, every request kept."""

from __future__ import annotations

import httpx

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient

SECRET = "pa55-super-secret-client-value"
TOKEN = "eyJhbGciOi.token-that-must-not-leak.sig"


class Sleeps(list):
    """Stands in for time.sleep: records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class Fake:
    """A MockTransport provider: token endpoint plus a scripted answer for fleet calls."""

    def __init__(self, fleet, token_answer=None) -> None:
        self.fleet = fleet
        self.token_answer = token_answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/v1/access_tokens":
            if self.token_answer is not None:
                return self.token_answer(request)
            return httpx.Response(
                200,
                json={
                    "access_token": TOKEN,
                    "expires_in": 300,
                    "token_type": "bearer",
                    "scope": "fleet:clearance",
                },
            )
        return self.fleet(request)

    def count(self, path_prefix: str) -> int:
        return sum(1 for r in self.requests if r.url.path.startswith(path_prefix))


def client_for(fake: Fake, **kw) -> FleetClient:
    kw.setdefault("sleep", Sleeps())
    return FleetClient(
        Credentials("https://api.example.test", "cid", SECRET),
        transport=httpx.MockTransport(fake),
        **kw,
    )
