"""The dialogs around a write, and the small actions that leave the monitor's data
(copy, export). A helper the app composes (not a mixin).

Every write is decided by the controller (`Monitor.plan_deletes`, `open_add`) before
anything is shown, confirmed here, sent on a thread worker that calls the controller's
blocking method and posts the result (`DeletesDone`, `AddDone`), and taken back in by the
controller, which says what changed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App

from fleettui.core.rows import Row
from fleettui.core.states import Action
from fleettui.core.support_text import support_text, vehicle_json_text
from fleettui.core.text import clean
from fleettui.monitor.add_lines import AddDraft, AddLine
from fleettui.monitor.add_sending import added_notice
from fleettui.monitor.controller import Monitor
from fleettui.monitor.deletes import DeletePlan, no_target
from fleettui.monitor.eligibility import EligibilityOutcome
from fleettui.monitor.updates import AddSent, Notice, Update
from fleettui.ui.messages import AddDone, DeletesDone, EligibilityChecked

if TYPE_CHECKING:  # the dialogs load when first opened, not at start-up
    from fleettui.ui.screens.add_form import AddScreen
    from fleettui.ui.screens.confirm import ConfirmScreen
    from fleettui.ui.screens.monitor import MonitorScreen


def open_form(app: App[None]) -> AddScreen | None:
    """The add form on the screen stack, if one is open and its widgets exist (a form
    just pushed composes in its own task, and at exit its widgets go before it leaves
    the stack: an answer arriving then is said as a notice, never queried into a form
    without widgets). The form's module (a text area and all its rules) is loaded when
    the form is first opened, not at start-up."""
    from fleettui.ui.screens.add_form import AddScreen

    if not app.is_running:  # shutting down: the form's widgets are being removed
        return None
    return next((s for s in app.screen_stack if isinstance(s, AddScreen) and s.is_mounted), None)


def add_screen(draft: AddDraft | None) -> AddScreen:
    from fleettui.ui.screens.add_form import AddScreen

    return AddScreen(draft)


#: The `name` of an export's delivery to the browser (its DeliveryFailed is ours).
EXPORT_DELIVERY = "fleettui-export"


def confirmation(plan: DeletePlan) -> ConfirmScreen:
    """The dialog that asks before `plan.vins` are sent: what, what is skipped and why,
    what will probably be refused; a revoke asks for the VIN's last four (or the count)."""
    from fleettui.ui.screens.confirm import ConfirmScreen, bulk_body

    verb = plan.action.value
    danger = plan.action is Action.REVOKE
    if plan.bulk:
        body = bulk_body(verb, plan.vins, plan.skipped)
        body += [Text(f"⚠ {n} of those sent: {w}", style="bold yellow") for w, n in plan.warnings]
        if danger:
            body.append(Text("Data access stops for every vehicle sent.", style="bold"))
        n = len(plan.vins)
        title = (
            f"{verb.capitalize()} {n} of {plan.targets} marked vehicles?"
            if plan.skipped
            else f"{verb.capitalize()} {n} marked vehicles?"
        )
        return ConfirmScreen(
            title,
            body,
            confirm_label=f"Yes, {verb} {n}",
            require=plan.require,
            require_prompt=f"Type the number of vehicles ({plan.require}) to confirm:",
            danger=danger,
        )
    v = plan.vehicle
    assert v is not None
    vin = clean(v.vin)
    body = [Text(f"VIN {vin}  brand {clean(v.brand)}  state {clean(v.status)}")]
    body += [Text("⚠ " + w, style="bold yellow") for w, _ in plan.warnings]
    if danger:
        body.append(
            Text(
                "Revoking stops data access for this vehicle. Getting it back means "
                "adding it again and waiting for a new approval.",
                style="bold",
            )
        )
    else:
        body.append(Text("Cancelling withdraws the pending activation request."))
    return ConfirmScreen(
        f"{verb.capitalize()} {vin}?",
        body,
        confirm_label=f"Yes, {verb}",
        require=plan.require,
        require_prompt="Type the VIN's last four characters to confirm:",
        danger=danger,
    )


class WriteFlow:
    """`apply` is the app's one applier of an Update, `notify` its notification path for
    a controller notice; `screen` the main view (the table's cursor and marks)."""

    def __init__(
        self,
        app: App[None],
        monitor: Monitor,
        screen: MonitorScreen,
        apply: Callable[[Update | None], None],
        notify: Callable[[Notice], None],
    ) -> None:
        self.app = app
        self.monitor = monitor
        self.screen = screen
        self.apply = apply
        self.notify = notify

    # -- cancel / revoke -----------------------------------------------------------------

    def start_delete(self, action: Action) -> None:
        gone = self.screen.table.gone_vin
        if gone is not None and not self.monitor.marked:
            # A refresh took the cursor's vehicle away just now: never act on a neighbour.
            self.notify(
                Notice(
                    f"{clean(gone)}, the vehicle that was under the cursor, left "
                    f"the view; nothing to {action.value}. Move the cursor to "
                    "the row you mean.",
                    severity="warning",
                    kind="cursor",
                )
            )
            return
        plan = self.monitor.writes.plan_deletes(action, self.screen.current_vehicle())
        if plan.refusal is not None:
            self.notify(plan.refusal)
            return
        # The targets are frozen with the plan: whatever a refresh does to the table while
        # the dialog is open, exactly the VINs it names are sent.
        skipped = tuple((vin, why) for vin, why, *_ in plan.skipped)
        self.app.push_screen(
            confirmation(plan),
            callback=lambda ok: self.send_deletes(action, list(plan.vins), skipped) if ok else None,
        )

    def send_deletes(
        self, action: Action, vins: list[str], skipped: tuple[tuple[str, str], ...] = ()
    ) -> None:
        if self.monitor.read_only:
            return
        self.app.notify(f"Sending {action.value} for {len(vins)} vehicle(s)…", markup=False)
        send = partial(
            self.monitor.writes.send_deletes, action, vins, self.monitor.generation, skipped
        )
        self.app.run_worker(
            lambda: self.app.post_message(DeletesDone(send())),
            thread=True,
            group="write",
            exit_on_error=False,
        )

    def show_write_results(self) -> None:
        if self.monitor.writes.last_write is None:
            self.app.notify("No bulk cancel or revoke has been sent in this session.", markup=False)
            return
        title, outcomes = self.monitor.writes.last_write
        from fleettui.ui.screens.results import WriteResultsScreen

        self.app.push_screen(WriteResultsScreen(title, outcomes))

    # -- add -------------------------------------------------------------------------------

    def open_add(self) -> None:
        opened = self.monitor.writes.open_add()
        if isinstance(opened, Notice):
            self.notify(opened)
            return
        self.app.push_screen(add_screen(opened), callback=self.add_closed)

    def add_closed(self, draft: AddDraft | None) -> None:
        notice = self.monitor.writes.add_closed(draft)
        if notice is not None:
            self.notify(notice)

    def check_eligibility(self, pairs: list[tuple[str, str]]) -> None:
        """The add form's VINs, checked one by one on a worker (paced by the controller)."""
        generation = self.monitor.generation

        def run() -> None:
            for vin, brand in pairs:
                self.app.post_message(
                    EligibilityChecked(self.monitor.check_eligibility(vin, brand, generation))
                )

        self.app.run_worker(run, thread=True, group="eligibility", exit_on_error=False)

    def eligibility_checked(self, outcome: EligibilityOutcome) -> None:
        form = open_form(self.app)
        if form is not None and outcome.generation == self.monitor.generation:
            form.show_eligibility(outcome)

    def send_add(self, lines: list[AddLine]) -> None:
        if self.monitor.read_only:
            return
        send = partial(self.monitor.writes.send_add, lines, self.monitor.generation)
        self.app.run_worker(
            lambda: self.app.post_message(AddDone(send())),
            thread=True,
            group="write",
            exit_on_error=False,
        )

    def add_done(self, result: AddSent) -> Update | None:
        """The form (if still open) shows the answer per VIN, refused lines staying in
        it; else a notice says it. The Update (for the app to apply) repaints the rows."""
        form = open_form(self.app)
        if result.error is not None:
            if form is not None:
                form.sending.show_error(result.error)
            else:
                self.notify(Notice(result.error, severity="error"))
            return None
        update = self.monitor.writes.took_add(result)
        if form is not None:
            form.sending.show_results(result.results or [])
        else:
            update.notices.insert(0, added_notice(result))
        return update

    # -- copy and export ---------------------------------------------------------------------

    def copy_vins(self) -> None:
        marked = sorted(self.monitor.marked)
        if marked:
            text = "\n".join(marked)
            what = f"{len(marked)} marked VINs"
        else:
            current = self.screen.current_vehicle()
            if current is None:
                self.notify(no_target())
                return
            text = what = current.vin
        self.app.copy_to_clipboard(text)
        # In a browser (`fleettui serve`) the page turns the same OSC 52 into a clipboard write.
        where = (
            "the browser's clipboard"
            if self.app.is_web
            else "the clipboard (terminal clipboard, OSC 52)"
        )
        self.app.notify(f"Copied {clean(what)} to {where}.", markup=False)

    def copy_vehicle(self, what: str) -> None:
        """`support`: the fields the provider's support asks for, as text; `json`: the
        vehicle as `fleettui list --json` prints it. To the terminal clipboard (OSC 52)
        and, since not every terminal passes that on, to a file whose full path is said."""
        vehicle = self.screen.current_vehicle()
        if vehicle is None:
            self.notify(no_target())
            return
        now = self.monitor.clock()
        if what == "json":
            text, suffix, label = vehicle_json_text(vehicle, now), "json", "as JSON"
        else:
            text = support_text(
                vehicle,
                now,
                environment=self.monitor.environment,
                profile=self.monitor.account_name,
            )
            suffix, label = "txt", "for support"
        self.app.copy_to_clipboard(text)
        from fleettui.ui.screens.export import default_export_path

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = default_export_path(datetime.now()).with_name(
            f"{clean(vehicle.vin)}-{'support' if suffix == 'txt' else 'vehicle'}-{stamp}.{suffix}"
        )
        try:
            path.write_text(text, encoding="utf-8")
            where = f" and saved to {path.absolute()}"
        except OSError as exc:
            where = f" (not saved to a file: {exc.strerror or exc})"
        self.notify(
            Notice(
                f"Copied {clean(vehicle.vin)} {label} to the terminal clipboard (OSC 52){where}",
                timeout=8,
                kind="copy",
            )
        )

    def export(self) -> None:
        from fleettui.ui.screens.export import ExportScreen, default_export_path

        # The rows shown now, in order, are what the dialog counts and what is written,
        # whatever a refresh does while it is open.
        rows, now = list(self.monitor.store.view.rows), self.monitor.clock()
        if not rows:
            self.app.notify(
                "Nothing to export: the filter shows no vehicles.", severity="warning", markup=False
            )
            return
        # The file is named for the user's own clock, not the provider's (or the demo's).
        if self.app.is_web:
            # In a browser the file belongs on the user's machine: a download, never a file
            # on the server's disk (and no path of the server to type).
            name = default_export_path(datetime.now(), folder=Path()).name
            self.app.run_worker(
                partial(self._deliver_export, name, rows, now),
                thread=True,
                group="export",
                exit_on_error=False,
            )
            return
        self.app.push_screen(
            ExportScreen(default_export_path(datetime.now()), len(rows)),
            callback=partial(self._export_to, rows=rows, now=now),
        )

    def _export_to(self, path: Path | None, rows: list[Row], now: datetime) -> None:
        if path is not None:  # parsing and writing run on a worker
            self.app.run_worker(
                partial(self._write_export, path, rows, now),
                thread=True,
                group="export",
                exit_on_error=False,
            )

    def _deliver_export(self, name: str, rows: list[Row], now: datetime) -> None:
        """Worker thread: build the CSV, then hand it to the browser from the UI thread."""
        from fleettui.ui.screens.export import csv_text

        text, count = csv_text((row.vehicle for row in rows), now)
        self.app.call_from_thread(self._deliver, name, text, count)

    def _deliver(self, name: str, text: str, count: int) -> None:
        self.app.deliver_text(
            io.StringIO(text),
            save_filename=name,
            mime_type="text/csv",
            encoding="utf-8",
            name=EXPORT_DELIVERY,
        )
        self.app.notify(f"Exported {count} rows: your browser downloads {name}", markup=False)

    def delivery_failed(self, name: str | None, exception: BaseException | None) -> None:
        if name == EXPORT_DELIVERY:
            why = f": {exception}" if exception else ""
            self.app.notify(
                f"The download failed{why}. Press e to try again.", severity="error", markup=False
            )

    def _write_export(self, path: Path, rows: list[Row], now: datetime) -> None:
        from fleettui.ui.screens.export import write_csv

        full = path.expanduser().absolute()
        try:
            count = write_csv(full, (row.vehicle for row in rows), now)
        except OSError as exc:
            self.app.notify(
                f"Could not write {full}: {exc.strerror or exc}", severity="error", markup=False
            )
            return
        self.notify(Notice(f"Wrote {count} rows to {full}", kind="export"))
