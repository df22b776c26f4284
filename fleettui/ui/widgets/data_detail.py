"""The detail pane's section about an approved vehicle's data (issue 19): its state as the
Data column shows it, what it means, who must act and how, what happens next, and the
times and request_id the checks recorded (never a value the car sent)."""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from rich.text import Text

from fleettui.core.data_states import DataDetail, DataState
from fleettui.core.text import sanitize
from fleettui.core.timefmt import format_duration, format_ts

HEADING = Style(bold=True, underline=True)
LABEL = Style(bold=True)
DIM = Style(dim=True)
_STYLES = {
    DataState.FLOWING: Style(color="green"),
    DataState.PRIVACY: Style(color="yellow"),
    DataState.CONSENT: Style(color="red"),
    DataState.NO_CONSENT: Style(color="red"),
    DataState.SILENT: Style(color="yellow"),
}


def _when(label: str, at: datetime | None, now: datetime | None) -> str:
    if at is None:
        return ""
    ago = f" ({format_duration((now - at).total_seconds())} ago)" if now is not None else ""
    return f"{label} {format_ts(at)}{ago}"


def data_section(out: Text, data: DataDetail, now: datetime | None) -> None:
    info = data.info
    out.append("\n")
    out.append("Data after approval", HEADING)
    out.append("\n")
    out.append(data.cell, _STYLES.get(data.state, Style()) + LABEL)
    out.append("  ")
    out.append(info.title, LABEL)
    out.append("\n")
    out.append(info.meaning)
    out.append("\n")
    out.append("Who must act: ", LABEL)
    out.append(info.actor.label)
    out.append("\n")
    for i, step in enumerate(info.steps, 1):
        out.append(f"{i}. ", LABEL)
        out.append(step)
        out.append("\n")
    out.append("Then: ", LABEL)
    out.append(info.next)
    out.append("\n")
    record = data.record
    if record is None:
        return
    times = [
        t
        for t in (
            _when("first data", record.first_data, now),
            _when("newest data", record.newest, now),
            _when("checked", record.checked_at, now),
        )
        if t
    ]
    if times:
        out.append(" · ".join(times), DIM)
        out.append("\n")
    if record.request_id:
        out.append("request_id ", LABEL)
        out.append(sanitize(record.request_id))
        out.append(" (give it to the provider's support)", DIM)
        out.append("\n")
