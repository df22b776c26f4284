"""The add form's eligibility: ask the app as VINs are entered, show the answers, and ask
before sending a vehicle the provider says cannot be activated.

A helper the form composes (not a mixin). The form never calls the network: it posts
`EligibilityWanted` (debounced: a VIN typed character by character is asked once, when
the fields have stayed the same for `CHECK_AFTER` seconds); the app's worker answers
through `AddScreen.show_eligibility`. Each (VIN, brand) is asked once; a failed check is
asked again on the next change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.widgets import Input, Static, TextArea

from fleettui.monitor.add_lines import AddLine, parse_block
from fleettui.monitor.eligibility import EligibilityOutcome, wanted
from fleettui.ui.add_messages import EligibilityWanted
from fleettui.ui.screens.confirm import ConfirmScreen

Key = tuple[str, str]

#: Seconds the VIN, brand or list must stay unchanged before their eligibility is asked.
CHECK_AFTER = 0.4
#: At most this many lines of the list are checked as they are typed or pasted.
CHECK_LINES = 50
ELIGIBILITY_STYLE = {
    "eligible": "green",
    "ineligible": "bold red",
    "invalid": "bold red",
    "unknown": "yellow",
    "unchecked": "dim",
}


def eligibility_text(outcome: EligibilityOutcome | None, checking: bool = False) -> Text:
    """The line under the VIN: eligible / not / connectivity / primary user, or why not
    known. Glyphs and words, so it reads without colour."""
    if outcome is None:
        return Text("… checking eligibility", style="dim") if checking else Text("")
    glyph = {"eligible": "✓ ", "ineligible": "✗ ", "invalid": "✗ ", "unknown": "? "}.get(
        outcome.kind, ""
    )
    out = Text(glyph + outcome.text, style=ELIGIBILITY_STYLE.get(outcome.kind, ""))
    for warning in outcome.warnings:
        out.append(f"\n  ! {warning}", style="yellow")
    return out


class AddEligibility:
    def __init__(self, form: Any) -> None:  # the AddScreen (it imports this module)
        self.form = form
        #: Answers by (vin, brand), what was asked already, what the user confirmed.
        self._answers: dict[Key, EligibilityOutcome] = {}
        self._asked: set[Key] = set()
        self._confirmed: set[Key] = set()
        self._timer = None

    def check_soon(self) -> None:
        """Ask once the fields have stayed the same for CHECK_AFTER seconds (typing a VIN
        asks once, not 17 times)."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.form.set_timer(CHECK_AFTER, self._ask)
        self.show_rows()

    def _pairs(self) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
        brand, tags, _, customer = self.form.defaults()
        field = wanted(self.form.query_one("#add-vin", Input).value, brand)
        many = []
        for line in parse_block(
            self.form.query_one("#add-many", TextArea).text, brand, tags, customer
        )[:CHECK_LINES]:
            key = wanted(line.vin, line.brand) if line.ok else None
            if key is not None and key not in many:
                many.append(key)
        return field, many

    def _ask(self) -> None:
        self._timer = None
        field, many = self._pairs()
        todo = [k for k in ([field] if field else []) + many if k not in self._asked]
        if todo:
            self._asked.update(todo)
            self.form.post_message(EligibilityWanted(todo))
        self.show_rows()

    def show(self, outcome: EligibilityOutcome) -> None:
        key = (outcome.vin, outcome.brand)
        if outcome.kind == "unknown":
            self._asked.discard(key)  # a failed check is asked again on the next change
        self._answers[key] = outcome
        self.show_rows()

    def show_rows(self) -> None:
        field, many = self._pairs()
        box = self.form.query_one("#add-elig", Static)
        if field is None:
            text = Text("")
        else:
            text = eligibility_text(self._answers.get(field), checking=field in self._asked)
        box.update(text)
        for widget in self.form.query(".elig-row"):
            widget.display = bool(text.plain)
        summary = self.form.query_one("#add-elig-many", Static)
        answers = [self._answers[k] for k in many if k in self._answers]
        if not many:
            summary.update("")
            summary.display = False
            return
        bad = [a for a in answers if a.blocks]
        line = Text(f"Eligibility: {len(answers)} of {len(many)} checked")
        if bad:
            names = ", ".join(a.vin for a in bad[:3]) + (" …" if len(bad) > 3 else "")
            line.append(f"; {len(bad)} NOT eligible: {names}", style="bold red")
        unknown = sum(1 for a in answers if a.kind == "unknown")
        if unknown:
            line.append(f"; {unknown} unknown", style="yellow")
        summary.update(line)
        summary.display = True

    def blocked(self, line: AddLine) -> bool:
        key = wanted(line.vin, line.brand)
        outcome = self._answers.get(key) if key else None
        return outcome is not None and outcome.blocks and key not in self._confirmed

    def ask_before_sending(
        self, lines: list[AddLine], doubtful: list[AddLine], send: Callable[[list[AddLine]], None]
    ) -> None:
        body: list[Text | str] = [
            f"The provider says {len(doubtful)} of these vehicle(s) cannot be activated:"
        ]
        for line in doubtful[:8]:
            key = wanted(line.vin, line.brand)
            outcome = self._answers.get(key) if key else None
            body.append(Text(f"  ✗ {line.vin}: {outcome.text if outcome else ''}"))
        if len(doubtful) > 8:
            body.append(f"  … and {len(doubtful) - 8} more")
        body.append("They would most likely be rejected ('ineligible VIN'). Send anyway?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._confirmed.update(k for ln in doubtful if (k := wanted(ln.vin, ln.brand)))
                send(lines)
            else:
                self.form.results(
                    Text(
                        "Nothing was sent; fix or remove the vehicles found not "
                        "eligible, or send again and confirm.",
                        style="yellow",
                    )
                )

        self.form.app.push_screen(
            ConfirmScreen("Send vehicles found not eligible?", body, confirm_label="Send anyway"),
            callback=answered,
        )
