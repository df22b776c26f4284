"""The controller's desk half (`Monitor.desk`, None without `--desk`): the mirror, the
link's results taken in on the UI thread as `Update`s, the actions a person types, the
header's desk text, and the desk's webhook feed for the push path.

    control = DeskControl(settings, outbox)
    control.start(post)                  # post(result) from the link's threads
    update = control.took(result)        # UI thread: a DeskResult the app posted back
    update = control.act("claim", vins)  # UI thread: kept in the outbox, sent by the link

UI-thread methods unless marked. No Textual.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fleettui.core.store import FleetStore
from fleettui.core.text import clean
from fleettui.core.timefmt import parse_duration, utcnow
from fleettui.desk.errors import DeskError
from fleettui.desk.model import DeskEvent, DeskStatus, HandoverReport
from fleettui.desk.settings import DeskSettings
from fleettui.monitor.accounts import Account
from fleettui.monitor.desk_feed import DeskFeed, webhook_event
from fleettui.monitor.desk_link import DeskLink
from fleettui.monitor.desk_outbox import Kind, Outbox, Pending, outbox_path
from fleettui.monitor.desk_results import (
    DeskActed,
    DeskFollowed,
    DeskLoaded,
    DeskPeople,
    DeskResult,
    DeskTimeline,
    DeskUnreachable,
    Post,
)
from fleettui.monitor.desk_state import WORK_KINDS, DeskDetail, DeskMirror
from fleettui.monitor.updates import Notice, Update

TITLE = "Desk"
#: Vehicles whose desk timeline is kept (the ones looked at last).
TIMELINES_KEPT = 64
_DONE = {
    "claim": "Claimed",
    "release": "Released",
    "hand": "Handed",
    "snooze": "Snoozed",
    "unsnooze": "Unsnoozed",
}


def _vehicles(n: int) -> str:
    return f"{n} vehicle{'s' if n != 1 else ''}"


def parse_until(text: str, now: datetime) -> datetime | None:
    """A snooze's end as typed: "" (until the next state change), a duration from now
    ("4h", "2d", "1d12h") or a local date and time ("2026-12-07 09:00"). ValueError
    with a sentence naming the fix."""
    raw = text.strip()
    if not raw:
        return None
    try:
        return now + timedelta(seconds=parse_duration(raw))
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"'{raw}' is neither a duration (4h, 2d) nor a date and time "
            "(2026-12-07 09:00); leave it empty for 'until its next state "
            "change'"
        ) from None
    if when.tzinfo is None:
        when = when.astimezone()  # typed in local time
    if when <= now:
        raise ValueError(f"{raw} is already past; give a later time")
    return when


@dataclass(frozen=True)
class HandoverRead:
    """The handover screen's content, read on a worker."""

    hours: float
    text: str = ""
    report: HandoverReport | None = None
    #: Why there is no report (the desk is unreachable...): one line.
    problem: str = ""


class DeskControl:
    """See the module docstring."""

    def __init__(
        self,
        settings: DeskSettings,
        outbox: Outbox | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        link: Callable[..., Any] | None = None,
    ) -> None:
        self.settings = settings
        self.outbox = (
            outbox if outbox is not None else Outbox(outbox_path(settings.shown, settings.user))
        )
        self.mirror = DeskMirror(settings.user, settings.host, clock)
        self.mirror.pending = len(self.outbox)
        self.feed = DeskFeed(settings.shown)
        self._make_link = link or (lambda s, p, o, v: DeskLink(s, p, o, viewing=v))
        self.link: Any = None
        #: The store whose rows the desk annotates (set by the monitor).
        self.store: FleetStore | None = None
        #: Text typed and left with Escape, per (kind, vehicles): offered again.
        self.drafts: dict[tuple[str, tuple[str, ...]], str] = {}
        #: The desk's work events of the vehicles looked at, newest looked-at last.
        self.timelines: dict[str, list[DeskEvent]] = {}

    @property
    def me(self) -> str:
        return self.settings.user

    def start(self, post: Post, viewing: Callable[[], str | None] | None = None) -> Update:
        """Start the link; `viewing` says which vehicle is on screen (read by the link,
        for presence and the detail pane's desk timeline)."""
        self.link = self._make_link(self.settings, post, self.outbox, viewing)
        self.link.start()
        notices = []
        if self.outbox.problem:
            notices.append(Notice(self.outbox.problem, title=TITLE, severity="warning"))
        if len(self.outbox):
            notices.append(
                Notice(
                    f"{len(self.outbox)} desk actions typed earlier are waiting "
                    "to be sent; they go as soon as the desk is reached.",
                    title=TITLE,
                )
            )
        return Update(notices=notices)

    def stop(self) -> None:
        link, self.link = self.link, None
        if link is not None:
            link.stop()

    def with_feed(self, account: Account) -> Account:
        """The account with the desk's webhook deliveries as its push feed (unless it
        has a receiver of its own: then deliveries come from there)."""
        if account.push is not None:
            return account
        feed = self.feed
        # Whether a receiver feeds the desk is not known here: the list keeps its own
        # refresh interval (push is not trusted to relax it), deliveries show at once.
        return dataclasses.replace(
            account, push=lambda now=None: feed, reconcile=account.refresh or 0.0
        )

    def viewing(self, vin: str | None) -> None:
        if self.link is not None:
            self.link.viewing(vin)

    def header(self) -> tuple[str, bool]:
        return self.mirror.header()

    def detail(self, vin: str, state: str | None) -> DeskDetail:
        """The detail pane's desk section for `vin` (its timeline once read)."""
        return self.mirror.detail(vin, state, self.timelines.get(vin, ()))

    def draft(self, kind: str, vins: Iterable[str]) -> str:
        return self.drafts.get((kind, tuple(vins)), "")

    def keep_draft(self, kind: str, vins: Iterable[str], text: str) -> None:
        key = (kind, tuple(vins))
        if text.strip():
            self.drafts[key] = text
        else:
            self.drafts.pop(key, None)

    def people(self) -> list[str]:
        """Desk users online now and anyone who held a claim (hand-to suggestions)."""
        names = {p.user for p in self.mirror.online()}
        names |= {w.claimed_by for w in self.mirror.work.values() if w.claimed_by}
        return sorted(n for n in names if n != self.me)

    # -- the handover (blocking: a worker) -------------------------------------------------

    def read_handover(self, hours: float, rows: list[Any], now: datetime) -> HandoverRead:
        """Blocking: what happened on the desk in the last `hours`, with the fleet's
        urgent vehicles nobody holds (the triage board of `rows`, snoozed ones left out)."""
        from fleettui.desk.handover import handover_text, urgent_vins
        from fleettui.desk.store import Desk
        from fleettui.triage.queues import build_board

        urgent = urgent_vins(build_board(rows, now, desk=self.mirror)) if rows else []
        since = utcnow() - timedelta(hours=hours)
        try:
            with Desk.connect(self.settings) as desk:
                report = desk.handover(since, urgent)
        except DeskError as exc:
            return HandoverRead(hours, problem=str(exc))
        return HandoverRead(hours, handover_text(report), report)

    @staticmethod
    def save_handover(text: str) -> str:
        """Blocking: the handover's text to a new file in the export folder; what to say."""
        from fleettui.config.paths import ensure_dir, export_dir

        try:
            folder = ensure_dir(export_dir())
            path = folder / f"handover-{datetime.now():%Y%m%d-%H%M%S}.txt"
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            return f"The handover could not be saved: {exc.strerror or exc}."
        return f"Saved the handover to {path}."

    # -- typed actions --------------------------------------------------------------------

    def act(
        self,
        kind: Kind,
        vins: Iterable[str],
        *,
        text: str = "",
        to_user: str = "",
        until: datetime | None = None,
        states: dict[str, str] | None = None,
    ) -> Update:
        """Send an action (through the outbox: kept on disk first, never lost)."""
        targets = tuple(dict.fromkeys(v for v in vins if v))
        if not targets:
            return Update(
                notices=[
                    Notice(
                        "No vehicle: put the cursor on one, or mark some.",
                        title=TITLE,
                        severity="warning",
                    )
                ]
            )
        if kind == "note" and not text.strip():
            return Update(notices=[Notice("An empty note was not sent.", title=TITLE)])
        if kind == "hand" and not to_user.strip():
            return Update(
                notices=[
                    Notice("Hand to whom? Type a desk user name.", title=TITLE, severity="warning")
                ]
            )
        pending = Pending(
            kind,
            targets,
            text=text,
            to_user=to_user.strip(),
            until=until.isoformat() if until is not None else None,
            states=tuple(sorted((states or {}).items())),
        )
        if self.link is None:
            return Update(notices=[Notice("The desk is not on.", title=TITLE, severity="warning")])
        self.link.submit(pending)
        self.mirror.pending += 1
        if kind in ("note", "snooze"):
            self.drafts.pop((kind, targets), None)
        return Update()

    # -- results (UI thread) ----------------------------------------------------------------

    def took(self, result: DeskResult) -> Update:
        if isinstance(result, DeskFollowed):
            return self._followed(result.events, result.status)
        if isinstance(result, DeskActed):
            return self._acted(result)
        if isinstance(result, DeskLoaded):
            self.mirror.load(result.work, result.people)
            update = self._status(result.status)
            update.repaint = True
            self._refilter()
            return update
        if isinstance(result, DeskPeople):
            return Update(repaint=self.mirror.set_people(result.people))
        if isinstance(result, DeskUnreachable):
            return self._status(result.status)
        if isinstance(result, DeskTimeline):
            self.timelines.pop(result.vin, None)
            self.timelines[result.vin] = list(result.events)
            while len(self.timelines) > TIMELINES_KEPT:
                self.timelines.pop(next(iter(self.timelines)))
            return Update(repaint=True)
        return Update()

    def _refilter(self) -> None:
        if self.store is not None:
            self.store.claims_changed()

    def _status(self, status: DeskStatus) -> Update:
        changed, say = self.mirror.set_status(status)
        update = Update()
        if say is not None:
            back = status.state == "online"
            update.notices.append(
                Notice(
                    say,
                    title=TITLE,
                    kind="desk",
                    severity="information" if back else "warning",
                    timeout=None if back else 10,
                )
            )
        return update

    def _followed(self, events: tuple[DeskEvent, ...], status: DeskStatus) -> Update:
        update = self._status(status)
        if not events:
            return update
        applied = self.mirror.apply(events)
        for ev in events:
            kept = self.timelines.get(ev.vin or "") if ev.kind in WORK_KINDS else None
            if kept is not None and (not kept or kept[-1].id < ev.id):
                kept.append(ev)
        hooks = [w for w in map(webhook_event, applied.webhooks) if w is not None]
        if hooks:
            self.feed.put(hooks)
        if applied.vins or applied.people:
            update.repaint = True
        if applied.vins:
            self._refilter()
        for ev in applied.by_others:
            if ev.kind == "hand" and ev.payload.get("claimed_by") == self.me:
                update.notices.append(
                    Notice(
                        f"{clean(ev.actor)} handed you {ev.vin}.",
                        title=TITLE,
                        kind="desk",
                        vins=(ev.vin or "",),
                    )
                )
        return update

    def _acted(self, done: DeskActed) -> Update:
        self.mirror.pending = len(self.outbox)
        p = done.pending
        what = clean(p.describe())
        if done.kept:
            extra = f" ({clean(done.refused)})" if done.refused else ""
            return Update(
                repaint=True,
                notices=[
                    Notice(
                        f"The desk is offline: kept {what}; it is sent when the desk is back "
                        f"({done.waiting} waiting){extra}.",
                        title=TITLE,
                        severity="warning",
                        kind="desk",
                        vins=p.vins,
                    )
                ],
            )
        if done.refused:
            return Update(
                repaint=True,
                notices=[
                    Notice(
                        f"The desk refused {what}: {clean(done.refused)}",
                        title=TITLE,
                        severity="error",
                        timeout=30,
                        kind="desk",
                        vins=p.vins,
                    )
                ],
            )
        sent = "Sent from the outbox: " if done.replayed else ""
        if p.kind == "note":
            return Update(
                repaint=True,
                notices=[
                    Notice(
                        f"{sent}Note added to {p.vins[0]}.", title=TITLE, kind="desk", vins=p.vins
                    )
                ],
            )
        lost = [r for r in done.results if not r.ok]
        # A claim of your own claim renews it (for the claim time again).
        renewed = sum(1 for r in done.results if r.ok and r.already) if p.kind == "claim" else 0
        won = len(done.results) - len(lost) - renewed
        notices = []
        snoozing = p.kind in ("snooze", "unsnooze")
        if won or snoozing:
            verb = _DONE.get(p.kind, p.kind)
            to = f" to {clean(p.to_user)}" if p.kind == "hand" else ""
            count = len(p.vins) if snoozing else won
            notices.append(
                Notice(
                    f"{sent}{verb} {_vehicles(count)}{to}.", title=TITLE, kind="desk", vins=p.vins
                )
            )
        if renewed:
            until = max(
                (r.expires_at for r in done.results if r.already and r.expires_at), default=None
            )
            when = f" until {until.astimezone(UTC):%d %b %H:%M} UTC" if until else ""
            notices.append(
                Notice(
                    f"{sent}Renewed your claim on {_vehicles(renewed)}{when}.",
                    title=TITLE,
                    kind="desk",
                    vins=p.vins,
                )
            )
        for r in lost:
            why = clean(r.why) or (f"held by {clean(r.holder)}" if r.holder else "refused")
            notices.append(
                Notice(
                    f"{sent}{r.vin} not {_DONE[p.kind].lower()}: {why}.",
                    title=TITLE,
                    severity="warning",
                    kind="desk",
                    vins=(r.vin,),
                    timeout=10,
                )
            )
        return Update(repaint=True, notices=notices)
