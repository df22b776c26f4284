"""Who holds the receiver's connection slots, and who gives one up when they run out.

A connection that has not sent its whole request head is the cheapest thing to lose: a
real delivery sends its head at once, so one still waiting is idle (or an attacker
holding the slot). When every slot is taken, or the peer holds its share, a newcomer
takes the slot of the connection that has waited longest for its head (that peer's own
first, when the peer is at its cap); only when no connection is waiting for its head is
the newcomer turned away. So idle sockets, however many, cannot shut good deliveries
out: each delivery costs one idle socket its slot, not the other way round.

Plain data on the event loop's thread (no locks); `fleettui.webhooks.receiver` uses it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

#: Connections open at once, in all. More than any one peer may hold (`PER_PEER`).
MAX_SLOTS = 256
#: Connections one peer address may hold at once.
PER_PEER = 64


@dataclass(eq=False)
class Slot:
    peer: str
    order: int
    #: Closes the connection at once (its task then ends); set by the receiver.
    drop: Callable[[], None] = field(default=lambda: None, repr=False)
    #: The whole request head has arrived: no longer the first to lose its slot.
    head_done: bool = False


class Slots:
    def __init__(self, total: int = MAX_SLOTS, per_peer: int = PER_PEER) -> None:
        self.total = max(1, total)
        self.per_peer = max(1, min(per_peer, self.total))
        self._open: dict[Slot, None] = {}  # in arrival order
        self._by_peer: dict[str, int] = {}
        self._order = itertools.count()
        #: Connections dropped to make room (they had not sent their head).
        self.evicted = 0
        #: Newcomers turned away (nothing could make room).
        self.refused = 0

    def __len__(self) -> int:
        return len(self._open)

    def held_by(self, peer: str) -> int:
        return self._by_peer.get(peer, 0)

    def admit(self, peer: str) -> Slot | None:
        """A slot for a new connection from `peer`, made by dropping the longest-waiting
        head-less connection if need be; None when there is none to drop."""
        if self._by_peer.get(peer, 0) >= self.per_peer and not self._evict(peer):
            self.refused += 1
            return None
        if len(self._open) >= self.total and not self._evict(None):
            self.refused += 1
            return None
        slot = Slot(peer, next(self._order))
        self._open[slot] = None
        self._by_peer[peer] = self._by_peer.get(peer, 0) + 1
        return slot

    def release(self, slot: Slot) -> None:
        """The connection ended (idempotent)."""
        if self._open.pop(slot, False) is None:
            left = self._by_peer[slot.peer] - 1
            if left:
                self._by_peer[slot.peer] = left
            else:
                del self._by_peer[slot.peer]

    def _evict(self, peer: str | None) -> bool:
        for slot in self._open:  # oldest first
            if not slot.head_done and (peer is None or slot.peer == peer):
                self.release(slot)
                self.evicted += 1
                slot.drop()
                return True
        return False
