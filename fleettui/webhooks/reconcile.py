"""Push and list side by side: what a monitor decides about webhook events (Textual-free).

- A verified event updates its vehicle at once; the ledger remembers it as *unconfirmed*.
- The next full list refresh judges every push that arrived before that refresh started:
  the same state means confirmed; another state is a *disagreement* (the list wins and
  the monitor shows the list's state). Pushes that arrived during the fetch wait for the
  next list (the list may predate them).
- Changes the list shows that no delivery announced are counted; when there are some and
  no delivery came for `silence` seconds, push is *silent* (the header alerts: push and
  list disagree, e.g. the webhook was removed in the provider's console).
- While push is healthy the full refresh relaxes to the reconciliation interval.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from fleettui.webhooks.health import HealthSnapshot

DEFAULT_SILENCE = 900.0


@dataclass(frozen=True, slots=True)
class Push:
    vin: str
    status: str
    reason: str | None
    at: float  # when it arrived, on the ledger's clock


@dataclass(frozen=True, slots=True)
class Judgement:
    confirmed: tuple[str, ...]
    disagreed: tuple[str, ...]


class PushLedger:
    def __init__(
        self, *, silence: float = DEFAULT_SILENCE, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.silence = silence
        self._clock = clock
        self._unconfirmed: dict[str, Push] = {}
        self._recent: dict[str, float] = {}  # vin -> when a push last announced it
        self.disagreements = 0
        self.unannounced = 0
        self._last_push: float | None = None
        self._last_unannounced: float | None = None

    def __repr__(self) -> str:
        return (
            f"PushLedger(unconfirmed={len(self._unconfirmed)}, "
            f"disagreements={self.disagreements}, unannounced={self.unannounced})"
        )

    def pushed(self, vin: str, status: str, reason: str | None) -> Push:
        now = self._clock()
        push = Push(vin, status, reason, now)
        self._unconfirmed[vin] = push
        self._recent[vin] = now
        self._last_push = now
        return push

    def unconfirmed(self, vin: str) -> Push | None:
        return self._unconfirmed.get(vin)

    def judge(self, states: Mapping[str, str], started: float) -> Judgement:
        """After a full list fetched from `started` on: `states` is VIN -> status."""
        confirmed: list[str] = []
        disagreed: list[str] = []
        for vin, push in list(self._unconfirmed.items()):
            if push.at >= started:
                continue
            del self._unconfirmed[vin]
            if states.get(vin) == push.status:
                confirmed.append(vin)
            else:
                disagreed.append(vin)
        self.disagreements += len(disagreed)
        return Judgement(tuple(confirmed), tuple(disagreed))

    def list_changed(self, vins: Iterable[str], started: float) -> int:
        """The list's diff showed these VINs change; counts those no push announced
        within `silence` before the fetch. Returns how many were unannounced."""
        n = 0
        for vin in vins:
            seen = self._recent.get(vin)
            if seen is None or seen < started - self.silence:
                n += 1
        if n:
            self.unannounced += n
            self._last_unannounced = self._clock()
        cutoff = self._clock() - 2 * self.silence
        self._recent = {v: t for v, t in self._recent.items() if t >= cutoff}
        return n

    def silent(self) -> bool:
        """The list saw unannounced changes and no delivery came for `silence` seconds."""
        if self._last_unannounced is None:
            return False
        now = self._clock()
        if now - self._last_unannounced > 2 * self.silence:
            return False  # long ago, and nothing since
        return self._last_push is None or now - self._last_push > self.silence

    def annotate(self, snap: HealthSnapshot) -> HealthSnapshot:
        return snap.with_monitor(self.disagreements, self.silent())


def refresh_interval(
    base: float, reconcile: float, snap: HealthSnapshot | None, now: float, silent: bool = False
) -> float:
    """Seconds to the next full list refresh: the reconciliation interval while push is
    healthy (receiver alive, a ping or delivery seen, no alert), else the usual one."""
    if snap is None or silent or snap.status(now) != "ok":
        return base
    return max(base, reconcile)
