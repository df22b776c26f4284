"""`fleettui webhooks test|replay`: signed deliveries sent to a receiver, one `ping` or
change (`test`), or the deliveries `listen --save FILE` kept (`replay`, same delivery ids
unless `--new-ids`). Each answer is printed; a refused or unsent one exits 1."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fleettui.cli.common import EXIT_OK, EXIT_PROVIDER, EXIT_USAGE, error, plain
from fleettui.cli.webhooks_common import webhook_secret

if TYPE_CHECKING:
    from fleettui.webhooks.sender import SendResult


def _report(result: SendResult) -> bool:
    if result.ok:
        print(f"{result.delivery}: {result.status} {plain(result.message)}")
        return True
    status = result.status if result.status is not None else "not sent"
    error(f"delivery {result.delivery}: {status} {result.message}")
    return False


def cmd_test(args: argparse.Namespace) -> int:
    from fleettui.webhooks import sender

    if not args.url.startswith(("http://", "https://")):
        error("URL must be an http(s) URL")
        return EXIT_USAGE
    if bool(args.event) != bool(args.vin):
        error("--event and --vin go together (a change needs both)")
        return EXIT_USAGE
    _, secret = webhook_secret(args)
    if secret is None:
        return EXIT_USAGE
    delivery = (
        sender.change_delivery(args.vin.strip().upper(), args.event, args.detail)
        if args.event
        else sender.ping_delivery()
    )
    return EXIT_OK if _report(sender.send(args.url, secret, delivery)) else EXIT_PROVIDER


#: The largest file of saved deliveries `replay` reads (a day of busy deliveries).
MAX_SAVED_BYTES = 256 * 1024 * 1024


def cmd_replay(args: argparse.Namespace) -> int:
    import uuid

    from fleettui.webhooks import sender

    _, secret = webhook_secret(args)
    if secret is None:
        return EXIT_USAGE
    from fleettui.core.localfile import read_regular

    try:  # a regular file of saved deliveries (256 KB each at most), never a FIFO
        lines = read_regular(args.file, MAX_SAVED_BYTES).decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        error(f"cannot read {args.file}: {getattr(e, 'strerror', None) or e}")
        return EXIT_USAGE
    deliveries, problems = sender.read_saved(lines)
    for p in problems:
        error(f"{args.file}: {p}")
    if not deliveries:
        error(f"{args.file}: no deliveries to send")
        return EXIT_USAGE
    ok = True
    for d in deliveries:
        if args.new_ids:
            d = sender.Delivery(str(uuid.uuid4()), d.event, d.body)
        ok = _report(sender.send(args.url, secret, d)) and ok
    return EXIT_OK if ok and not problems else EXIT_PROVIDER
