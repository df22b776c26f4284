"""`fleettui webhooks listen --desk`: the desk's one active receiver, or its standby.

The active receiver holds the desk's receiver lock and writes every accepted delivery
into the desk before answering 202. A second one prints which machine holds the lock
and waits as a standby; it takes over within about a second of the holder's death (a
killed process's connection closes at once; a vanished machine's within ~11 s of TCP
keepalives). If the active one loses its lock (the desk restarted and a standby took
it), it stops answering and becomes the standby.
"""

from __future__ import annotations

import argparse
import sys
import threading

from fleettui.cli.common import EXIT_OK, EXIT_USAGE, error, plain
from fleettui.cli.desk_common import desk_settings

#: Seconds between a standby's tries, and between the active one's lock checks.
STANDBY_EVERY = 0.5


def listen_on_desk(args: argparse.Namespace, cfg: object, stop: threading.Event) -> int:
    from fleettui.desk.errors import DeskError
    from fleettui.desk.receiver_lock import ReceiverLock
    from fleettui.desk.webhook_feed import DeskWebhookStore
    from fleettui.webhooks.receiver import WebhookReceiver
    from fleettui.webhooks.receiver_config import ReceiverConfig

    assert isinstance(cfg, ReceiverConfig)
    settings = desk_settings(args)
    lock = ReceiverLock(settings)
    told = ""
    accepted = 0
    try:
        while not stop.is_set():
            try:
                if not lock.try_acquire():
                    holder = lock.holder()
                    text = holder.text() if holder else "another receiver"
                    if text.split(" since ")[0] != told.split(" since ")[0]:
                        print(
                            f"standby: the desk's receiver is {plain(text, 200)}; "
                            "waiting to take over",
                            flush=True,
                        )
                        told = text
                    stop.wait(STANDBY_EVERY)
                    continue
            except DeskError as e:
                if not e.offline:
                    raise
                if told != str(e):
                    error(f"{e} (retrying)")
                    told = str(e)
                stop.wait(STANDBY_EVERY * 4)
                continue
            store = DeskWebhookStore(settings)
            try:
                rx = WebhookReceiver(cfg, store, save=args.save).start()
            except OSError as e:
                store.close()
                error(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}")
                return EXIT_USAGE
            lock.set_url(rx.url)
            print(rx.url, flush=True)
            print(f"desk {settings.shown} (active receiver on {settings.host})", flush=True)
            told = ""
            while not stop.wait(STANDBY_EVERY):
                if not lock.still_held():
                    error(
                        "lost the desk's receiver lock (the desk restarted or the "
                        "connection broke); standing by"
                    )
                    break
            rx.stop()
            store.close()
            accepted += rx.snapshot().accepted
    finally:
        lock.release()
    print(f"fleettui webhooks: accepted {accepted}", file=sys.stderr)
    return EXIT_OK
