"""Every notification the monitor raises, kept; bursts told once; kinds the user muted.

- :class:`NoticeLog` keeps every notice (newest last, bounded), whether or not it was
  shown as a toast, so nothing said is lost: the log screen lists them, filters them
  to the VINs they name, and mutes a kind.
- :func:`coalesce` turns a burst of same-kind notices about single vehicles (six
  rejections in one refresh) into one toast text: "6 vehicles rejected: WBA…01,
  WBA…02 and 4 more (! lists them)", so toasts never stack over the table.

Textual-free: the app decides where a toast goes; this module decides what it says.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fleettui.core.text import one_line

#: Severities as the UI's toasts name them.
INFO, WARNING, ERROR = "information", "warning", "error"
#: A burst of more than this many same-kind notices becomes one.
BURST = 2
#: VINs a coalesced text names before "and N more".
NAMED = 2
#: Error-severity kinds that may still be muted: they report the provider's outcome for
#: a vehicle (shown in the table anyway), not a failure of fleettui's own work.
MUTABLE_ERRORS = frozenset({"rejected"})


def can_mute(kind: str, severity: str) -> bool:
    """A failed refresh or write is never muted; everything else may be."""
    return severity != ERROR or kind in MUTABLE_ERRORS


@dataclass(frozen=True, slots=True)
class LoggedNotice:
    """One entry of the notification log (what a `fleettui.monitor.updates.Notice` became
    once said)."""

    seq: int
    at: datetime
    kind: str  # e.g. "rejected", "write", "refresh", "export"
    text: str  # one safe line
    severity: str = INFO
    vins: tuple[str, ...] = ()
    #: Not shown as a toast (its kind was muted); still kept in the log.
    muted: bool = False

    def line(self) -> str:
        return f"{self.at.strftime('%H:%M:%S')}  {self.kind:<9} {self.text}"


@dataclass
class NoticeLog:
    limit: int = 5000
    _items: deque[LoggedNotice] = field(default_factory=deque, repr=False)
    _muted: set[str] = field(default_factory=set)
    _seq: int = 0

    def add(
        self,
        kind: str,
        text: str,
        *,
        severity: str = INFO,
        vins: Iterable[str] = (),
        at: datetime | None = None,
    ) -> LoggedNotice:
        """Keep one notice; `.muted` on the result says whether to keep it off screen."""
        self._seq += 1
        notice = LoggedNotice(
            self._seq,
            at or datetime.now(UTC),
            kind,
            one_line(text),
            severity,
            tuple(vins),
            kind in self._muted and can_mute(kind, severity),
        )
        self._items.append(notice)
        while len(self._items) > self.limit:
            self._items.popleft()
        return notice

    def __len__(self) -> int:
        return len(self._items)

    def entries(
        self, vins: Iterable[str] | None = None, kinds: Iterable[str] | None = None
    ) -> list[LoggedNotice]:
        """Newest first; only those naming one of `vins` / of one of `kinds` when given."""
        want = {v.upper() for v in vins} if vins is not None else None
        kset = set(kinds) if kinds is not None else None
        out = []
        for n in reversed(self._items):
            if kset is not None and n.kind not in kset:
                continue
            if want is not None and not want.intersection(v.upper() for v in n.vins):
                continue
            out.append(n)
        return out

    # -- muting (a failed refresh or write is never muted: see can_mute) ----------

    @property
    def muted(self) -> frozenset[str]:
        return frozenset(self._muted)

    def is_muted(self, kind: str) -> bool:
        return kind in self._muted

    def toggle_mute(self, kind: str) -> bool:
        """Mute or unmute a kind; True when it is muted now."""
        if kind in self._muted:
            self._muted.discard(kind)
            return False
        self._muted.add(kind)
        return True


def _short_vin(vin: str) -> str:
    return one_line(vin)


def coalesce(
    kind: str, items: Sequence[tuple[str, str]], *, verb: str | None = None, list_key: str = "!"
) -> list[str]:
    """Toast texts for a burst of `(vin, text)` notices of one kind.

    Up to BURST items: each its own text. More: ONE text counting them and naming the
    first few VINs, ending with the key that lists them all."""
    if len(items) <= BURST:
        return [one_line(text) for _vin, text in items]
    vins = [_short_vin(v) for v, _ in items]
    named = ", ".join(vins[:NAMED])
    more = f" and {len(vins) - NAMED} more" if len(vins) > NAMED else ""
    return [f"{len(items)} vehicles {verb or kind}: {named}{more} ({list_key} lists them)"]
