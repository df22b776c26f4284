"""Keys typed right after a key that opens an input belong to that input.

Over a laggy SSH link a burst such as `/privacy` arrives at once: `/` opens the filter,
but the box only takes focus after the next refresh, so `p` and `a` would run as
commands (pause, add). `TypeAhead.expect()` (called by every action that opens an input:
the filter, the add form, typed confirmations, export, setup) holds the keys that arrive
until a text input has focus, then hands them on in order, as if typed into it. Held keys
are given back as they came only once everything the opening key set going is done (its
handling finished, the workers it started ended, the screen on top mounted, nothing
queued on the App or that screen) and still no input has focus: the action opened none.
Never after a time: on a starved machine or a slow link a form can take any time to
mount, and keys given back before it did ran as monitor commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from fleettui.ui.screen_stack import top_screen

#: Looks in a row with all settled and no input focused before the keys are given back;
#: how often to look.
SETTLED_LOOKS = 3
LOOK_EVERY = 0.01
_UNDER_WAY = (WorkerState.PENDING, WorkerState.RUNNING)


def text_input_focused(app: App) -> bool:
    """A text input (Input, TextArea) has focus."""
    if top_screen(app) is None:  # the app is closing (its timer can still tick): no focus
        return False
    focused = app.focused
    if isinstance(focused, Input):
        return True
    # TextArea (and the document model under it: ~10 ms) loads with the first screen
    # that has one; before that no widget can be one.
    area = sys.modules.get("textual.widgets._text_area")
    return area is not None and isinstance(focused, area.TextArea)


class TypeAhead:
    def __init__(self, app: App, key_done: Callable[[], bool] = lambda: True) -> None:
        """`key_done`: the key that opened the input has been handled (ui/key_order.py)."""
        self.app = app
        self.key_done = key_done
        self.waiting = False
        self._held: list[events.Key] = []
        self._replaying: set[int] = set()
        self._passed: set[int] = set()
        self._settled = 0
        #: The workers there were when the input was expected; those started after it,
        #: until the opening key is handled, are the opening's own (a form filled by one).
        self._before: set[int] = set()
        self._opening: list[Worker[object]] | None = None
        self._timer: Timer | None = None

    def expect(self) -> None:
        """An input is about to open: hold what is typed until it has focus."""
        self.waiting = True
        self._settled = 0
        self._before = {id(w) for w in self.app.workers}
        self._opening = None
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
        return text_input_focused(self.app)

    def _check(self) -> None:
        self._settled = self._settled + 1 if self._all_done() else 0
        if not self.waiting or self._input_focused() or self._settled >= SETTLED_LOOKS:
            self._release()

    def _all_done(self) -> bool:
        """The opening key is handled, the workers it started have ended, the screen on
        top is mounted and nothing is queued on it or on the App (a focus change still
        to come is queued on the App)."""
        screen = top_screen(self.app)
        if screen is None:  # the app is closing: nothing will open
            return True
        if not self.key_done():
            return False
        if self._opening is None:  # the key's handling is over: its workers are known
            self._opening = [w for w in self.app.workers if id(w) not in self._before]
        return (
            not any(w.state in _UNDER_WAY for w in self._opening)
            and screen.is_mounted
            and not screen.message_queue_size
            and not self.app.message_queue_size
        )

    def _release(self) -> None:
        """Hand the held keys on, in order, to whatever has focus now."""
        self.waiting = False
        self._passed.clear()
        self._opening = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        held, self._held = self._held, []
        for key in held:
            again = events.Key(key.key, key.character)
            self._replaying.add(id(again))
            self.app.post_message(again)
