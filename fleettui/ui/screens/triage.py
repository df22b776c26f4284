"""The triage view: queues by who must act, the selected queue's message, and keys to act.

The board is built on a worker thread (`fleettui.triage.queues.build_board`); the screen
only shows it. It dismisses with a `TriageChoice` when the user wants the main table
filtered to a queue (Enter) or the queue's API fix applied (f); the app does the rest.
Copy (y) and export (e) are done here: the full message is built on a worker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from fleettui.triage.board import ACTOR_TITLES, Board, Queue
from fleettui.triage.messages import message_csv, message_text
from fleettui.triage.queues import DeskWork, build_board
from fleettui.ui.screens.export import ExportScreen, default_export_path
from fleettui.ui.screens.triage_lines import (
    preview_text,
    prompt_text,
    queue_prompt,
    same_layout,
    sort_queues,
)
from fleettui.ui.widgets.cursor_list import CursorList, FocusScroll

#: A change regroups the open board this long after it (a burst of them makes one).
LIVE_SETTLE = 0.15
SORTS = ("urgency", "time left", "size")


@dataclass(frozen=True)
class TriageChoice:
    """What the user asked the app to do with a queue: "filter" or "fix"."""

    action: str
    queue: Queue


def _same(a: object, b: object) -> bool:
    """Tokens of the board's inputs: the same row list (by identity: comparing 100,000
    rows would cost what the token saves), the same counters."""
    return a is b or (isinstance(a, int) and a == b)


class QueueList(CursorList):
    """The queues (the highlighted one reversed without colour, as the table's cursor)."""


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "queue"


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
        #: What the board is grouped from, as a token (the fleet's row list, the desk's
        #: and the data checks' change counters): `inputs_changed` regroups only when it
        #: moved. None: the board shows the fleet as it was when opened.
        self.inputs = inputs
        self._grouped_from = inputs() if inputs is not None else None
        #: A regroup is waiting (coalescing a burst), or running; another is owed.
        self._live_due = False
        self._grouping = False
        self._again = False
        #: The queue the preview shows, and its text (redrawn only when it changed).
        self._preview: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Triage: grouping…"), id="triage-title")
        yield QueueList(id="triage-queues")
        with FocusScroll(id="triage-preview"):
            yield Static(Text(""), id="triage-message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        # The screen's first frame before the grouping: the worker would hold the GIL
        # while the frame is being drawn (a 100k fleet takes ~0.5 s to group).
        self.call_after_refresh(self._regroup, self.by_brand)

    # -- the board ---------------------------------------------------------------------

    def _regroup(self, by_brand: bool) -> None:
        self._grouping = True
        self._group(self.rows, self.now, by_brand)

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
            self.app.call_from_thread(self._group_failed)
            raise
        self.app.call_from_thread(self.show_board, board)

    def _group_failed(self) -> None:
        self._grouping = self._again = self._live_due = False

    # -- live: the board follows the fleet, the desk and the data checks -------------------

    def inputs_changed(self) -> None:
        """Something the board is grouped from may have changed (a refresh, someone's
        claim or snooze, a data check): regroup when it did. A burst (a desk catching up,
        a refresh and its data) makes one regroup: one waits while another runs."""
        if self.inputs is None or self._live_due:
            return
        token = self.inputs()
        old = self._grouped_from
        if old is not None and len(old) == len(token) and all(map(_same, old, token)):
            return
        self._live_due = True
        self.set_timer(LIVE_SETTLE, self._regroup_live)

    def _regroup_live(self) -> None:
        if self._grouping:  # the running regroup ends with another (see show_board)
            self._again = True
            return
        self._live_due = False
        if self.inputs is None or self.latest is None:
            return
        self._grouped_from = self.inputs()
        self.rows, self.now = self.latest()
        self._regroup(self.by_brand)

    def show_board(self, board: Board) -> None:
        self._grouping = False
        keep = self.current_queue()
        self.board = board
        options: list[Option] = []
        self._queues = []
        for actor, queues in board.by_actor():
            heading = Text(
                f"── {ACTOR_TITLES[actor]} · {sum(q.count for q in queues)} ──",
                style="bold underline",
            )
            options.append(Option(heading, disabled=True))
            for q in sort_queues(queues, self.sort_mode, board.now):
                options.append(Option(queue_prompt(q, board.now), id=q.id))
                self._queues.append(q)
        olist = self.query_one(OptionList)
        self._title()
        if self._again:
            self._again = False
            self.set_timer(LIVE_SETTLE, self._regroup_live)
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
            self.query_one("#triage-message", Static).update(
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
        board = self.board
        if board is None:
            return
        grouping = "who, reason, brand" if board.by_brand else "who acts, reason"
        snoozed = f" ({board.snoozed} snoozed)" if board.snoozed else ""
        self.query_one("#triage-title", Static).update(
            Text(
                f"Triage · {board.count()}/{board.total} vehicles{snoozed} · {len(board.queues)} "
                f"queues by {grouping} · {self.sort_mode} first · deadlines are estimates · as of "
                f"{board.now:%H:%M} UTC",
                no_wrap=True,
                overflow="ellipsis",
            )
        )

    def current_queue(self) -> Queue | None:
        if self.board is None:
            return None
        option = self.query_one(OptionList).highlighted_option
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
        self.query_one("#triage-message", Static).update(text)
        if moved:
            self.query_one("#triage-preview", VerticalScroll).scroll_home(animate=False)

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
        self.rows, self.now = self.latest()
        if self.inputs is not None:
            self._grouped_from = self.inputs()
        self._regroup(self.by_brand)
        self.notify("Grouped again with the latest data.", markup=False)

    def action_cycle_sort(self) -> None:
        self.sort_mode = SORTS[(SORTS.index(self.sort_mode) + 1) % len(SORTS)]
        if self.board is not None:
            self.show_board(self.board)

    def action_scroll_preview(self, pages: int) -> None:
        pane = self.query_one("#triage-preview", VerticalScroll)
        pane.scroll_relative(y=pages * max(1, pane.size.height - 1), animate=False)

    def action_copy_message(self) -> None:
        q = self._need_queue()
        if q is not None:
            self._copy(q)

    @work(thread=True, group="triage-copy", exit_on_error=False)
    def _copy(self, q: Queue) -> None:
        text = message_text(q, self.now)
        self.app.call_from_thread(self._copied, q, text)

    def _copied(self, q: Queue, text: str) -> None:
        self.app.copy_to_clipboard(text)
        self.notify(
            f"Copied the message for {q.count} vehicle{'s' if q.count != 1 else ''} "
            f"({len(text.splitlines())} lines) to the clipboard (terminal clipboard, "
            "OSC 52). Large queues: export the CSV (e).",
            markup=False,
        )

    def action_export_csv(self) -> None:
        q = self._need_queue()
        if q is None:
            return
        # The export folder, as for the table's export; named for the queue and local time.
        fleet_default = default_export_path(datetime.now())
        name = f"triage-{_slug(q.title)}-{datetime.now():%Y%m%d-%H%M%S}.csv"
        what = f"the {q.count} vehicle{'s' if q.count != 1 else ''} of this queue"
        self.app.push_screen(
            ExportScreen(fleet_default.with_name(name), q.count, what),
            callback=lambda path: self._export_to(q, path),
        )

    def _export_to(self, q: Queue, path: Path | None) -> None:
        if path is not None:
            self._write_csv(q, path)

    @work(thread=True, group="triage-export", exit_on_error=False)
    def _write_csv(self, q: Queue, path: Path) -> None:
        try:
            path.write_text(message_csv(q), encoding="utf-8")
        except OSError as exc:
            self.app.call_from_thread(
                self.notify,
                f"Could not write {path}: {exc.strerror or exc}",
                severity="error",
                markup=False,
            )
            return
        self.app.call_from_thread(self.notify, f"Wrote {q.count} vehicles to {path}", markup=False)
