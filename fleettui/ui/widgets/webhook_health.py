"""Webhook health: a panel fed with `HealthSnapshot`s (the screen that holds it full size:
`fleettui.ui.screens.webhook_health`).

The app hands it snapshots (`show`); the widget never reads the database or the network.
It repaints only when the text it would show changed (ages move in coarse steps), and
reads without colour: the status is a glyph and a word, an alert is in reverse video.
"""

from __future__ import annotations

import time
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from fleettui.core.text import one_line
from fleettui.monitor.connection import coarse_age
from fleettui.webhooks.health import HealthSnapshot

STATUS = {
    "ok": ("✓ receiving", "bold green"),
    "waiting": ("… waiting for the first delivery", "bold"),
    "alert": ("! attention", "bold reverse red"),
    "down": ("✗ receiver not running", "bold reverse red"),
}


def _when(epoch: float | None, now: float) -> str:
    if epoch is None:
        return "never"
    at = datetime.fromtimestamp(epoch).strftime("%H:%M:%S")
    return f"{at} ({coarse_age(max(0.0, now - epoch))} ago)"


def health_lines(snap: HealthSnapshot, now: float, mode: str = "") -> list[tuple[str, str]]:
    """(label, value) rows of the panel, as plain one-line strings."""
    refused = snap.bad_payloads + snap.stale_events + snap.refused_other
    rows = [
        ("Receiver", one_line(snap.listening or "-", 60) + (f"  ({mode})" if mode else "")),
        ("Last ping", _when(snap.last_ping, now)),
        ("Last delivery", _when(snap.last_delivery, now)),
        ("Deliveries/hour", str(snap.per_hour)),
        ("Duplicates", f"{snap.duplicates} (applied once)"),
        (
            "Bad signatures",
            str(snap.bad_signatures)
            + (f" (last {_when(snap.last_bad_signature, now)})" if snap.last_bad_signature else ""),
        ),
        (
            "Other refused",
            f"{refused} (payload {snap.bad_payloads}, too old/new "
            f"{snap.stale_events}, other {snap.refused_other})",
        ),
        ("Unknown events", f"{snap.unknown_events} (counted, not applied)"),
        ("Disagreements", f"{snap.disagreements} (the list wins)"),
    ]
    return rows


class WebhookHealthPanel(Static):
    """The panel. `show(snapshot)` from the app; repaints only on a visible change."""

    DEFAULT_CSS = """
    WebhookHealthPanel { height: auto; padding: 0 1; }
    """

    def __init__(self, *, mode: str = "", id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id)
        self.mode = mode
        self.snapshot = HealthSnapshot()
        self._shown: tuple | None = None

    def show(self, snapshot: HealthSnapshot, now: float | None = None) -> bool:
        """Take a new snapshot; True when the panel had to repaint."""
        self.snapshot = snapshot
        now = time.time() if now is None else now
        status = snapshot.status(now)
        key = (status, snapshot.push_silent, tuple(health_lines(snapshot, now, self.mode)))
        if key == self._shown:
            return False
        self._shown = key
        label, style = STATUS[status]
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for name, value in key[2]:
            table.add_row(Text(name), Text(value))
        parts: list = [Text.assemble(("Webhooks  ", "bold"), (label, style))]
        if snapshot.push_silent:
            parts.append(
                Text(
                    "! The list showed changes that no delivery announced: check the "
                    "webhook in the provider's console.",
                    style="bold reverse",
                )
            )
        parts.append(table)
        from rich.console import Group

        self.update(Group(*parts))
        return True

    @property
    def text(self) -> str:
        """What the panel shows, as plain text (for tests and copy)."""
        if self._shown is None:
            return ""
        status, silent, rows = self._shown
        head = f"Webhooks  {STATUS[status][0]}"
        alert = ["! The list showed changes that no delivery announced"] if silent else []
        return "\n".join([head, *alert, *(f"{a}: {b}" for a, b in rows)])
