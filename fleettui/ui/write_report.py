"""The last bulk write's full outcome, kept for the session so the short notification
can stay short: every VIN is one palette entry away ("Write results")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand

from fleettui.core.states import Action
from fleettui.monitor.writes import WriteOutcome
from fleettui.ui.screens.results import WriteResultsScreen

OPEN_HINT = "Every VIN: ctrl+p → Write results."


class WriteReportMixin:
    """Part of the app's actions; expects .push_screen and .notify."""

    _last_write: tuple[str, list[WriteOutcome]] | None = None

    def remember_write(self, action: Action, outcomes: list[WriteOutcome]) -> bool:
        """Keep a batch's outcome; True when it is worth opening (a batch with failures)."""
        if len(outcomes) < 2:
            return False
        ok = sum(1 for o in outcomes if o.ok)
        verb = "Cancel" if action is Action.CANCEL else "Revoke"
        self._last_write = (f"{verb}: {ok} of {len(outcomes)} accepted", list(outcomes))
        return ok < len(outcomes)

    def action_write_results(self) -> None:
        if self._last_write is None:
            self.notify("No bulk cancel or revoke has been sent in this session.", markup=False)
            return
        title, outcomes = self._last_write
        self.push_screen(WriteResultsScreen(title, outcomes))

    def get_system_commands(self, screen: Any) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self._last_write is not None:
            yield SystemCommand("Write results", "Every VIN of the last bulk cancel or revoke, "
                                "refusals grouped by reason", self.action_write_results)
