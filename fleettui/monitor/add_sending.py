"""Adding vehicles from the monitor: sending the lines the form checked, and what the
answer changes.

`send_add` runs on a worker: one create call under the controller's write lock; the
accepted vehicles are prepared for the store there, so they show in the table at once
(before the next poll) without a re-sort on the UI thread. A failure of the whole call
comes back as one message; the form keeps every line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from fleettui.api.errors import ApiError
from fleettui.core.store import FleetStore
from fleettui.core.text import clean
from fleettui.monitor.add_lines import AddDraft, AddLine
from fleettui.monitor.clients import Creator
from fleettui.monitor.updates import AddSent, Notice
from fleettui.monitor.write_outcomes import new_vehicle

if TYPE_CHECKING:
    from fleettui.api.wire import CreateResult


def send_add(
    writer: Creator,
    lock: threading.Lock,
    store: FleetStore,
    lines: list[AddLine],
    generation: int,
    clock: Callable[[], datetime],
) -> AddSent:
    """Blocking: the create call for `lines`, and the store update for the accepted."""
    from fleettui.api.wire import NewVehicle  # the writer's client loaded it (httpx)

    wanted = [NewVehicle(line.vin, line.brand, line.tags) for line in lines]
    try:
        with lock:
            results = writer.create_vehicles(wanted)
    except ApiError as exc:
        return AddSent(lines, None, str(exc), None, 0, generation)
    except Exception as exc:  # noqa: BLE001 - never let a write kill the app
        return AddSent(lines, None, f"Unexpected failure: {clean(exc)}", None, 0, generation)
    now = clock()
    by_vin = {line.vin.upper(): line for line in lines}
    added = [
        new_vehicle(line.vin, line.brand, line.tags, r.status or "pending", now, r.vehicle)
        for r in results
        if r.ok and (line := by_vin.get(r.vin.upper())) is not None
    ]
    prepared = store.prepare(added, now, partial=True) if added else None
    return AddSent(lines, results, None, prepared, len(added), generation)


def added_notice(result: AddSent) -> Notice:
    """When the form was closed before the answer came: how many were added."""
    return Notice(f"{result.added} vehicle(s) added.")


def draft_notice(draft: AddDraft | None) -> Notice | None:
    """The form was closed with something typed: say it is kept, and how to go on."""
    if draft is None:
        return None
    lines = draft.line_count
    what = f"{lines} line{'s' if lines != 1 else ''}" if lines else "the form's fields"
    return Notice(f"Draft kept: {what}. Press a to go on with it.", title="Add form closed")


def audit_lines(results: list[CreateResult]) -> list[tuple[str, bool, str]]:
    return [(r.vin, r.ok, r.status if r.ok else (r.description or "")) for r in results]
