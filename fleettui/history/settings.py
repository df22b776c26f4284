"""History settings from config.toml's ``[history]`` table (all optional)::

    [history]
    enabled = true            # false: record nothing, show no history
    retention_days = 90       # events older than this are pruned
    max_events = 1000000      # size bound (~250 MB): the oldest events beyond it are pruned

A bad value is not fatal: the default is used and `notes` says which key and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_RETENTION_DAYS = 90
DEFAULT_MAX_EVENTS = 1_000_000


@dataclass(frozen=True)
class HistorySettings:
    enabled: bool = True
    retention_days: float = DEFAULT_RETENTION_DAYS
    max_events: int = DEFAULT_MAX_EVENTS
    notes: tuple[str, ...] = field(default=(), compare=False)


def settings_from(table: Any) -> HistorySettings:
    if table is None:
        return HistorySettings()
    if not isinstance(table, dict):
        return HistorySettings(notes=("[history] in config.toml must be a table; using defaults",))
    notes: list[str] = []
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        notes.append("[history] enabled must be true or false; using true")
        enabled = True
    days = table.get("retention_days", DEFAULT_RETENTION_DAYS)
    if isinstance(days, bool) or not isinstance(days, int | float) or not 1 <= days <= 3660:
        notes.append(
            f"[history] retention_days must be a number of days from 1 to 3660; "
            f"using {DEFAULT_RETENTION_DAYS}"
        )
        days = DEFAULT_RETENTION_DAYS
    most = table.get("max_events", DEFAULT_MAX_EVENTS)
    if isinstance(most, bool) or not isinstance(most, int) or most < 1000:
        notes.append(
            f"[history] max_events must be a whole number of at least 1000; "
            f"using {DEFAULT_MAX_EVENTS}"
        )
        most = DEFAULT_MAX_EVENTS
    return HistorySettings(enabled, float(days), int(most), tuple(notes))


def load_history_settings() -> HistorySettings:
    """The settings from the config file; defaults (with a note) when it cannot be read."""
    from fleettui.config.config_file import load_config
    from fleettui.config.errors import ConfigError

    try:
        config = load_config()
    except ConfigError as e:
        return HistorySettings(notes=(f"history settings not read ({e}); using defaults",))
    return settings_from(config.extra.get("history"))
