"""The handover: what changed on the desk in the period, what each person claimed, noted,
snoozed and released, and what is still unclaimed and urgent — the text a shift hands
the next one. Read on a worker (`monitor/desk_handover.py`); `y` copies it, `e` saves it
to a file, `-`/`+` change the period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from fleettui.core.text import clean, hang_wrap
from fleettui.monitor.desk_handover import HandoverRead

#: The periods `-` and `+` step through (hours).
PERIODS = (4.0, 8.0, 12.0, 24.0, 72.0)
DEFAULT_PERIOD = 12.0


def period_label(hours: float) -> str:
    return f"{int(hours)}h" if hours < 48 else f"{int(hours // 24)}d"


class HandoverScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HandoverScreen { background: $background; layout: vertical; }
    HandoverScreen #handover-title { height: 1; padding: 0 1; text-style: bold; }
    HandoverScreen #handover-scroll { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    """

    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("y", "copy", "Copy"),
        Binding("e", "save", "Save to file"),
        Binding("minus", "period(-1)", "Shorter", key_display="-"),
        Binding("plus,equals_sign", "period(1)", "Longer", key_display="+"),
        Binding("r", "reload", "Again", show=False, tooltip="Read the desk again"),
    ]

    def __init__(
        self,
        read: Callable[[float], HandoverRead],
        *,
        save: Callable[[str], str] | None = None,
        hours: float = DEFAULT_PERIOD,
    ) -> None:
        super().__init__()
        self._read = read
        self._save = save
        self.hours = hours
        self.shown: HandoverRead | None = None
        # Kept, not looked up: the desk's answer can come after Esc dismissed the screen.
        self._title_bar = Static(Text(self._title("reading the desk…")), id="handover-title")
        self._scroll = VerticalScroll(id="handover-scroll")
        self._body = Static(Text(""), id="handover-text")

    def compose(self) -> ComposeResult:
        yield self._title_bar
        with self._scroll:
            yield self._body
        yield Footer()

    def on_mount(self) -> None:
        self._scroll.focus()
        self.load()

    def _title(self, tail: str = "") -> str:
        return (
            f"Handover · the last {period_label(self.hours)} · y copies, e saves, "
            f"-/+ period{' · ' + tail if tail else ''}"
        )

    @work(thread=True, exclusive=True, group="handover", exit_on_error=False)
    def load(self) -> None:
        result = self._read(self.hours)
        self.app.call_from_thread(self.show, result)

    def show(self, result: HandoverRead) -> None:
        if result.hours != self.hours:
            return  # an older period's answer
        self.shown = result
        if not self._body.is_attached:  # dismissed while the desk was read
            return
        body, title = self._body, self._title_bar
        if result.problem:
            title.update(Text(self._title("the desk did not answer")))
            body.update(Text(clean(result.problem), style="bold"))
            return
        until = result.report.until if result.report is not None else datetime.now(UTC)
        title.update(Text(self._title(f"as of {until.astimezone(UTC):%H:%M} UTC")))
        self._fill(body)

    def _fill(self, body: Static) -> None:
        """The text, its long lines wrapped with a hanging indent at the width there is
        (a continuation under its own entry, not at the left edge)."""
        if self.shown is None or self.shown.problem:
            return
        width = self._scroll.scrollable_content_region.width
        if width <= 0:  # not laid out yet: the screen's width less padding and gutter
            width = self.app.size.width - 4
        text = clean(self.shown.text, keep_newlines=True)
        body.update(Text(hang_wrap(text, max(20, width))))

    def on_resize(self) -> None:
        self._fill(self._body)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_period(self, step: int) -> None:
        at = min(range(len(PERIODS)), key=lambda i: abs(PERIODS[i] - self.hours))
        self.hours = PERIODS[max(0, min(len(PERIODS) - 1, at + step))]
        self._title_bar.update(Text(self._title("reading…")))
        self.load()

    def action_reload(self) -> None:
        self.load()

    def _text(self) -> str | None:
        if self.shown is None or not self.shown.text:
            self.notify(
                "Nothing to copy yet: the handover is still being read.",
                severity="warning",
                markup=False,
            )
            return None
        return self.shown.text

    def action_copy(self) -> None:
        text = self._text()
        if text is None:
            return
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Copied the handover ({len(text.splitlines())} lines) to the clipboard "
            "(terminal clipboard, OSC 52); e saves it to a file too.",
            markup=False,
        )

    def action_save(self) -> None:
        text = self._text()
        if text is None or self._save is None:
            return
        self._write(text)

    @work(thread=True, group="handover-save", exit_on_error=False)
    def _write(self, text: str) -> None:
        assert self._save is not None
        said = self._save(text)
        self.app.call_from_thread(self.notify, said, markup=False)
