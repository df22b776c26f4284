"""The triage board: vehicles that need someone, grouped by who must act, then by reason
and brand, ordered by urgency.

Who acts comes from the reason catalogue (`ReasonInfo.actor`); a reason the catalogue
does not know falls back to the state's guidance. Pending vehicles with no reason that
waited longer than the brand's usual time (`core.timings`) are "stuck, no reason". A
pending vehicle whose reason has a documented retry window carries a deadline: when the
provider is expected to reject it (an estimate, always labelled so).

Works on anything row-like (`vin`, `brand`, `state`, `status`, `reason`, `since`, `tags`
as the monitor's `Row` has them), so the monitor's 100,000 rows are grouped without
building a `Vehicle` each. The board's shape (Board, Queue, Item) is `triage/board.py`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from fleettui.core import reasons as R
from fleettui.core.brands import GROUPS, VW_CUSTOMER_TAG, VW_GROUP, brand_info
from fleettui.core.reasons import Actor
from fleettui.core.state_guidance import state_guidance
from fleettui.core.states import State
from fleettui.core.timings import Deadline, retry_window, usual_approval_seconds
from fleettui.triage.board import ACTOR_ORDER, REASON, STUCK, WAITING, Board, Fix, Item, Queue

_VW_BRANDS = frozenset(GROUPS.get(VW_GROUP, ()))
_TRIAGED = frozenset(
    {State.PENDING, State.REJECTED, State.REVOKING, State.CANCELING, State.UNKNOWN}
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "x"


def row_since(row: Any) -> datetime | None:
    since = getattr(row, "since", None)
    if since is None:  # a Vehicle
        since = getattr(row, "state_since", None)
    if isinstance(since, datetime):
        return since
    if isinstance(since, str):
        try:
            return datetime.fromisoformat(since).replace(tzinfo=UTC)
        except ValueError:
            return None
    return None


def classify(
    state: State,
    reason: str | None,
    brand: str,
    age: float | None,
) -> tuple[Actor, str, str]:
    """(who acts, queue kind, title) for one vehicle."""
    info = R.lookup_reason(reason) if reason else None
    if info is not None:
        return info.actor, REASON, info.title
    if reason:  # a reason the catalogue does not know: shown verbatim
        return state_guidance(state).actor, REASON, reason
    if state is State.PENDING:
        if age is not None and age > usual_approval_seconds(brand):
            if brand_info(brand).group == "Ford":
                return Actor.FLEET_OPERATOR, STUCK, "Stuck, no reason (check Ford consent)"
            return Actor.HM_SUPPORT, STUCK, "Stuck, no reason"
        return Actor.NOBODY_WAIT, WAITING, "Activation in progress"
    if state is State.REJECTED:
        return Actor.FLEET_OPERATOR, REASON, "Rejected, no reason given"
    if state in (State.REVOKING, State.CANCELING):
        return Actor.NOBODY_WAIT, WAITING, f"{state.value.capitalize()} (provider working)"
    return Actor.NOBODY_WAIT, WAITING, f"State {state.value!r}"


def _fix_for(state: State, reason: str | None, brand: str, customer: str | None) -> Fix | None:
    if (
        state is State.REJECTED
        and reason == R.CUSTOMER_NAME_TAG_MISSING
        and brand_info(brand).group == VW_GROUP
    ):
        return Fix(
            "re-add",
            {VW_CUSTOMER_TAG: customer or ""},
            f"Re-add these vehicles with the tag {VW_CUSTOMER_TAG}"
            + (f" = {customer}" if customer else " set to the fleet operator's name"),
        )
    return None


def _urgency(q: Queue, now: datetime) -> tuple:
    d = q.next_deadline
    left = d.seconds_left(now) if d is not None else float("inf")
    kind_rank = {REASON: 0, STUCK: 1, WAITING: 2}[q.kind]
    oldest = q.oldest
    return (
        ACTOR_ORDER.index(q.actor),
        left,
        kind_rank,
        -q.count,
        oldest.timestamp() if oldest else 0.0,
        q.title,
        q.brand,
    )


def _item_order(now: datetime) -> Callable[[Item], tuple[float, float, str]]:
    far = float("inf")

    def key(i: Item) -> tuple[float, float, str]:
        left = i.deadline.seconds_left(now) if i.deadline is not None else far
        return (left, i.since.timestamp() if i.since else far, i.vin)

    return key


#: Enough VW-group vehicles to tell the fleet's customer name apart.
_CUSTOMER_SAMPLE = 500


class DeskWork(Protocol):
    """The shared desk's work state as the board needs it (the monitor's desk mirror)."""

    def snooze_of(self, vin: str, state: str | None = None) -> Any: ...

    def claim_cell(self, vin: str) -> str: ...


def build_board(
    rows: Iterable[Any],
    now: datetime,
    *,
    by_brand: bool = False,
    data: Any = None,
    desk: DeskWork | None = None,
) -> Board:
    """Group the fleet into queues by who acts and reason, and with `by_brand` by brand
    as well (pure; any thread). Classification and windows are looked up once per
    (state, reason, brand), so 100,000 rows cost one pass. With `data` (a
    `triage.data_queues.DataView`), approved vehicles whose data is missing or blocked
    join the data queues too. With a shared `desk`, snoozed vehicles are left out
    (counted) and each item says who holds it."""
    groups: dict[tuple, list[Item]] = {}
    snoozed = 0
    customers: Counter[str] = Counter()
    sampled = 0
    total = 0
    usual: dict[str, float] = {}
    kinds: dict[tuple, tuple[Actor, str, str]] = {}
    windows: dict[tuple, Any] = {}
    for row in rows:
        total += 1
        state = row.state
        brand = row.brand
        if sampled < _CUSTOMER_SAMPLE and brand in _VW_BRANDS:
            name = row.tags.get(VW_CUSTOMER_TAG)
            if name:
                customers[name] += 1
                sampled += 1
        if state not in _TRIAGED:
            if data is not None and state is State.APPROVED:
                found_data = data.item(row, now)
                if found_data is not None:
                    d_actor, d_title, d_reason, d_item = found_data
                    groups.setdefault(
                        (d_actor, REASON, state, d_reason, d_title, brand if by_brand else ""), []
                    ).append(d_item)
            continue
        holder = ""
        if desk is not None:
            if desk.snooze_of(row.vin, state.value) is not None:
                snoozed += 1
                continue
            holder = desk.claim_cell(row.vin)
        reason = row.reason
        since = row_since(row)
        age = None if since is None else (now - since).total_seconds()
        limit = usual.get(brand)
        if limit is None:
            limit = usual[brand] = usual_approval_seconds(brand)
        ck = (state, reason, brand, age is not None and age > limit)
        found = kinds.get(ck)
        if found is None:
            found = kinds[ck] = classify(state, reason, brand, age)
        actor, kind, title = found
        deadline = None
        if state is State.PENDING and since is not None:
            wk = (reason, brand)
            if wk not in windows:
                windows[wk] = retry_window(reason, brand)
            window = windows[wk]
            if window is not None:
                deadline = Deadline(window, since + timedelta(seconds=window.seconds))
        key = (
            actor,
            kind,
            state,
            reason if kind == REASON else None,
            title,
            brand if by_brand else "",
        )
        groups.setdefault(key, []).append(
            Item(
                row.vin,
                brand,
                state,
                row.status,
                reason,
                since,
                deadline,
                row.tags,
                row,
                claimed_by=holder,
            )
        )
    customer = customers.most_common(1)[0][0] if customers else None
    order = _item_order(now)
    queues = []
    for key, items in groups.items():
        actor, kind, state, reason, title, brand = key
        items.sort(key=order)
        # A data queue's reason is its state ("data:none"); its title carries the days.
        what = f"{reason} {title}" if reason and reason.startswith("data:") else reason or title
        qid = "/".join((_slug(actor.value), state.value, _slug(what), brand or "all"))
        queues.append(
            Queue(
                qid,
                actor,
                kind,
                state,
                reason,
                title,
                brand,
                tuple(items),
                _fix_for(state, reason, items[0].brand, customer),
            )
        )
    queues.sort(key=lambda q: _urgency(q, now))
    return Board(now, tuple(queues), total, customer, by_brand, snoozed)
