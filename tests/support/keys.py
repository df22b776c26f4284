"""Keys as a terminal delivers them in a burst, and waits until every key sent has been
handled (the key order and the type-ahead hold nothing): shared by the type-ahead and
key-order Pilot tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import events

from tests.support.pilot import wait_for


def where_keys_went(app) -> dict[str, object]:
    """What a burst left behind, said when a wait reaches its bound: a lost key, a key
    run as a command and a key still held read differently from a slow machine."""
    focused = app.focused
    return {
        "screen": type(app.screen).__name__,
        "focused": f"{type(focused).__name__}#{getattr(focused, 'id', None)}",
        "value": getattr(focused, "value", None),
        "paused": app.monitor.connection.paused,
        "typeahead": (app.typeahead.waiting, [k.key for k in app.typeahead._held]),
        "key_order": (app.key_order.busy, [k.key for k in app.key_order.held]),
        "queued": app.message_queue_size,
    }


def burst(app, text: str) -> None:
    """Every key of `text` queued at once, as a terminal delivers a burst."""
    for ch in text:
        key = {"/": "slash", " ": "space"}.get(ch, ch)
        app.post_message(events.Key(key, ch))


def burst_keys(app, *keys: tuple[str, str | None]) -> None:
    """Named keys (with their characters) queued at once."""
    for key, char in keys:
        app.post_message(events.Key(key, char))


#: The bound on a burst's wait: it catches a hang only. A burst costs this process
#: 0.05-0.55 s of CPU (the add form's first open loads its module and composes it), and
#: at load 30-40 on 2 cores a test's process gets 2-5 % of a core: a correct `a` burst
#: took 27 s there (measured beside two CPU hogs on the test's core), past the 20 s this
#: bound was. Each wait also ends as soon as a key went astray (run as a command), so a
#: wrong result fails at once with what the app shows, never at this bound.
BURST_BOUND = 120.0


async def settle(pilot) -> None:
    """Until every key sent has been handled: the key order and the type-ahead hold
    nothing and nothing is queued on the App, on two looks with a Pilot pause between
    them (the App finishes what it has in hand). A count of pauses was not always enough
    on a loaded machine; the bound only catches a hang."""
    app = pilot.app

    def idle() -> bool:
        return not (
            app.key_order.busy
            or app.key_order.held
            or app.typeahead.waiting
            or app.typeahead._held
            or app.message_queue_size
        )

    loop = asyncio.get_running_loop()
    deadline = loop.time() + BURST_BOUND
    while True:
        await wait_for(pilot, idle, BURST_BOUND, state=lambda: where_keys_went(app))
        await pilot.pause()
        if idle():
            return
        assert loop.time() < deadline, f"never idle twice in a row: {where_keys_went(app)}"


async def until(app, condition: Callable[[], bool]) -> None:
    """`wait_for` while the top screen is stalled (Pilot's pause would wait for it): the
    30 s bound catches a hang, it is not a speed check."""
    deadline = asyncio.get_running_loop().time() + 30
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, where_keys_went(app)
        await asyncio.sleep(0.01)
