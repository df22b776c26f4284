"""The screens a key opens (ctrl+p, `t`, `T`, `!`, `s`, `?`) are made ready while the
monitor is idle, so their first frame does not wait for Python to import their modules
or for Textual to parse their styles.

The screens' modules load when first used (the start paints first). On their first open,
that import (the triage screen pulls in the triage package: ~40 ms on an idle core, 4-10x
that on a loaded one) and Textual's re-parse of the whole stylesheet for the new widget
classes' DEFAULT_CSS came before the first frame. `soon(app)`, called once the first
answer is on screen, imports them on a thread worker, then adds their widget classes'
DEFAULT_CSS to the stylesheet and parses it once on the UI thread (what Textual would do
at the first open). Anything failing here only means the first open does it itself.
"""

from __future__ import annotations

import importlib
import types
from collections.abc import Iterator

from textual.app import App
from textual.dom import DOMNode
from textual.widget import Widget

#: What the keys open, with the Textual modules they use.
MODULES = (
    "textual.command",
    "fleettui.ui.screens.triage",
    "fleettui.ui.screens.stats",
    "fleettui.ui.screens.notifications",
    "fleettui.ui.screens.sort_menu",
    "fleettui.ui.screens.help",
    "fleettui.ui.screens.confirm",
)
#: Seconds after the first answer is painted (the first background passes go first).
DELAY = 1.0


def soon(app: App) -> None:
    """Once per app, in a terminal (not in tests' headless runs): warm up after DELAY."""
    if app.is_headless or getattr(app, "_fleettui_warm", False):
        return
    app._fleettui_warm = True  # type: ignore[attr-defined]
    app.set_timer(
        DELAY,
        lambda: app.run_worker(
            lambda: _imports(app), thread=True, group="warm-up", exit_on_error=False
        ),
        name="warm-up",
    )


def _imports(app: App) -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the first open imports it (and says why)
            return
    app.call_from_thread(_styles, app)


def _widget_classes(base: type[Widget] = Widget) -> Iterator[type[Widget]]:
    for cls in base.__subclasses__():
        yield cls
        yield from _widget_classes(cls)


def _styles(app: App) -> None:
    """The DEFAULT_CSS of every loaded widget class, added as Textual adds it when a first
    widget of the class is mounted (Widget._post_register), then one parse."""
    stylesheet = app.stylesheet
    try:
        for cls in set(_widget_classes()):
            bases = types.SimpleNamespace(_node_bases=DOMNode._css_bases(cls))
            for read_from, css, tie_breaker, scope in DOMNode._get_default_css(bases):  # type: ignore[arg-type]
                stylesheet.add_source(
                    css,
                    read_from=read_from,
                    is_default_css=True,
                    tie_breaker=tie_breaker,
                    scope=scope,
                )
        stylesheet.rules  # noqa: B018 - parsed now, while idle, not at the first open
    except Exception:  # noqa: BLE001 - Textual's internals moved: the first open parses
        return
