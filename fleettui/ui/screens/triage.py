"""The triage view: queues by who must act, the selected queue's message, and keys to act.

The board is built on a worker thread (`fleettui.triage.queues.build_board`); the screen
only shows it, and its `LiveRegroup` (`triage_live`) groups it again when what it is
grouped from changes. It dismisses with a `TriageChoice` when the user wants the main table
filtered to a queue (Enter) or the queue's API fix applied (f); the app does the rest.
Copy (y) and export (e) are done by its `QueueExport` (`triage_export`): the full
message is built on a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static

from fleettui.triage.board import Board, Queue
from fleettui.triage.queues import DeskWork, build_board
from fleettui.ui.screens.triage_export import QueueExport
from fleettui.ui.screens.triage_lines import (
    board_options,
    preview_text,
    prompt_text,
    same_layout,
    title_text,
)
from fleettui.ui.screens.triage_live import LiveRegroup
from fleettui.ui.widgets.cursor_list import CursorList, FocusScroll

SORTS = ("urgency", "time left", "size")


@dataclass(frozen=True)
class TriageChoice:
    """What the user asked the app to do with a queue: "filter" or "fix"."""

    action: str
    queue: Queue


class QueueList(CursorList):
    """The queues (the highlighted one reversed without colour, as the table's cursor)."""


class TriageScreen(ModalScreen["TriageChoice | None"]):
    DEFAULT_CSS = """
    TriageScreen { background: $background; }
    TriageScreen { layout: vertical; }
    TriageScreen #triage-title { height: 1; padding: 0 1; text-style: bold; }
    TriageScreen #triage-queues { height: 1fr; min-height: 5; border: none;
        text-wrap: nowrap; text-overflow: ellipsis; }
    TriageScreen #triage-preview { height: 1fr; min-height: 5; border-top: solid $secondary;
        padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "filter_queue", "Filter", priority=True),
        Binding("y", "copy_message", "Copy"),
        Binding("e", "export_csv", "CSV"),
        Binding("f", "fix", "Fix"),
        Binding("b", "toggle_brand", "Brand"),
        Binding("s", "cycle_sort", "Sort"),
        Binding(
            "r",
            "reload",
            "Refresh",
            show=False,
            tooltip="Group again with the monitor's latest data",
        ),
        Binding("right_square_bracket", "scroll_preview(1)", "Scroll message", show=False),
        Binding("left_square_bracket", "scroll_preview(-1)", "Scroll message back", show=False),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(
        self,
        rows: Sequence[Any],
        now: datetime,
        *,
        by_brand: bool = False,
        can_fix: bool = True,
        latest: Callable[[], tuple[Sequence[Any], datetime]] | None = None,
        desk: DeskWork | None = None,
        data: Callable[[], Any] | None = None,
        inputs: Callable[[], tuple[object, ...]] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        #: The shared desk's work state: snoozed vehicles are left out, holders shown.
        self.desk = desk
        #: The recorded data states (a triage.data_queues.DataView, or None) for the
        #: data queues; asked again at each regrouping.
        self.data = data
        self.rows = rows
        self.now = now
        #: Where `r` gets the fleet as it is now (the monitor's store); None: no refresh.
        self.latest = latest
        self.by_brand = by_brand
        self.can_fix = can_fix
        self.sort_mode = SORTS[0]
        self.board: Board | None = None
        self._queues: list[Queue] = []
        #: The board follows what it is grouped from (`inputs`: None, the fleet as it
        #: was when opened) while it is open.
        self.live = LiveRegroup(self, inputs, self._regroup_latest if latest is not None else None)
        #: The queue the preview shows, and its text (redrawn only when it changed).
        self._preview: tuple[str, str] | None = None
        #: A queue's message out of the board: copied (y), exported to CSV (e).
        self.export = QueueExport(self)
        # Kept, not looked up: a board that arrives after the screen was dismissed (its
        # worker's call_from_thread already queued) must find its widgets, not raise.
        self._title_bar = Static(Text("Triage: grouping…"), id="triage-title")
        self._list = QueueList(id="triage-queues")
        self._preview_pane = FocusScroll(id="triage-preview")
        self._message = Static(Text(""), id="triage-message")

    def compose(self) -> ComposeResult:
        yield self._title_bar
        yield self._list
        with self._preview_pane:
            yield self._message
        yield Footer()

    def on_mount(self) -> None:
        self._list.focus()
        # The screen's first frame before the grouping: the worker would hold the GIL
        # while the frame is being drawn (a 100k fleet takes ~0.5 s to group).
        self.call_after_refresh(self._regroup, self.by_brand)

    # -- the board ---------------------------------------------------------------------

    def _regroup(self, by_brand: bool) -> None:
        self.live.grouping = True
        self._group(self.rows, self.now, by_brand)

    def _regroup_latest(self) -> None:
        """Group again with the fleet as it is now (the monitor's store)."""
        assert self.latest is not None
        self.rows, self.now = self.latest()
        self._regroup(self.by_brand)

    @work(thread=True, exclusive=True, group="triage-board", exit_on_error=False)
    def _group(self, rows: Sequence[Any], now: datetime, by_brand: bool) -> None:
        try:
            board = build_board(
                rows,
                now,
                by_brand=by_brand,
                desk=self.desk,
                data=self.data() if self.data is not None else None,
            )
        except Exception:
            self.app.call_from_thread(self.live.failed)
            raise
        self.app.call_from_thread(self.show_board, board)

    def show_board(self, board: Board) -> None:
        self.live.grouping = False
        olist = self._list
        if not olist.is_attached:  # dismissed while the board was being grouped
            return
        keep = self.current_queue()
        self.board = board
        options, self._queues = board_options(board, self.sort_mode)
        self._title()
        self.live.board_shown()
        if same_layout(olist.options, options):  # the same queues: only changed lines
            for i, option in enumerate(options):
                if prompt_text(olist.get_option_at_index(i)) != prompt_text(option):
                    olist.replace_option_prompt_at_index(i, option.prompt)
            self._show_preview()
            return
        olist.clear_options()
        olist.add_options(options)
        if not self._queues:
            self._preview = None
            self._message.update(
                Text("Nothing to triage: no pending, rejected or changing vehicles.")
            )
            return
        target = self._queues[0].id
        if keep is not None:  # the same queue, or its first brand part, or the first one
            prefix = keep.id.rsplit("/", 1)[0]
            target = next(
                (q.id for q in self._queues if q.id == keep.id),
                next((q.id for q in self._queues if q.id.startswith(prefix)), target),
            )
        olist.highlighted = olist.get_option_index(target)
        self._show_preview()

    def _title(self) -> None:
        if self.board is not None:
            self._title_bar.update(title_text(self.board, self.sort_mode))

    def current_queue(self) -> Queue | None:
        if self.board is None:
            return None
        option = self._list.highlighted_option
        return None if option is None or option.id is None else self.board.get(option.id)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_preview()

    def _show_preview(self) -> None:
        """The highlighted queue's message, drawn again only when it changed; scrolled
        back to its top only when another queue is shown."""
        q = self.current_queue()
        if q is None or self.board is None:
            return
        text = preview_text(q, self.board.now)
        shown = (q.id, text.plain)
        if shown == self._preview:
            return
        moved = self._preview is None or self._preview[0] != q.id
        self._preview = shown
        self._message.update(text)
        if moved:
            self._preview_pane.scroll_home(animate=False)

    # -- actions -----------------------------------------------------------------------

    def _need_queue(self) -> Queue | None:
        q = self.current_queue()
        if q is None:
            self.notify("No queue selected.", severity="warning", markup=False)
        return q

    def action_back(self) -> None:
        self.dismiss(None)

    def action_filter_queue(self) -> None:
        q = self._need_queue()
        if q is not None:
            self.dismiss(TriageChoice("filter", q))

    def action_fix(self) -> None:
        q = self._need_queue()
        if q is None:
            return
        if q.fix is None:
            self.notify(
                "This queue has no fix the API can do; its message (y) says what to do.",
                markup=False,
            )
        elif not self.can_fix:
            self.notify("Read-only: the fix is not offered.", severity="warning", markup=False)
        else:
            self.dismiss(TriageChoice("fix", q))

    def action_toggle_brand(self) -> None:
        self.by_brand = not self.by_brand
        self._regroup(self.by_brand)

    def action_reload(self) -> None:
        if self.latest is None:
            self.notify("This view shows the fleet as it was when opened.", markup=False)
            return
        self.live.taken()
        self._regroup_latest()
        self.notify("Grouped again with the latest data.", markup=False)

    def action_cycle_sort(self) -> None:
        self.sort_mode = SORTS[(SORTS.index(self.sort_mode) + 1) % len(SORTS)]
        if self.board is not None:
            self.show_board(self.board)

    def action_scroll_preview(self, pages: int) -> None:
        pane = self._preview_pane
        pane.scroll_relative(y=pages * max(1, pane.size.height - 1), animate=False)

    def action_copy_message(self) -> None:
        q = self._need_queue()
        if q is not None:
            self.export.copy(q, self.now)

    def action_export_csv(self) -> None:
        q = self._need_queue()
        if q is None:
            return
        self.export.export_csv(q)
