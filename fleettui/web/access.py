"""Who may use the served monitor: a per-launch token, then a cookie, and the Origin check.

textual-serve has no login and does not look at a WebSocket's ``Origin``: any web page the
operator visits could open ``ws://localhost:8000/ws`` and type into a monitor running with
their credentials. In front of every route:

- the printed URL carries a random token (``secrets.token_urlsafe``). ``/?token=...`` with
  the right token answers with an HttpOnly, SameSite=Strict cookie (a second random value,
  not the token) and a page that moves to ``/``, so the token leaves the address bar and the
  history; a wrong token is 403;
- every other request (page, static files, downloads, WebSocket) needs that cookie: 401
  without it, 403 with a wrong one. Both values are compared in constant time;
- a WebSocket upgrade must come from the served origin (``Origin`` header), else 403; a
  Host header naming another server is 403 too (DNS rebinding);
- answers are never cached, never framed, never sent with a Referer.

Neither value is ever logged: :class:`Redactor` masks them in every log record and the
access log (:mod:`fleettui.web.logs`) never writes query strings.
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware

TOKEN_PARAM = "token"
COOKIE_PREFIX = "fleettui_session"
WEBSOCKET_PATH = "/ws"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def _same(candidate: str | None, expected: str) -> bool:
    if not candidate:
        return False
    return hmac.compare_digest(candidate.encode("utf-8", "replace"), expected.encode("utf-8"))


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, default ports dropped."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


@dataclass(frozen=True, repr=False)
class AccessPolicy:
    """The launch's secrets and the origins the page may be used from."""

    token: str
    cookie_value: str
    #: Origins (``http://127.0.0.1:8000``) a WebSocket upgrade may come from; None: the
    #: origin of the request's own Host (a wildcard bind, reached under any address).
    origins: frozenset[str] | None
    #: Host header values accepted; None accepts any (wildcard bind, reverse proxy).
    hosts: frozenset[str] | None
    #: Cookies are shared by every port of a host: the name carries the port, so a second
    #: `fleettui serve` on this machine does not overwrite the first one's login.
    cookie_name: str = COOKIE_PREFIX
    secure_cookie: bool = False

    def __repr__(self) -> str:  # never the secrets
        return f"AccessPolicy(origins={self.origins!r}, hosts={self.hosts!r})"

    @classmethod
    def create(
        cls, origins: Sequence[str] | None, *, port: int, check_host: bool = True
    ) -> AccessPolicy:
        normal = frozenset(origin_of(o) for o in origins) if origins else None
        hosts = frozenset(o.split("://", 1)[1] for o in normal) if check_host and normal else None
        return cls(
            token=secrets.token_urlsafe(32),
            cookie_value=secrets.token_urlsafe(32),
            origins=normal,
            hosts=hosts,
            cookie_name=f"{COOKIE_PREFIX}_{port}",
            secure_cookie=bool(normal) and all(o.startswith("https://") for o in normal or ()),
        )

    def token_ok(self, candidate: str | None) -> bool:
        return _same(candidate, self.token)

    def cookie_ok(self, candidate: str | None) -> bool:
        return _same(candidate, self.cookie_value)

    def origin_ok(self, origin: str | None, host: str | None = None) -> bool:
        if not origin:
            return False
        if self.origins is None:
            return bool(host) and origin_of(origin) == origin_of(f"http://{host}")
        return origin_of(origin) in self.origins

    def host_ok(self, host: str | None) -> bool:
        if self.hosts is None:
            return True
        return (host or "").strip().lower() in self.hosts

    def secrets(self) -> tuple[str, str]:
        return self.token, self.cookie_value


def _refusal(status: int, why: str) -> web.Response:
    """A short plain page: what was refused and what to do; nothing of the request echoed."""
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>fleettui</title></head>"
        f"<body><p>{html.escape(why)}</p>"
        "<p>Open the URL that <code>fleettui serve</code> printed when it started.</p>"
        "</body></html>"
    )
    return web.Response(status=status, text=body, content_type="text/html")


def _welcome(target: str) -> web.Response:
    """After a good token: a page that moves to the token-less address.

    A page (not a 303) so the next request is started by this same-site page: a
    SameSite=Strict cookie set by a redirect that a link on another site started would
    not be sent with it.
    """
    safe = html.escape(target, quote=True)
    # location.replace also drops this address (the one with the token) from the history;
    # the refresh is for a browser without scripts.
    script = json.dumps(target).replace("<", "\\u003c")
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<script>location.replace({script});</script>"
        f"<meta http-equiv='refresh' content='0; url={safe}'><title>fleettui</title></head>"
        f"<body><p><a href='{safe}'>Open the monitor</a></p></body></html>"
    )
    return web.Response(status=200, text=body, content_type="text/html")


def _token_less(request: web.Request) -> str:
    query = [(k, v) for k, v in request.rel_url.query.items() if k != TOKEN_PARAM]
    return str(request.rel_url.with_query(query).relative()) if query else request.path


def access_middleware(policy: AccessPolicy) -> Middleware:
    """The aiohttp middleware that guards every route of the served app."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await _check(request, handler)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    async def _check(request: web.Request, handler: Handler) -> web.StreamResponse:
        request["fleettui_refusal"] = None
        if not policy.host_ok(request.headers.get("Host")):
            return _refused(request, 403, "This server does not answer for that host name.")
        if TOKEN_PARAM in request.rel_url.query:
            if request.path != "/" or not policy.token_ok(request.rel_url.query.get(TOKEN_PARAM)):
                return _refused(request, 403, "The link's token is not this server's.")
            response = _welcome(_token_less(request))
            response.set_cookie(
                policy.cookie_name,
                policy.cookie_value,
                path="/",
                httponly=True,
                samesite="Strict",
                secure=policy.secure_cookie,
            )
            return response
        cookie = request.cookies.get(policy.cookie_name)
        if not cookie:
            return _refused(request, 401, "This monitor needs the link with its token.")
        if not policy.cookie_ok(cookie):
            return _refused(request, 403, "This browser's session is not from this server.")
        if request.path == WEBSOCKET_PATH and not policy.origin_ok(
            request.headers.get("Origin"), request.headers.get("Host")
        ):
            return _refused(request, 403, "A WebSocket from another site is not accepted.")
        return await handler(request)

    def _refused(request: web.Request, status: int, why: str) -> web.Response:
        request["fleettui_refusal"] = why
        return _refusal(status, why)

    return guard


def content_security_policy(origins: Iterable[str] | None) -> str:
    """For the app page: only this server's scripts, styles, fonts and WebSocket."""
    # 'self' covers the page's own WebSocket in current browsers; the explicit ws:// origins
    # are for older ones (an IPv6 literal is not a valid CSP source, and is left to 'self').
    sockets = "".join(
        " " + o.replace("http", "ws", 1) for o in sorted(origins or ()) if "[" not in o
    )
    return (
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        f"font-src 'self'; img-src 'self' data:; connect-src 'self'{sockets}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
