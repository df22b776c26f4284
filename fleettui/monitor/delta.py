"""Ask the provider only for what can change (delta polling).

Most of a mature fleet is in a state nothing changes by itself (approved, rejected,
revoked, canceled); what moves on its own is pending, revoking and canceling. So a
refresh asks for:

1. the vehicles in those states, with the list call's server-side filter
   (`status` `in` pending, revoking, canceling): new pending vehicles come with it;
2. the vehicles that were in them at the last refresh and are not any more, by a `vin`
   `in` filter (batched: see FILTER_BUDGET), so their new state (approved, rejected,
   revoked, canceled) shows at once; one no call lists any more has left the fleet;

and the whole list, to reconcile, at start, every `full_every` seconds (10 minutes by
default, the profile's `full_list_every`), after every write of this monitor, after a
failed refresh or a gap (the machine slept, the monitor was paused), while webhooks are
healthy (refreshes are rare then), and whenever a filtered call fails with an answer
(a 5xx, a 4xx, an unreadable body: the full list is asked at once, in the same refresh).
A filtered call that fails without an answer (network, timeout, 429, credentials) fails
the refresh like a full list would; the next good refresh is a full list. A 400 or 414
to a `vin` call (a filter too long for the provider) halves the batch, which is kept.

What no filtered call can see, until the next full list or a webhook: a change of a
vehicle in a settled state made by someone else (a revoke of an approved car from
another tool), and a vehicle added elsewhere that left pending before a refresh saw it.
`--full-refresh` (or the profile's `full_refresh = true`) asks the whole list every time.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fleettui.api.errors import ApiError
from fleettui.api.filters import VehicleFilter
from fleettui.core.rows import Row
from fleettui.core.states import State
from fleettui.monitor.clients import ListsCompact, Reader

#: The states a vehicle leaves without anyone asking (the provider moves it on).
MOVING_STATES = frozenset((State.PENDING, State.REVOKING, State.CANCELING))
MOVING_FILTER = VehicleFilter().status_in(sorted(s.value for s in MOVING_STATES))
#: Seconds between reconciling full lists (the profile's `full_list_every`).
FULL_EVERY = 600.0
#: Characters of one `vin` filter, URL-encoded: ~150 VINs. The provider documents no
#: limit; common proxies refuse request lines over 8 KB (nginx, CloudFront), so a
#: filter of 4 KB leaves room for the path, the other headers' share and a margin.
FILTER_BUDGET = 4000
#: A refresh more than this many intervals (or GAP_SECONDS) after the last good one
#: follows a gap (the machine slept, the monitor was paused): it asks the full list.
GAP_INTERVALS = 3.0
GAP_SECONDS = 120.0
#: Failures of a filtered call that a full list would fail alike (no answer or none in
#: time, rate limited, credentials): the refresh fails; the next good one is a full list.
NO_FALLBACK = ("network", "timeout", "rate_limit", "auth")
#: Answers to a `vin` call that say the filter was too long: the batch is halved.
TOO_LONG = (400, 414)


@dataclass(frozen=True)
class Ask:
    """What one refresh asks the provider for (decided on the UI thread)."""

    full: bool
    #: Why a full list ("start", "interval", "write", "gap", "webhooks", "setting").
    why: str = ""
    #: VINs in a moving state at the last refresh.
    moving: frozenset[str] = frozenset()
    #: VINs per `vin` call (halved after a filter too long).
    batch: int = 1000
    #: Writes and failures seen before this ask (a full list answers only those).
    mark: int = 0


@dataclass(frozen=True)
class Answer:
    """What the provider said (the worker's half)."""

    objects: list[Any]
    full: bool
    #: VINs that were moving and that no call listed: they left the fleet.
    gone: frozenset[str] = frozenset()
    #: Every VIN a filtered refresh listed (its moving set is read from these).
    listed: frozenset[str] = frozenset()
    batch: int = 1000
    #: Why a filtered call failed and the full list was asked instead.
    fell_back: str = ""


def vin_of(obj: Any) -> str | None:
    """The VIN of a list entry (compact tuple, dict or Vehicle)."""
    kind = type(obj)
    vin = obj[0] if kind is tuple else obj.get("vin") if kind is dict else getattr(obj, "vin", None)
    return vin if type(vin) is str else None


def _filter_base() -> int:
    return len(urllib.parse.quote(VehicleFilter().vin_in(["X"]).to_param(), safe="")) - 5


def next_batch(vins: list[str], start: int, batch: int, budget: int = FILTER_BUDGET) -> int:
    """Where the batch from `start` ends: at most `batch` VINs whose `vin` filter fits
    `budget` URL-encoded characters (always at least one VIN)."""
    size, end = _filter_base(), start
    while end < len(vins) and end - start < batch:
        size += len(urllib.parse.quote(f'"{vins[end]}",', safe=""))
        if size > budget and end > start:
            break
        end += 1
    return end


def vin_batches(vins: list[str], batch: int, budget: int = FILTER_BUDGET) -> list[list[str]]:
    """`vins` in order, in groups of at most `batch` that fit `budget` (see next_batch)."""
    out, start = [], 0
    while start < len(vins):
        end = next_batch(vins, start, batch, budget)
        out.append(vins[start:end])
        start = end
    return out


def ask_provider(reader: Reader, ask: Ask, full_list: Callable[[], list[Any]]) -> Answer:
    """Blocking (worker): what `ask` says; `full_list()` fetches the whole fleet. The
    filtered calls need the client's optional `list_vehicles_compact` (`ListsCompact`)."""
    compact: ListsCompact | None = getattr(reader, "list_vehicles_compact", None)
    if ask.full or compact is None:
        return Answer(full_list(), True, batch=ask.batch)
    try:
        moving = compact(MOVING_FILTER)
        listed = {v for v in map(vin_of, moving) if v is not None}
        left = sorted(ask.moving - listed)
        found, batch = _by_vin(compact, left, ask.batch)
    except ApiError as exc:
        if exc.category in NO_FALLBACK:
            raise
        return Answer(full_list(), True, batch=ask.batch, fell_back=str(exc))
    found_vins = {v for v in map(vin_of, found) if v is not None}
    return Answer(
        moving + found, False, frozenset(left) - found_vins, frozenset(listed | found_vins), batch
    )


def _by_vin(compact: ListsCompact, vins: list[str], batch: int) -> tuple[list[Any], int]:
    """The vehicles of `vins`, a batch per call; a 400/414 halves the batch and retries
    (a single VIN refused is raised: the caller asks the full list)."""
    out: list[Any] = []
    start = 0
    while start < len(vins):
        end = next_batch(vins, start, batch)
        try:
            out += compact(VehicleFilter().vin_in(vins[start:end]))
        except ApiError as exc:
            if exc.status not in TOO_LONG or end - start == 1:
                raise
            batch = max(1, (end - start) // 2)
            continue
        start = end
    return out, batch


def moving_after(answer: Answer, by_vin: dict[str, Row], order: Iterable[Row]) -> frozenset[str]:
    """The VINs in a moving state once `answer` is applied (the next refresh's `left`)."""
    if answer.full:
        return frozenset(r.vin for r in order if r.state in MOVING_STATES)
    rows = map(by_vin.get, answer.listed)
    return frozenset(r.vin for r in rows if r is not None and r.state in MOVING_STATES)


class DeltaPolling:
    """When a refresh asks for the whole list and when only for what can change; the
    controller's (`Monitor.delta`), UI thread."""

    def __init__(
        self,
        *,
        full_every: float = FULL_EVERY,
        enabled: bool = True,
        monotonic: Callable[[], float],
        wall: Callable[[], float],
    ) -> None:
        self.full_every = max(0.0, float(full_every))
        self.enabled = enabled
        self._monotonic = monotonic
        self._wall = wall
        self._due: str = "start"
        self._last_full: float | None = None
        self._last_ok: tuple[float, float] | None = None
        self._moving: frozenset[str] = frozenset()
        self._batch = 1000
        self._mark = 0
        #: Full lists and filtered refreshes taken (shown beside the provider load).
        self.full_lists = 0
        self.filtered = 0
        #: The last fallback's reason ("" when the last filtered refresh worked).
        self.fell_back = ""

    def next_ask(self, interval: float, webhooks: bool = False) -> Ask:
        """What the refresh starting now asks for (`interval`: the refresh interval;
        `webhooks`: push is healthy, so refreshes are rare and each reconciles)."""
        why = self._full_why(interval, webhooks)
        if why:
            return Ask(True, why, batch=self._batch, mark=self._mark)
        return Ask(False, moving=self._moving, batch=self._batch, mark=self._mark)

    def _full_why(self, interval: float, webhooks: bool) -> str:
        if not self.enabled:
            return "setting"
        if self._due:
            return self._due
        if webhooks:
            return "webhooks"
        mono = self._monotonic()
        if self._last_full is None or mono - self._last_full >= self.full_every:
            return "interval"
        if self._last_ok is not None:
            gap = max(GAP_SECONDS, GAP_INTERVALS * interval)
            last_mono, last_wall = self._last_ok
            if mono - last_mono > gap or abs(self._wall() - last_wall) > gap:
                return "gap"
        return ""

    def wrote(self) -> None:
        """This monitor wrote: the next refresh reconciles with the whole list (one
        already under way may have been answered before the write)."""
        self._due = self._due or "write"
        self._mark += 1

    def failed(self) -> None:
        """A refresh failed: the next good one reconciles (a gap in the connection)."""
        self._due = self._due or "gap"
        self._mark += 1

    def took(self, ask: Ask, answer: Answer, moving: frozenset[str]) -> None:
        """A good refresh was applied; `moving` from `moving_after`."""
        now = self._monotonic()
        self._last_ok = (now, self._wall())
        self._moving = moving
        self._batch = answer.batch
        self.fell_back = answer.fell_back
        if answer.full:
            if ask.mark == self._mark:
                self._due = ""
            self._last_full = now
            self.full_lists += 1
        else:
            self.filtered += 1

    def reset(self) -> None:
        """A new account: start over with a full list."""
        self._due, self._last_full, self._last_ok = "start", None, None
        self._moving, self._batch = frozenset(), 1000
        self.full_lists = self.filtered = 0
        self.fell_back = ""
