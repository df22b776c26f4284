"""The controller's write half (`Monitor.writes`): cancel, revoke and add decided before
anything is shown, sent on a worker under one lock per monitor, and what the answers
change. The blocking halves are `deletes` and `add_sending`; this keeps the session's state
for them: the lock, the add form's draft, the last bulk write's outcome."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from fleettui.config.paths import audit_file
from fleettui.core.snapshot import Prepared
from fleettui.core.states import Action
from fleettui.core.store import FleetStore
from fleettui.core.vehicle import Vehicle
from fleettui.monitor import add_sending, deletes
from fleettui.monitor.accounts import Account
from fleettui.monitor.add_lines import AddDraft, AddLine
from fleettui.monitor.clients import Writer
from fleettui.monitor.updates import AddSent, DeletesSent, Notice, Update
from fleettui.monitor.write_outcomes import SKIPPED, WriteOutcome, audit_write


class Session(Protocol):
    """What the write half reads of the `Monitor` (which this module does not import back)."""

    read_only: bool
    account: Account | None
    writer: Writer | None
    store: FleetStore
    sleep: Callable[[float], None]

    def clock(self) -> datetime: ...

    def marked_vehicles(self) -> list[Vehicle]: ...

    def read_only_notice(self) -> Notice: ...

    def unmark(self, vins: list[str]) -> bool: ...

    def apply_answer(self, prepared: Prepared | None, generation: int) -> bool: ...

    def wrote(self) -> None: ...


class Writes:
    def __init__(self, monitor: Session) -> None:
        self.monitor = monitor
        #: One write at a time per monitor (a second batch waits for the first).
        self.lock = threading.Lock()
        #: What the add form held when it was closed with Escape; the next `a` gets it.
        self.add_draft: AddDraft | None = None
        #: The last bulk cancel / revoke: (title, every outcome), for "Write results".
        self.last_write: tuple[str, list[WriteOutcome]] | None = None

    # -- cancel / revoke ------------------------------------------------------------------

    def plan_deletes(self, action: Action, current: Vehicle | None) -> deletes.DeletePlan:
        if self.monitor.read_only:
            return deletes.DeletePlan(action, refusal=self.monitor.read_only_notice())
        return deletes.plan_deletes(
            action, self.monitor.marked_vehicles(), current, self.monitor.clock()
        )

    def _writer(self) -> Writer:
        writer = self.monitor.writer
        if writer is None:  # closed: the app is quitting, nothing is sent
            raise ConnectionError("the monitor is not connected")
        return writer

    def send_deletes(
        self,
        action: Action,
        vins: list[str],
        generation: int,
        skipped: tuple[tuple[str, str], ...] = (),
    ) -> DeletesSent:
        """Blocking (worker). `skipped`: what the confirmation left out, for the result."""
        return deletes.send_deletes(
            self._writer(),
            self.lock,
            self.monitor.store,
            action,
            vins,
            generation,
            self.monitor.clock,
            self.monitor.sleep,
            skipped,
        )

    def took_deletes(self, result: DeletesSent) -> Update:
        self.monitor.wrote()
        update = Update(repaint=self.monitor.apply_answer(result.prepared, result.generation))
        update.unmarked = self.monitor.unmark([o.vin for o in result.outcomes if o.ok])
        update.notices.append(deletes.summary_notice(result, self._remember(result)))
        problem = self.audit(
            result.action.value,
            [o.vin for o in result.outcomes],
            deletes.audit_lines(result.outcomes),
        )
        if problem:
            update.notices.append(Notice(problem, severity="warning"))
        return update

    def _remember(self, result: DeletesSent) -> bool:
        """Keep a batch's outcome; True when it is worth opening (a batch with failures)."""
        outcomes = result.outcomes
        skipped = [
            WriteOutcome(vin, False, message=why, category=SKIPPED) for vin, why in result.skipped
        ]
        if len(outcomes) + len(skipped) < 2:
            return False
        ok = sum(1 for o in outcomes if o.ok)
        verb = "Cancel" if result.action is Action.CANCEL else "Revoke"
        more = f", {len(skipped)} skipped (not sent)" if skipped else ""
        account = self.monitor.account
        where = (
            f"\nRecorded in the audit log: {audit_file()}"
            if account is not None and account.audit
            else ""
        )
        self.last_write = (
            f"{verb}: {ok} of {len(outcomes)} accepted{more}{where}",
            list(outcomes) + skipped,
        )
        return ok < len(outcomes) or bool(skipped)

    # -- add ---------------------------------------------------------------------------

    def open_add(self) -> AddDraft | None | Notice:
        """The draft to reopen the form with (taken: a closed form leaves a new one), or
        the read-only notice."""
        if self.monitor.read_only:
            return self.monitor.read_only_notice()
        draft, self.add_draft = self.add_draft, None
        return draft

    def add_closed(self, draft: AddDraft | None) -> Notice | None:
        """Escape with something typed keeps it for the next `a` (this session)."""
        self.add_draft = draft
        return add_sending.draft_notice(draft)

    def send_add(self, lines: list[AddLine], generation: int) -> AddSent:
        """Blocking (worker)."""
        return add_sending.send_add(
            self._writer(), self.lock, self.monitor.store, lines, generation, self.monitor.clock
        )

    def took_add(self, result: AddSent) -> Update:
        self.monitor.wrote()
        update = Update(by_user=True)
        if result.error is None:
            update.repaint = self.monitor.apply_answer(result.prepared, result.generation)
            problem = self.audit(
                "add",
                [line.vin for line in result.lines],
                add_sending.audit_lines(result.results or []),
            )
            if problem:
                update.notices.append(Notice(problem, severity="warning"))
        return update

    def audit(
        self, action: str, vins: list[str], outcomes: list[tuple[str, bool, str]]
    ) -> str | None:
        """Record a write in the audit log (not the demo's). A problem to show, or None."""
        return audit_write(self.monitor.account, action, vins, outcomes)
