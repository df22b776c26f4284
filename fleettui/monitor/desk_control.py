"""The controller's desk half (`Monitor.desk`, None without `--desk`): the mirror, the
link's results taken in on the UI thread as `Update`s, the actions a person types, the
header's desk text, and the desk's webhook feed for the push path.

    control = DeskControl(settings, outbox)
    control.start(post)                  # post(result) from the link's threads
    update = control.took(result)        # UI thread: a DeskResult the app posted back
    update = control.act("claim", vins)  # UI thread: kept in the outbox, sent by the link

UI-thread methods unless marked. No Textual. What it tells is worded in
`desk_notices.py`; the handover (`H`) is read and saved by `desk_handover.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from fleettui.core.store import FleetStore
from fleettui.core.timefmt import utcnow
from fleettui.desk.model import DeskEvent, DeskStatus
from fleettui.desk.settings import DeskSettings
from fleettui.monitor import desk_notices
from fleettui.monitor.accounts import Account
from fleettui.monitor.desk_detail import DeskDetail
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
from fleettui.monitor.desk_state import WORK_KINDS, DeskMirror
from fleettui.monitor.updates import Update

#: Vehicles whose desk timeline is kept (the ones looked at last).
TIMELINES_KEPT = 64


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
        return Update(notices=desk_notices.outbox_notices(self.outbox))

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
            return Update(notices=[desk_notices.NO_VEHICLE])
        if kind == "note" and not text.strip():
            return Update(notices=[desk_notices.EMPTY_NOTE])
        if kind == "hand" and not to_user.strip():
            return Update(notices=[desk_notices.HAND_TO_WHOM])
        pending = Pending(
            kind,
            targets,
            text=text,
            to_user=to_user.strip(),
            until=until.isoformat() if until is not None else None,
            states=tuple(sorted((states or {}).items())),
        )
        if self.link is None:
            return Update(notices=[desk_notices.DESK_OFF])
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
        if isinstance(result, DeskPeople):  # and the receiver, for the header's push
            self.feed.saw_receiver(result.receiver, result.receivers)
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
            update.notices.append(desk_notices.status_notice(say, status))
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
                update.notices.append(desk_notices.handed_to_you(ev))
        return update

    def _acted(self, done: DeskActed) -> Update:
        self.mirror.pending = len(self.outbox)
        return Update(repaint=True, notices=desk_notices.acted_notices(done))
