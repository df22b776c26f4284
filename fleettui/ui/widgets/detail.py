"""The detail pane: everything about the vehicle under the cursor, from data handed in.

What it is (VIN, brand and group, tags), where it stands (state, how long), why (the
reason explained, who must act, next steps), the brand's rules and what happens next
are built here; the desk's section and the history as a timeline (with how long each
step took) in `detail_history`, the data's section in `data_detail`. API strings are
put into rich `Text` literally after control characters are removed; no markup is ever
parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from fleettui.core.brands import brand_info, missing_required_tags
from fleettui.core.data_states import DataDetail
from fleettui.core.data_texts import DATA_STEP, data_step_here
from fleettui.core.explanation import explain
from fleettui.core.text import sanitize
from fleettui.core.timefmt import format_duration
from fleettui.core.vehicle import Vehicle
from fleettui.history.events import Event
from fleettui.ui.widgets.data_detail import data_section
from fleettui.ui.widgets.detail_body import DetailBody
from fleettui.ui.widgets.detail_history import (
    DIM,
    LABEL,
    desk_section,
    section,
    state_label,
    state_style,
    timeline_section,
)

if TYPE_CHECKING:  # the desk's modules load only with --desk
    from fleettui.monitor.desk_detail import DeskDetail


def _identity(out: Text, v: Vehicle, now: datetime | None) -> None:
    """Two or three lines: VIN and state; brand and group; tags."""
    out.append(sanitize(v.vin, mark=True) or "(no VIN)", Style(bold=True))
    out.append("  ")
    out.append(state_label(v.state, v.status), state_style(v.state))
    seconds = v.time_in_state(now) if now is not None else None
    if seconds is not None:
        out.append(f" for {format_duration(seconds)}")
    out.append("\n")
    b = brand_info(v.brand)
    out.append(b.display if b.known else sanitize(v.brand) or "brand unknown")
    if b.known and b.group != b.display:
        out.append(f" · {b.group}", DIM)
    out.append("\n")
    out.append("Tags: ", LABEL)
    if v.tags:
        out.append(
            "  ".join(f"{sanitize(k, mark=True)}={sanitize(val)}" for k, val in v.tags.items())
        )
    else:
        out.append("none", DIM)
    out.append("\n")
    if v.description:
        out.append("Provider said: ", LABEL)
        out.append(sanitize(v.description))
        out.append("\n")


def _explanation(out: Text, v: Vehicle, data: DataDetail | None = None) -> str:
    """The reason in plain words, who acts, and the steps; returns what happens next.
    With the data section shown (`data`), the approved state's step about data points at
    it (one text says what to do about data: the data state's own)."""
    e = explain(v.reason, v.state, v.brand or None)
    if e.reason is not None:
        out.append("Reason: ", LABEL)
        out.append(f'"{sanitize(e.reason)}"')
        if not e.known:
            out.append(" (not in fleettui's catalogue)", DIM)
        out.append("\n")
    out.append(sanitize(e.title), Style(bold=True))
    out.append("\n")
    out.append(e.meaning)
    out.append("\n")
    out.append("Who must act: ", LABEL)
    out.append(e.actor.label)
    out.append(" · ", DIM)
    out.append("Provider retrying: ", LABEL)
    out.append("yes" if e.provider_retries else "no")
    out.append("\n")
    if e.steps:
        section(out, "Next steps")
        for i, step in enumerate(e.steps, start=1):
            if step == DATA_STEP and data is not None:
                step = data_step_here(data.cell, data.info.title)
            out.append(f"{i}. ", LABEL)
            out.append(step)
            out.append("\n")
    for note in e.notes:
        out.append("Note: ", LABEL)
        out.append(note)
        out.append("\n")
    return e.next_happens


def _brand_rules(out: Text, v: Vehicle) -> None:
    b = brand_info(v.brand)
    section(out, "Brand rules")
    if not b.known:
        out.append("Unknown brand: cancel and required tags can't be checked.\n")
        return
    out.append("Cancel through the API: ", LABEL)
    out.append("yes, once a day old" if b.cancelable else "no (revoke once approved)")
    out.append("\n")
    if not b.required_tags:
        out.append("Required tags: none\n")
        return
    missing = set(missing_required_tags(v.brand, v.tags))
    for tag in b.required_tags:
        out.append("Required tag ", LABEL)
        out.append(tag)
        if tag in missing:
            out.append("  ✗ missing", Style(color="red", bold=True))
        else:
            out.append("  ✓ present", Style(color="green"))
        out.append("\n")


def detail_text(
    vehicle: Vehicle | None,
    now: datetime | None,
    local: Sequence[Event] | None = None,
    desk: DeskDetail | None = None,
    data: DataDetail | None = None,
) -> Text:
    """The pane's content for one vehicle (pure: easy to test and to snapshot); `local`
    is what the history recorded for it, `desk` what the shared desk knows, `data`
    whether it sends data (approved cars, with data checks on)."""
    if vehicle is None:
        return Text(
            "No vehicle selected. Move the cursor to a row, or clear the filter.", style=DIM
        )
    out = Text()
    _identity(out, vehicle, now)
    if desk is not None:
        desk_section(out, desk)
    next_happens = _explanation(out, vehicle, data)
    if data is not None:
        data_section(out, data, now)
    _brand_rules(out, vehicle)
    timeline_section(out, vehicle, now, local, desk)
    section(out, "What happens next")
    out.append(next_happens)
    return out


class DetailPane(VerticalScroll):
    """Shows `detail_text` for the vehicle handed to `show`; does no I/O."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > #detail-body { width: 1fr; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._vehicle: Vehicle | None = None
        self._now: datetime | None = None
        self._local: Sequence[Event] | None = None
        self._desk: DeskDetail | None = None
        self._data: DataDetail | None = None
        #: With a shared desk: its section for a vehicle (the desk mirror's, in memory).
        self.desk_detail: Callable[[str, str], DeskDetail] | None = None
        # Made here, not looked up: `show` may come before the pane's children are mounted.
        self._shown = detail_text(None, None)
        self._body = DetailBody(self._shown, id="detail-body")

    def compose(self) -> ComposeResult:
        yield self._body

    @property
    def vehicle(self) -> Vehicle | None:
        return self._vehicle

    def show(
        self,
        vehicle: Vehicle | None,
        now: datetime | None,
        local: Sequence[Event] | None = None,
        desk: DeskDetail | None = None,
        data: DataDetail | None = None,
    ) -> None:
        """Render `vehicle` with times measured against `now` (the server's clock), the
        events recorded for it locally (`local`), the shared desk's (`desk`) and its data
        state (`data`)."""
        changed = vehicle is None or self._vehicle is None or vehicle.vin != self._vehicle.vin
        if desk is None and vehicle is not None and self.desk_detail is not None:
            desk = self.desk_detail(vehicle.vin, vehicle.state.value)
        self._vehicle, self._now, self._local, self._desk = vehicle, now, local, desk
        self._data = data
        text = detail_text(vehicle, now, local, desk, data)
        if text != self._shown:  # the same text again (a timeline loaded): no repaint
            self._shown = text
            self._body.show(text)
        if changed:
            self.scroll_home(animate=False)

    @property
    def text(self) -> Text:
        return detail_text(self._vehicle, self._now, self._local, self._desk, self._data)
