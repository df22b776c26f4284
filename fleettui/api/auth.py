"""Client credentials, environments, and the thread-safe access-token cache.

The token comes from the OAuth2 client-credentials grant (`POST /v1/access_tokens`). It
lives a few minutes and there is no refresh token, so the cache asks again about a minute
before it expires. The secret and the token never show in a repr, str or error message.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from fleettui.api.error_body import clean_text
from fleettui.api.errors import BadResponse

ENVIRONMENTS: dict[str, str] = {
    "production": "https://api.high-mobility.com",
    "sandbox": "https://sandbox.api.high-mobility.com",
}
TOKEN_PATH = "/v1/access_tokens"
#: Renew this long before the provider's expiry (scaled down for short-lived tokens).
RENEW_MARGIN = 60.0


def environment_base_url(environment: str) -> str:
    """The server root for "production" or "sandbox"."""
    key = environment.strip().lower() if isinstance(environment, str) else ""
    try:
        return ENVIRONMENTS[key]
    except KeyError:
        raise ValueError(
            f"unknown environment {environment!r}; use 'production' or 'sandbox'"
        ) from None


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, *, allow_plain_http: bool = False) -> str:
    """Validate and normalise a server root. Plain http is only for loopback (the
    simulator) so a secret never crosses a network unencrypted."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("the base URL is empty")
    text = url.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"the base URL {text!r} must look like https://api.high-mobility.com")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("the base URL must not contain credentials, a query or a fragment")
    if parts.scheme == "http" and not allow_plain_http and not is_loopback(parts.hostname):
        raise ValueError(
            f"the base URL {text!r} uses plain http; only https is allowed outside this machine"
        )
    # People paste ".../v1" from the docs; every path here already starts with /v1.
    return text[: -len("/v1")] if parts.path.rstrip("/").lower() == "/v1" else text


def mask(secret: str | None) -> str:
    """Never reveals any part of a secret, only whether one is set."""
    return "****" if secret else "<empty>"


@dataclass(frozen=True, slots=True)
class Credentials:
    """Where to connect and who we are. The secret is masked in repr and str."""

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"Credentials(base_url={self.base_url!r}, client_id={self.client_id!r}, "
            f"client_secret={mask(self.client_secret)!r})"
        )

    __str__ = __repr__

    def token_request(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }


@dataclass(frozen=True, slots=True)
class AccessToken:
    value: str = field(repr=False)
    expires_in: float
    token_type: str = "bearer"
    scope: str = ""

    def __repr__(self) -> str:
        return (
            f"AccessToken(value='****', expires_in={self.expires_in!r}, "
            f"token_type={self.token_type!r}, scope={self.scope!r})"
        )

    __str__ = __repr__

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(self.scope.split())

    @property
    def has_fleet_scope(self) -> bool:
        return "fleet:clearance" in self.scopes


def parse_token(data: Any) -> AccessToken:
    """Read a 200 token answer; BadResponse when it has no usable token."""
    if not isinstance(data, dict):
        raise BadResponse(status=200, detail="the token answer is not a JSON object")
    value = data.get("access_token")
    if not isinstance(value, str) or not value.strip():
        raise BadResponse(status=200, detail="the token answer has no access_token")
    expires = data.get("expires_in", 300)
    if isinstance(expires, str):
        try:
            expires = float(expires)
        except ValueError:
            expires = 300
    if not isinstance(expires, (int, float)) or isinstance(expires, bool) or expires <= 0:
        expires = 300
    token_type = data.get("token_type")
    scope = data.get("scope")
    return AccessToken(
        value=value.strip(),
        expires_in=float(expires),
        token_type=token_type if isinstance(token_type, str) else "bearer",
        scope=(clean_text(scope) or "") if isinstance(scope, str) else "",
    )


class TokenCache:
    """One token shared by every thread of a client; a lock makes sure only one thread
    fetches a new one while the others wait for it."""

    def __init__(
        self, fetch: Callable[[], AccessToken], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fetch = fetch
        self.clock = clock
        self._lock = threading.Lock()
        self._token: AccessToken | None = None
        self._renew_at = 0.0
        self.fetches = 0

    def __repr__(self) -> str:
        return f"TokenCache(cached={self._token is not None}, fetches={self.fetches})"

    def _store(self, token: AccessToken) -> None:
        margin = min(RENEW_MARGIN, token.expires_in * 0.2)
        self._token = token
        self._renew_at = self.clock() + token.expires_in - margin
        self.fetches += 1

    def get(self) -> AccessToken:
        """A valid token: the cached one, or a fresh one when it is about to expire."""
        with self._lock:
            if self._token is None or self.clock() >= self._renew_at:
                self._token = None
                self._store(self._fetch())
            assert self._token is not None
            return self._token

    def refresh(self) -> AccessToken:
        """Fetch a fresh token now (used by `profile test`)."""
        with self._lock:
            self._token = None
            token = self._fetch()
            self._store(token)
            return token

    def invalidate(self, token: AccessToken | None = None) -> None:
        """Drop the cached token (after a 401). With `token`, only if it is still the
        cached one, so a token another thread just fetched survives."""
        with self._lock:
            if token is None or self._token is token:
                self._token = None
                self._renew_at = 0.0

    @property
    def cached(self) -> bool:
        with self._lock:
            return self._token is not None and self.clock() < self._renew_at
