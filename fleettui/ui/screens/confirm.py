"""Confirmation dialogs: typed `ModalScreen[bool]`, nothing is sent until the user says yes.

`ConfirmScreen` is the general dialog; `require` makes the user type a phrase (the VIN's
last four characters for a revoke) before "yes" is accepted, so a stray key press can
never withdraw data access.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from fleettui.ui.safe_text import clean


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no, with an optional phrase to type. Dismisses with True only on a real yes."""

    BINDINGS = [
        Binding("escape", "cancel", "Back"),
        Binding("n", "cancel", "No", show=False),
    ]

    def __init__(
        self,
        title: str,
        body: Sequence[Text | str],
        *,
        confirm_label: str = "Yes, send",
        require: str | None = None,
        require_prompt: str | None = None,
        danger: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = [b if isinstance(b, Text) else Text(b) for b in body]
        self.confirm_label = confirm_label
        self.require = require
        self.require_prompt = require_prompt or f"Type {require} to confirm:"
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="danger" if self.danger else ""):
            yield Label(Text(self.title_text, style="bold"), id="confirm-title")
            yield Static(Text("\n").join(self.body), id="confirm-body")
            if self.require is not None:
                yield Label(Text(self.require_prompt))
                yield Input(id="confirm-phrase", max_length=len(self.require) + 4)
            yield Static("", id="confirm-error")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.confirm_label, id="confirm-yes", variant="error" if self.danger else "primary")
                yield Button("No, go back", id="confirm-no")

    def on_mount(self) -> None:
        if self.require is not None:
            self.query_one("#confirm-phrase", Input).focus()
        else:
            self.query_one("#confirm-no", Button).focus()

    def _accept(self) -> None:
        if self.require is not None:
            typed = self.query_one("#confirm-phrase", Input).value.strip().upper()
            if typed != self.require.upper():
                self.query_one("#confirm-error", Static).update(
                    Text("That does not match; try again or press Escape.", style="bold red")
                )
                self.query_one("#confirm-phrase", Input).focus()
                return
        self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm-yes":
            self._accept()
        else:
            self.dismiss(False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._accept()

    def action_cancel(self) -> None:
        self.dismiss(False)


def bulk_body(action: str, send: Sequence[str], skipped: Sequence[tuple[str, str]]) -> list[Text]:
    """The bulk dialog's text: how many will be sent, how many skipped, grouped by why."""
    lines = [Text(f"{action.capitalize()} {len(send)} vehicle(s); skip {len(skipped)}.", style="bold")]
    if send:
        shown = ", ".join(clean(v) for v in send[:6]) + (f" and {len(send) - 6} more" if len(send) > 6 else "")
        lines.append(Text(f"Will send: {shown}"))
    by_reason: dict[str, list[str]] = {}
    for vin, why in skipped:
        by_reason.setdefault(why, []).append(vin)
    for why, vins in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        lines.append(Text(f"Skipped {len(vins)}: {clean(why)}"))
    return lines
