"""The add form: one VIN with live checks, or many lines pasted / loaded from CSV.

The form never calls the network. It posts `AddSubmitted` with the lines that
passed the local checks; the app sends them and calls `show_results` (or `show_error`).
Refused lines (by the local checks or by the provider) stay in the form to fix;
accepted ones leave it (the app puts them in the table at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static, TextArea

from fleettui.core.brands import VW_CUSTOMER_TAG, is_known_brand
from fleettui.core.text import clean
from fleettui.monitor.add_lines import (
    AddDraft,
    AddLine,
    customer_wanted,
    has_own_brand,
    parse_block,
    parse_line,
    parse_tags,
    read_csv_file,
)
from fleettui.monitor.eligibility import EligibilityOutcome
from fleettui.ui.add_feedback import (
    BrandInput,
    BrandSuggester,
    LineInput,
    ResultsBox,
    brand_completion,
    brand_feedback,
    vin_feedback,
)
from fleettui.ui.add_messages import AddSubmitted, LinesPasted
from fleettui.ui.screens.add_eligibility import AddEligibility


class AddScreen(ModalScreen[AddDraft | None]):
    """Dismisses with the draft (None when the form was empty) so nothing typed is lost."""

    DEFAULT_CSS = """
    AddScreen { background: $background; }
    #add-box { height: 1fr; padding: 0 1; }
    #add-grid, #add-csv-row { grid-size: 2; grid-columns: 10 1fr; height: auto; }
    #add-grid Input, #add-csv-row Input {
        height: 1; border: none; padding: 0 1; background: $boost;
    }
    #add-grid Input:focus, #add-csv-row Input:focus { background: $primary 30%; }
    #add-grid Label, #add-csv-row Label { height: 1; }
    #add-grid Static { height: auto; }
    /* The paste box takes the room the screen has (3 lines at 80x24, more when taller). */
    #add-many { height: 2fr; min-height: 5; }
    #add-results-box { height: 1fr; min-height: 2; }
    """

    BINDINGS = [
        Binding("ctrl+s", "send", "Send"),
        Binding("escape", "close", "Close (keeps a draft)"),
    ]

    def __init__(self, draft: AddDraft | None = None) -> None:
        super().__init__()
        self.draft = draft
        self.busy = False
        self._in_flight: list[AddLine] = []
        self._local_refused: list[AddLine] = []
        self._field_line: AddLine | None = None
        self._sent_order: list[AddLine] = []
        #: Eligibility of the VINs typed or pasted (asked of the app, shown here).
        self.eligibility = AddEligibility(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="add-box"):
            yield Label(
                Text(
                    "Add vehicles  (Enter or ctrl+s sends, Escape closes and keeps a draft)",
                    style="bold",
                )
            )
            with Grid(id="add-grid"):
                yield Label("VIN")
                yield LineInput(id="add-vin", placeholder="17 characters", max_length=40)
                yield Label("")
                yield Static(vin_feedback(""), id="add-vin-check")
                yield Label("", classes="elig-row")
                yield Static("", id="add-elig", classes="elig-row")
                yield Label("Brand")
                yield BrandInput(id="add-brand", placeholder="e.g. bmw", suggester=BrandSuggester())
                yield Label("")
                yield Static(brand_feedback(""), id="add-brand-check")
                yield Label("Customer", id="add-customer-label", classes="vw-only")
                yield Input(
                    id="add-customer",
                    classes="vw-only",
                    placeholder=f"{VW_CUSTOMER_TAG} (required for VW group)",
                )
                yield Label("Tags")
                yield Input(id="add-tags", placeholder="key=value, key2=value2")
            yield Label("Many vehicles, one per line: vin[,brand[,key=value...]]")
            yield TextArea(id="add-many", soft_wrap=False, show_line_numbers=False)
            yield Static("", id="add-elig-many")
            with Grid(id="add-csv-row"):
                yield Label("CSV file")
                yield Input(id="add-csv", placeholder="path; Enter loads it into the list above")
            with ResultsBox(id="add-results-box"):
                yield Static("", id="add-results")
        yield Footer()

    def on_mount(self) -> None:
        if self.draft is not None:
            self._restore(self.draft)
        self._toggle_customer(self.query_one("#add-brand", Input).value)
        self.eligibility.show_rows()
        self.query_one("#add-vin", Input).focus()

    def _restore(self, draft: AddDraft) -> None:
        for wid, value in (
            ("#add-vin", draft.vin),
            ("#add-brand", draft.brand),
            ("#add-customer", draft.customer),
            ("#add-tags", draft.tags),
        ):
            self.query_one(wid, Input).value = value
        self.query_one("#add-many", TextArea).text = draft.many

    def current_draft(self) -> AddDraft:
        vin, brand, customer, tags = (
            self.query_one(w, Input).value
            for w in ("#add-vin", "#add-brand", "#add-customer", "#add-tags")
        )
        return AddDraft(vin, brand, customer, tags, many=self.query_one("#add-many", TextArea).text)

    # -- live checks ---------------------------------------------------------------

    @on(Input.Changed, "#add-vin")
    def _vin_changed(self, event: Input.Changed) -> None:
        self.query_one("#add-vin-check", Static).update(vin_feedback(event.value))
        self.eligibility.check_soon()

    @on(Input.Changed, "#add-brand")
    def _brand_changed(self, event: Input.Changed) -> None:
        self.query_one("#add-brand-check", Static).update(brand_feedback(event.value))
        self._toggle_customer(event.value)
        self.eligibility.check_soon()

    @on(TextArea.Changed, "#add-many")
    def _many_changed(self) -> None:
        self._toggle_customer()
        self.eligibility.check_soon()

    def show_eligibility(self, outcome: EligibilityOutcome) -> None:
        """An eligibility answer from the app's worker."""
        self.eligibility.show(outcome)

    def _toggle_customer(self, brand: str | None = None) -> None:
        """The Customer field shows when the Brand field or a line of the block names a
        brand that needs it (a triage fix fills only the block)."""
        if brand is None:
            brand = self.query_one("#add-brand", Input).value
        show = customer_wanted(brand, self.query_one("#add-many", TextArea).text)
        for widget in self.query(".vw-only"):
            widget.display = show

    @on(Input.Submitted, "#add-csv")
    def _load_csv(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        try:
            text = read_csv_file(path)
        except (OSError, ValueError) as exc:
            self.results(Text(f"Could not load {path}: {clean(exc)}", style="bold red"))
            return
        area = self.query_one("#add-many", TextArea)
        area.text = (area.text.rstrip("\n") + "\n" + text).strip("\n")
        count = len(parse_block(text))
        self.results(Text(f"Loaded {count} line(s) from {path}; ctrl+s sends them."))

    @on(LinesPasted)
    def _pasted_lines(self, event: LinesPasted) -> None:
        """Lines pasted into the VIN or brand field join the Many box (appended)."""
        event.stop()
        area = self.query_one("#add-many", TextArea)
        if event.lines:
            area.text = "\n".join([area.text.rstrip("\n"), *event.lines]).strip("\n")
            self.results(
                Text(f"Pasted {len(event.lines)} line(s) into the list; ctrl+s sends them.")
            )
        area.focus()
        area.move_cursor(area.document.end)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "add-csv":  # Enter there loads the file instead
            self.action_send()

    # -- sending -------------------------------------------------------------------

    def defaults(self) -> tuple[str, dict[str, str], list[str], str]:
        """Brand, tags, tag problems and the Customer name (for VW-group lines only)."""
        brand = self.query_one("#add-brand", Input).value.strip()
        tags, problems = parse_tags(self.query_one("#add-tags", Input).value)
        customer = self.query_one("#add-customer", Input).value.strip()
        return brand, tags, problems, customer

    def _complete_brand(self) -> None:
        """A brand typed in part ("volk" showing "→ volkswagen") is completed before
        anything is sent: a half-typed prefix of a known brand is never sent as a brand."""
        box = self.query_one("#add-brand", Input)
        completion = brand_completion(box.value)
        if completion and not is_known_brand(box.value) and completion != box.value.strip().lower():
            box.value = completion
            box.cursor_position = len(completion)

    def collect(self) -> list[AddLine]:
        brand, tags, tag_problems, customer = self.defaults()
        lines: list[AddLine] = []
        vin = self.query_one("#add-vin", Input).value.strip()
        self._field_line = None
        if vin:
            line = parse_line(vin, brand, tags, customer)
            line.problems = tag_problems + line.problems
            self._field_line = line
            lines.append(line)
        for line in parse_block(self.query_one("#add-many", TextArea).text, brand, tags, customer):
            line.problems = tag_problems + line.problems
            lines.append(line)
        return lines

    def action_send(self) -> None:
        if self.busy:
            self.notify("Still sending the previous batch.", severity="warning")
            return
        self._complete_brand()
        lines = self.collect()
        if not lines:
            self.results(Text("Type a VIN (and brand), or paste lines below.", style="yellow"))
            return
        ok = [line for line in lines if line.ok]
        doubtful = [line for line in ok if self.eligibility.blocked(line)]
        if doubtful:
            self.eligibility.ask_before_sending(lines, doubtful, self._send)
            return
        self._send(lines)

    def _send(self, lines: list[AddLine]) -> None:
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
            self.query_one("#add-vin", Input).value,
            self.query_one("#add-many", TextArea).text,
        )
        self.results(Text(f"Sending {len(ok)} vehicle(s)…"))
        self.post_message(AddSubmitted(ok))

    def show_error(self, message: str) -> None:
        """The whole request failed: nothing changed, every line stays."""
        self.busy = False
        self.results(Text("Nothing was added: " + clean(message), style="bold red"))

    def show_results(self, results: Sequence) -> None:
        """Per-VIN outcome from the provider (CreateResult objects)."""
        self.busy = False
        if not self.query("#add-results"):  # the form is being taken down (the app
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
        field = self._field_line
        area = self.query_one("#add-many", TextArea)
        vin_box = self.query_one("#add-vin", Input)
        sent_vin, sent_many = getattr(self, "_sent_text", (vin_box.value, area.text))
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
            self.query_one(wid, Input).value = ""
        if field_kept and field is not None:
            self.query_one(_field_to_fix(field), Input).focus()
        elif area_lines:
            area.focus()
            area.move_cursor((0, 0))
        else:
            self.query_one("#add-vin", Input).focus()

    def results(self, text: Text) -> None:
        self.query_one("#add-results", Static).update(text)

    def action_close(self) -> None:
        draft = self.current_draft()
        self.dismiss(None if draft.empty else draft)


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
