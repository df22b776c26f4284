"""Where the monitor's keys are listed for people: the command palette's entries and the
help screen's rows, both read from the app's BINDINGS so neither can drift from them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from textual.app import SystemCommand
from textual.binding import Binding

from fleettui.core.sorting import SORT_COLUMNS
from fleettui.monitor.controller import Monitor
from fleettui.ui.keys import WRITE_ACTIONS, action_name
from fleettui.ui.screens.sort_menu import SORT_KEYS
from fleettui.ui.widgets.fleet_table import FleetTable
from fleettui.ui.widgets.header import counts_legend


def monitor_commands(
    monitor: Monitor,
    bindings: Sequence[Any],
    run_action: Callable[[str], Awaitable[bool]],
    write_results: Callable[[], None],
    read_only_notice: Callable[[], None],
    mark_row: Callable[[], None],
) -> Iterable[SystemCommand]:
    """The palette's entries after Textual's own: the last bulk write's results, why
    writes are off in read-only mode, then every binding by name."""
    if monitor.writes.last_write is not None:
        yield SystemCommand(
            "Write results",
            "Every VIN of the last bulk cancel or revoke, refusals grouped by reason",
            write_results,
        )
    if monitor.read_only:
        for title in ("Add vehicles", "Cancel", "Revoke"):
            yield SystemCommand(
                f"{title} (read-only: not available)",
                "fleettui sends no writes with this profile",
                read_only_notice,
            )
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        name = action_name(binding)
        if name in ("quit",) or (name in WRITE_ACTIONS and monitor.read_only):
            continue
        key = binding.key_display or binding.key
        more = f"{binding.tooltip}. " if binding.tooltip else ""
        yield SystemCommand(
            binding.description,
            f"{more}Key: {key}",
            lambda action=binding.action: run_action(action),
        )
    yield SystemCommand(
        "Mark row", "Mark or unmark the vehicle under the cursor. Key: space", mark_row
    )
    for column in SORT_COLUMNS:  # the sort menu's keys, each column by name
        key, name = SORT_KEYS[column]
        yield SystemCommand(
            f"Sort by {name.split(' (')[0]}",
            f"Sort by this column; again flips the direction. Keys: s {key}",
            lambda c=column: run_action(f"sort_by('{c}')"),
        )
    yield SystemCommand(
        "Oldest pending first",
        "Only pending, longest in state first. Keys: s o",
        lambda: run_action("sort_menu_preset"),
    )


def key_rows(bindings: Sequence[Any], read_only: bool) -> list[tuple[str, str]]:
    """(key, what it does) for the help screen: each key once, state keys in one row."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for binding in [*bindings, *FleetTable.BINDINGS]:
        if not isinstance(binding, Binding):
            continue
        name = action_name(binding)
        key = binding.key_display or binding.key
        if name == "state_filter" or key in seen or (name in WRITE_ACTIONS and read_only):
            continue
        seen.add(key)
        rows.append((key, binding.tooltip or binding.description))
    rows.append(
        (
            "1…7, 0",
            "Only pending, approved, rejected, revoking, revoked, canceling, "
            "canceled; 0 shows all states",
        )
    )
    rows.append(("ctrl+p", "Command palette (every action by name)"))
    rows.append(("header", "Counts per state; narrow terminals shorten them: " + counts_legend()))
    return rows
