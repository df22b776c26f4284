"""The dialogs and workers around a write (cancel, revoke, add and its eligibility
checks). A helper the app composes (not a mixin); copy and export are in
`fleettui.ui.copy_export`.

Every write is decided by the controller (`Monitor.plan_deletes`, `open_add`) before
anything is shown, confirmed here, sent on a thread worker that calls the controller's
blocking method and posts the result (`DeletesDone`, `AddDone`), and taken back in by the
controller, which says what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App

from fleettui.core.states import Action
from fleettui.core.text import clean
from fleettui.monitor.add_lines import AddDraft, AddLine
from fleettui.monitor.add_sending import added_notice
from fleettui.monitor.controller import Monitor
from fleettui.monitor.deletes import DeletePlan
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
