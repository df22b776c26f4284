"""FleetClient: the synchronous Fleet Clearance API client (CLI and monitor worker threads).

One httpx.Client per FleetClient (connection reuse, explicit timeouts, TLS verification
always on). Every request goes through `Calls` (fleettui.api.calls: the deadline, the
token, retries for reads, never for writes, the typed errors); the provider's clock is
kept by `ProviderClock` (fleettui.api.provider_clock) and the list answer is read by
fleettui.api.vehicle_list, while it downloads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from fleettui import __version__
from fleettui.api import vehicle_list, wire
from fleettui.api.auth import (
    TOKEN_PATH,
    AccessToken,
    Credentials,
    TokenCache,
    check_base_url,
    is_loopback,
    parse_token,
)
from fleettui.api.calls import Calls
from fleettui.api.deadline import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    SPEED_LIMIT,
    SPEED_TIME,
)
from fleettui.api.errors import ApiError, CredentialsRejected, NotFound, WrongBaseUrl
from fleettui.api.filters import VehicleFilter
from fleettui.api.provider_clock import ProviderClock
from fleettui.api.tls import context_for
from fleettui.api.wire import VEHICLES_PATH, CreateResult, NewVehicle
from fleettui.core.lenient_json import Mended
from fleettui.core.vehicle import Vehicle

if TYPE_CHECKING:  # loaded by the first check: `fleettui list` needs neither (~3 ms)
    from fleettui.api import eligibility, vehicle_data

__all__ = ["FleetClient", "NewVehicle", "CreateResult", "USER_AGENT"]

USER_AGENT = f"fleettui/{__version__}"


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
        #: Set by close(): calls under way stop waiting (the app is exiting).
        self._closing = threading.Event()
        self._host = urlsplit(base).hostname
        self._base = base
        self.clock = ProviderClock(is_loopback(self._host))
        connect = float(connect_timeout or min(timeout, DEFAULT_CONNECT_TIMEOUT))
        trust_env = not is_loopback(self._host)
        self._http = httpx.Client(
            base_url=base,
            timeout=httpx.Timeout(timeout, connect=connect),
            verify=context_for(base, trust_env),  # loaded once, none for http (fleettui.api.tls)
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=4),
            transport=transport,
            # No proxy for the local simulator (a CI machine's HTTP_PROXY must not catch it).
            trust_env=trust_env,
        )
        self.calls = Calls(
            self._http,
            credentials,
            self._host,
            timeout=timeout,
            connect_timeout=connect,
            deadline=deadline,
            max_retries=max_retries,
            backoff_base=backoff_base,
            max_backoff=max_backoff,
            max_total_wait=max_total_wait,
            sleep=sleep,
            clock=clock,
            speed_limit=speed_limit,
            speed_time=speed_time,
            closing=self._closing,
            on_answer=self.clock.note,
        )
        self._exchange = self.calls.exchange
        self.tokens = self.calls.tokens = TokenCache(self._request_token)
        #: How many entries of the last list answer were skipped as unreadable.
        self.last_skipped = 0
        #: How many entries of the last list answer repeated a VIN (the newest was kept).
        self.last_duplicates = 0
        #: What the last list answer had marked as bad (invalid UTF-8, long numbers).
        self.last_mended = Mended()
        #: Vehicles in the last unfiltered list (bounds the next answer's size).
        self.lists = vehicle_list.ListBound()

    def __repr__(self) -> str:
        return f"FleetClient({self.credentials!r})"

    @property
    def deadline(self) -> float:
        """Seconds one call may take in all (connect, retries, the whole body)."""
        return self.calls.deadline

    @property
    def connect_timeout(self) -> float:
        return self.calls.connect_timeout

    @property
    def list_answers(self) -> int:
        """How many list answers have begun to arrive (read from any thread: the
        monitor's header stops counting the wait for the provider once one has)."""
        return self.lists.answers

    @property
    def requests_sent(self) -> int:
        """How many HTTP requests this client has sent (retries and token calls included)."""
        return self.calls.sent_total

    @property
    def bytes_received(self) -> int:
        """Bytes of every answer this client read (headers and body): its provider load."""
        return self.calls.received_total

    def __enter__(self) -> FleetClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections; a call under way on another thread ends at once."""
        self._closing.set()
        self._http.close()

    # -- time (the provider's clock: fleettui.api.provider_clock) ------------------

    @property
    def clock_note(self) -> str | None:
        """Set when the provider's `Date` header was too far off to believe."""
        return self.clock.clock_note

    @property
    def server_offset(self) -> timedelta | None:
        return self.clock.offset

    def assume_server_offset(self, offset: timedelta) -> None:
        """Until an answer's `Date` header says otherwise: the provider's clock offset
        remembered from before (the monitor's fleet cache)."""
        self.clock.assume(offset)

    def server_time(self) -> datetime:
        """The provider's clock: local now plus the offset seen in the last `Date` header."""
        return self.clock.now()

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

    def list_vehicles_raw(
        self, filter: VehicleFilter | None = None, on_batch: vehicle_list.OnBatch | None = None
    ) -> list[dict]:
        """The fleet as parsed JSON objects; entries that are not objects with a VIN are
        skipped and counted in `last_skipped`. `on_batch` sees the entries as they arrive
        (`fleettui.api.vehicle_list`); the answer is what is returned."""
        if on_batch is not None:
            return self._streamed(filter, compact=False, on_batch=on_batch)
        return self._list(filter, compact=False)

    def list_vehicles_compact(
        self, filter: VehicleFilter | None = None, on_batch: vehicle_list.OnBatch | None = None
    ) -> list[Any]:
        """The fleet in the store's compact form (`fleettui.core.compact`): what the
        monitor's poller feeds `FleetStore.prepare`. Odd-shaped objects with a VIN stay
        dicts; entries without a VIN are skipped and counted in `last_skipped`."""
        if on_batch is not None:
            return self._streamed(filter, compact=True, on_batch=on_batch)
        return self._list(filter, compact=True)

    def _list(self, filter: VehicleFilter | None, *, compact: bool) -> list[Any]:
        return self._streamed(filter, compact=compact, on_batch=None)

    def _streamed(
        self, filter: VehicleFilter | None, *, compact: bool, on_batch: vehicle_list.OnBatch | None
    ) -> list[Any]:
        params = {"filter": filter.to_param()} if filter else None
        try:
            got = vehicle_list.fetch(
                self._exchange, params, self.lists, compact=compact, on_batch=on_batch
            )
        except NotFound as err:  # the list always exists where the API is
            raise WrongBaseUrl(self._base, status=404, title=err.title, detail=err.detail) from None
        self.last_skipped, self.last_duplicates = got.skipped, got.repeats
        self.last_mended = got.mended
        if filter is None:
            self.lists.fleet_size = len(got.vehicles)
        return got.vehicles

    def list_vehicles(self, filter: VehicleFilter | None = None) -> list[Vehicle]:
        return [Vehicle.from_api(obj) for obj in self.list_vehicles_raw(filter)]

    def get_vehicle(self, vin: str) -> Vehicle:
        response = self._exchange("GET", wire.vin_path(vin), write=False)
        return wire.read_one_vehicle(response, write=False)

    def check_eligibility(self, vin: str, brand: str) -> eligibility.EligibilityResult:
        """Whether the VIN can be activated at all (`fleettui.api.eligibility`): an
        Eligibility, or NotCheckable (nothing sent) for a brand the API does not cover."""
        from fleettui.api import eligibility

        return eligibility.check(
            self._exchange, lambda: self.tokens.get().scopes, wire.decode_json, vin, brand
        )

    def vehicle_data(self, vin: str) -> vehicle_data.DataReading:
        """Whether the car sends data (`fleettui.api.vehicle_data`): the newest timestamp,
        or the error class and request_id of the provider's answer. Never raises for the
        provider's per-car answers nor for network trouble (an error class says it)."""
        from fleettui.api import vehicle_data

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
