"""The monitor's keys: every one a binding with an action (so the footer, the help screen
and the command palette all show it), and when each is available."""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen

#: Shown in the footer, in this order (all fit at 80 columns; on narrower terminals
#: the footer cuts from the right, so help and quit come first); everything else is
#: in `?` help and the command palette. `tooltip` is the longer description the help
#: screen shows.
BINDINGS: list[BindingType] = [
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("q", "quit", "Quit"),
    Binding("slash", "filter", "Filter", key_display="/"),
    Binding("enter", "detail_full", "Detail", key_display="Enter",
            tooltip="Detail pane full screen (arrows scroll it; Enter or Esc returns)"),
    Binding("enter", "detail_back", "Back", key_display="Enter/Esc",
            tooltip="Leave the full-screen detail"),
    Binding("a", "add", "Add"),
    Binding("c", "cancel", "Cancel"),
    Binding("R", "revoke", "Revoke", key_display="R"),
    Binding("t", "triage", "Triage",
            tooltip="The triage view: who must act on what, by when, and the message to send"),
    Binding("escape", "clear_filter", "Clear filter", show=False, key_display="Esc",
            tooltip="Clear the filter (or leave the full-screen detail)"),
    Binding("right_square_bracket,shift+down", "detail_scroll(1)", "Scroll detail down",
            show=False, key_display="]", tooltip="Scroll the detail pane down (also shift+down)"),
    Binding("left_square_bracket,shift+up", "detail_scroll(-1)", "Scroll detail up",
            show=False, key_display="[", tooltip="Scroll the detail pane up (also shift+up)"),
    Binding("d", "toggle_detail", "Hide/show detail", show=False),
    Binding("r", "refresh", "Refresh", show=False, tooltip="Refresh now"),
    Binding("p", "pause", "Pause", show=False, tooltip="Pause or resume the live refresh"),
    Binding("E", "last_error", "Last error", show=False, key_display="E",
            tooltip="The full text of the last refresh error"),
    Binding("s", "sort_menu", "Sort", show=False,
            tooltip="Sort menu: a key per column (v b s r i t), o = oldest pending first"),
    Binding("less_than_sign", "sort_step(-1)", "Sort by the column to the left", show=False,
            key_display="<"),
    Binding("greater_than_sign", "sort_step(1)", "Sort by the column to the right",
            show=False, key_display=">"),
    Binding("S", "sort_reverse", "Reverse", show=False, key_display="S",
            tooltip="Reverse the sort"),
    Binding("asterisk", "mark_all", "Mark shown", show=False, key_display="*",
            tooltip="Mark every row the filter shows"),
    Binding("x", "clear_marks", "Clear marks", show=False),
    Binding("y", "copy_vin", "Copy VIN", show=False,
            tooltip="Copy the VIN (or the marked VINs) to the clipboard"),
    Binding("Y", "copy_vehicle('support')", "Copy for support", show=False, key_display="Y",
            tooltip="Copy what the provider's support asks for (VIN, brand, added, state, "
                    "reason, changelog, tags) as text; also saved to a file"),
    Binding("J", "copy_vehicle('json')", "Copy as JSON", show=False, key_display="J",
            tooltip="Copy the vehicle as JSON (the list --json shape); also saved to a file"),
    Binding("e", "export", "Export", show=False, tooltip="Export the rows shown to CSV"),
    Binding("exclamation_mark", "notifications", "Notifications", show=False, key_display="!",
            tooltip="Every notification, kept: search it, show a notice's vehicles, mute a kind"),
    Binding("P", "switch_profile", "Profile", show=False, key_display="P",
            tooltip="Switch to another profile"),
    Binding("w", "webhooks", "Webhooks", show=False,
            tooltip="Webhook health: last ping and delivery, deliveries per hour, refusals"),
    Binding("T", "stats", "Statistics", show=False, key_display="T",
            tooltip="Statistics: approval times and rates per brand, pending ages, daily changes"),
    Binding("u", "changes", "What changed", show=False,
            tooltip="Show the vehicles that changed since you last looked"),
    Binding("0", "state_filter('')", "All states", show=False),
    *(Binding(str(i + 1), f"state_filter('{s}')", f"Only {s}", show=False)
      for i, s in enumerate(("pending", "approved", "rejected", "revoking", "revoked",
                             "canceling", "canceled"))),
]

#: Keys whose action opens a text input (the keys typed right after go into it).
OPENS_INPUT = {key: b.action for b in BINDINGS if isinstance(b, Binding)
               and b.action in ("filter", "add", "revoke", "export")
               for key in b.key.split(",")}


def opens_input(key: str, screen: Screen[object], read_only: bool) -> bool:
    """Will this key open a text input now (not in a dialog; writes not when read-only)?"""
    action = OPENS_INPUT.get(key)
    if action is None or isinstance(screen, ModalScreen):
        return False
    return not (read_only and action in WRITE_ACTIONS)

#: The actions that write; off (and hidden) in read-only mode.
WRITE_ACTIONS = frozenset({"add", "cancel", "revoke"})
#: What still works while a dialog or form is open.
MODAL_ACTIONS = frozenset({"quit", "command_palette", "help_quit"})


def action_name(binding: Binding) -> str:
    return binding.action.split("(")[0]


#: Actions bound by the monitor itself (as opposed to Textual's built-in ones).
MONITOR_ACTIONS = frozenset(action_name(b) for b in BINDINGS if isinstance(b, Binding))


def allowed(action: str, screen: Screen[object], read_only: bool) -> bool:
    """Whether `action` may run now (the app's `check_action`)."""
    if action in WRITE_ACTIONS and read_only:
        return False
    if action in ("detail_full", "detail_back"):  # the footer offers the one that applies
        full = screen.maximized is not None
        if (action == "detail_back") != full:
            return False
    # While a dialog or form is open, the monitor's own keys are off (a stray `c` in a
    # confirmation must not start another action); quitting and the palette stay.
    own = action in MONITOR_ACTIONS  # Textual's own (focus_next on tab...) always work
    return not (own and isinstance(screen, ModalScreen) and action not in MODAL_ACTIONS)
