"""Since you last looked: what changed between the last session and now.

The history keeps when the user last looked (`mark_looked`, at the end of a session and
whenever they open the list of changes), on the provider's clock like every recorded
time, plus this machine's clock for saying it in the user's own words ("since yesterday
17:40"). Changes are the events first seen after that moment, one per VIN (its newest),
counted by the state they went to; "newly stuck" are pending vehicles with no reason that
crossed the brand's usual time since then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fleettui.core.states import State
from fleettui.core.timings import usual_approval_seconds
from fleettui.history.events import Event
from fleettui.history.store import HistoryStore
from fleettui.triage.queues import row_since

LAST_LOOK = "last_look"  # provider clock, epoch seconds
LAST_LOOK_LOCAL = "last_look_local"  # this machine's clock, epoch seconds
#: The order counts are said in.
STATE_WORDS = ("approved", "rejected", "pending", "revoked", "canceled", "revoking", "canceling")


@dataclass(frozen=True)
class SinceSummary:
    since: datetime
    since_local: datetime | None
    #: VIN -> its newest change since then.
    changes: dict[str, Event] = field(default_factory=dict)
    newly_stuck: tuple[str, ...] = ()

    @property
    def counts(self) -> Counter[str]:
        return Counter(e.new for e in self.changes.values())

    @property
    def vins(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.changes, *self.newly_stuck)))

    @property
    def empty(self) -> bool:
        return not self.changes and not self.newly_stuck

    def parts(self) -> list[str]:
        counts = self.counts
        parts = [
            f"{counts[s]} {'back to pending' if s == 'pending' else s}"
            for s in STATE_WORDS
            if counts.get(s)
        ]
        parts += [f"{n} {s}" for s, n in sorted(counts.items()) if s not in STATE_WORDS]
        if self.newly_stuck:
            parts.append(f"{len(self.newly_stuck)} newly stuck")
        return parts

    def sentence(self, local_now: datetime | None = None) -> str:
        """'14 approved, 3 rejected, 2 newly stuck since yesterday 17:40'."""
        when = when_words(self.since_local, local_now) if self.since_local else "your last look"
        parts = self.parts()
        if not parts:
            return f"No changes since {when}."
        return f"{', '.join(parts)} since {when}"


def when_words(then: datetime, now: datetime | None = None) -> str:
    """'17:40' today, 'yesterday 17:40', 'Mon 17:40' this week, else '3 Nov 17:40'."""
    now = now or datetime.now().astimezone()
    then_l = then.astimezone(now.tzinfo) if now.tzinfo else then
    days = (now.date() - then_l.date()).days
    clock = then_l.strftime("%H:%M")
    if days <= 0:
        return f"today {clock}"
    if days == 1:
        return f"yesterday {clock}"
    if days < 7:
        return f"{then_l:%a} {clock}"
    return f"{then_l.day} {then_l:%b} {clock}"


def last_look(store: HistoryStore) -> tuple[datetime, datetime | None] | None:
    raw = store.get_meta(LAST_LOOK)
    if raw is None:
        return None
    try:
        since = datetime.fromtimestamp(float(raw), UTC)
    except (ValueError, OverflowError, OSError):
        return None
    local = store.get_meta(LAST_LOOK_LOCAL)
    try:
        since_local = datetime.fromtimestamp(float(local), UTC) if local else None
    except (ValueError, OverflowError, OSError):
        since_local = None
    return since, since_local


def mark_looked(store: HistoryStore, now: datetime, local_now: datetime | None = None) -> None:
    store.set_meta(LAST_LOOK, repr(now.timestamp()))
    store.set_meta(LAST_LOOK_LOCAL, repr((local_now or datetime.now(UTC)).timestamp()))


def since_last_look(store: HistoryStore, rows: Iterable[Any], now: datetime) -> SinceSummary | None:
    """None on the first session (nothing to compare with)."""
    look = last_look(store)
    if look is None:
        return None
    return summarize(store, rows, now, *look)


def summarize(
    store: HistoryStore,
    rows: Iterable[Any],
    now: datetime,
    since: datetime,
    since_local: datetime | None = None,
) -> SinceSummary:
    """What changed between `since` (the provider's clock) and `now`."""
    changes: dict[str, Event] = {}
    for e in store.events(seen_after=since):
        if e.old == e.new and e.source != "diff":
            continue  # a retry entry with a new reason, not a change of state
        if e.source == "data":
            continue  # whether data arrives is told by the data columns and queues
        changes[e.vin] = e  # oldest first: the newest per VIN wins
    stuck = []
    for row in rows:
        if row.state is not State.PENDING or row.reason:
            continue
        started = row_since(row)
        if started is None:
            continue
        crossed = started + timedelta(seconds=usual_approval_seconds(row.brand))
        if since < crossed <= now:
            stuck.append(row.vin)
    return SinceSummary(since, since_local, changes, tuple(stuck))
