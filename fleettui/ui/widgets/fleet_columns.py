"""Column layout, cell text and line painting for the fleet table.

At 80 columns VIN, brand, state, reason and time in state fit; tags appear when there is
room, and narrower terminals drop time, then brand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from fleettui.core.rows import Row
from fleettui.core.states import STATE_INFO, State
from fleettui.core.text import sanitize
from fleettui.core.timefmt import format_duration

TITLES = {
    "vin": "VIN",
    "brand": "Brand",
    "state": "State",
    "reason": "Reason",
    "time": "In state",
    "tags": "Tags",
    "claimed": "Claimed",
    "data": "Data",
}
#: Width of the leading column: mark glyph, recently-changed glyph.
LEAD = 2
MARK_GLYPH = "●"
RECENT_GLYPH = "*"
#: The row's state came by webhook and no list refresh has confirmed it yet.
PUSH_GLYPH = "↯"
VIN_W = 17
STATE_W = 11  # "↩ canceling"
TIME_W = 9  # "23h 59m"; the header's "In state▲" fits whole
#: The shared desk's Claimed column: "me", a name (cut with …), or blank.
CLAIMED_W = 8
DATA_W = 14  # "… 12d, none yet" cut to "… 12d, none y…"; "✓ 2h", "⊘ privacy", "✗ consent"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    x: int  # first cell of the column
    width: int


def layout_columns(width: int, claimed: bool = False, data: bool = False) -> tuple[Column, ...]:
    """Columns that fit `width` cells, each followed by one space; `claimed`: a shared
    desk is on, and its Claimed column comes after the state (kept before time and
    brand when narrow: who holds a vehicle matters more on a desk); `data`: the Data
    column after the state (whether approved cars send data; issue 19), kept too."""
    brand_w = 13 if width >= 96 else 10
    wanted = [("vin", VIN_W), ("brand", brand_w), ("state", STATE_W), ("time", TIME_W)]
    if claimed:
        wanted.insert(3, ("claimed", CLAIMED_W))
    if data:
        wanted.insert(3, ("data", DATA_W))
    fixed = LEAD + sum(w + 1 for _, w in wanted)
    while fixed + 12 > width and len(wanted) > 2 + claimed + data:  # drop time, then brand
        drop = wanted.pop(-1 if wanted[-1][0] == "time" else 1)
        fixed -= drop[1] + 1
    rest = max(4, width - fixed)
    if rest >= 56:
        reason_w = min(60, max(28, rest * 11 // 20))
        extra = [("reason", reason_w), ("tags", rest - reason_w - 1)]
    else:
        extra = [("reason", rest)]
    order = {
        "vin": 0,
        "brand": 1,
        "state": 2,
        "data": 3,
        "claimed": 4,
        "reason": 5,
        "time": 6,
        "tags": 7,
    }
    cols = sorted(wanted + extra, key=lambda c: order[c[0]])
    out = []
    x = LEAD
    for key, w in cols:
        out.append(Column(key, x, w))
        x += w + 1
    return tuple(out)


def fit(text: str, width: int) -> str:
    """Pad or cut `text` to exactly `width` cells; cut text ends with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def state_text(row: Row) -> str:
    si = STATE_INFO[row.state]
    label = si.label if row.state is not State.UNKNOWN else (sanitize(row.status) or si.label)
    return f"{si.glyph} {label}"


#: The text columns that the table's horizontal scroll (left/right) moves.
SHIFTED = frozenset({"reason", "tags"})


def shifted(text: str, shift: int) -> str:
    """`text` with its first `shift` characters scrolled out of view, marked with '…'."""
    if shift <= 0 or not text:
        return text
    return "…" + text[shift + 1 :] if len(text) > shift + 1 else "…"


def cell_text(row: Row, key: str, now: datetime | None, claim: str = "", data: str = "") -> str:
    if key == "claimed":
        return claim  # already cleaned (fleettui.monitor.desk_state.DeskMirror.claim_cell)
    if key == "data":
        return data  # worked out by the caller (fleettui.monitor.data_monitor.MonitorData)
    if key == "vin":
        return sanitize(row.vin, mark=True)  # a hidden character shows, as �
    if key == "brand":
        return sanitize(row.brand_display)
    if key == "state":
        return state_text(row)
    if key == "reason":
        return sanitize(row.reason or "")
    if key == "time":
        return format_duration(row.seconds_in_state(now)) if now is not None else ""
    return sanitize(row.tags_text)


def header_text(
    key: str, sort: str, descending: bool, width: int | None = None, shift: int = 0
) -> str:
    """A column's title, with the sort arrow on the sorted column ("In state ▲"; when
    tight the space goes first, "In state▲", then the title gives way, never the arrow).
    A text column scrolled sideways says by how much ("Reason +20")."""
    title = TITLES[key]
    if shift and key in SHIFTED:
        title = f"{title} +{shift}"
    if key != sort:
        return title
    arrow = " ▼" if descending else " ▲"
    if width is not None and len(title) + len(arrow) > width:
        arrow = arrow.strip()
        if len(title) + len(arrow) > width:
            title = fit(title, max(1, width - len(arrow)))
    return title + arrow


def column_at(columns: tuple[Column, ...], x: int) -> str | None:
    for col in columns:
        if col.x <= x < col.x + col.width + 1:
            return col.key
    return None


def header_strip(
    columns: tuple[Column, ...],
    sort: str,
    descending: bool,
    width: int,
    style: Style,
    shift: int = 0,
) -> Strip:
    text = " " * columns[0].x + " ".join(
        fit(header_text(c.key, sort, descending, c.width, shift), c.width) for c in columns
    )
    return Strip([Segment(fit(text.rstrip(), width), style)], width)


def row_strip(
    row: Row,
    columns: tuple[Column, ...],
    now: datetime | None,
    width: int,
    style: Style,
    marked: bool,
    recent: bool,
    shift: int = 0,
    *,
    pushed: bool = False,
    claim: str = "",
    data: str = "",
) -> Strip:
    """One vehicle as a line of exactly `width` cells; API text as plain segments. The
    reason and tags cells start `shift` characters in (the table's sideways scroll)."""
    lead = (MARK_GLYPH if marked else " ") + (
        PUSH_GLYPH if pushed else RECENT_GLYPH if recent else " "
    )
    segments = [Segment(lead, style)]
    used = len(lead)
    for col in columns:
        cell = cell_text(row, col.key, now, claim, data)
        if shift and col.key in SHIFTED:
            cell = shifted(cell, shift)
        text = fit(cell, col.width) + " "
        cell_style = (
            style + Style(color=STATE_INFO[row.state].colour) if col.key == "state" else style
        )
        segments.append(Segment(text, cell_style))
        used += col.width + 1
    if used < width:
        segments.append(Segment(" " * (width - used), style))
    # Neighbours in one style become one segment: a line is written with one escape
    # sequence per style change, not one per column (what a changed row costs over SSH).
    return Strip(Segment.simplify(segments)).crop(0, width)
