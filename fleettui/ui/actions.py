"""Write actions (add, cancel, revoke, bulk) and the small ones (copy, export).

Every write is checked by the domain rules before anything is sent, confirmed by the
user, sent from a thread worker, shown at once in the table (from the provider's
answer), and written to the audit log. Errors become notifications; the app lives on.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rich.text import Text
from textual import work
from textual.message import Message

from fleettui.api.client import NewVehicle
from fleettui.api.errors import ApiError, RateLimited, error_category
from fleettui.core.brands import brand_info
from fleettui.core.rules import check_action, plan_bulk
from fleettui.core.states import Action
from fleettui.core.text import clean
from fleettui.core.vehicle import Vehicle
from fleettui.monitor.writes import WriteOutcome, merge_answer, new_vehicle, summarise
from fleettui.ui.copy_export import CopyExportMixin
from fleettui.ui.read_only import ReadOnlyMixin
from fleettui.ui.screens.add_form import AddDraft, AddScreen
from fleettui.ui.screens.confirm import ConfirmScreen, bulk_body
from fleettui.ui.write_report import OPEN_HINT, WriteReportMixin

WRITE_ACTIONS = frozenset({"add", "cancel", "revoke"})
_write_lock = threading.Lock()


class WriteDone(Message):
    """Delete results; `outcomes` already merged, `prepared` the store update (built on
    the worker so a 100k fleet's re-sort never runs on the UI thread)."""

    def __init__(self, action: Action, outcomes: list[WriteOutcome], prepared: Any,
                 generation: int) -> None:
        super().__init__()
        self.action = action
        self.outcomes = outcomes
        self.prepared = prepared
        self.generation = generation


class AddDone(Message):
    def __init__(self, lines: list, results: list | None, error: str | None, prepared: Any,
                 added: int, generation: int) -> None:
        super().__init__()
        self.lines = lines
        self.results = results
        self.error = error
        self.prepared = prepared
        self.added = added
        self.generation = generation


class ActionsMixin(ReadOnlyMixin, WriteReportMixin, CopyExportMixin):
    """Mixed into FleetApp; expects .store, .table, .writer, .read_only, .clock, .account."""

    def audit_write(self, action: str, vins: list[str],
                    outcomes: list[tuple[str, bool, str]]) -> str | None:
        """Record a write in the audit log, unless the account is the demo simulator (its
        writes are not real and must not mix with real ones). A problem to show, or None."""
        from fleettui.config.audit import AuditResult, record_write

        if self.account is None or not self.account.audit:
            return None
        try:
            record_write(self.account_name, action, vins,
                         [AuditResult(v, ok, msg) for v, ok, msg in outcomes])
        except OSError as exc:
            return f"The audit log could not be written: {exc}"
        return None

    # -- cancel / revoke -------------------------------------------------------------

    def action_cancel(self) -> None:
        self._start_delete(Action.CANCEL)

    def action_revoke(self) -> None:
        self._start_delete(Action.REVOKE)

    def _targets(self) -> tuple[list[Vehicle], bool]:
        marked = [v for v in (self.store.vehicle(vin) for vin in sorted(self.marked_vins())) if v]
        if marked:
            return marked, True
        current = self.current_vehicle()
        return ([current] if current else []), False

    def _start_delete(self, action: Action) -> None:
        if self.read_only:
            self.notify_read_only()
            return
        targets, bulk = self._targets()
        if not targets:
            self.notify("No vehicle under the cursor.", severity="warning", markup=False)
            return
        now = self.clock()
        if not bulk:
            self._confirm_one(action, targets[0], now)
            return
        plan = plan_bulk(targets, action, now)
        skipped = [(v.vin, why, brand_info(v.brand).display, str(v.state)) for v, why in plan.skip]
        if not plan.send:
            reasons = "; ".join(sorted({clean(w) for _, w, *_ in skipped}))[:300]
            self.notify(f"Nothing to {action.value}: all {len(skipped)} marked were skipped ({reasons}). "
                        "Nothing was sent.", severity="warning", timeout=8, markup=False)
            return
        body = bulk_body(action.value, [v.vin for v in plan.send], skipped)
        warned: dict[str, int] = {}
        for _, warning in plan.warnings:
            warned[clean(warning)] = warned.get(clean(warning), 0) + 1
        body += [Text(f"⚠ {n} of those sent: {w}", style="bold yellow") for w, n in warned.items()]
        require = None
        if action is Action.REVOKE:
            body.append(Text("Data access stops for every vehicle sent.", style="bold"))
            require = str(len(plan.send))
        vins = [v.vin for v in plan.send]
        self.push_screen(
            ConfirmScreen(f"{action.value.capitalize()} {len(vins)} of {len(targets)} marked vehicles?"
                          if skipped else f"{action.value.capitalize()} {len(vins)} marked vehicles?", body,
                          confirm_label=f"Yes, {action.value} {len(vins)}", require=require,
                          require_prompt=f"Type the number of vehicles ({require}) to confirm:",
                          danger=action is Action.REVOKE),
            callback=lambda ok: self._send_deletes(action, vins) if ok else None,
        )

    def _confirm_one(self, action: Action, v: Vehicle, now: Any) -> None:
        check = check_action(v, action, now)
        vin = clean(v.vin)
        if not check.allowed:
            self.notify(f"Cannot {action.value} {vin}: {clean(check.reason).rstrip('.')}. "
                        "Nothing was sent.",
                        title=f"{action.value.capitalize()} refused", severity="warning",
                        timeout=8, markup=False)
            return
        body = [Text(f"VIN {vin}  brand {clean(v.brand)}  state {clean(v.status)}")]
        body += [Text("⚠ " + clean(w), style="bold yellow") for w in check.warnings]
        require = None
        if action is Action.REVOKE:
            body.append(Text("Revoking stops data access for this vehicle. Getting it back means "
                             "adding it again and waiting for a new approval.", style="bold"))
            require = vin[-4:]
        else:
            body.append(Text("Cancelling withdraws the pending activation request."))
        self.push_screen(
            ConfirmScreen(f"{action.value.capitalize()} {vin}?", body,
                          confirm_label=f"Yes, {action.value}", require=require,
                          require_prompt="Type the VIN's last four characters to confirm:",
                          danger=action is Action.REVOKE),
            callback=lambda ok: self._send_deletes(action, [v.vin]) if ok else None,
        )

    def _send_deletes(self, action: Action, vins: list[str]) -> None:
        if self.read_only:
            return
        self.notify(f"Sending {action.value} for {len(vins)} vehicle(s)…", markup=False)
        self._delete_worker(action, vins, self.generation)

    @work(thread=True, exit_on_error=False, group="write")
    def _delete_worker(self, action: Action, vins: list[str], generation: int) -> None:
        with _write_lock:
            sent = [self._delete_one(vin) for vin in vins]
        now = self.clock()
        outcomes = [
            WriteOutcome(o.vin, True, vehicle=merge_answer(self.store.vehicle(o.vin), o.vehicle, now))
            if o.ok and o.vehicle is not None else o
            for o in sent
        ]
        merged = [o.vehicle for o in outcomes if o.ok and o.vehicle is not None]
        prepared = self.store.prepare(merged, now, partial=True) if merged else None
        self.post_message(WriteDone(action, outcomes, prepared, generation))

    def _delete_one(self, vin: str) -> WriteOutcome:
        for attempt in range(2):
            try:
                return WriteOutcome(vin, True, vehicle=self.writer.delete_vehicle(vin))
            except RateLimited as exc:
                # 429 means the provider did nothing: waiting and asking once more is safe.
                if attempt == 0:
                    time.sleep(min(30.0, exc.retry_after or 5.0))
                    continue
                return WriteOutcome(vin, False, message=str(exc), category=error_category(exc))
            except ApiError as exc:
                return WriteOutcome(vin, False, message=str(exc), category=error_category(exc))
            except Exception as exc:  # noqa: BLE001 - never let a write kill the app
                return WriteOutcome(vin, False, message=f"Unexpected failure: {clean(exc)}")
        return WriteOutcome(vin, False, message="not sent")

    def on_write_done(self, message: WriteDone) -> None:
        shown = message.outcomes
        if message.prepared is not None and message.generation == self.generation:
            self.apply_prepared(message.prepared)
        self.unmark([o.vin for o in message.outcomes if o.ok])
        text, severity = summarise(message.action, shown)
        if self.remember_write(message.action, shown):
            text += "\n" + OPEN_HINT
        self.notify(clean(text, keep_newlines=True), severity=severity, timeout=10 if severity != "information" else 5,
                    markup=False)
        problem = self.audit_write(message.action.value, [o.vin for o in shown],
                                   [(o.vin, o.ok, o.vehicle.status if o.ok and o.vehicle else o.message) for o in shown])
        if problem:
            self.notify(problem, severity="warning", markup=False)

    # -- add -------------------------------------------------------------------------

    def action_add(self) -> None:
        if self.read_only:
            self.notify_read_only()
            return
        draft, self._add_draft = getattr(self, "_add_draft", None), None
        self.push_screen(AddScreen(draft), callback=self._add_closed)

    def _add_closed(self, draft: AddDraft | None) -> None:
        """Escape with something typed keeps it for the next `a` (this session)."""
        self._add_draft = draft
        if draft is not None:
            lines = draft.line_count
            what = f"{lines} line{'s' if lines != 1 else ''}" if lines else "the form's fields"
            self.notify(f"Draft kept: {what}. Press a to go on with it.", title="Add form closed",
                        markup=False)

    def on_add_screen_submit(self, message: AddScreen.Submit) -> None:
        if self.read_only:
            return
        self._create_worker(message.lines, self.generation)

    @work(thread=True, exit_on_error=False, group="write")
    def _create_worker(self, lines: list, generation: int) -> None:
        wanted = [NewVehicle(line.vin, line.brand, line.tags) for line in lines]
        try:
            with _write_lock:
                results = self.writer.create_vehicles(wanted)
        except ApiError as exc:
            self.post_message(AddDone(lines, None, str(exc), None, 0, generation))
            return
        except Exception as exc:  # noqa: BLE001
            self.post_message(AddDone(lines, None, f"Unexpected failure: {clean(exc)}", None, 0,
                                      generation))
            return
        now = self.clock()
        by_vin = {line.vin.upper(): line for line in lines}
        added = [
            new_vehicle(line.vin, line.brand, line.tags, r.status or "pending", now, r.vehicle)
            for r in results if r.ok and (line := by_vin.get(r.vin.upper())) is not None
        ]
        prepared = self.store.prepare(added, now, partial=True) if added else None
        self.post_message(AddDone(lines, results, None, prepared, len(added), generation))

    def on_add_done(self, message: AddDone) -> None:
        form = next((s for s in self.screen_stack if isinstance(s, AddScreen)), None)
        if message.error is not None:
            if form is not None:
                form.show_error(message.error)
            else:
                self.notify(message.error, severity="error", markup=False)
            return
        if message.prepared is not None and message.generation == self.generation:
            self.apply_prepared(message.prepared)
        if form is not None:
            form.show_results(message.results or [])
        else:
            self.notify(f"{message.added} vehicle(s) added.", markup=False)
        problem = self.audit_write("add", [line.vin for line in message.lines],
                                   [(r.vin, r.ok, r.status if r.ok else (r.description or "")) for r in message.results or []])
        if problem:
            self.notify(problem, severity="warning", markup=False)
