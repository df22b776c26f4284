"""Keys are handled one after another, each after what the one before it changed.

Textual hands a key to the focused widget by putting it on that widget's queue, and the
App takes the next key off its own queue at once. A key the widget does not use (Tab)
bubbles back up to the App, behind the keys that came after it, and the focus change its
binding asks for (`focus_next`, or `widget.focus()`, which Textual applies later again)
comes later still. So a burst (a paste, a laggy SSH link) of a VIN, Tab and a brand put
all of it in the VIN box: every key had been handed to the VIN box before Tab moved the
focus.

`KeyOrder` holds the keys that arrive while one is still being handled. A `KeyDone`
marker goes to the key's widget behind it; it takes the same path up (widget, its
parents, the screen, the App) so it reaches the App after the key and after any binding
it ran; it goes round a second time behind what the key's handling posted (Enter's
`Input.Submitted`), and the next key is let go once the focus changes that key asked for
(queued on the App by then) are done. A marker can be lost when its widget goes away (Esc
closing a dialog): the held keys go on when the widget is detached, or once no queue on
its way to the App holds anything for `LOST_AFTER` looks in a row. Never after a time: on
a loaded machine or a slow link the marker can take any time to come back, and a key let
go before it would land where the user was no longer typing.

Only a key with another behind it pays for the marker. A lone key (typed by hand, the
next one far behind) is handed on as Textual would, and no marker is posted. The marker
cost a lone `j` more than its own eight dispatches (~0.6-1 ms): its second lap kept the
screen's queue full, so the screen handled the table's `CursorChanged` (the detail pane)
before it went idle and painted, and the key's frame waited for that work (in-process,
key at the App to the frame: 13 ms against 2-3 ms, load 7). When the next key comes, the
one before it is over if its whole way up is at rest (`at_rest`: nothing queued on its
widget, its parents or the App, and each of them waiting for its next message, none in
the middle of one); then the new key goes straight on too. Otherwise the marker is
posted then, behind everything the earlier key left on its widget, and the new key waits
for it as in a burst. The key that opens an input always posts its marker (the
type-ahead waits for that key to be handled), and so does a key let go with others held
behind it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Iterator

from textual import events
from textual._queue import Queue
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.timer import Timer

from fleettui.ui.screen_stack import top_screen
from fleettui.ui.typeahead import TypeAhead, text_input_focused

#: ESC DEL as the terminal driver marks it (ui/driver.py): Alt+Backspace, or Esc then
#: Backspace in one read, the same bytes.
ESC_BACKSPACE = "\x1b\x7f"

#: Looks in a row with nothing queued between the key's widget and the App after which
#: its marker counts as lost (the held keys go on).
LOST_AFTER = 5
#: Rounds a marker makes: the key itself, then what its handling posted to the widget.
LAPS = 2
LOOK_EVERY = 0.01


class KeyDone(events.Event, bubble=True):
    """Behind a key on its widget's queue: that key has been handled (posted by KeyOrder;
    an Event, so it reaches `App.on_event`, where `KeyOrder.took` takes it)."""

    def __init__(self, ticket: int, lap: int = 1) -> None:
        super().__init__()
        self.ticket = ticket
        self.lap = lap


def is_esc_backspace(event: events.Key) -> bool:
    return event.key == "ctrl+w" and event.character == ESC_BACKSPACE


class KeyOrder:
    def __init__(
        self,
        app: App,
        typeahead: TypeAhead,
        handle: Callable[[events.Event], Awaitable[None]],
        opens_input: Callable[[str], bool],
    ) -> None:
        """`handle`: Textual's own handling of an event (the App's `on_event`);
        `opens_input`: whether a key opens a text input now (for the type-ahead)."""
        self.app = app
        self.typeahead = typeahead
        self.handle = handle
        self.opens_input = opens_input
        self.held: deque[events.Key] = deque()
        self._ticket = 0
        self._target: MessagePump | None = None
        #: The widget the last key went to when no marker followed it (a lone key).
        self._unconfirmed: MessagePump | None = None
        #: Markers posted (read by the tests: a lone key posts none).
        self.markers = 0
        self._looks = 0
        self._timer: Timer | None = None

    async def took(self, event: events.Event) -> bool:
        """The App's `on_event`: True when this took the event (a key from the terminal,
        handled or held; a marker come back), False for the App to handle it."""
        if isinstance(event, KeyDone):
            self.done(event)
            return True
        if not isinstance(event, events.Key) or event.is_forwarded:
            return False
        if self.hold(event):
            return True
        earlier, self._unconfirmed = self._unconfirmed, None
        if earlier is not None and not at_rest(earlier, self.app):
            # The key before may still be under way: its marker now, this key behind it.
            self.held.append(event)
            self.follow(earlier)
            return True
        await self._let(event)
        return True

    async def _let(self, event: events.Key) -> None:
        if is_esc_backspace(event) and not text_input_focused(self.app):
            # Esc then Backspace in one read (ui/driver.py): outside a text input no
            # ctrl+w is bound, so it is the two keys, and the Esc is not lost.
            self.held.appendleft(events.Key("backspace", "\x7f"))
            event = events.Key("escape", "\x1b")
        if self.typeahead.take(event, opens_input=self.opens_input(event.key)):
            self.skipped()  # held for the input about to open (ui/typeahead.py)
            return
        target = self.app.focused or top_screen(self.app)
        await self.handle(event)
        if target is None:  # no screen left: the app is closing, nothing to order
            return
        if self.held or self.typeahead.waiting:
            self.follow(target)  # a key waits behind this one, or an input is opening
        else:
            self._unconfirmed = target  # a lone key: looked at when the next one comes

    @property
    def busy(self) -> bool:
        return self._target is not None

    @property
    def settled(self) -> bool:
        """Every key let go has been handled: no marker out, none held, and the way up of
        the last lone key (which posted none) at rest. The type-ahead waits for this
        before it judges an opening over (a key whose action opens an input calls
        `expect()` as it runs, once the key is already on its way)."""
        if self.busy or self.held:
            return False
        earlier = self._unconfirmed
        # Looked at from a timer, not from a key's turn: the App itself may be in the
        # middle of that key's binding, so it must be waiting too.
        return earlier is None or (_waiting(self.app) and at_rest(earlier, self.app))

    def hold(self, event: events.Key) -> bool:
        """True when the key must wait (an earlier one is being handled); it is kept."""
        if self.busy or self.held:
            self.held.append(event)
            return True
        return False

    def follow(self, target: MessagePump) -> None:
        """A key was handed to `target` (the focused widget, or the screen): hold the
        next ones until its marker comes back."""
        self._ticket += 1
        self._target = target
        self._looks = 0
        self.markers += 1
        if not target.post_message(KeyDone(self._ticket)):
            self._finished()
            return
        if self._timer is None:
            self._timer = self.app.set_interval(LOOK_EVERY, self._look, name="key-order")

    def done(self, message: KeyDone) -> None:
        """The marker is back at the App: the key's bindings have run. What the key's
        widget posted meanwhile (Input.Submitted for Enter) is queued on the widget
        behind the marker, so it goes round once more; then the focus changes asked for
        are queued on the App behind it, and the next key goes after them."""
        if message.ticket != self._ticket or self._target is None:
            return
        if message.lap < LAPS and self._target.post_message(KeyDone(self._ticket, message.lap + 1)):
            return
        self.app.call_later(self._finished)

    def skipped(self) -> None:
        """The key let through was not handed to a widget (type-ahead kept it)."""
        self._finished()

    def _look(self) -> None:
        target = self._target
        if target is None:
            return
        if not getattr(target, "is_attached", True):
            self._finished()
            return
        self._looks = self._looks + 1 if _path_is_empty(target) else 0
        if self._looks >= LOST_AFTER:
            self._finished()

    def _finished(self) -> None:
        self._target = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.held:
            self.app.call_later(self._let_next)

    async def _let_next(self) -> None:
        if self.busy or not self.held:
            return
        await self._let(self.held.popleft())
        if not self.busy and self.held:
            self.app.call_later(self._let_next)


def at_rest(target: MessagePump, app: App) -> bool:
    """Everything a key handed to `target` set going on its way up is over: nothing is
    queued on the App (the key being handled now was taken off it), and `target` and each
    node above it is waiting for its next message with none queued (a node in the middle
    of one, awaiting in a handler or flushing its callbacks, is not). A widget no longer
    attached is at rest: a marker to it would be lost. In doubt (no way to see a node
    waiting), not at rest: the marker is posted."""
    if app.message_queue_size:
        return False
    if not getattr(target, "is_attached", True):
        return True
    return all(_waiting(node) for node in _way_up(target) if node is not app)


def _waiting(node: MessagePump) -> bool:
    """`node` is at the head of its message loop, waiting on an empty queue: its task
    waits on the queue's ready event (Textual's own queue, textual/_queue.py); a node
    taking or handling a message, or woken for the next, is not waiting on it."""
    queue: Queue[Message | None] = node._message_queue
    if not queue.empty() or node._pending_message is not None:
        return False
    waiters = getattr(queue.ready_event, "_waiters", None) or ()
    return any(not waiter.done() for waiter in waiters)


def _path_is_empty(target: MessagePump) -> bool:
    """Nothing is queued on `target` or on any node above it up to the App: a marker
    posted to `target` is no longer on its way (it was dropped)."""
    return not any(node.message_queue_size for node in _way_up(target))


def _way_up(target: MessagePump) -> Iterator[MessagePump]:
    """`target`, then each node above it, the App last."""
    node: MessagePump | None = target
    while node is not None:
        yield node
        node = node._parent
