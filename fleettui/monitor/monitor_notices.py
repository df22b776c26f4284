"""What the monitor's controller tells: about its refreshes (one already running, a
retry, a failure and what the screen shows meanwhile, the last error with the provider
load on `E`, pause and resume), about the session (pinned, read-only), and the cursor's
vehicle leaving the view. Pure: each reads the state it is handed and returns a Notice."""

from __future__ import annotations

from fleettui.core.text import clean
from fleettui.monitor.connection import ConnectionState
from fleettui.monitor.delta import DeltaPolling
from fleettui.monitor.load import ProviderLoad
from fleettui.monitor.updates import FetchFailed, Notice

RECONNECTED = Notice("Reconnected; the data is live again.", title="Refresh")
PAUSED = Notice("Live refresh paused; p resumes, r refreshes once.")
RESUMED = Notice("Live refresh resumed.")


def already_running(conn: ConnectionState) -> Notice:
    """`r` while a refresh runs: how long it has waited for the provider."""
    waited = conn.waiting()
    tail = f" (waiting for the provider, {int(waited)} s)" if waited else ""
    return Notice(f"A refresh is already running{tail}.")


def retrying_now(conn: ConnectionState) -> Notice:
    """`r` after a failure: the back-off is skipped, and the notice says so."""
    return Notice(
        f"Retrying now (the last refresh failed: {conn.kind_label()}); E shows the whole error.",
        title="Refresh",
    )


#: After a first answer that failed halfway (fleettui.monitor.arrival).
BROKE_OFF = "Showing only the vehicles that arrived before the list broke off, not the whole fleet"


def what_is_shown(conn: ConnectionState, total: int) -> str:
    """After a failed poll: is the screen showing live data, a cache, or nothing?"""
    if conn.connected_once:
        return "Showing the last data"
    if conn.cached_at is not None and total:
        return "Showing the fleet cached on disk"
    return "No data yet"


def refresh_failed(result: FetchFailed, conn: ConnectionState, shown: str) -> Notice:
    """The first failure of a run (later ones only update the header)."""
    return Notice(
        f"{result.message} {shown}; retrying by itself.",
        title=f"Refresh failed ({conn.category_label()})",
        severity="warning" if conn.connected_once else "error",
        timeout=8,
    )


def load_text(load: ProviderLoad, delta: DeltaPolling) -> str:
    """This monitor's provider load and what its refreshes ask (the `E` panel)."""
    rate = load.text() or "provider load: measured after the first minute"
    if not delta.enabled:
        how = "the whole list every refresh (--full-refresh / full_refresh)"
    else:
        how = (
            f"only what can change, a full list every {delta.full_every / 60:g} min: "
            f"{delta.filtered} filtered refresh{'es' * (delta.filtered != 1)}, "
            f"{delta.full_lists} full list{'s' * (delta.full_lists != 1)}"
        )
        if delta.fell_back:
            how += "; a filtered call failed, the full list was asked instead"
    return f"{rate[0].upper()}{rate[1:]} ({how})."


def last_error(conn: ConnectionState, load: str) -> Notice:
    """The full text of the latest failure (the `E` key), or that there is none, with
    the provider load `load` (see `load_text`)."""
    if not conn.stale:
        return Notice(f"No refresh has failed since the last good one.\n{load}", title="Last error")
    return Notice(
        f"{clean(conn.message) or '(the failure said nothing)'}\n{load}",
        title=f"Last error ({conn.failures} failed refreshes in a row)",
        severity="warning",
        timeout=20,
    )


def pinned(account_name: str) -> Notice:
    """Why a pinned session does not switch profiles."""
    return Notice(
        f"This session stays on {account_name}: it was started with "
        "--pin-profile, as every `fleettui serve` browser tab is.",
        title="Profile pinned",
        severity="warning",
    )


def read_only(by_flag: bool) -> Notice:
    """Why writes are refused: --read-only (`by_flag`) or the profile's setting."""
    why = "started with --read-only" if by_flag else "profile setting"
    return Notice(
        f"Read-only: fleettui will not send writes with this profile ({why}).",
        title="Read-only",
        severity="warning",
    )


def cursor_left(vin: str, state: str | None) -> Notice:
    """The vehicle under the cursor left the view (`state`: its state now, None when it
    is no longer in the fleet); the cursor keeps its place."""
    why = f"it is {state} now" if state is not None else "it is no longer in the fleet"
    return Notice(
        f"{vin} left the view ({why}); the cursor stays on its place. Move it to choose a row.",
        timeout=6,
        kind="cursor",
        vins=(vin,),
    )
