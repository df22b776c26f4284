"""The last bulk write's outcome, every VIN: what was sent, and what was refused grouped
by the provider's message, so a person can act on each group (copy the VINs, retry later)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from fleettui.core.text import clean
from fleettui.monitor.write_outcomes import WriteOutcome, group_failures, group_skipped
from fleettui.ui.add_feedback import ResultsBox


def results_text(title: str, outcomes: list[WriteOutcome]) -> Text:
    ok = [o.vin for o in outcomes if o.ok]
    out = Text(title + "\n\n", style="bold")
    if ok:
        out.append(f"✓ {len(ok)} accepted\n", style="bold green")
        out.append("  " + ", ".join(clean(v) for v in ok) + "\n\n")
    for message, vins in group_failures(outcomes):
        out.append(f"✗ {len(vins)} refused: ", style="bold red")
        out.append(clean(message) + "\n")
        out.append("  " + ", ".join(clean(v) for v in vins) + "\n\n")
    for message, vins in group_skipped(outcomes):
        out.append(f"– {len(vins)} skipped, not sent: ", style="bold")
        out.append(clean(message) + "\n")
        out.append("  " + ", ".join(clean(v) for v in vins) + "\n\n")
    return out


class WriteResultsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    WriteResultsScreen { align: center middle; }
    #results-box {
        width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("y", "copy_refused", "Copy refused VINs"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, title: str, outcomes: list[WriteOutcome]) -> None:
        super().__init__()
        self.title_text = title
        self.outcomes = outcomes

    def compose(self) -> ComposeResult:
        with ResultsBox(id="results-box"):
            yield Static(results_text(self.title_text, self.outcomes), id="results-body")
        yield Footer()

    def action_copy_refused(self) -> None:
        vins = [o.vin for o in self.outcomes if not o.ok]
        if not vins:
            self.notify("Nothing was refused.", markup=False)
            return
        self.app.copy_to_clipboard("\n".join(vins))
        self.notify(f"Copied {len(vins)} refused VINs to the clipboard.", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
