"""Read-only mode answers instead of staying mute: the write keys (a, c, R) are off and
hidden from the footer, but pressing one, or picking a write in the command palette, says
why nothing happens."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import SystemCommand
from textual.screen import ModalScreen


class ReadOnlyMixin:
    """Part of the app's actions; expects .read_only, .read_only_flag, .screen, .notify."""

    def notify_read_only(self) -> None:
        why = "started with --read-only" if self.read_only_flag else "profile setting"
        self.notify(f"Read-only: fleettui will not send writes with this profile ({why}).",
                    title="Read-only", severity="warning", markup=False)

    def _read_only_key(self) -> bool:
        """a / c / R in read-only mode: their bindings are off (and hidden from the footer),
        so the key falls through to here; say why nothing happens instead of staying mute."""
        if not self.read_only or isinstance(self.screen, ModalScreen):
            return False
        self.notify_read_only()
        return True

    def key_a(self) -> bool:
        return self._read_only_key()

    def key_c(self) -> bool:
        return self._read_only_key()

    def key_upper_r(self) -> bool:
        return self._read_only_key()

    def get_system_commands(self, screen: Any) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.read_only:
            for title in ("Add vehicles", "Cancel", "Revoke"):
                yield SystemCommand(f"{title} (read-only: not available)",
                                    "fleettui sends no writes with this profile",
                                    self.notify_read_only)
