"""The top two lines: who and where (account, environment), connection health, counts.

Production is unmistakable without colour: "!! PRODUCTION !!" in reverse video.
Only redraws a line when the text it would show on it actually changed, so an idle
screen stays quiet and a change in the counts rewrites only the counts line.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Region
from textual.widget import Widget

from fleettui.core.states import STATE_ORDER, State, info
from fleettui.core.text import clean
from fleettui.monitor.connection import ConnectionState, coarse_age, stale_age
from fleettui.monitor.header_state import HeaderState

ENV_BADGES = {
    "demo": (" DEMO ", "bold reverse"),
    "sandbox": (" SANDBOX ", "bold reverse"),
    "production": (" !! PRODUCTION !! ", "bold reverse"),
}

#: Stale / cannot connect: red, and in reverse video so it stands out without colour too.
ALERT = "bold reverse red"


def _styled(text: Text) -> list[tuple[str, str]]:
    """Each character of `text` with the styles of the spans over it."""
    styles = [str(text.style)] * len(text.plain)
    for span in text.spans:
        for i in range(span.start, min(span.end, len(styles))):
            styles[i] += f";{span.style}"
    return list(zip(text.plain, styles, strict=True))


def environment_badge(environment: str) -> Text:
    if not environment:
        return Text("")
    label, style = ENV_BADGES.get(environment.lower(), (f" {environment.upper()} ", "bold reverse"))
    return Text(label, style=style)


def _local(when: datetime) -> datetime:
    """A time in the local zone (naive times are taken as local already)."""
    return when.astimezone()


def cache_label(cached_at: datetime, wall: datetime) -> str:
    """When the cache on screen was saved (`cached_at`), by this machine's clock (`wall`
    is its now), and how long ago: '19:12 (21m ago)', with the date when not today."""
    saved, now = _local(cached_at), _local(wall)
    when = saved.strftime("%H:%M" if saved.date() == now.date() else "%Y-%m-%d %H:%M")
    return f"{when} ({coarse_age(max(0.0, (now - saved).total_seconds()))} ago)"


def connection_text(conn: ConnectionState, read_only: bool = False) -> Text:
    """Live / stale (age, why) / paused / connecting, and the last good refresh time.
    `read_only` adds the READ-ONLY badge (the header itself puts it up front)."""
    out = Text()
    if read_only:
        out.append(" READ-ONLY ", style="bold reverse")
        out.append("  ")
    if conn.paused:
        out.append("‖ PAUSED", style="bold yellow")
    elif conn.stale and not conn.connected_once:
        retry = conn.retry_label() if conn.retry_after is not None else "retrying"
        out.append(f" ✗ {conn.problem_label()}, {retry} ", style=ALERT)
        if conn.cached_at is not None:
            out.append(f"  showing cache from {cache_label(conn.cached_at, conn.wall())}")
    elif conn.cached_at is not None and not conn.connected_once:
        out.append(
            f"○ cache from {cache_label(conn.cached_at, conn.wall())}, connecting", style="yellow"
        )
    elif conn.stale:
        age = stale_age(conn.age())
        out.append(f" ! STALE {age} ({conn.kind_label()}) ", style=ALERT)
        if conn.retry_after is not None:  # the provider asked to wait: how long, and why
            out.append(f"  {conn.retry_label()}", style="yellow")
    elif conn.connected_once:
        out.append("● live", style="green")
    else:
        out.append("○ connecting", style="yellow")
    waited = conn.waiting()
    if waited is not None:
        out.append(f"  … waiting for the provider ({int(waited)} s)", style="yellow")
    if conn.last_ok_at is not None:
        # Minutes: a refresh that changed nothing leaves the header as it was (seconds
        # would rewrite the line on every refresh, over SSH too).
        out.append(f"  updated {conn.last_ok_at.strftime('%H:%M')}")
    return out


#: Short state names for narrow terminals; the help screen shows them as a legend.
SHORT_LABELS = {
    State.PENDING: "pend",
    State.APPROVED: "appr",
    State.REJECTED: "rej",
    State.REVOKING: "revkg",
    State.REVOKED: "revkd",
    State.CANCELING: "cnclg",
    State.CANCELED: "cncld",
    State.ERROR: "err",
    State.UNKNOWN: "unkn",
}
#: How much each form of the counts says: full names, short names, glyphs only.
COUNT_FORMS = ("full", "short", "glyph")


def counts_legend() -> str:
    """'… pend = pending, ✓ appr = approved, …' for the help screen."""
    return ", ".join(f"{info(s).glyph} {SHORT_LABELS[s]} = {info(s).label}" for s in STATE_ORDER)


def counts_text(h: HeaderState, form: str = "full") -> Text:
    """'60/60 shown  … pending 8  ✗ rejected 3/22 …'. Narrower forms: 'short' names
    ('…pend 8 ✗rej 3/22'), then glyphs only ('…8 ✗3/22'); states with none are left out."""
    out = Text()
    if not h.loaded:
        return Text("no data yet", style="dim")
    full = form == "full"
    out.append(f"{h.shown_count}/{h.total_count} shown", style="bold")
    if h.reading:
        out.append("  reading the cache…" if full else " reading…", style="yellow")
    if h.receiving is not None and h.broke_off:
        out.append(
            "  the list broke off: not the whole fleet" if full else " incomplete", style=ALERT
        )
    elif h.receiving is not None:
        out.append(
            f"  receiving the fleet… {h.receiving} so far; sorted when all are in"
            if full
            else f" receiving… {h.receiving}",
            style="yellow",
        )
    if h.marked:
        hidden = f", {h.marked_hidden} hidden" if h.marked_hidden else ""
        out.append(
            f"  ● {h.marked} marked{hidden}" if full else f" {h.marked} marked{hidden}",
            style="bold",
        )
    for state in STATE_ORDER:
        total = h.total.get(state, 0)
        if not total:
            continue
        si = info(state)
        out.append("  " if full else " ")
        if full:
            out.append(f"{si.glyph} {si.label} ", style=si.colour)
        elif form == "short":
            out.append(f"{si.glyph}{SHORT_LABELS[state]} ", style=si.colour)
        else:
            out.append(si.glyph, style=si.colour)
        shown = h.shown.get(state, 0)
        out.append(f"{shown}/{total}" if shown != total else f"{total}")
    return out


class FleetHeader(Widget):
    """Two lines: identity + connection, then per-state counts (shown/total)."""

    DEFAULT_CSS = """
    FleetHeader {
        height: 2; padding: 0 1; background: $panel;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = HeaderState()
        self._last: Text | None = None

    def build(self, width: int = 0) -> Text:
        """Line 1: environment badge, READ-ONLY, account, connection (most important
        first, so a narrow terminal cuts the least important); line 2: counts."""
        h = self.state
        line = Text()
        line.append_text(environment_badge(h.environment))
        line.append(" ")
        if h.read_only:
            line.append(" READ-ONLY ", style="bold reverse")
            line.append(" ")
        account = clean(h.account) or "(no account)"
        if width and width < 100 and len(account) > 20:
            account = account[:19] + "…"
        line.append(account, style="bold")
        line.append("  ")
        line.append_text(connection_text(h.connection))
        if h.push:
            push = h.push
            room = width - line.cell_len - 2 - (len(clean(h.desk)) + 2 if h.desk else 0)
            if width and len(push) > room and " · " in push:
                # Narrow (80 columns over SSH): the push's words stay, its details give
                # way from the last (deliveries seen, then the desk's receiver), so the
                # desk's state after it is not cut off the line.
                parts = push.split(" · ")
                while len(parts) > 1 and len(" · ".join(parts)) > room:
                    parts.pop()
                push = " · ".join(parts)
            line.append("  ")
            line.append(push, style=ALERT if h.push_alert else "")
        if h.desk:
            line.append("  ")
            line.append(clean(h.desk), style=ALERT if h.desk_alert else "")
        line.append("\n")
        for form in COUNT_FORMS:  # the most words that fit
            counts = counts_text(h, form)
            if not width or counts.cell_len <= width:  # width: inside the padding
                break
        line.append_text(counts)
        return line

    def show(self, state: HeaderState) -> None:
        """Draw `state`, rewriting only the cells whose text or style changed."""
        self.state = state
        text = self.build(self.size.width)
        last = self._last
        self._last = text
        if last is None:
            self.refresh()
            return
        old, new = last.split("\n"), text.split("\n")
        if len(old) != len(new):
            self.refresh()
            return
        for y, (a, b) in enumerate(zip(old, new, strict=True)):
            if a.plain != b.plain or a.spans != b.spans or a.style != b.style:
                self.refresh(self._changed_cells(y, a, b))

    def _changed_cells(self, y: int, old: Text, new: Text) -> Region:
        """The part of line `y` that differs: from the first changed character to the
        last one (to the end of the line when the text after it moved), so a count that
        changed rewrites that count, not the whole line."""
        a, b = _styled(old), _styled(new)
        first = next(
            (i for i, (x, z) in enumerate(zip(a, b, strict=False)) if x != z), min(len(a), len(b))
        )
        x0 = cell_len(new.plain[:first])  # in the content area (refresh adds the padding)
        if len(a) == len(b):
            last = next(i for i in range(len(a) - 1, -1, -1) if a[i] != b[i])
            width = cell_len(new.plain[first : last + 1])
        else:
            width = self.content_size.width - x0
        return Region(x0, y, max(1, width), 1)

    def on_resize(self) -> None:
        self._last = None
        self.refresh()

    def render(self) -> Text:
        if self._last is None:
            self._last = self.build(self.size.width)
        return self._last
