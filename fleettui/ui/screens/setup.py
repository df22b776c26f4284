"""First-run setup: open the demo, or connect a High Mobility account (tested, then saved).

Usage (E's app)::

    from fleettui.ui.screens.setup import SetupScreen, SetupResult

    def chosen(result: SetupResult | None) -> None:
        if result is None:            # Escape: the user backed out
            ...
        elif result.kind == "demo":   # start the in-process simulator
            ...
        else:                         # kind == "profile": saved and made the default
            result.profile            # a ResolvedProfile, ready for account_from_profile()
            result.profile_name

    app.push_screen(SetupScreen(), callback=chosen)

"Connect" asks for the environment (production, sandbox or a custom URL such as a running
`fleettui simulator`), the client id and the secret (masked input). Optionally the name
of an environment variable that holds the secret: then the secret is used for the test
but not written to the file. "Test and save" fetches a token and lists one (empty) page
in a thread worker — no network on the UI thread — and saves the profile (config.toml,
mode 0600) only when that worked. A failure is shown in one line naming what failed
(unknown host, TLS, refused, credentials refused, no fleet access); nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from fleettui.config import ConfigError, Profile, ResolvedProfile, load_config, save_config
from fleettui.config.conntest import ConnectionCheck, check_connection
from fleettui.config.profile_checks import (
    check_base_url,
    check_env_var_name,
    check_profile_name,
    check_server_url,
)
from fleettui.config.profiles import DEFAULT_REFRESH, ENVIRONMENT_URLS

TEST_GROUP = "setup-test"


@dataclass(frozen=True)
class SetupResult:
    kind: Literal["demo", "profile"]
    profile_name: str | None = None
    #: For kind "profile": the saved profile, resolved (secret included, masked repr).
    profile: ResolvedProfile | None = None


@dataclass(frozen=True)
class _Attempt:
    check: ConnectionCheck
    saved: ResolvedProfile | None = None
    save_error: str | None = None


class _FormBox(VerticalScroll, can_focus=False):
    """Scrolls (at 80x24 the form is taller than the screen) without being a tab stop of
    its own: focus moves between the fields, and a focused field is scrolled into view.
    As a stop it showed no focus, so shift+tab from the Environment select landed on
    something invisible and Enter there did nothing."""


class SetupScreen(ModalScreen[SetupResult | None]):
    DEFAULT_CSS = """
    SetupScreen { align: center middle; }
    #setup-box {
        width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    #setup-intro { margin: 1 0; }
    #setup-choice, #setup-buttons { height: auto; margin-top: 1; }
    #setup-choice Button, #setup-buttons Button { margin-right: 2; }
    #setup-form { height: auto; }
    #setup-form Label { margin-top: 1; }
    #setup-status { height: auto; margin: 1 0; }
    """

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def compose(self) -> ComposeResult:
        with _FormBox(id="setup-box"):
            yield Label(Text("Welcome to fleettui", style="bold"), id="setup-title")
            yield Static(
                Text(
                    "No profile is configured yet. Open the demo (a simulated fleet on this "
                    "machine), or connect to your High Mobility fleet."
                ),
                id="setup-intro",
            )
            with Horizontal(id="setup-choice"):
                yield Button("Open the demo", id="setup-demo", variant="primary")
                yield Button("Connect", id="setup-connect")
            with Vertical(id="setup-form"):
                yield Label("Environment")
                yield Select(
                    [
                        ("Production", "production"),
                        ("Sandbox", "sandbox"),
                        ("Custom URL (simulator, proxy)", "custom"),
                    ],
                    value="production",
                    allow_blank=False,
                    id="setup-environment",
                )
                yield Input(
                    placeholder="https://… or http://127.0.0.1:PORT",
                    id="setup-base-url",
                    disabled=True,
                )
                yield Label("Client ID")
                yield Input(id="setup-client-id")
                yield Label("Client secret")
                yield Input(password=True, id="setup-secret")
                yield Label("Keep the secret in an environment variable instead (optional)")
                yield Input(
                    placeholder="e.g. FLEETTUI_SECRET — then the file holds only this name",
                    id="setup-secret-env",
                )
                yield Label("Profile name")
                yield Input(value="default", id="setup-name")
                yield Static("", id="setup-status")
                with Horizontal(id="setup-buttons"):
                    yield Button("Test and save", id="setup-save", variant="primary")
                    yield Button("Back", id="setup-back")

    def on_mount(self) -> None:
        self.query_one("#setup-form").display = False
        self.query_one("#setup-demo", Button).focus()

    # -- navigation ----------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#setup-demo")
    def _demo(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(SetupResult("demo"))

    @on(Button.Pressed, "#setup-connect")
    def _connect(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#setup-form").display = True
        self.query_one("#setup-choice").display = False
        self.query_one("#setup-client-id", Input).focus()

    @on(Button.Pressed, "#setup-back")
    def _back(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#setup-form").display = False
        self.query_one("#setup-choice").display = True
        self.query_one("#setup-demo", Button).focus()

    @on(Select.Changed, "#setup-environment")
    def _environment_changed(self, event: Select.Changed) -> None:
        url = self.query_one("#setup-base-url", Input)
        url.disabled = event.value != "custom"
        if not url.disabled and self.query_one("#setup-environment", Select).has_focus:
            url.focus()

    # -- test and save -------------------------------------------------------------

    def _status(self, text: str, style: str = "") -> None:
        self.query_one("#setup-status", Static).update(Text(text, style=style))

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    @on(Button.Pressed, "#setup-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        environment = str(self.query_one("#setup-environment", Select).value)
        try:
            name = check_profile_name(self._value("setup-name"))
            if environment == "custom":
                # The client's own rules too (no plain http to another machine…), so a
                # profile every later command would refuse is never tested or saved.
                base_url = check_server_url(check_base_url(self._value("setup-base-url")))
            else:
                base_url = ENVIRONMENT_URLS[environment]
            secret_env = self._value("setup-secret-env") or None
            if secret_env:
                check_env_var_name(secret_env)
        except ConfigError as e:
            self._status(str(e), "bold red")
            return
        client_id, secret = self._value("setup-client-id"), self._value("setup-secret")
        if not client_id or not secret:
            self._status("Enter the client ID and the client secret.", "bold red")
            return
        profile = Profile(
            name=name,
            environment=environment,
            base_url=base_url if environment == "custom" else None,
            client_id=client_id,
            client_secret=None if secret_env else secret,
            client_secret_env=secret_env,
        )
        self.query_one("#setup-save", Button).disabled = True
        self._status("Testing the connection…")

        def attempt() -> _Attempt:
            return _test_and_save(profile, base_url, secret)

        # A closure (not functools.partial) and an explicit description: the worker's
        # repr must never show the secret.
        self.run_worker(
            attempt,
            thread=True,
            group=TEST_GROUP,
            exclusive=True,
            description="testing a new profile",
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != TEST_GROUP:
            return
        if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, _Attempt):
            self._finished(event.worker.result)
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.query_one("#setup-save", Button).disabled = False
            self._status("The test could not run; try again.", "bold red")

    def _finished(self, outcome: _Attempt) -> None:
        self.query_one("#setup-save", Button).disabled = False
        if not outcome.check.ok:
            self._status(outcome.check.message, "bold red")
            return
        if outcome.saved is None:
            self._status(
                f"The connection works, but the profile was not saved: {outcome.save_error}",
                "bold red",
            )
            return
        self.dismiss(SetupResult("profile", outcome.saved.name, outcome.saved))


def _test_and_save(profile: Profile, base_url: str, secret: str) -> _Attempt:
    """Worker thread: test, and save only when the test passed."""
    check = check_connection(base_url, profile.client_id, secret)
    if not check.ok:
        return _Attempt(check)
    try:
        cfg = load_config()
        if profile.name in cfg.profiles:
            return _Attempt(
                check, save_error=f"a profile named {profile.name!r} exists; choose another name"
            )
        save_config(cfg.with_profile(profile, make_default=True))
    except (ConfigError, OSError) as e:
        return _Attempt(check, save_error=str(e))
    resolved = ResolvedProfile(
        name=profile.name,
        environment=profile.environment,
        base_url=base_url,
        client_id=profile.client_id,
        client_secret=secret,
        read_only=False,
        refresh=DEFAULT_REFRESH,
        default_filter="",
        source=f"profile {profile.name!r} in {cfg.path} (just set up)",
        secret_source=profile.secret_source,
    )
    return _Attempt(check, saved=resolved)
