"""The add form's send and its answer: what went out, the provider's verdict per VIN, and
what stays in the form afterwards.

A helper the form composes (not a mixin), beside `AddEligibility`. `send` posts
`AddSubmitted` with the lines that passed the local checks; the app's write flow answers
through `show_results` (or `show_error`). Accepted lines leave the form, refused ones
(by the local checks or by the provider) stay to fix, in their order, and whatever was
typed while the send was in flight is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Input, TextArea

from fleettui.core.brands import VW_CUSTOMER_TAG
from fleettui.core.text import clean
from fleettui.monitor.add_lines import AddLine, has_own_brand
from fleettui.ui.add_messages import AddSubmitted


class AddSending:
    def __init__(self, form: Screen[Any], results: Callable[[Text], None]) -> None:
        self.form = form  # the AddScreen (it imports this module)
        self.results = results  # shows a text in the form's results box
        #: True while a batch is out: another send waits for its answer.
        self.busy = False
        self._in_flight: list[AddLine] = []
        self._local_refused: list[AddLine] = []
        #: The line made of the VIN field (None when it was empty), and every line sent.
        self.field_line: AddLine | None = None
        self._sent_order: list[AddLine] = []
        #: The VIN field and the list as the last send took them.
        self._sent_text: tuple[str, str] | None = None

    def send(self, lines: list[AddLine]) -> None:
        form = self.form
        self._sent_order = lines
        ok = [line for line in lines if line.ok]
        self._local_refused = [line for line in lines if not line.ok]
        if not ok:
            self._show([], [])
            return
        self.busy = True
        self._in_flight = ok
        # What the send took, so whatever is typed while it is in flight is kept.
        self._sent_text = (
            form.query_one("#add-vin", Input).value,
            form.query_one("#add-many", TextArea).text,
        )
        self.results(Text(f"Sending {len(ok)} vehicle(s)…"))
        form.post_message(AddSubmitted(ok))

    def show_error(self, message: str) -> None:
        """The whole request failed: nothing changed, every line stays."""
        self.busy = False
        self.results(Text("Nothing was added: " + clean(message), style="bold red"))

    def show_results(self, results: Sequence) -> None:
        """Per-VIN outcome from the provider (CreateResult objects)."""
        self.busy = False
        if not self.form.query("#add-results"):  # the form is being taken down (the app
            return  # closing as the answer came, seen under load): nothing to show it in
        by_vin = {r.vin.upper(): r for r in results}
        accepted, refused = [], []
        for line in self._in_flight:
            r = by_vin.get(line.vin.upper())
            if r is not None and r.ok:
                accepted.append((line, r))
            else:
                why = (r.description if r is not None else None) or "no answer for this VIN"
                refused.append((line, clean(why)))
        self._in_flight = []
        self._show(accepted, refused)

    def _show(self, accepted: list, refused: list[tuple[AddLine, str]]) -> None:
        out = Text()
        for line, r in accepted:
            out.append(f"✓ {line.vin} {clean(r.status)}\n", style="green")
        for line, why in refused:
            out.append(f"✗ {line.vin}: {why}\n", style="bold red")
        for line in self._local_refused:
            out.append(
                f"✗ {clean(line.vin) or '(empty)'}: {'; '.join(line.problems)} (not sent)\n",
                style="bold red",
            )
        summary = f"{len(accepted)} added, {len(refused) + len(self._local_refused)} refused"
        if refused or self._local_refused:
            summary += "; fix the lines left in the form and send again"
        out.append(summary)
        self.results(out)
        kept = {id(line) for line, _ in refused} | {id(line) for line in self._local_refused}
        self._local_refused = []
        self._after_send(kept)

    def _after_send(self, kept: set[int]) -> None:
        """Accepted lines leave, refused ones stay (in their order); fields whose content
        was sent are cleared; focus goes to the first thing to fix, else an empty VIN."""
        form = self.form
        field = self.field_line
        area = form.query_one("#add-many", TextArea)
        vin_box = form.query_one("#add-vin", Input)
        sent_vin, sent_many = self._sent_text or (vin_box.value, area.text)
        self._sent_text = (vin_box.value, area.text)
        typed = _typed_since(sent_many, area.text)  # lines added while the send was out
        refused = [line for line in self._sent_order if line is not field and id(line) in kept]
        field_kept = field is not None and id(field) in kept
        vin_typed = vin_box.value != sent_vin  # a new VIN typed meanwhile: never cleared
        raws = [line.raw for line in refused]
        if field_kept and vin_typed and field is not None:
            raws.insert(0, field.raw)  # the refused field line moves to the list, not lost
            field_kept = False
        area.text = "\n".join([*raws, *typed])
        area_lines = raws + typed
        if field is not None and not field_kept and not vin_typed:
            vin_box.value = ""
        # The defaults (brand, customer, tags) stay while a line left to fix relies on them.
        cleared = []
        if not field_kept and not area_lines and not vin_typed:
            cleared = ["#add-vin", "#add-brand", "#add-customer", "#add-tags"]
        elif not field_kept and all(has_own_brand(raw) for raw in area_lines):
            cleared = ["#add-brand", "#add-customer"]
        for wid in cleared:
            form.query_one(wid, Input).value = ""
        if field_kept and field is not None:
            form.query_one(_field_to_fix(field), Input).focus()
        elif area_lines:
            area.focus()
            area.move_cursor((0, 0))
        else:
            form.query_one("#add-vin", Input).focus()


def _typed_since(sent: str, now: str) -> list[str]:
    """The lines of `now` that were not in `sent` (typed or pasted while a send was in
    flight), in order; each sent line accounts for one equal line of `now`."""
    left = [line for line in sent.splitlines() if line.strip()]
    out = []
    for line in now.splitlines():
        if line in left:
            left.remove(line)
        elif line.strip():
            out.append(line)
    return out


def _field_to_fix(line: AddLine) -> str:
    """The form field a refused single line most likely needs fixed."""
    text = line.problems[0].lower() if line.problems else ""
    if not text or text.startswith("vin"):
        return "#add-vin"
    if VW_CUSTOMER_TAG in text:
        return "#add-customer"
    if "brand" in text:
        return "#add-brand"
    if "tag" in text:
        return "#add-tags"
    return "#add-vin"
