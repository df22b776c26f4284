"""Confirmation dialogs: typed `ModalScreen[bool]`, nothing is sent until the user says yes.

`ConfirmScreen` is the general dialog; `require` makes the user type a phrase (the VIN's
last four characters for a revoke) before "yes" is accepted, so a stray key press can
never withdraw data access.

The dialog says how to answer, in its body and in its footer: `y` sends and `n` goes
back where a single key is safe (not with a typed phrase: there `y` and `n` are typed);
Esc and `q` always go back (`q` is never part of the phrase: VINs have no Q); Enter
presses the highlighted button, which starts on "No".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from fleettui.core.text import clean
from fleettui.ui.widgets.cursor_list import FocusScroll


class PhraseInput(Input):
    """The typed-confirmation box: `q` is never part of a VIN, so it stays the dialog's
    "go back" key instead of being typed."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if key in ("q", "Q"):
            return False
        return super().check_consume_key(key, character)


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no, with an optional phrase to type. Dismisses with True only on a real yes."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    #confirm-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; padding: 0 1; background: $surface;
    }
    #confirm-box.danger { border: thick $error; }
    #confirm-scroll { height: auto; max-height: 40vh; margin: 1 0; }
    #confirm-body { height: auto; }
    #confirm-phrase { width: 20; }
    #confirm-error { height: auto; }
    #confirm-buttons { height: 3; }
    #confirm-keys { height: auto; }
    #confirm-buttons Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("y", "confirm", "Yes, send"),
        Binding("n", "decline", "No"),
        Binding("escape", "cancel", "Back", key_display="Esc"),
        # Over the phrase box too: a VIN never has a Q, so q is never typed (PhraseInput).
        Binding("q", "cancel", "Back", show=False, priority=True),
        Binding("right", "focus_next_button", "Next button", show=False),
        Binding("left", "focus_previous_button", "Previous button", show=False),
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
            with FocusScroll(id="confirm-scroll"):
                yield Static(Text("\n").join(self.body), id="confirm-body")
            if self.require is not None:
                yield Label(Text(self.require_prompt))
                yield PhraseInput(id="confirm-phrase", max_length=len(self.require) + 4)
            yield Static("", id="confirm-error")
            with Horizontal(id="confirm-buttons"):
                yield Button(
                    self.confirm_label,
                    id="confirm-yes",
                    variant="error" if self.danger else "primary",
                )
                yield Button("No, go back", id="confirm-no")
            yield Static(self.keys_hint(), id="confirm-keys")
        yield Footer()

    def keys_hint(self) -> Text:
        """How to answer, in words, under the buttons."""
        if self.require is not None:
            return Text(f"Type {self.require}, then Enter sends · Esc or q goes back", style="dim")
        return Text("y sends · n, Esc or q: back · Enter: the highlighted button", style="dim")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # With a phrase to type, y and n are letters in the box, never an answer.
        return not (action in ("confirm", "decline") and self.require is not None)

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

    def action_confirm(self) -> None:
        if self.require is None:
            self.dismiss(True)

    def action_decline(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def _buttons(self) -> list[Button]:
        return list(self.query("#confirm-buttons Button").results(Button))

    def action_focus_next_button(self) -> None:
        self._step_button(1)

    def action_focus_previous_button(self) -> None:
        self._step_button(-1)

    def _step_button(self, step: int) -> None:
        buttons = self._buttons()
        focused = self.focused
        if focused in buttons:
            buttons[(buttons.index(focused) + step) % len(buttons)].focus()


def _group_key(why: str, terms: Sequence[str]) -> tuple[str, str | None]:
    """The reason with the per-vehicle word (brand or state) taken out, and that word."""
    for term in terms:
        if term and term in why:
            return why.replace(term, "\0", 1), term
    return why, None


def _short(template: str) -> str:
    first = re.split(r"[;.]", template, maxsplit=1)[0]
    return first.replace("\0", "…").strip(" ,:")


def bulk_body(action: str, send: Sequence[str], skipped: Sequence[tuple]) -> list[Text]:
    """The bulk dialog's text: how many will be sent, how many skipped, grouped by why.

    `skipped` holds (vin, why) or (vin, why, brand, state): with the brand/state given,
    reasons that differ only in that word are one group, e.g. "Skip 15: clearances can't be
    cancelled through the API (Ford 5, Renault 2, …)", followed by the full sentence once.
    """
    lines = [
        Text(f"{action.capitalize()} {len(send)} vehicle(s); skip {len(skipped)}.", style="bold")
    ]
    if send:
        shown = ", ".join(clean(v) for v in send[:6]) + (
            f" and {len(send) - 6} more" if len(send) > 6 else ""
        )
        lines.append(Text(f"Will send: {shown}"))
    groups: dict[str, Counter[str]] = {}
    sizes: Counter[str] = Counter()
    for item in skipped:
        why, terms = clean(item[1]), [clean(str(t)) for t in item[2:] if t]
        template, term = _group_key(why, terms)
        groups.setdefault(template, Counter())
        if term is not None:
            groups[template][term] += 1
        sizes[template] += 1
    for template, n in sizes.most_common():
        counts = groups[template]
        head = f"Skip {n}: {_short(template)}"
        if counts:
            parts = [f"{t} {c}" for t, c in counts.most_common(4)]
            head += f" ({', '.join(parts)}{', …' if len(counts) > 4 else ''})"
        lines.append(Text(head))
        full = template.replace(
            "\0", "/".join(t for t, _ in counts.most_common(4)) + ("/…" if len(counts) > 4 else "")
        )
        if full != _short(template):
            lines.append(Text(f"  {full}", style="dim"))
    return lines
