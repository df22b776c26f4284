"""The first list call, started before the monitor's window is built.

Building the terminal UI (importing Textual and the app, composing, the first layout)
takes a few hundred milliseconds of a start; the token and the list call spend about as
long waiting on the network. `prefetching(account)` starts that call on a thread at
once, so the two overlap: the monitor's first poll then takes the answer already on its
way instead of starting the call after the window is up.

With a cache on disk the call waits (`open_gate`) until the cached fleet is in the
store: parsing the answer then neither slows the paint of the cached first screen nor
builds a second copy of the fleet beside the cached one (unchanged vehicles are shared
with the cached rows). It waits at most `GATE_TIMEOUT` seconds. Textual-free: the app
only sees a reader that has `open_gate()`.

Without a cache, the answer's first screenful usually arrives while the window is still
being built. The rest of the answer (28 MB at 100,000 vehicles) was parsed meanwhile on
the call's thread, which took the interpreter from the window's imports and first
layout half the time (two CPU-bound threads share one GIL), and the first frame came
that much later. So once `FIRST_ROWS` entries are kept for the poll, the call waits
(reading no more of the body, at most `HOLD_TIMEOUT` seconds) until the poll takes it:
the window is up, the first rows go to the screen, and the rest is read and parsed
while the first frame is drawn.

With a cache, the clients themselves wait too: importing the API's modules (httpx) and
setting up TLS cost a warm start's first paint tens of milliseconds, for calls that come
after it. The reader is made when the gate opens or when something first needs it (its
clock and list-answer count are answered without it until then), and the account's
later clients (the writer) are `LaterClient`s, made at their first use.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fleettui.core.first_page import FIRST_ROWS
from fleettui.core.timefmt import utcnow
from fleettui.monitor.accounts import Account

if TYPE_CHECKING:
    from fleettui.api.vehicle_list import OnBatch

#: The longest the call waits for the cached fleet (the poll itself opens the gate too).
GATE_TIMEOUT = 10.0
#: The longest the call waits, its first screenful in, for the poll to take it.
HOLD_TIMEOUT = 5.0


class _LoadCounts:
    """The provider-load counts of a client made later: 0 until it exists."""

    _client: Any

    @property
    def requests_sent(self) -> int:
        return _count(self._client, "requests_sent")

    @property
    def bytes_received(self) -> int:
        return _count(self._client, "bytes_received")


class PrefetchingReader(_LoadCounts):
    """A client whose first `list_vehicles_compact()` was started when it was made;
    everything else (and every later call) goes to the client itself. The client is
    made by `make()` on the call's thread too (a client loads the CA bundle, tens of
    milliseconds the window's start need not wait for); a use waits until it is made."""

    def __init__(self, make: Callable[[], Any], *, gated: bool) -> None:
        self._make = make
        self._client: Any = None
        self._made = threading.Event()
        self._gate = threading.Event()
        #: Set when the client is to be made: at once, or (gated) when the gate opens or
        #: something first needs the client.
        self._wanted = threading.Event()
        #: The provider's clock offset remembered with the cache, until the client exists.
        self._offset: timedelta | None = None
        self._closed = False
        if not gated:
            self._gate.set()
            self._wanted.set()
        self._done = threading.Event()
        self._taken = False
        self._result: list[Any] | None = None
        self._error: BaseException | None = None
        #: The entries that arrived before the poll took the call (handed to its
        #: `on_batch` then), and that `on_batch` once taken.
        self._lock = threading.Lock()
        self._early: list[list[Any]] = []
        self._kept = 0
        self._on_batch: OnBatch | None = None
        #: Set once the poll took the call (the entries kept are handed on).
        self._took = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="fleettui-prefetch")
        self._thread.start()

    def _run(self) -> None:
        self._wanted.wait(GATE_TIMEOUT)
        try:
            if self._closed:
                raise RuntimeError("closed before its client was made")
            client = self._make()
            with self._lock:
                self._client = client
                if self._offset is not None:
                    client.assume_server_offset(self._offset)
        except BaseException as exc:  # noqa: BLE001 - raised where the client is used
            self._error = exc
            self._done.set()
            return
        finally:
            self._made.set()
        self._gate.wait(GATE_TIMEOUT)
        try:
            from fleettui.api.vehicle_list import takes_batches  # with the client (httpx)

            call = self._client.list_vehicles_compact
            self._result = call(on_batch=self._batch) if takes_batches(call) else call()
        except BaseException as exc:  # noqa: BLE001 - handed to the poll that takes it
            self._error = exc
        finally:
            self._done.set()

    def _batch(self, entries: list[Any], first: bool) -> None:  # the exchange's thread
        with self._lock:  # in order: those kept until the poll took the call, then these
            on_batch = self._on_batch
            if on_batch is not None:
                on_batch(entries, first)
                return
            if first:
                self._early.clear()
                self._kept = 0
            self._early.append(entries)
            self._kept += len(entries)
            screenful = self._kept >= FIRST_ROWS
        if screenful:  # the rest waits for the window (see the module docstring)
            self._took.wait(HOLD_TIMEOUT)

    def open_gate(self) -> None:
        """The cached fleet is in the store (or there is none): the call may go ahead."""
        self._gate.set()
        self._wanted.set()

    def assume_server_offset(self, offset: timedelta) -> None:
        """The cached clock offset: handed to the client, or to it once it is made."""
        with self._lock:
            if self._client is None:
                self._offset = offset
                return
        self._client.assume_server_offset(offset)

    def server_time(self) -> datetime:
        """The provider's clock; before the client exists, local time plus the offset
        remembered with the cache (what the client's clock says before any answer)."""
        if not self._made.is_set():
            offset, now = self._offset, utcnow()
            return now + offset if offset is not None else now
        return self.client.server_time()

    @property
    def list_answers(self) -> int:
        """List answers begun (0 before the client exists)."""
        return _count(self._client, "list_answers")

    def close(self) -> None:
        """Closes the client; one not made yet never is (its thread ends)."""
        self._closed = True
        self._wanted.set()
        self._gate.set()
        if self._made.is_set() and self._client is not None:
            self._client.close()

    def list_vehicles_compact(
        self, filter: Any = None, on_batch: OnBatch | None = None
    ) -> list[Any]:
        """The first time (no filter): the answer of the call already under way, or its
        error, raised here as the call itself would have; `on_batch` is handed what has
        arrived so far at once, then the rest as it comes. Afterwards a new call."""
        if self._taken or filter is not None:
            if on_batch is None:
                return self.client.list_vehicles_compact(filter)
            return self.client.list_vehicles_compact(filter, on_batch=on_batch)
        self._taken = True
        with self._lock:
            if on_batch is not None:
                for i, entries in enumerate(self._early):
                    on_batch(entries, i == 0)
            self._on_batch = on_batch or _ignore
            self._early = []
        self._took.set()
        self._gate.set()
        self._wanted.set()
        self._done.wait()
        result, error = self._result, self._error
        self._result = self._error = None
        if error is not None:
            raise error
        return result if result is not None else []

    @property
    def client(self) -> Any:
        """The client itself, once made (made now if it was waiting)."""
        self._wanted.set()
        self._made.wait()
        if self._client is None:  # making it failed: as if it had failed here
            raise self._error or RuntimeError("the client could not be made")
        return self._client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


class LaterClient(_LoadCounts):
    """A client made at its first use (with a cache, the account's writer: see the
    module docstring). The provider-load counts read 0 until then; closing one never
    made makes nothing."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._make()
            return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def _count(client: Any, name: str) -> int:
    """A provider-load count of a client that may not exist yet (0 until it does)."""
    return int(getattr(client, name, 0) or 0)


def _ignore(entries: list[Any], first: bool) -> None:
    """No one asked to see the entries as they arrive."""


def prefetching(account: Account, *, gated: bool) -> Account:
    """The account, its first client already fetching the fleet (see the module
    docstring); later clients are made as usual. `gated`: wait for `open_gate()`."""
    make = account.client_factory
    first: list[Any] = [PrefetchingReader(make, gated=gated)]

    def factory() -> Any:
        if first:
            return first.pop()
        return LaterClient(make) if gated else make()

    return dataclasses.replace(account, client_factory=factory)
