"""The main view's keys (`MonitorScreen.BINDINGS`): every one a binding with an action, so
the footer, the help screen and the command palette all show it.

Dialogs pushed over the main view never see these keys (Textual's binding chain stops at
a modal screen). The keys of the app's own actions (help, the notification log, switching
profile, quit) are listed here too, as `app.` actions, so that they too work on the main
view only and the footer keeps its order; `q` is also the app's own key (APP_BINDINGS),
which quits from a dialog that does not take `q` itself."""

from __future__ import annotations

from textual.binding import Binding, BindingType

#: Shown in the footer, in this order (all fit at 80 columns; on narrower terminals
#: the footer cuts from the right, so help and quit come first); everything else is
#: in `?` help and the command palette. `tooltip` is the longer description the help
#: screen shows.
BINDINGS: list[BindingType] = [
    Binding("question_mark", "app.help", "Help", key_display="?"),
    Binding("q", "app.quit", "Quit"),
    Binding("slash", "filter", "Filter", key_display="/"),
    Binding(
        "enter",
        "detail_full",
        "Detail",
        key_display="Enter",
        tooltip="Detail pane full screen (arrows scroll it; Enter or Esc returns)",
    ),
    Binding(
        "enter",
        "detail_back",
        "Back",
        key_display="⏎/Esc",  # fits 80 columns
        tooltip="Leave the full-screen detail",
    ),
    Binding("a", "add", "Add"),
    Binding("c", "cancel", "Cancel"),
    Binding("R", "revoke", "Revoke", key_display="R"),
    Binding(
        "t",
        "triage",
        "Triage",
        tooltip="The triage view: who must act on what, by when, and the message to send",
    ),
    Binding(
        "escape",
        "clear_filter",
        "Clear filter",
        show=False,
        key_display="Esc",
        tooltip="Clear the filter (or leave the full-screen detail)",
    ),
    Binding(
        "right_square_bracket,shift+down",
        "detail_scroll(1)",
        "Scroll detail down",
        show=False,
        key_display="]",
        tooltip="Scroll the detail pane down (also shift+down)",
    ),
    Binding(
        "left_square_bracket,shift+up",
        "detail_scroll(-1)",
        "Scroll detail up",
        show=False,
        key_display="[",
        tooltip="Scroll the detail pane up (also shift+up)",
    ),
    Binding("d", "toggle_detail", "Hide/show detail", show=False),
    Binding("r", "refresh", "Refresh", show=False, tooltip="Refresh now"),
    Binding("p", "pause", "Pause", show=False, tooltip="Pause or resume the live refresh"),
    Binding(
        "E",
        "last_error",
        "Last error",
        show=False,
        key_display="E",
        tooltip="The full text of the last refresh error",
    ),
    Binding(
        "s",
        "sort_menu",
        "Sort",
        show=False,
        tooltip="Sort menu: a key per column (v b s r i t), o = oldest pending first",
    ),
    Binding(
        "less_than_sign",
        "sort_step(-1)",
        "Sort by the column to the left",
        show=False,
        key_display="<",
    ),
    Binding(
        "greater_than_sign",
        "sort_step(1)",
        "Sort by the column to the right",
        show=False,
        key_display=">",
    ),
    Binding(
        "S", "sort_reverse", "Reverse", show=False, key_display="S", tooltip="Reverse the sort"
    ),
    Binding(
        "asterisk",
        "mark_all",
        "Mark shown",
        show=False,
        key_display="*",
        tooltip="Mark every row the filter shows",
    ),
    Binding("x", "clear_marks", "Clear marks", show=False),
    Binding(
        "y",
        "copy_vin",
        "Copy VIN",
        show=False,
        tooltip="Copy the VIN (or the marked VINs) to the clipboard",
    ),
    Binding(
        "Y",
        "copy_vehicle('support')",
        "Copy for support",
        show=False,
        key_display="Y",
        tooltip="Copy what the provider's support asks for (VIN, brand, added, state, "
        "reason, changelog, tags) as text; also saved to a file",
    ),
    Binding(
        "J",
        "copy_vehicle('json')",
        "Copy as JSON",
        show=False,
        key_display="J",
        tooltip="Copy the vehicle as JSON (the list --json shape); also saved to a file",
    ),
    Binding("e", "export", "Export", show=False, tooltip="Export the rows shown to CSV"),
    Binding(
        "exclamation_mark",
        "app.notifications",
        "Notifications",
        show=False,
        key_display="!",
        tooltip="Every notification, kept: search it, show a notice's vehicles, mute a kind",
    ),
    Binding(
        "P",
        "app.switch_profile",
        "Profile",
        show=False,
        key_display="P",
        tooltip="Switch to another profile",
    ),
    Binding(
        "w",
        "webhooks",
        "Webhooks",
        show=False,
        tooltip="Webhook health: last ping and delivery, deliveries per hour, refusals",
    ),
    Binding(
        "T",
        "stats",
        "Statistics",
        show=False,
        key_display="T",
        tooltip="Statistics: approval times and rates per brand, pending ages, daily changes",
    ),
    Binding(
        "u",
        "changes",
        "What changed",
        show=False,
        tooltip="Show the vehicles that changed since you last looked",
    ),
    # The shared desk (--desk; fleettui.ui.desk_actions): the app's, as the results of
    # its link thread are; on the vehicle under the cursor, or the marked ones.
    Binding(
        "m",
        "app.desk('claim')",
        "Claim",
        show=False,
        tooltip="Shared desk: claim the vehicle (or the marked ones): I'm on it",
    ),
    Binding(
        "M",
        "app.desk('release')",
        "Release claim",
        show=False,
        key_display="M",
        tooltip="Shared desk: release your claim",
    ),
    Binding(
        "H",
        "app.desk('hand')",
        "Hand to…",
        show=False,
        key_display="H",
        tooltip="Shared desk: hand the claim to a named person",
    ),
    Binding(
        "i",
        "app.desk('note')",
        "Note",
        show=False,
        tooltip="Shared desk: write a note (append-only, with your name and the time)",
    ),
    Binding(
        "z",
        "app.desk('snooze')",
        "Snooze",
        show=False,
        tooltip="Shared desk: hide from the triage queues until a time or the next "
        "state change, with why",
    ),
    Binding("Z", "app.desk('unsnooze')", "Unsnooze", show=False, key_display="Z"),
    Binding(
        "O",
        "app.desk('handover')",
        "Handover",
        show=False,
        key_display="O",
        tooltip="Shared desk: what changed, who did what, what is unclaimed and urgent "
        "(copy it with y)",
    ),
    Binding("0", "state_filter('')", "All states", show=False),
    *(
        Binding(str(i + 1), f"state_filter('{s}')", f"Only {s}", show=False)
        for i, s in enumerate(
            ("pending", "approved", "rejected", "revoking", "revoked", "canceling", "canceled")
        )
    ),
]

#: The app's own: `q` quits from anywhere a dialog does not take it (ctrl+c and ctrl+p
#: are Textual's App bindings).
APP_BINDINGS: list[BindingType] = [Binding("q", "quit", "Quit")]

#: The actions that write; off (and hidden) in read-only mode.
WRITE_ACTIONS = frozenset({"add", "cancel", "revoke"})


def action_name(binding: Binding) -> str:
    """The action without its namespace and parameters: 'app.help' -> 'help'."""
    return binding.action.split("(")[0].rpartition(".")[2]


#: Keys whose action opens a text input on the main view (the keys typed right after go
#: into it).
OPENS_INPUT = {
    key: action_name(b)
    for b in BINDINGS
    if isinstance(b, Binding)
    and (
        action_name(b) in ("filter", "add", "revoke", "export")
        or b.action in ("app.desk('note')", "app.desk('hand')", "app.desk('snooze')")
    )
    for key in b.key.split(",")
}


def opens_input(key: str, read_only: bool) -> bool:
    """Will this key open a text input on the main view (writes not when read-only)?"""
    action = OPENS_INPUT.get(key)
    return action is not None and not (read_only and action in WRITE_ACTIONS)
