"""The triage board's data queues (issue 19): approved cars whose data is missing or
blocked, by who must act, each with its ready message.

- "Approved, no data after N days" (driver): no data since approval for longer than the
  brand's first-data threshold (an estimate, `core.data_thresholds`);
- "Privacy mode blocks data" (driver);
- "Consent removed by the OEM" (fleet operator);
- "No active consent for this vehicle" (fleet operator);
- "Silent: no data for longer than usual" (driver first, then support with the request_id).

A queue's `reason` is `data:<state>`, so the board's grouping, ordering and ids work as
for the clearance reasons; `message_text` hands such queues to `data_message` here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fleettui.core.data_states import DATA_CATALOGUE, DataRecord, DataState, current_state
from fleettui.core.data_thresholds import DEFAULT_THRESHOLDS, Thresholds
from fleettui.core.reasons import SUPPORT_EMAIL, Actor
from fleettui.core.text import one_line
from fleettui.core.timefmt import format_duration, format_ts
from fleettui.triage.board import Item, Queue
from fleettui.triage.queues import row_since

PREFIX = "data:"
_TITLES: dict[DataState, tuple[Actor, str]] = {
    DataState.PRIVACY: (Actor.DRIVER, "Privacy mode blocks data"),
    DataState.CONSENT: (Actor.FLEET_OPERATOR, "Consent removed by the OEM"),
    DataState.NO_CONSENT: (Actor.FLEET_OPERATOR, "No active consent for this vehicle"),
    DataState.SILENT: (Actor.DRIVER, "Silent: no data for longer than usual"),
}
#: What the provider says, word for word, for the blocked states.
PROVIDER_WORDS = {
    DataState.PRIVACY: "Privacy mode is active",
    DataState.CONSENT: "Consent is removed by OEM",
    DataState.NO_CONSENT: "No active consent for this vehicle",
}


def is_data_queue(q: Queue) -> bool:
    return bool(q.reason) and str(q.reason).startswith(PREFIX)


@dataclass(frozen=True)
class DataView:
    """The recorded data states, as the board reads them."""

    records: Mapping[str, DataRecord]
    thresholds: Thresholds = DEFAULT_THRESHOLDS

    def item(self, row: Any, now: datetime) -> tuple[Actor, str, str, Item] | None:
        """(who acts, queue title, queue reason, item) for an approved row, or None."""
        record = self.records.get(row.vin)
        if record is None:
            return None
        brand = row.brand
        state = current_state(record, brand, now, self.thresholds)
        approved = row_since(row)
        since: datetime | None = record.checked_at
        if state is DataState.NONE:
            limit = self.thresholds.for_brand(brand)
            if approved is None or (now - approved).total_seconds() <= limit.first_data_seconds:
                return None
            actor, title = Actor.DRIVER, f"Approved, no data after {limit.first_data_days:g} days"
            since = approved
        elif state in _TITLES:
            actor, title = _TITLES[state]
            if state is DataState.SILENT:
                since = record.newest
        else:
            return None
        reason = PREFIX + state.value
        return (
            actor,
            title,
            reason,
            Item(row.vin, brand, row.state, row.status, reason, since, None, row.tags, row, record),
        )


def _data_state(reason: str | None) -> DataState:
    return DataState(str(reason)[len(PREFIX) :])


def _line(item: Item, now: datetime) -> str:
    record: DataRecord | None = item.data
    parts = [one_line(item.vin), one_line(item.brand)]
    state = _data_state(item.reason)
    if state is DataState.NONE:
        parts.append(f"approved {format_duration(item.age(now))} ago, no data yet")
    elif state is DataState.SILENT and record is not None and record.newest is not None:
        parts.append(f"silent since {format_ts(record.newest)}")
    elif record is not None and record.checked_at is not None:
        parts.append(f"checked {format_ts(record.checked_at)}")
    if record is not None and record.request_id:
        parts.append(f"request_id {one_line(record.request_id, 100)}")
    return "  - " + "  ".join(parts)


def data_message(q: Queue, now: datetime, what: str, limit: int | None = None) -> str:
    """The ready message of a data queue; `what`: '3 Volkswagen vehicles'."""
    state = _data_state(q.reason)
    info = DATA_CATALOGUE[state.value]
    items = q.items if limit is None else q.items[:limit]
    if q.actor is Actor.DRIVER:
        head = [
            f"To the driver{'s' if q.count != 1 else ''} of {what}: {one_line(q.title)}.",
            "",
            info.meaning,
            "",
            "What to do in the car:",
        ]
        steps = [s for s in info.steps if SUPPORT_EMAIL not in s]
    else:
        head = [f"For the fleet operator: {what} — {one_line(q.title)}.", ""]
        if state in PROVIDER_WORDS:
            head.append(f'The provider says: "{PROVIDER_WORDS[state]}".')
        head += [info.meaning, "", "What to fix:"]
        steps = [s for s in info.steps if SUPPORT_EMAIL not in s]
    lines = head + [f"  {n}. {s}" for n, s in enumerate(steps, 1)]
    lines += ["", f"Then: {info.next}", "", "The vehicles:"] + [_line(i, now) for i in items]
    support = [s for s in info.steps if SUPPORT_EMAIL in s]
    if support:
        lines += ["", f"If that does not help: {support[0]}"]
    return "\n".join(lines) + "\n"
