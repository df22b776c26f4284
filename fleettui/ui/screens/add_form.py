"""The add form: one VIN with live checks, or many lines pasted / loaded from CSV.

The form holds the fields, their live checks, and turns them into lines. It never
calls the network: its `AddSending` posts `AddSubmitted` with the lines that passed the
local checks; the app sends them and answers through `sending.show_results` (or
`sending.show_error`).
Refused lines (by the local checks or by the provider) stay in the form to fix;
accepted ones leave it (the app puts them in the table at once).
"""

from __future__ import annotations

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
from fleettui.ui.screens.add_eligibility import AddEligibility
from fleettui.ui.screens.add_sending import AddSending


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
        #: Eligibility of the VINs typed or pasted (asked of the app, shown here).
        self.eligibility = AddEligibility(self)
        #: The send in flight and its answer (what leaves the form, what stays to fix).
        self.sending = AddSending(self, self.results)

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

    @on(LineInput.LinesPasted)
    def _pasted_lines(self, event: LineInput.LinesPasted) -> None:
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
        self.sending.field_line = None
        if vin:
            line = parse_line(vin, brand, tags, customer)
            line.problems = tag_problems + line.problems
            self.sending.field_line = line
            lines.append(line)
        for line in parse_block(self.query_one("#add-many", TextArea).text, brand, tags, customer):
            line.problems = tag_problems + line.problems
            lines.append(line)
        return lines

    def action_send(self) -> None:
        if self.sending.busy:
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
            self.eligibility.ask_before_sending(lines, doubtful, self.sending.send)
            return
        self.sending.send(lines)

    def results(self, text: Text) -> None:
        self.query_one("#add-results", Static).update(text)

    def action_close(self) -> None:
        draft = self.current_draft()
        self.dismiss(None if draft.empty else draft)
