"""The triage board's shape: a `Board` of `Queue`s of `Item`s (one vehicle each), who
acts in what order (`ACTOR_ORDER`) and the queue kinds. Plain data; `triage/queues.py`
builds it from the fleet's rows (`build_board`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fleettui.core.brands import brand_info
from fleettui.core.reasons import Actor
from fleettui.core.states import State
from fleettui.core.timings import Deadline

#: Who acts, in the order the desk works through them.
ACTOR_ORDER: tuple[Actor, ...] = (
    Actor.DRIVER,
    Actor.FLEET_OPERATOR,
    Actor.HM_SUPPORT,
    Actor.NOBODY_WAIT,
)
ACTOR_TITLES: dict[Actor, str] = {
    Actor.DRIVER: "Driver",
    Actor.FLEET_OPERATOR: "Fleet operator",
    Actor.HM_SUPPORT: "Provider's support",
    Actor.NOBODY_WAIT: "Nobody (wait)",
}
#: Queue kinds: a known or unknown reason, stuck with no reason, waiting as usual.
REASON, STUCK, WAITING = "reason", "stuck", "waiting"


@dataclass(frozen=True, slots=True)
class Fix:
    """A queue's fix that is an API action (offered with the usual confirmation)."""

    action: str  # "re-add"
    tags: dict[str, str]  # tags to set when re-adding ("" = ask)
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    vin: str
    brand: str
    state: State
    status: str
    reason: str | None
    #: When the current state began (for pending: when the clearance was added).
    since: datetime | None
    deadline: Deadline | None
    tags: dict[str, str]
    #: The row or vehicle it came from (its changelog, for the support message).
    source: Any = field(default=None, compare=False, repr=False)
    #: For a data queue (triage.data_queues): the vehicle's DataRecord.
    data: Any = field(default=None, compare=False, repr=False)
    #: Who holds it on the shared desk ("me", a name; "" unclaimed or no desk).
    claimed_by: str = ""

    def age(self, now: datetime) -> float | None:
        return None if self.since is None else (now - self.since).total_seconds()

    def time_left(self, now: datetime) -> float | None:
        return None if self.deadline is None else self.deadline.seconds_left(now)


@dataclass(frozen=True, slots=True)
class Queue:
    id: str
    actor: Actor
    kind: str
    state: State
    reason: str | None
    title: str
    brand: str
    items: tuple[Item, ...]
    fix: Fix | None = None

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def brand_display(self) -> str:
        """The brand's name; for a queue of several brands, the brands by count."""
        if self.brand:
            return brand_info(self.brand).display
        brands = self.brands
        names = ", ".join(brand_info(b).display for b, _ in brands[:3])
        return names + (f" +{len(brands) - 3}" if len(brands) > 3 else "")

    @property
    def brands(self) -> list[tuple[str, int]]:
        """(brand, vehicles) most first."""
        return Counter(i.brand for i in self.items).most_common()

    @property
    def oldest(self) -> datetime | None:
        return min((i.since for i in self.items if i.since is not None), default=None)

    @property
    def next_deadline(self) -> Deadline | None:
        dated = [i.deadline for i in self.items if i.deadline is not None]
        return min(dated, key=lambda d: d.rejects_at) if dated else None

    def oldest_age(self, now: datetime) -> float | None:
        o = self.oldest
        return None if o is None else (now - o).total_seconds()

    @property
    def vins(self) -> tuple[str, ...]:
        return tuple(i.vin for i in self.items)

    @property
    def claimed(self) -> list[tuple[str, int]]:
        """(holder, vehicles) on the shared desk, most first ("" = unclaimed)."""
        return Counter(i.claimed_by for i in self.items).most_common()


@dataclass(frozen=True, slots=True)
class Board:
    now: datetime
    queues: tuple[Queue, ...]
    #: Vehicles looked at (the whole fleet).
    total: int
    #: The fleet's most common vw-group-customer-name (for the re-add fix), if any.
    customer_name: str | None = None
    by_brand: bool = False
    #: Vehicles left out because someone snoozed them on the shared desk.
    snoozed: int = 0

    def get(self, queue_id: str) -> Queue | None:
        return next((q for q in self.queues if q.id == queue_id), None)

    def by_actor(self) -> list[tuple[Actor, list[Queue]]]:
        return [(a, qs) for a in ACTOR_ORDER if (qs := [q for q in self.queues if q.actor is a])]

    def count(self, actor: Actor | None = None) -> int:
        return sum(q.count for q in self.queues if actor is None or q.actor is actor)
