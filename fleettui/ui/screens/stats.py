"""The statistics view: approval times and rates per brand, pending ages, daily changes.

The numbers are computed on a worker (`loader`, usually a query of the history file); the
drawing is `fleettui.triage.render.stats_lines`, bars and sparklines of block characters
with their numbers printed, so it reads the same without colour. Redrawn for the width
on resize, without recomputing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from fleettui.core.text import clean
from fleettui.triage.render import stats_lines
from fleettui.triage.stats import Stats
from fleettui.ui.widgets.cursor_list import FocusScroll


class StatsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    StatsScreen { background: $background; }
    StatsScreen #stats-title { height: 1; padding: 0 1; text-style: bold; }
    StatsScreen #stats-scroll { height: 1fr; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "reload", "Recompute"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(
        self,
        loader: Callable[[], Stats],
        *,
        here: Callable[[], datetime] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self.loader = loader
        #: The local wall clock (the header's "updated HH:MM"), to say which clock is which.
        self.here = here
        self.stats: Stats | None = None
        # Kept, not looked up: the worker's answer can come after Esc dismissed the screen.
        self._title = Static(Text("Statistics: computing…"), id="stats-title")
        self._scroll = FocusScroll(id="stats-scroll")
        self._body = Static(Text(""), id="stats-body")

    def compose(self) -> ComposeResult:
        yield self._title
        with self._scroll:
            yield self._body
        yield Footer()

    def on_mount(self) -> None:
        self._scroll.focus()
        self.call_after_refresh(self._load)  # the first frame first (see TriageScreen)

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _load(self) -> None:
        try:
            stats = self.loader()
        except Exception as exc:  # noqa: BLE001 - shown, never fatal
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self.show_stats, stats)

    def _failed(self, exc: BaseException) -> None:
        self._title.update(Text(f"Statistics could not be computed: {clean(exc)}", style="bold"))

    def show_stats(self, stats: Stats) -> None:
        self.stats = stats
        if not self._title.is_attached:  # dismissed while the statistics were computed
            return
        when = as_of_label(stats.now, self.here() if self.here is not None else None)
        self._title.update(
            Text(
                f"Statistics · from {stats.source} · {when}",
                no_wrap=True,
                overflow="ellipsis",
            )
        )
        self._draw()

    def _draw(self) -> None:
        if self.stats is None:
            return
        width = max(40, self.size.width - 3)
        body = "\n".join(clean(line) for line in stats_lines(self.stats, width))
        self._body.update(Text(body, no_wrap=True, overflow="crop"))

    @on(Resize)
    def _resized(self, _event: Resize) -> None:
        self._draw()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self._title.update(Text("Statistics: computing…"))
        self._load()


#: Beyond this the provider's clock and this machine's are told apart on screen.
CLOCKS_APART = timedelta(minutes=2)


def as_of_label(now: datetime, here: datetime | None) -> str:
    """When the statistics were computed, on the provider's clock (it measures time in state).

    The header's "updated HH:MM" is this machine's wall clock; where the two differ (the
    demo's simulator runs fast, or a provider's clock is off) both are named, so "as of
    03:35 UTC" beside "updated 00:59" reads as two clocks rather than a contradiction.
    """
    if here is None or abs(now - here) <= CLOCKS_APART:
        return f"as of {now.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return f"as of {now.astimezone(UTC):%d %b %H:%M} UTC provider clock · here {here:%H:%M}"
