"""One poll's blocking half and what its answer says: the list call (the compact form
when the client offers it; only what can change when `monitor.delta` says so), parsed
and diffed against the store on the worker, a failure classified for the header; and
the notices a change to rejected raises."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fleettui.api.errors import ApiError, BadResponse, RateLimited, error_category
from fleettui.core.first_page import first_of
from fleettui.core.memory import FREEZE_AT
from fleettui.core.notices import coalesce
from fleettui.core.snapshot import Prepared
from fleettui.core.states import State
from fleettui.core.store import FleetStore
from fleettui.core.text import clean
from fleettui.monitor.arrival import Arrival
from fleettui.monitor.clients import Reader
from fleettui.monitor.delta import Ask, ask_provider, moving_after
from fleettui.monitor.updates import (
    Arriving,
    Fetched,
    FetchFailed,
    FetchResult,
    FirstRows,
    Notice,
)

if TYPE_CHECKING:  # the API's list module loads httpx: with the first client
    from fleettui.api.vehicle_list import OnBatch

#: What a refresh asks when nothing says otherwise: the whole list.
FULL = Ask(True, "setting")
#: Rejections named one by one after a poll; more are counted in one notice.
#: A rejection toast stays this long (seconds); the log keeps it for good.
REJECTION_TIMEOUT = 8.0


def fetch_fleet(reader: Reader, on_batch: OnBatch | None = None) -> list[Any]:
    """The fleet in the store's compact form when the client offers it (less memory);
    `on_batch` sees the entries as they arrive when the client can hand them on."""
    compact = getattr(reader, "list_vehicles_compact", None)
    if compact is None:
        return reader.list_vehicles_raw()
    from fleettui.api.vehicle_list import takes_batches  # loaded by the client already

    if on_batch is not None and takes_batches(compact):
        return compact(on_batch=on_batch)
    return compact()


def fetch(
    reader: Reader | None,
    store: FleetStore,
    clock: Callable[[], datetime],
    generation: int,
    early: Callable[[FirstRows | Arriving], None] | None = None,
    ask: Ask = FULL,
    fresh: Callable[[], bool] | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """Blocking: the list call (or the filtered calls `ask` says: `monitor.delta`),
    parsed and diffed against the store; never raises. On a first load (`fresh()`:
    nothing but what this start showed is in the store; by default an empty store)
    `early` gets the first rows while the answer arrives and how much has arrived
    (fleettui.monitor.arrival), then the first screen of the whole fleet before its
    whole view is prepared."""
    if fresh is None:
        fresh = lambda: not store.total  # noqa: E731 - the default first-load test
    arrival = None
    if ask.full and early is not None and fresh():
        arrival = Arrival(store, clock, generation, early, fresh, monotonic)
    try:
        if reader is None:  # closed meanwhile (a profile switch): said as a failure
            raise ConnectionError("not connected")
        batches = arrival.on_batch if arrival is not None else None
        answer = ask_provider(reader, ask, lambda: fetch_fleet(reader, batches))
        raw = answer.objects
        first = None
        first_load = answer.full and early is not None and fresh()
        if first_load and early is not None and len(raw) >= FREEZE_AT:
            sort, descending = store.sort
            first = first_of(raw, sort, descending, store.query.text)
            if first is not None:
                early(FirstRows(generation, store.prepare(first.rows, clock()), first))
        # consume: the payload is freed a slice at a time, so the UI thread never waits
        # on the GIL while 100k parsed vehicles are deallocated in one go. After a first
        # screen (or rows shown while the answer arrived), the whole fleet is still a
        # first load (nothing in it is "new").
        prepared = store.prepare(
            raw,
            clock(),
            consume=True,
            replace=first is not None or (first_load and arrival is not None and arrival.shown),
            partial=not answer.full,
            gone=answer.gone,
        )
        del raw
        moving = moving_after(answer, prepared.snapshot.by_vin, prepared.snapshot.order)
    except ApiError as exc:
        retry = exc.retry_after if isinstance(exc, RateLimited) else None
        kind = "bad_answer" if isinstance(exc, BadResponse) else None
        return FetchFailed(generation, error_category(exc), str(exc), retry, kind)
    except Exception as exc:  # noqa: BLE001 - the monitor must outlive any bad answer
        return FetchFailed(generation, "client", f"Refresh failed: {clean(exc)}")
    told = (
        (
            int(getattr(reader, "last_duplicates", 0) or 0),
            int(getattr(reader, "last_skipped", 0) or 0),
        )
        if answer.full
        else (0, 0)
    )
    mended = getattr(reader, "last_mended", None) if answer.full else None
    return Fetched(
        generation,
        prepared,
        *told,
        ask=ask,
        answer=answer,
        moving=moving,
        marked=mended.describe() if mended else "",
        clock=str(getattr(reader, "clock_note", None) or ""),
    )


#: What was last said about the list answers, by cause (see `answer_notices`).
Told = dict[str, object]


def _sentence(note: str) -> str:
    """The client's note (the CLI prints it after `note: `) as a notice's sentence."""
    return note[:1].upper() + note[1:] + "."


def answer_notices(result: Fetched, before: Told) -> tuple[list[Notice], Told]:
    """What the answer held that is not shown as it came (see FleetClient._list), each
    cause said once when it appears or changes, not on every refresh. A list's own
    causes are judged on full lists (a filtered answer holds only part of it); the
    provider's clock on every answer. Returns the notices and what is now told."""
    full = result.answer is None or result.answer.full
    now = dict(before)
    if full:
        now.update(repeated=result.duplicates, skipped=result.skipped, marked=result.marked)
    now["clock"] = bool(result.clock)
    texts = {
        "repeated": f"The provider's list repeated VINs ({result.duplicates} extra "
        "entries); the newest entry of each VIN is shown.",
        "skipped": f"{result.skipped} entries of the provider's list were not vehicles "
        "(no VIN) and are left out.",
        "marked": _sentence(result.marked),
        "clock": _sentence(result.clock),
    }
    out = [
        Notice(text, title="Refresh", severity="warning", kind="answer")
        for cause, text in texts.items()
        if now.get(cause) and now.get(cause) != before.get(cause)
    ]
    return out, now


def rejection_notices(prepared: Prepared) -> list[Notice]:
    """A change to rejected names the VIN and the reason. A burst (more than
    `notices.BURST` in one refresh) is ONE toast counting them and naming the first, so
    toasts never stack over the table; each vehicle's line still goes to the log."""
    rejected = [c for c in prepared.diff.newly_rejected if c.old is not State.REJECTED]
    items = [
        (c.vin, f"{clean(c.vin)} was rejected: {clean(c.reason or 'no reason given')}")
        for c in rejected
    ]
    texts = coalesce("rejected", items)
    if len(texts) == len(items):
        return [
            Notice(
                text,
                title="Rejected",
                severity="error",
                timeout=REJECTION_TIMEOUT,
                kind="rejected",
                vins=(vin,),
            )
            for (vin, _), text in zip(items, texts, strict=True)
        ]
    return [
        Notice(
            texts[0],
            title="Rejected",
            severity="error",
            timeout=REJECTION_TIMEOUT,
            kind="rejected",
            vins=tuple(v for v, _ in items),
            details=tuple(items),
        )
    ]
