"""What a desk action needs typed: a note's text, the person to hand a claim to, or how
long a snooze lasts and why. Nothing typed is lost: Escape keeps the text as a draft
(the next note on the same vehicles starts from it), and a note goes to the outbox
before the desk is even asked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Label, Static, TextArea

from fleettui.core.text import clean
from fleettui.core.timefmt import parse_until

TITLES = {"note": "Note on", "hand": "Hand the claim on", "snooze": "Snooze"}


@dataclass(frozen=True)
class DeskInput:
    """What was typed: the note's text or the snooze's reason, the person, the end."""

    kind: str
    text: str = ""
    to_user: str = ""
    until: datetime | None = None


def _vins(vins: Sequence[str]) -> str:
    if len(vins) == 1:
        return clean(vins[0])
    return f"{len(vins)} marked vehicles ({', '.join(clean(v) for v in vins[:2])}, …)"


class DeskInputScreen(ModalScreen["DeskInput | None"]):
    DEFAULT_CSS = """
    DeskInputScreen { align: center middle; }
    DeskInputScreen #desk-input-box { width: 72; max-width: 100%; height: auto;
        max-height: 100%; border: thick $primary; background: $surface; padding: 0 1; }
    DeskInputScreen TextArea { height: 8; }
    DeskInputScreen #desk-input-error { height: auto; }
    DeskInputScreen Label { width: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Back (keeps the text)"),
        Binding("ctrl+s", "send", "Send", priority=True),
    ]

    def __init__(
        self,
        kind: str,
        vins: Sequence[str],
        *,
        draft: str = "",
        people: Sequence[str] = (),
        now: Callable[[], datetime],
        keep_draft: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.vins = tuple(vins)
        self.draft = draft
        self.people = [p for p in people if p]
        self.now = now
        self.keep_draft = keep_draft

    def compose(self) -> ComposeResult:
        with Vertical(id="desk-input-box"):
            yield Label(Text(f"{TITLES[self.kind]} {_vins(self.vins)}", style="bold"))
            if self.kind == "note":
                yield Label("With your name and the time; never edited. ctrl+s sends.")
                yield TextArea(self.draft, id="desk-note", soft_wrap=True)
            elif self.kind == "hand":
                yield Label("To whom (their desk user name; Enter sends):")
                yield Input(
                    id="desk-to",
                    placeholder="e.g. ana",
                    suggester=SuggestFromList(self.people, case_sensitive=False),
                )
            else:
                yield Label("Until: 4h, 2d, 2026-12-07 09:00 (empty: its next state change)")
                yield Input(id="desk-until", placeholder="empty: until its next state change")
                yield Label("Why (the others see it):")
                yield Input(self.draft, id="desk-why", placeholder="e.g. driver on holiday")
            yield Static("", id="desk-input-error")
        yield Footer()

    def on_mount(self) -> None:
        first = {"note": "#desk-note", "hand": "#desk-to", "snooze": "#desk-until"}[self.kind]
        self.query_one(first).focus()

    def _error(self, text: str) -> None:
        self.query_one("#desk-input-error", Static).update(Text(text, style="bold red"))

    def _typed(self) -> str:
        if self.kind == "note":
            return self.query_one("#desk-note", TextArea).text
        if self.kind == "snooze":
            return self.query_one("#desk-why", Input).value
        return ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "desk-until":
            self.query_one("#desk-why", Input).focus()
            return
        self.action_send()

    def action_send(self) -> None:
        if self.kind == "note":
            text = self._typed()
            if not text.strip():
                self._error("Type the note first (Escape goes back).")
                return
            self.dismiss(DeskInput("note", text=text))
        elif self.kind == "hand":
            who = self.query_one("#desk-to", Input).value.strip()
            if not who:
                self._error("Type a desk user name.")
                return
            self.dismiss(DeskInput("hand", to_user=who))
        else:
            try:
                until = parse_until(self.query_one("#desk-until", Input).value, self.now())
            except ValueError as exc:
                self._error(str(exc))
                return
            self.dismiss(DeskInput("snooze", text=self._typed().strip(), until=until))

    def action_cancel(self) -> None:
        typed = self._typed()
        if self.keep_draft is not None:
            self.keep_draft(typed)
        if typed.strip():
            self.notify(
                "Kept what you typed: the next one on these vehicles starts from it.", markup=False
            )
        self.dismiss(None)
