"""`fleettui webhooks listen|test|replay|status`: the provider's push, from a shell.

- `listen` runs a receiver until SIGINT/SIGTERM: loopback by default (a non-loopback
  --host prints a warning: put TLS and the provider's secret in front of it), the secret
  from `--secret-env VAR` or the profile (`webhook_secret_env`/`webhook_secret`) or
  FLEETTUI_WEBHOOK_SECRET, never from the command line. It prints its URL and database.
  Monitors on the same machine attach to it through that database (`--webhooks attach`).
- `test URL` sends one signed `ping` (or, with `--event STATE --vin V`, a signed change).
- `replay FILE` re-sends deliveries saved by `listen --save FILE` (same delivery ids, so a
  receiver proves it dedupes; `--new-ids` to have them applied again). Both are in
  `webhooks_send`; the settings and secret they share in `webhooks_common`.
- `status` prints the receiver's health from its database (`--json`).
Exit codes: 0 ok, 1 a delivery was refused or could not be sent (`status`: no receiver
running), 2 bad usage.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from fleettui.cli.common import (
    EXIT_OK,
    EXIT_PROVIDER,
    EXIT_USAGE,
    CommandParser,
    Subparsers,
    error,
    plain,
    print_json,
)
from fleettui.cli.webhooks_common import webhook_secret, webhook_settings
from fleettui.cli.webhooks_send import cmd_replay, cmd_test
from fleettui.core.timefmt import format_ts

_STATES = ("pending", "approved", "rejected", "revoking", "revoked", "canceling", "canceled")


def register(subparsers: Subparsers) -> None:
    wh = subparsers.add_parser(
        "webhooks",
        help="receive, test and replay the provider's webhooks",
        description="The provider's push (fleet_clearance_changed).",
    )
    sub = wh.add_subparsers(
        title="webhooks commands", metavar="COMMAND", required=True, parser_class=CommandParser
    )
    secret = argparse.ArgumentParser(add_help=False)
    secret.add_argument(
        "--secret-env",
        metavar="VAR",
        help="environment variable holding the shared secret "
        "(default: the profile's, then FLEETTUI_WEBHOOK_SECRET)",
    )
    secret.add_argument(
        "--profile",
        metavar="NAME",
        help="profile for the secret and the database (default profile)",
    )

    listen = sub.add_parser(
        "listen",
        parents=[secret],
        help="run a receiver",
        allow_abbrev=False,
        description="Receive signed deliveries until interrupted.",
    )
    listen.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind; anything but loopback prints a warning",
    )
    listen.add_argument("--port", type=int, default=8787, help="port (0 picks a free one)")
    listen.add_argument("--path", default="/hooks/hm", help="URL path deliveries are posted to")
    listen.add_argument("--db", type=Path, help="database file (default: per profile, data dir)")
    listen.add_argument(
        "--desk",
        action="store_true",
        help="write deliveries into the shared desk (FLEETTUI_DESK_DSN or the "
        "profile's desk_dsn_env); one active receiver per desk, the "
        "others wait as standbys",
    )
    listen.add_argument(
        "--save",
        type=Path,
        metavar="FILE",
        help="also append accepted deliveries to FILE (for replay)",
    )
    listen.add_argument(
        "--max-age",
        type=float,
        default=24.0,
        metavar="HOURS",
        help="refuse events whose received_at is older (default 24)",
    )
    listen.add_argument(
        "--max-ahead",
        type=float,
        default=5.0,
        metavar="MINUTES",
        help="refuse events whose received_at is further ahead (default 5)",
    )
    listen.set_defaults(func=cmd_listen)

    test = sub.add_parser(
        "test",
        parents=[secret],
        help="send a signed test delivery",
        allow_abbrev=False,
        description="Send a signed ping, or with --event a signed change.",
    )
    test.add_argument("url")
    test.add_argument("--event", choices=_STATES, help="send fleet_clearance_changed to STATE")
    test.add_argument("--vin", help="the VIN of the change")
    test.add_argument("--detail", help="the reason of the change")
    test.set_defaults(func=cmd_test)

    replay = sub.add_parser(
        "replay",
        parents=[secret],
        help="re-send saved deliveries",
        allow_abbrev=False,
        description="Re-send deliveries saved by `listen --save`.",
    )
    replay.add_argument("file", type=Path)
    replay.add_argument("--url", required=True, help="the receiver's URL")
    replay.add_argument(
        "--new-ids",
        action="store_true",
        help="send under new delivery ids (else a receiver dedupes them)",
    )
    replay.set_defaults(func=cmd_replay)

    status = sub.add_parser(
        "status",
        help="a receiver's health, from its database",
        description="Print the health a receiver last wrote to its "
        "database; exit 1 when no receiver is running.",
    )
    status.add_argument("--profile", metavar="NAME")
    status.add_argument("--db", type=Path, help="database file (default: per profile)")
    status.add_argument("--json", action="store_true", help="the health snapshot as JSON")
    status.set_defaults(func=cmd_status)


def cmd_listen(args: argparse.Namespace) -> int:
    from fleettui.webhooks.receiver import WebhookReceiver
    from fleettui.webhooks.receiver_config import ReceiverConfig, is_loopback
    from fleettui.webhooks.store import WebhookStore, default_db_path

    settings, secret = webhook_secret(args)
    if settings is None or secret is None:
        return EXIT_USAGE
    cfg = ReceiverConfig(
        secret=secret,
        host=args.host,
        port=args.port,
        path=args.path,
        max_age=timedelta(hours=args.max_age),
        max_ahead=timedelta(minutes=args.max_ahead),
    )
    problems = cfg.problems()
    if args.max_age <= 0 or args.max_ahead < 0:
        problems.append("--max-age must be positive and --max-ahead 0 or more")
    if problems:
        error("; ".join(problems))
        return EXIT_USAGE
    if not is_loopback(args.host):
        print(
            f"fleettui: warning: listening on {args.host}, not loopback. Deliveries carry "
            "fleet data: expose the receiver only through a TLS-terminating reverse proxy "
            "or tunnel (see the README), never as plain http on a public address.",
            file=sys.stderr,
        )
    if args.desk:
        return _listen_on_desk(args, cfg)
    db = args.db or default_db_path(settings.profile)
    store = WebhookStore(db)
    history = None
    if settings.base_url:  # a configured profile: its changes go into its local history too
        from fleettui.history.profile_history import open_history

        history = open_history(settings.profile, settings.base_url)
    from fleettui.term.stop import StopOnSignals

    signals = StopOnSignals()  # SIGTERM, SIGHUP, Ctrl-C: out within 1 s (SQLite is crash-safe)
    stop = signals.event
    signals.__enter__()
    try:
        try:
            rx = WebhookReceiver(cfg, store, save=args.save, history=history).start()
        except OSError as e:
            error(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}")
            return EXIT_USAGE
        print(rx.url, flush=True)
        print(f"database {db}", flush=True)
        while not stop.wait(0.5):
            pass
        rx.stop(wait=0.4)  # the rest is the forced end's (StopOnSignals), within 1 s
        snap = rx.snapshot()
        print(
            f"fleettui webhooks: accepted {snap.accepted}, pings {snap.pings}, duplicates "
            f"{snap.duplicates}, bad signatures {snap.bad_signatures}, other refusals "
            f"{snap.bad_payloads + snap.stale_events + snap.refused_other}",
            file=sys.stderr,
            flush=True,
        )
        signals.finish(EXIT_OK)
    finally:
        signals.__exit__(None, None, None)
        store.close()
        if history is not None:
            history.close()
    return EXIT_OK


def _listen_on_desk(args: argparse.Namespace, cfg: object) -> int:
    from fleettui.cli.desk_common import desk_guarded
    from fleettui.cli.webhooks_desk import listen_on_desk

    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return desk_guarded(lambda a: listen_on_desk(a, cfg, stop))(args)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def cmd_status(args: argparse.Namespace) -> int:
    from fleettui.webhooks.store import default_db_path
    from fleettui.webhooks.tail import WebhookTail

    if args.db is None:
        settings = webhook_settings(argparse.Namespace(profile=args.profile, secret_env=None))
        if settings is None:
            return EXIT_USAGE
        db = default_db_path(settings.profile)
    else:
        db = args.db
    tail = WebhookTail(db)
    snap = tail.health()
    tail.close()
    now = time.time()
    if args.json:
        print_json({**snap.to_json(), "status": snap.status(now), "database": str(db)})
    else:
        print(f"{snap.header_text(now)}  ({db})")
        for label, value in (
            ("listening", snap.listening or "-"),
            ("last ping", _when(snap.last_ping)),
            ("last delivery", _when(snap.last_delivery)),
            ("deliveries/hour", snap.per_hour),
            ("accepted", snap.accepted),
            ("duplicates", snap.duplicates),
            ("bad signatures", snap.bad_signatures),
            ("other refusals", snap.refused - snap.bad_signatures),
            ("refused busy", snap.refused_busy),
            ("idle cut off", snap.dropped_idle),
            ("unknown events", snap.unknown_events),
        ):
            print(f"  {label:<16} {plain(value)}")
    return EXIT_OK if snap.alive(now) else EXIT_PROVIDER


def _when(epoch: float | None) -> str:
    from datetime import UTC, datetime

    return format_ts(datetime.fromtimestamp(epoch, UTC)) if epoch else "never"
