"""The notification log: every notice the monitor raised, newest first, including the
ones a burst folded into one toast and the ones of a muted kind.

Keys: `/` narrows the log (VIN or words), `f` (or Enter) shows the highlighted notice's
vehicles in the table (dismisses with a :class:`ShowVins`), `m` mutes or unmutes that
notice's kind (errors are never muted), Esc/q closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from fleettui.core.notices import ERROR, WARNING, LoggedNotice, NoticeLog, can_mute
from fleettui.core.text import sanitize
from fleettui.ui.widgets.cursor_list import CursorList


@dataclass(frozen=True, slots=True)
class ShowVins:
    """The user asked to see these vehicles in the table."""

    vins: tuple[str, ...]


_SEVERITY_MARK = {ERROR: "✗", WARNING: "!"}


def notice_line(n: LoggedNotice, muted: bool) -> Text:
    line = Text(f"{n.at.strftime('%H:%M:%S')} ", style="dim")
    line.append(
        _SEVERITY_MARK.get(n.severity, " ") + " ",
        style="bold red" if n.severity == ERROR else "bold",
    )
    line.append(f"{n.kind:<9} ", style="bold")
    line.append(sanitize(n.text))
    if muted or n.muted:
        line.append("  (muted)", style="italic")
    return line


class NotificationLogScreen(ModalScreen[ShowVins | None]):
    DEFAULT_CSS = """
    NotificationLogScreen { align: center middle; }
    #notices-box {
        width: 100; max-width: 100%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    #notices-list { height: 1fr; }
    #notices-search { margin: 0; }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close", key_display="Esc"),
        Binding("f", "show_vins", "Show in table"),
        Binding("m", "toggle_mute", "Mute kind"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def __init__(self, log: NoticeLog, vins: Iterable[str] | None = None) -> None:
        super().__init__()
        self.notices = log
        self.only_vins = tuple(vins) if vins is not None else None
        self.search_text = ""
        self._shown: list[LoggedNotice] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="notices-box"):
            yield Static(id="notices-title")
            yield Input(placeholder="VIN or words; Enter keeps, Esc clears", id="notices-search")
            yield CursorList(id="notices-list")
            yield Static(id="notices-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#notices-search", Input).display = False
        self._title(len(self.notices.entries(vins=self.only_vins)))
        self.call_after_refresh(self._fill)  # the first frame first: a long log takes a while
        self.query_one("#notices-list", OptionList).focus()

    # -- content -----------------------------------------------------------------

    def _matching(self) -> list[LoggedNotice]:
        items = self.notices.entries(vins=self.only_vins)
        needle = self.search_text.strip().lower()
        if needle:
            items = [
                n
                for n in items
                if needle in n.text.lower()
                or any(needle in v.lower() for v in n.vins)
                or needle == n.kind
            ]
        return items

    def _fill(self) -> None:
        menu = self.query_one("#notices-list", OptionList)
        keep = menu.highlighted
        self._shown = self._matching()
        menu.clear_options()
        menu.add_options(
            [
                Option(notice_line(n, self.notices.is_muted(n.kind)), id=str(n.seq))
                for n in self._shown
            ]
        )
        if self._shown:
            menu.highlighted = min(keep or 0, len(self._shown) - 1)
        self._title(len(self.notices.entries(vins=self.only_vins)))
        muted = ", ".join(sorted(self.notices.muted))
        self.query_one("#notices-status", Static).update(
            Text(
                f"Muted (kept here, no toast): {muted}"
                if muted
                else "Nothing muted.  m mutes the highlighted notice's kind."
            )
            if self._shown
            else Text("No notifications yet.")
        )

    def _title(self, kept: int) -> None:
        scope = f" naming {len(self.only_vins)} vehicle(s)" if self.only_vins else ""
        found = f", {len(self._shown)} matching '{self.search_text}'" if self.search_text else ""
        self.query_one("#notices-title", Static).update(
            Text(f"Notifications{scope}: {kept} kept{found}", style="bold")
        )

    def _highlighted(self) -> LoggedNotice | None:
        menu = self.query_one("#notices-list", OptionList)
        i = menu.highlighted
        return self._shown[i] if i is not None and 0 <= i < len(self._shown) else None

    # -- actions -----------------------------------------------------------------

    def action_show_vins(self) -> None:
        n = self._highlighted()
        if n is None or not n.vins:
            self.notify("This notification names no vehicle.", markup=False)
            return
        self.dismiss(ShowVins(n.vins))

    @on(OptionList.OptionSelected, "#notices-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_show_vins()

    def action_toggle_mute(self) -> None:
        n = self._highlighted()
        if n is None:
            return
        if not can_mute(n.kind, n.severity):
            self.notify("Failures of refreshes and writes are never muted.", markup=False)
            return
        now_muted = self.notices.toggle_mute(n.kind)
        self._fill()
        self.notify(
            f"'{n.kind}' notifications {'muted: kept here, no toast' if now_muted else 'shown again'}.",
            markup=False,
        )

    def action_search(self) -> None:
        box = self.query_one("#notices-search", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#notices-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        self._fill()

    @on(Input.Submitted, "#notices-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#notices-list", OptionList).focus()

    def action_move(self, step: int) -> None:
        menu = self.query_one("#notices-list", OptionList)
        menu.action_cursor_down() if step > 0 else menu.action_cursor_up()

    def action_close(self) -> None:
        box = self.query_one("#notices-search", Input)
        if box.has_focus:  # Esc in the search box clears it first
            box.value = ""
            box.display = False
            self.query_one("#notices-list", OptionList).focus()
            return
        self.dismiss(None)
