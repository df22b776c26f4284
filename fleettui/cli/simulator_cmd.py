"""`fleettui simulator`: run the local stand-in for the provider until interrupted.

Prints the base URL, client id and client secret, one per line, so a script (or a person)
can point the monitor at it. Only loopback unless --allow-remote: the simulator accepts
anyone who knows its demo credentials and has no TLS, so it must not face a network by
accident.
"""

from __future__ import annotations

import argparse
import sys

from fleettui.cli.common import Subparsers
from fleettui.core.timefmt import parse_ts

EXIT_OK = 0
EXIT_USAGE = 2


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "simulator",
        help="run a local Fleet Clearance API simulator",
        description="Serve a simulated Fleet Clearance API on loopback until interrupted. "
        "Prints base URL, client id and client secret, one per line.",
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (only loopback, unless --allow-remote)"
    )
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (no TLS, demo credentials: be careful)",
    )
    p.add_argument("--vehicles", type=int, default=60, help="size of the generated fleet")
    p.add_argument("--seed", type=int, default=1, help="seed for the fleet and all randomness")
    p.add_argument(
        "--speed",
        type=float,
        default=3600.0,
        help="simulated seconds per real second (0 freezes the clock)",
    )
    p.add_argument(
        "--start",
        metavar="ISO",
        help="simulated start time, e.g. 2026-11-01T12:00:00Z (default: now)",
    )
    p.add_argument("--client-id", default="demo-client", help="client id the token call accepts")
    p.add_argument(
        "--client-secret", default="demo-secret", help="client secret the token call accepts"
    )
    p.add_argument(
        "--token-lifetime",
        type=float,
        default=300.0,
        metavar="S",
        help="access token lifetime in seconds",
    )
    p.add_argument("--webhook-url", help="deliver signed webhooks to this URL")
    p.add_argument("--webhook-secret", help="shared secret for webhook signatures")
    p.add_argument(
        "--webhook-duplicate-rate",
        type=float,
        default=0.0,
        metavar="R",
        help="share of deliveries sent twice with the same X-HM-Delivery",
    )
    p.add_argument(
        "--webhook-bad-signature-rate",
        type=float,
        default=0.0,
        metavar="R",
        help="share of deliveries signed with a wrong key (1 = all)",
    )
    p.add_argument(
        "--pending-share",
        type=float,
        default=None,
        metavar="SHARE",
        help="share of the generated fleet that is pending, e.g. 0.05 "
        "(default: a young fleet's mix, about 0.15)",
    )
    p.add_argument(
        "--max-url",
        type=int,
        default=0,
        metavar="BYTES",
        help="answer 414 to a longer request target (0: no limit of our own)",
    )
    faults = p.add_argument_group("fault injection")
    faults.add_argument(
        "--latency", type=float, default=0.0, metavar="S", help="seconds added to every response"
    )
    faults.add_argument(
        "--error-rate", type=float, default=0.0, metavar="R", help="share of requests answered 500"
    )
    faults.add_argument(
        "--rate-limit-burst",
        type=int,
        default=0,
        metavar="N",
        help="the first N requests answer 429",
    )
    faults.add_argument(
        "--malformed-rate",
        type=float,
        default=0.0,
        metavar="R",
        help="share of bodies that are not the JSON expected",
    )
    faults.add_argument(
        "--drop-rate",
        type=float,
        default=0.0,
        metavar="R",
        help="share of connections closed without an answer",
    )
    p.set_defaults(func=run_simulator)


def _problems(args: argparse.Namespace) -> list[str]:
    from fleettui.sim import LOOPBACK_HOSTS

    out = []
    if args.host not in LOOPBACK_HOSTS and not args.allow_remote:
        out.append(
            f"--host {args.host} is not loopback; the simulator has no TLS and demo "
            "credentials, so pass --allow-remote if you really mean it"
        )
    if not 0 <= args.port <= 65535:
        out.append("--port must be between 0 and 65535")
    if args.vehicles < 0:
        out.append("--vehicles must be 0 or more")
    if args.speed < 0:
        out.append("--speed must be 0 or more")
    if args.token_lifetime <= 0:
        out.append("--token-lifetime must be positive")
    if bool(args.webhook_url) != bool(args.webhook_secret):
        out.append("--webhook-url and --webhook-secret go together")
    if args.start is not None and parse_ts(args.start) is None:
        out.append("--start must be an ISO 8601 time, e.g. 2026-11-01T12:00:00Z")
    if args.webhook_url and not args.webhook_url.startswith(("http://", "https://")):
        out.append("--webhook-url must be an http(s) URL")
    for name in (
        "error_rate",
        "malformed_rate",
        "drop_rate",
        "webhook_duplicate_rate",
        "webhook_bad_signature_rate",
    ):
        if not 0.0 <= getattr(args, name) <= 1.0:
            out.append(f"--{name.replace('_', '-')} must be between 0 and 1")
    if args.pending_share is not None and not 0.0 <= args.pending_share <= 0.8:
        out.append("--pending-share must be between 0 and 0.8")
    if args.max_url < 0:
        out.append("--max-url must be 0 or more")
    if args.latency < 0 or args.rate_limit_burst < 0:
        out.append("--latency and --rate-limit-burst must be 0 or more")
    return out


def run_simulator(args: argparse.Namespace) -> int:
    from fleettui.sim import FaultConfig, SimConfig, Simulator

    problems = _problems(args)
    if problems:
        for line in problems:
            print(f"fleettui simulator: {line}", file=sys.stderr)
        return EXIT_USAGE
    config = SimConfig(
        host=args.host,
        port=args.port,
        vehicles=args.vehicles,
        seed=args.seed,
        speed=args.speed,
        start=parse_ts(args.start),
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_lifetime=args.token_lifetime,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        webhook_duplicate_rate=args.webhook_duplicate_rate,
        webhook_bad_signature_rate=args.webhook_bad_signature_rate,
        max_url=args.max_url,
        pending_share=args.pending_share,
        faults=FaultConfig(
            latency=args.latency,
            error_rate=args.error_rate,
            rate_limit_burst=args.rate_limit_burst,
            malformed_rate=args.malformed_rate,
            drop_rate=args.drop_rate,
        ),
    )
    from fleettui.term.stop import StopOnSignals

    # SIGTERM, SIGHUP, Ctrl-C: out within a second (see fleettui.term.stop).
    with StopOnSignals() as signals:
        try:
            with Simulator(config) as sim:
                print(sim.base_url, flush=True)
                print(sim.client_id, flush=True)
                print(sim.client_secret, flush=True)
                signals.event.wait()
            if sim.webhooks is not None:
                print(
                    f"fleettui simulator: webhooks delivered {sim.webhooks.delivered}, "
                    f"failed {sim.webhooks.failed}",
                    file=sys.stderr,
                    flush=True,
                )
        except OSError as e:
            print(
                f"fleettui simulator: cannot listen on {args.host}:{args.port}: {e.strerror}",
                file=sys.stderr,
            )
            return EXIT_USAGE
        signals.finish(EXIT_OK)
    return EXIT_OK
