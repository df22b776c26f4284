"""Keys typed right after a key that opens an input belong to that input.

Over a laggy SSH link a burst such as `/privacy` arrives at once: `/` opens the filter,
but the box only takes focus after the next refresh, so `p` and `a` would run as
commands (pause, add). `TypeAhead.expect()` (called by every action that opens an input:
the filter, the add form, typed confirmations, export, setup) holds the keys that arrive
until a text input has focus, then hands them on in order, as if typed into it. Held keys
are given back as they came if no input takes focus within `GIVE_UP_AFTER` seconds.
"""

from __future__ import annotations

from textual import events
from textual.app import App, ScreenStackError
from textual.timer import Timer
from textual.widgets import Input, TextArea

#: Seconds to wait for an input to take focus before giving the keys back; how often to look.
GIVE_UP_AFTER = 0.5
LOOK_EVERY = 0.01


class TypeAhead:
    def __init__(self, app: App) -> None:
        self.app = app
        self.waiting = False
        self._held: list[events.Key] = []
        self._replaying: set[int] = set()
        self._passed: set[int] = set()
        self._turns = 0
        self._timer: Timer | None = None

    def expect(self) -> None:
        """An input is about to open: hold what is typed until it has focus."""
        self.waiting = True
        self._turns = 0
        if self._timer is None:
            self._timer = self.app.set_interval(LOOK_EVERY, self._check, name="typeahead")

    def take(self, event: events.Key, opens_input: bool = False) -> bool:
        """True when the key is held for the input (the app must not handle it now).
        `opens_input`: this key's action opens one (its action runs later than the keys
        after it reach the app, so the holding starts here)."""
        if id(event) in self._replaying:
            self._replaying.discard(id(event))
            return False
        if id(event) in self._passed:  # the same key bubbling back up to the app
            return False
        if not self.waiting:
            if opens_input and not self._input_focused():
                self._passed.add(id(event))
                self.expect()
            return False
        if self._input_focused() and not self._held:
            self.waiting = False
            return False
        self._held.append(event)
        return True

    def _input_focused(self) -> bool:
        try:
            focused = self.app.focused
        except ScreenStackError:  # the app is closing (its timer can still tick): no focus
            return False
        return isinstance(focused, Input | TextArea)

    def _check(self) -> None:
        self._turns += 1
        if not self.waiting or self._input_focused() or self._turns * LOOK_EVERY >= GIVE_UP_AFTER:
            self._release()

    def _release(self) -> None:
        """Hand the held keys on, in order, to whatever has focus now."""
        self.waiting = False
        self._passed.clear()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        held, self._held = self._held, []
        for key in held:
            again = events.Key(key.key, key.character)
            self._replaying.add(id(again))
            self.app.post_message(again)
