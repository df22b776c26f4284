"""Pick another profile without restarting: a ModalScreen[str | None].

Usage (E's app)::

    from fleettui.ui.screens.profile_switch import ProfileSwitchScreen
    from fleettui.config import resolve_profile

    def chosen(name: str | None) -> None:
        if name is not None:
            profile = resolve_profile(name)    # checked already: this will not fail
            ...reconnect with it...

    app.push_screen(ProfileSwitchScreen(current="sim"), callback=chosen)

Lists every profile in config.toml with its environment, URL, client id and where its
secret comes from (never the secret). Choosing one resolves it first (flags and
environment as for the CLI); if that fails — e.g. the secret's environment variable is
not set — the reason is shown and the screen stays open. Escape dismisses with None.
A config file that does not parse is reported, not rewritten.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from fleettui.config import Config, ConfigError, load_config, resolve_profile
from fleettui.ui.widgets.cursor_list import CursorList


class ProfileSwitchScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ProfileSwitchScreen { align: center middle; }
    #switch-box {
        width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    #switch-status { height: auto; }
    #switch-list { height: auto; max-height: 16; }
    """

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, current: str | None = None, config: Config | None = None) -> None:
        super().__init__()
        self.current = current
        self._config = config
        self._load_error: str | None = None
        if self._config is None:
            try:
                self._config = load_config()
            except ConfigError as e:
                self._load_error = str(e)

    def compose(self) -> ComposeResult:
        with Vertical(id="switch-box"):
            yield Label(Text("Switch profile", style="bold"), id="switch-title")
            yield CursorList(*self._options(), id="switch-list")
            yield Static(Text(self._load_error or "", style="bold red"), id="switch-status")

    def _options(self) -> list[Option]:
        cfg = self._config
        if cfg is None or not cfg.profiles:
            return []
        options = []
        for name in cfg.names:
            p = cfg.profiles[name]
            line = Text()
            line.append("● " if name == self.current else "  ", style="bold green")
            line.append(name, style="bold")
            line.append(
                f"  {p.environment}  {p.effective_base_url}  {p.client_id}  "
                f"secret: {p.secret_source}"
            )
            if p.read_only:
                line.append("  read-only", style="yellow")
            if name == cfg.default_profile:
                line.append("  (default)", style="dim")
            options.append(Option(line, id=name))
        return options

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._config is not None and not self._config.profiles and self._load_error is None:
            self.query_one("#switch-status", Static).update(
                Text("No profiles yet: add one with `fleettui profile add`.", style="yellow")
            )
        if self.current and self._config and self.current in self._config.profiles:
            options.highlighted = self._config.names.index(self.current)
        options.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name = event.option.id
        if name is None:
            return
        try:
            resolve_profile(name, config=self._config)
        except ConfigError as e:
            self.query_one("#switch-status", Static).update(Text(str(e), style="bold red"))
            return
        self.dismiss(name)
