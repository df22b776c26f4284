"""Access tokens and the get-one rate limit, timed on the session clock (see clock.py).

Tokens look like the provider's (a JWT: header.payload.signature, HMAC-SHA256 with a key
that lives only in this process). The simulator only checks that it issued the token, that
it has not expired and that it was not revoked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import time
from collections import deque
from typing import Any

from fleettui.sim.clock import SessionClock

SCOPE = "fleet:clearance vehicle:eligibility-check vehicle:data"
GET_ONE_LIMIT = 60
GET_ONE_WINDOW = 60.0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenIssuer:
    """Issues and checks bearer tokens. Not locked itself: callers hold the engine lock."""

    def __init__(
        self,
        clock: SessionClock,
        client_id: str,
        client_secret: str,
        lifetime: float,
        scope: str = SCOPE,
    ) -> None:
        self._clock = clock
        self.client_id = client_id
        self._secret = client_secret
        self.lifetime = float(lifetime)
        #: The scopes every token gets (a SimConfig choice, to test a missing scope).
        self.scope = scope
        self._key = secrets.token_bytes(32)
        self._tokens: dict[str, float] = {}  # token -> expiry on the session clock
        self._calls: deque[float] = deque()
        self._eligibility_calls: deque[float] = deque()
        self._data_calls: deque[float] = deque()

    def __repr__(self) -> str:
        return f"TokenIssuer(client_id={self.client_id!r}, tokens={len(self._tokens)})"

    def check_credentials(self, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer a token request given its decoded fields: (status, OAuth-shaped body)."""
        names = ("client_id", "client_secret", "grant_type")
        blank = [n for n in names if not isinstance(fields.get(n), str) or not fields[n].strip()]
        if blank:
            detail = ", ".join(f"{n} can't be blank" for n in blank)
            return 400, {"error": "invalid_request", "error_description": detail}
        if fields["grant_type"] != "client_credentials":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "grant_type is invalid",
            }
        if not hmac.compare_digest(fields["client_id"].encode(), self.client_id.encode()):
            return 400, {"error": "invalid_request", "error_description": "client_id is invalid"}
        if not hmac.compare_digest(fields["client_secret"].encode(), self._secret.encode()):
            return 400, {
                "error": "invalid_request",
                "error_description": "client_secret is invalid",
            }
        return 200, {
            "access_token": self._issue(),
            "expires_in": int(self.lifetime),
            "token_type": "bearer",
            "scope": self.scope,
        }

    def _issue(self) -> str:
        now = self._clock.seconds()
        expiry = now + self.lifetime
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        issued = int(time.time())  # wall time, like the session clock the expiry runs on
        payload = _b64(
            json.dumps(
                {
                    "sub": self.client_id,
                    "scope": self.scope,
                    "jti": secrets.token_hex(8),
                    "iat": issued,
                    "exp": issued + int(self.lifetime),
                }
            ).encode()
        )
        sig = _b64(hmac.new(self._key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        token = f"{header}.{payload}.{sig}"
        self._tokens[token] = expiry
        return token

    def valid(self, authorization: str | None) -> bool:
        if not authorization:
            return False
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        expiry = self._tokens.get(token.strip())
        if expiry is None:
            return False
        if self._clock.seconds() >= expiry:
            del self._tokens[token.strip()]
            return False
        return True

    def revoke_all(self) -> int:
        n = len(self._tokens)
        self._tokens.clear()
        return n

    def rate_limited(self, limit: int = GET_ONE_LIMIT) -> int | None:
        """Count one get-one call; seconds to wait if it is over the limit, else None."""
        return self._count(self._calls, limit)

    def eligibility_limited(self, limit: int) -> int | None:
        """Count one eligibility call (the provider documents no limit there; the
        simulator's is a SimConfig choice so clients' pacing and retries get exercised)."""
        return self._count(self._eligibility_calls, limit) if limit > 0 else None

    def data_limited(self, limit: int) -> int | None:
        """Count one vehicle data call against the simulator's burst limit (per minute)."""
        return self._count(self._data_calls, limit) if limit > 0 else None

    def _count(self, calls: deque[float], limit: int) -> int | None:
        now = self._clock.seconds()
        while calls and calls[0] <= now - GET_ONE_WINDOW:
            calls.popleft()
        if len(calls) >= limit:
            return max(1, math.ceil(calls[0] + GET_ONE_WINDOW - now))
        calls.append(now)
        return None
