"""FleetClient: the synchronous Fleet Clearance API client (CLI and monitor worker threads).

One httpx.Client per FleetClient (connection reuse, explicit timeouts, TLS verification
always on). Reads (list, get, token) retry 429, 5xx, timeouts and dropped connections with
bounded, jittered exponential backoff; writes (create, delete) are never retried: the
error goes back to the caller, whose input is untouched.
"""

from __future__ import annotations

import itertools
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from fleettui import __version__
from fleettui.api import eligibility, vehicle_data, wire
from fleettui.api.auth import (
    TOKEN_PATH,
    AccessToken,
    Credentials,
    TokenCache,
    check_base_url,
    is_loopback,
    parse_token,
)
from fleettui.api.deadline import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE,
    DEFAULT_READ_TIMEOUT,
    MAX_BODY,
    SPEED_LIMIT,
    SPEED_TIME,
    Aborted,
    Expired,
    TooLarge,
    TooSlow,
    send,
)
from fleettui.api.errors import (
    ApiError,
    CredentialsRejected,
    NotFound,
    RateLimited,
    ServerError,
    WrongBaseUrl,
    error_from_response,
)
from fleettui.api.filters import VehicleFilter
from fleettui.api.network_errors import NetworkError, ProviderTimeout, TooSlowAnswer
from fleettui.api.wire import VEHICLES_PATH, CreateResult, NewVehicle
from fleettui.core.dedupe import newest_per_vin
from fleettui.core.lenient_json import Mended
from fleettui.core.text import one_line
from fleettui.core.timefmt import SIMULATED_CLOCK_HEADER, utcnow
from fleettui.core.vehicle import Vehicle

__all__ = ["FleetClient", "NewVehicle", "CreateResult", "USER_AGENT"]

log = logging.getLogger("fleettui.api")
USER_AGENT = f"fleettui/{__version__}"
_USERINFO = re.compile(r"//[^/\s@]+@")
#: A provider clock further off than this from the local one is not believed: clocks
#: drift by seconds, time zones are handled by the header's own offset; a day is a bug.
MAX_CLOCK_OFFSET = timedelta(days=1)
#: A list answer's decoded size, per vehicle at most, and never less than this in all.
PER_VEHICLE = 4096
MIN_LIST_LIMIT = 64 * 1024 * 1024


class FleetClient:
    def __init__(
        self,
        credentials: Credentials,
        *,
        timeout: float = DEFAULT_READ_TIMEOUT,
        connect_timeout: float | None = None,
        deadline: float | None = None,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        max_backoff: float = 8.0,
        max_total_wait: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        speed_limit: int = SPEED_LIMIT,
        speed_time: float = SPEED_TIME,
    ) -> None:
        base = check_base_url(credentials.base_url, allow_plain_http=transport is not None)
        self.credentials = credentials
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
        #: Set by close(): calls under way stop waiting (the app is exiting).
        self._closing = threading.Event()
        # Waits between retries end at once on close (unless a test passes its own sleep).
        self._sleep = self._closing.wait if sleep is time.sleep else sleep
        self._clock = clock
        self._calls = threading.local()
        self._host = urlsplit(base).hostname
        self._loopback = is_loopback(self._host)
        self._base = base
        self._http = httpx.Client(
            base_url=base,
            timeout=httpx.Timeout(timeout, connect=self.connect_timeout),
            verify=True,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=4),
            transport=transport,
            # No proxy for the local simulator (a CI machine's HTTP_PROXY must not catch it).
            trust_env=not is_loopback(self._host),
        )
        self.tokens = TokenCache(self._request_token)
        self._time_lock = threading.Lock()
        self._offset: timedelta | None = None
        #: Set when the provider's `Date` header was too far off to believe (see _note_date).
        self.clock_note: str | None = None
        #: How many entries of the last list answer were skipped as unreadable.
        self.last_skipped = 0
        #: How many entries of the last list answer repeated a VIN (the newest was kept).
        self.last_duplicates = 0
        #: What the last list answer had marked as bad (invalid UTF-8, long numbers).
        self.last_mended = Mended()
        #: Vehicles in the last unfiltered list (bounds the next answer's size).
        self._fleet_size: int | None = None
        self._sent = itertools.count()
        self._sent_total = 0
        self._received_total = 0

    def __repr__(self) -> str:
        return f"FleetClient({self.credentials!r})"

    @property
    def requests_sent(self) -> int:
        """How many HTTP requests this client has sent (retries and token calls included)."""
        return self._sent_total

    @property
    def bytes_received(self) -> int:
        """Bytes of every answer this client read (headers and body): its provider load."""
        return self._received_total

    def __enter__(self) -> FleetClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections; a call under way on another thread ends at once."""
        self._closing.set()
        self._http.close()

    # -- time ----------------------------------------------------------------------

    def _note_date(self, response: httpx.Response) -> None:
        """The provider's clock, from the answer's `Date` header, when it is plausible:
        off from this machine's by more than `MAX_CLOCK_OFFSET` (a year-9999 or 1900
        date), it is not believed; times are then taken from the local clock, and
        `clock_note` says so."""
        header = response.headers.get("date")
        if not header:
            return
        try:
            server = parsedate_to_datetime(header[:64])
        except (TypeError, ValueError, IndexError, OverflowError):
            return
        if server is None or server.tzinfo is None:
            return
        try:
            offset = server - utcnow()
        except OverflowError:
            offset = MAX_CLOCK_OFFSET * 2
        simulated = self._loopback and SIMULATED_CLOCK_HEADER in response.headers
        with self._time_lock:
            if abs(offset) > MAX_CLOCK_OFFSET and not simulated:
                days = abs(offset).days
                self.clock_note = (
                    f"the provider's clock (its Date header, {one_line(header, 40)}) is "
                    f"{days} day(s) {'ahead of' if offset > timedelta(0) else 'behind'} this "
                    "machine's, which is not plausible; times are measured with this "
                    "machine's clock"
                )
                self._offset = None
                return
            self.clock_note = None
            self._offset = offset

    @property
    def server_offset(self) -> timedelta | None:
        with self._time_lock:
            return self._offset

    def assume_server_offset(self, offset: timedelta) -> None:
        """Until an answer's `Date` header says otherwise: the provider's clock offset
        remembered from before (the monitor's fleet cache), so times computed before the
        first answer are in the provider's time. Ignored once an answer was seen."""
        with self._time_lock:
            if self._offset is None:
                self._offset = offset

    def server_time(self) -> datetime:
        """The provider's clock: local now plus the offset seen in the last `Date` header."""
        offset = self.server_offset
        now = utcnow()
        return now + offset if offset is not None else now

    # -- transport -----------------------------------------------------------------

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:  # the provider said when: exactly then, not later
            return retry_after
        ceiling = min(self.max_backoff, self.backoff_base * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)

    def list_body_limit(self) -> int:
        """The largest list answer (decoded) believed for the fleet as last seen: 4 KB a
        vehicle (the provider's objects are ~300 bytes; long histories and many tags
        stay far below 4 KB), for twice the fleet (it may have grown), never under 64 MB;
        MAX_BODY before any list was seen."""
        if self._fleet_size is None:
            return MAX_BODY
        return min(MAX_BODY, max(MIN_LIST_LIMIT, 2 * self._fleet_size * PER_VEHICLE))

    def _too_large(self, exc: TooLarge, limit: int | None) -> str:
        if limit is None or exc.limit >= MAX_BODY or str(exc) != TooLarge(exc.limit).args[0]:
            return str(exc)
        return (
            f"the answer is larger than {exc.limit >> 20} MB decoded, more than a list "
            f"of {self._fleet_size} vehicles (the fleet as last seen) can be, with room "
            "for it to double; refused"
        )

    def _exchange(
        self,
        method: str,
        path: str,
        *,
        write: bool,
        auth: bool = True,
        keep: Callable[[httpx.Response], bool] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One logical call within the deadline: token, request, one re-auth on 401,
        retries for reads. A call made inside another (the token for a list) shares the
        outer call's deadline. An error answer for which `keep` says True is handed back
        as it is, neither retried nor raised (the vehicle data API's per-car answers)."""
        outer = getattr(self._calls, "deadline", None)
        deadline = self._clock() + self.deadline
        if outer is not None:
            deadline = min(deadline, outer)
        self._calls.deadline = deadline
        try:
            return self._attempts(
                method, path, write=write, auth=auth, deadline=deadline, keep=keep, **kwargs
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
        keep: Callable[[httpx.Response], bool] | None = None,
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
                self._sent_total = next(self._sent) + 1
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
                    headers=headers,
                    **kwargs,
                )
            except Aborted:
                kind = "aborted"
            except Expired as exc:
                expired = exc.sent
                kind = "deadline"
            except TooLarge as exc:
                too_large = self._too_large(exc, kwargs.get("max_body"))
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
                raise wire.bad_response(0, too_large, write=write)
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
                self._received_total += (
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

    # -- token ---------------------------------------------------------------------

    def _request_token(self) -> AccessToken:
        creds = self.credentials
        try:
            response = self._exchange(
                "POST", TOKEN_PATH, write=False, auth=False, json=creds.token_request()
            )
        except NotFound as err:
            raise WrongBaseUrl(self._base, status=404, title=err.title, detail=err.detail) from None
        except ApiError as err:
            if err.status in (400, 401, 403):
                raise CredentialsRejected(
                    status=err.status, title=err.title, detail=err.detail
                ) from None
            raise
        return parse_token(
            wire.decode_json(response, "the token answer", write=False, expected="a token")
        )

    def fetch_token(self) -> AccessToken:
        """Ask for a fresh token now (proves the credentials work); it is cached too."""
        return self.tokens.refresh()

    # -- reads ---------------------------------------------------------------------

    def list_vehicles_raw(self, filter: VehicleFilter | None = None) -> list[dict]:
        """The fleet as parsed JSON objects; entries that are not objects with a VIN are
        skipped and counted in `last_skipped`."""
        return self._list(filter, compact=False)

    def list_vehicles_compact(self, filter: VehicleFilter | None = None) -> list[Any]:
        """The fleet in the store's compact form (`fleettui.core.compact`): what the
        monitor's poller feeds `FleetStore.prepare`. Odd-shaped objects with a VIN stay
        dicts; entries without a VIN are skipped and counted in `last_skipped`."""
        return self._list(filter, compact=True)

    def _list(self, filter: VehicleFilter | None, *, compact: bool) -> list[Any]:
        params = {"filter": filter.to_param()} if filter else None
        try:
            response = self._exchange(
                "GET", VEHICLES_PATH, write=False, params=params, max_body=self.list_body_limit()
            )
        except NotFound as err:  # the list always exists where the API is
            raise WrongBaseUrl(self._base, status=404, title=err.title, detail=err.detail) from None
        mended = Mended()
        good, self.last_skipped = wire.read_vehicle_list(response, compact=compact, mended=mended)
        self.last_mended = mended
        if self.last_skipped:  # the caller says so (the CLI's note, the monitor's line)
            log.info("skipped %d unreadable entries in the vehicle list", self.last_skipped)
        good, self.last_duplicates = newest_per_vin(good)
        if filter is None:
            self._fleet_size = len(good)
        return good

    def list_vehicles(self, filter: VehicleFilter | None = None) -> list[Vehicle]:
        return [Vehicle.from_api(obj) for obj in self.list_vehicles_raw(filter)]

    def get_vehicle(self, vin: str) -> Vehicle:
        response = self._exchange("GET", wire.vin_path(vin), write=False)
        return wire.read_one_vehicle(response, write=False)

    def check_eligibility(self, vin: str, brand: str) -> eligibility.EligibilityResult:
        """Whether the VIN can be activated at all (`fleettui.api.eligibility`): an
        Eligibility, or NotCheckable (nothing sent) for a brand the API does not cover."""
        return eligibility.check(
            self._exchange, lambda: self.tokens.get().scopes, wire.decode_json, vin, brand
        )

    def vehicle_data(self, vin: str) -> vehicle_data.DataReading:
        """Whether the car sends data (`fleettui.api.vehicle_data`): the newest timestamp,
        or the error class and request_id of the provider's answer. Never raises for the
        provider's per-car answers nor for network trouble (an error class says it)."""
        return vehicle_data.fetch(
            self._exchange, lambda: self.tokens.get().scopes, self.server_time, vin
        )

    # -- writes --------------------------------------------------------------------

    def create_vehicles(self, vehicles: Iterable[NewVehicle]) -> list[CreateResult]:
        """Ask for clearances; one result per VIN, refused VINs included (`ok=False`).
        Never retried: on any error nothing is resent. Empty input sends nothing."""
        wanted = [v.to_api() for v in vehicles]
        if not wanted:
            return []
        try:
            response = self._exchange("POST", VEHICLES_PATH, write=True, json={"vehicles": wanted})
        except NotFound as err:  # the list's path: where the API is, it exists
            raise WrongBaseUrl(self._base, status=404, title=err.title, detail=err.detail) from None
        return wire.read_create_results(response, wanted)

    def delete_vehicle(self, vin: str) -> Vehicle:
        """Revoke (approved) or cancel (pending) a clearance. Never retried."""
        response = self._exchange("DELETE", wire.vin_path(vin), write=True)
        return wire.read_one_vehicle(response, write=True)
