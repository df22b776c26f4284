"""One logical call to the provider: the deadline over it all, the token, one re-auth
on 401, retries for reads, and the typed error for every way it can fail.

Reads (list, get, token) retry 429, 5xx, timeouts and dropped connections with bounded,
jittered exponential backoff; writes (create, delete) are never retried: the error goes
back to the caller, whose input is untouched. Errors are built outside the except
blocks: an httpx exception (whose request holds the Authorization header) is neither
chained nor kept. `FleetClient` (fleettui.api.client) makes one `Calls` and sends every
request through `Calls.exchange`.
"""

from __future__ import annotations

import itertools
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from fleettui.api import wire
from fleettui.api.auth import AccessToken, Credentials, TokenCache
from fleettui.api.deadline import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE,
    DEFAULT_READ_TIMEOUT,
    SPEED_LIMIT,
    SPEED_TIME,
    Aborted,
    Expired,
    Sink,
    TooLarge,
    TooSlow,
    send,
)
from fleettui.api.errors import (
    ApiError,
    CredentialsRejected,
    RateLimited,
    ServerError,
    error_from_response,
)
from fleettui.api.network_errors import NetworkError, ProviderTimeout, TooSlowAnswer

log = logging.getLogger("fleettui.api")
_USERINFO = re.compile(r"//[^/\s@]+@")


class Calls:
    """The calls of one client: its connections (`http`), settings and counters."""

    def __init__(
        self,
        http: httpx.Client,
        credentials: Credentials,
        host: str | None,
        *,
        timeout: float = DEFAULT_READ_TIMEOUT,
        connect_timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        max_backoff: float = 8.0,
        max_total_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        speed_limit: int = SPEED_LIMIT,
        speed_time: float = SPEED_TIME,
        closing: threading.Event,
        on_answer: Callable[[httpx.Response], None] = lambda response: None,
    ) -> None:
        self._http = http
        self.credentials = credentials
        self._host = host
        self.max_retries = max(0, int(max_retries))
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self.max_total_wait = max_total_wait
        #: Seconds one call may take in all (connect, retries, the whole body).
        self.deadline = float(deadline or DEFAULT_DEADLINE)
        self.connect_timeout = float(connect_timeout or min(timeout, DEFAULT_CONNECT_TIMEOUT))
        self.read_timeout = float(timeout)
        #: The low-speed limit: an answer under `speed_limit` bytes a second for
        #: `speed_time` seconds is cut (curl's --speed-limit/--speed-time).
        self.speed = (int(speed_limit), float(speed_time))
        self._closing = closing
        # Waits between retries end at once on close (unless a test passes its own sleep).
        self._sleep = closing.wait if sleep is time.sleep else sleep
        self._clock = clock
        self._calls = threading.local()
        self._note_date = on_answer
        #: Set by the client once made (the token call goes through `exchange` too).
        self.tokens: TokenCache
        self._sent = itertools.count()
        #: HTTP requests sent (retries and token calls included) and bytes read back.
        self.sent_total = 0
        self.received_total = 0

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:  # the provider said when: exactly then, not later
            return retry_after
        ceiling = min(self.max_backoff, self.backoff_base * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)

    def exchange(
        self,
        method: str,
        path: str,
        *,
        write: bool,
        auth: bool = True,
        keep: Callable[[httpx.Response], bool] | None = None,
        too_large: Callable[[TooLarge], str] = str,
        sink: Sink | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One logical call within the deadline: token, request, one re-auth on 401,
        retries for reads. A call made inside another (the token for a list) shares the
        outer call's deadline. An error answer for which `keep` says True is handed back
        as it is, neither retried nor raised (the vehicle data API's per-car answers).
        `too_large` words the error for an answer over its `max_body`; `sink` is handed
        the body as it arrives (`fleettui.api.deadline.send`)."""
        outer = getattr(self._calls, "deadline", None)
        deadline = self._clock() + self.deadline
        if outer is not None:
            deadline = min(deadline, outer)
        self._calls.deadline = deadline
        try:
            return self._attempts(
                method,
                path,
                write=write,
                auth=auth,
                deadline=deadline,
                keep=keep,
                too_large=too_large,
                sink=sink,
                **kwargs,
            )
        finally:
            self._calls.deadline = outer

    def _attempts(
        self,
        method: str,
        path: str,
        *,
        write: bool,
        auth: bool,
        deadline: float,
        keep: Callable[[httpx.Response], bool] | None,
        too_large: Callable[[TooLarge], str],
        sink: Sink | None,
        **kwargs: Any,
    ) -> httpx.Response:
        attempt, waited, reauthed = 0, 0.0, False
        previous: ApiError | None = None
        while True:
            token: AccessToken | None = None
            headers = {}
            if auth:
                token = self.tokens.get()
                headers["Authorization"] = f"Bearer {token.value}"
            redact = (self.credentials.client_secret, token.value if token else "")
            failure: ApiError | None = None
            response: httpx.Response | None = None
            kind: str | None = None
            try:
                self.sent_total = next(self._sent) + 1
                response = send(
                    self._http,
                    method,
                    path,
                    deadline=deadline,
                    connect_timeout=self.connect_timeout,
                    read_timeout=self.read_timeout,
                    clock=self._clock,
                    abort=self._closing,
                    speed=self.speed,
                    sink=sink,
                    headers=headers,
                    **kwargs,
                )
            except Aborted:
                kind = "aborted"
            except Expired as exc:
                expired = exc.sent
                kind = "deadline"
            except TooLarge as exc:
                too_large_text = too_large(exc)
                kind = "too_large"
            except TooSlow as exc:
                slow = (exc.received, exc.seconds, exc.limit)
                kind = "too_slow"
            except httpx.TransportError as exc:
                kind, sent = wire.classify_transport_error(exc)
                # httpx's own words (e.g. "[Errno 101] Network is unreachable") only when
                # the kind alone says too little; no headers, and any user:password@ of a
                # proxy URL masked.
                detail = _USERINFO.sub("//****@", str(exc)) if kind == "other" else None
                if kind == "timeout" and deadline - self._clock() < 0.1:
                    # The per-read timeout was cut to the time left: the deadline's doing.
                    kind, expired = "deadline", sent
                elif kind == "timeout" and sent:
                    kind = "silent"
            # Errors are built outside the except blocks: the httpx exception (whose
            # request holds the Authorization header) is neither chained nor kept.
            if kind == "aborted":
                raise NetworkError(
                    "other",
                    host=self._host,
                    detail="the client was closed",
                    maybe_sent=write,
                    hint="fleettui is closing.",
                )
            if kind == "deadline":
                failure = ProviderTimeout(
                    self.deadline, host=self._host, maybe_sent=write and expired
                )
            elif kind == "too_large":
                raise wire.bad_response(0, too_large_text, write=write)
            elif kind == "too_slow":
                raise TooSlowAnswer(*slow, host=self._host, maybe_sent=write)
            elif kind == "silent":
                failure = ProviderTimeout(
                    self.read_timeout,
                    host=self._host,
                    deadline=False,
                    maybe_sent=write,
                    setting=None,
                )
            elif kind is not None:
                failure = NetworkError(
                    kind, host=self._host, detail=detail, maybe_sent=write and sent
                )
            else:
                assert response is not None
                self.received_total += (
                    len(response.content)
                    + sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
                    + 17
                )
                self._note_date(response)
                log.debug("%s %s -> %s", method, path, response.status_code)
                if 200 <= response.status_code < 300:
                    return response
                if keep is not None and response.status_code >= 400 and keep(response):
                    return response
                if response.status_code < 400:
                    raise ApiError(
                        "The server answered with a redirect",
                        status=response.status_code,
                        detail=f"to {response.headers.get('location', '?')}",
                        hint="Check the base URL (https, no path); fleettui does not follow "
                        "redirects with credentials.",
                    )
                if auth and response.status_code == 401:
                    self.tokens.invalidate(token)
                    if not reauthed:
                        reauthed = True
                        continue
                    err = error_from_response(401, response.content, redact=redact)
                    raise CredentialsRejected(
                        status=401,
                        title=err.title,
                        detail=err.detail,
                        hint="The token was refused twice in a row; check the profile's "
                        "credentials and that the app has the fleet:clearance scope.",
                    )
                failure = error_from_response(
                    response.status_code,
                    response.content,
                    redact=redact,
                    retry_after_header=response.headers.get("retry-after"),
                )
            if isinstance(failure, ProviderTimeout) and failure.kind == "deadline":
                # Out of time while retrying: what the provider said is the news.
                raise previous or failure
            retry_after = getattr(failure, "retry_after", None)
            retryable = isinstance(failure, (RateLimited, ServerError)) or (
                isinstance(failure, NetworkError) and failure.kind in ("timeout", "dropped")
            )
            if write or not retryable or attempt >= self.max_retries:
                raise failure
            delay = self._backoff(attempt, retry_after)
            if waited + delay > self.max_total_wait or self._clock() + delay >= deadline:
                raise failure
            log.debug("retrying %s %s in %.1fs (%s)", method, path, delay, type(failure).__name__)
            self._sleep(delay)
            waited += delay
            attempt += 1
            previous = failure
