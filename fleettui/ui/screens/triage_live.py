"""The open triage board follows the fleet, the desk and the data checks: a change to
what it is grouped from regroups it, once per burst. A helper the triage screen composes
(not a mixin).

What the board is grouped from is a token (the fleet's row list, the desk's and the data
checks' change counters), compared by identity and value: comparing 100,000 rows would
cost what the token saves. A burst (a desk catching up, a refresh and its data) makes one
regroup: a change waits `LIVE_SETTLE`, and one that comes while a regroup runs is owed
another when it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

#: A change regroups the open board this long after it (a burst of them makes one).
LIVE_SETTLE = 0.15


def _same(a: object, b: object) -> bool:
    """Tokens of the board's inputs: the same row list (by identity: comparing 100,000
    rows would cost what the token saves), the same counters."""
    return a is b or (isinstance(a, int) and a == b)


class LiveRegroup:
    """`inputs` gives the token (None: the board shows the fleet as it was when opened);
    `regroup` groups again with the fleet as it is now (None: nowhere to get it)."""

    def __init__(
        self,
        screen: Screen[Any],
        inputs: Callable[[], tuple[object, ...]] | None,
        regroup: Callable[[], None] | None,
    ) -> None:
        self.screen = screen  # the TriageScreen (it imports this module)
        self.inputs = inputs
        self.regroup = regroup
        self._grouped_from = inputs() if inputs is not None else None
        #: A regroup is waiting (coalescing a burst), or running; another is owed.
        self._due = False
        self.grouping = False
        self._again = False

    def inputs_changed(self) -> None:
        """Something the board is grouped from may have changed (a refresh, someone's
        claim or snooze, a data check): regroup when it did."""
        if self.inputs is None or self._due:
            return
        token = self.inputs()
        old = self._grouped_from
        if old is not None and len(old) == len(token) and all(map(_same, old, token)):
            return
        self._due = True
        self.screen.set_timer(LIVE_SETTLE, self._regroup_live)

    def _regroup_live(self) -> None:
        if self.grouping:  # the running regroup ends with another (see board_shown)
            self._again = True
            return
        self._due = False
        if self.inputs is None or self.regroup is None:
            return
        self.taken()
        self.regroup()

    def taken(self) -> None:
        """The board is grouped again from the inputs as they are now."""
        if self.inputs is not None:
            self._grouped_from = self.inputs()

    def board_shown(self) -> None:
        """A grouping ended on screen: one owed meanwhile starts after the settle."""
        if self._again:
            self._again = False
            self.screen.set_timer(LIVE_SETTLE, self._regroup_live)

    def failed(self) -> None:
        self.grouping = self._again = self._due = False
