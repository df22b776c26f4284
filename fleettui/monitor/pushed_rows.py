"""A batch of webhook events made into rows (no Textual): what the push worker hands
the UI thread.

`prepare_push` (the push worker's thread) turns verified `fleet_clearance_changed` events
into a partial store update: each vehicle's state and reason as the event says, one more
changelog entry, so its row changes and is highlighted like any change. Events for VINs
the fleet does not show yet are left to the next list refresh (the event carries no
brand or tags). `PushControl.took` (`fleettui.monitor.push_control`) applies it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fleettui.core.snapshot import Prepared
from fleettui.core.states import parse_state
from fleettui.core.store import FleetStore
from fleettui.core.vehicle import ChangelogEntry, Vehicle
from fleettui.webhooks.events import WebhookEvent


@dataclass(frozen=True)
class PushPrepared:
    """Events made ready for the store on the push worker."""

    events: tuple[WebhookEvent, ...]
    #: (vin, status, reason) of the events that change a row shown.
    applied: tuple[tuple[str, str, str | None], ...]
    prepared: Prepared | None
    #: Changes for VINs the fleet does not show (yet): the list will bring them.
    unknown: int
    generation: int


def pushed_vehicle(vehicle: Vehicle, event: WebhookEvent, now: datetime) -> Vehicle | None:
    """The vehicle as the event says it is now; None when it says nothing new."""
    status = event.action or ""
    reason = event.detail
    if vehicle.status == status and vehicle.reason == reason:
        return None
    state = parse_state(status)
    entry = ChangelogEntry(event.received_at or now, status, state, reason)
    return dataclasses.replace(
        vehicle, status=status, state=state, changelog=(*vehicle.changelog, entry)
    )


def prepare_push(
    store: FleetStore, events: list[WebhookEvent], clock: Callable[[], datetime], generation: int
) -> PushPrepared:
    """Blocking (push worker): the store update for a batch of events, newest per VIN."""
    now = clock()
    latest: dict[str, WebhookEvent] = {}
    for event in events:
        if event.is_change and event.vin and event.action:
            latest[event.vin] = event
    vehicles: list[Vehicle] = []
    applied: list[tuple[str, str, str | None]] = []
    unknown = 0
    for vin, event in latest.items():
        current = store.vehicle(vin)
        if current is None:
            unknown += 1
            continue
        applied.append((vin, event.action or "", event.detail))
        updated = pushed_vehicle(current, event, now)
        if updated is not None:
            vehicles.append(updated)
    prepared = store.prepare(vehicles, now, partial=True) if vehicles else None
    return PushPrepared(tuple(events), tuple(applied), prepared, unknown, generation)
