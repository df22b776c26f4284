"""`fleettui serve`: the monitor in a browser tab, for people who'd rather not keep a terminal.

Needs the optional ``web`` extra (textual-serve); without it, one line says how to install
it (exit 2). Prints one URL carrying a random token and opens nothing. Loopback only
unless --allow-remote. Each tab runs its own monitor process with a clean environment.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from fleettui.cli.common import Subparsers
from fleettui.cli.monitor_args import positive_float, vehicle_count
from fleettui.config.demo import DEMO_SPEED, DEMO_VEHICLES

if TYPE_CHECKING:
    from fleettui.config import ResolvedProfile

EXIT_USAGE = 2
INSTALL_HINT = (
    "fleettui: serve needs the web extra, which is not installed: pip install 'fleettui[web]'"
)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535 (0 picks a free port)")
    return value


def _session_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError("must be between 1 and 100")
    return value


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "serve",
        help="serve the monitor to a web browser (needs fleettui[web])",
        description="Serve the live monitor to a browser. Prints one URL with a login token; "
        "each browser tab gets its own monitor. Loopback only unless --allow-remote.",
    )
    net = p.add_argument_group("listening")
    net.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    net.add_argument(
        "--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)"
    )
    net.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other machines can reach (put TLS and a login in a "
        "reverse proxy in front)",
    )
    net.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use when a reverse proxy is in front, "
        "e.g. https://fleet.example.com (its origin is the only one accepted)",
    )
    net.add_argument(
        "--pass-proxy",
        action="store_true",
        help="give browser sessions the proxy variables (HTTPS_PROXY...) they "
        "need to reach the provider, without any user:password in them",
    )
    limits = p.add_argument_group("limits")
    limits.add_argument(
        "--max-sessions",
        type=_session_count,
        default=4,
        metavar="N",
        help="browser tabs served at once (default 4)",
    )
    limits.add_argument(
        "--idle-timeout",
        type=positive_float,
        default=1800.0,
        metavar="SECONDS",
        help="close a tab after this long without a key (default 1800; 0 = never)",
    )
    limits.add_argument(
        "--verbose", action="store_true", help="log every request (never its query)"
    )
    # The monitor's flags. SUPPRESS keeps a value given before `serve` (top-level parser).
    mon = p.add_argument_group("monitor")
    mon.add_argument(
        "--profile",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="the profile every tab monitors",
    )
    mon.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="serve the built-in simulator's demo (each tab its own)",
    )
    mon.add_argument(
        "--read-only",
        action="store_true",
        dest="read_only",
        default=argparse.SUPPRESS,
        help="never offer or send a write from the browser",
    )
    mon.add_argument(
        "--refresh",
        type=positive_float,
        metavar="SECONDS",
        default=argparse.SUPPRESS,
        help="seconds between refreshes (default 15, never under 5)",
    )
    mon.add_argument(
        "--demo-vehicles",
        type=vehicle_count,
        metavar="N",
        default=argparse.SUPPRESS,
        help=f"vehicles in the demo fleet (default {DEMO_VEHICLES})",
    )
    mon.add_argument(
        "--demo-speed",
        type=positive_float,
        metavar="X",
        default=argparse.SUPPRESS,
        help=f"simulated seconds per real second in the demo (default {DEMO_SPEED:g})",
    )
    p.set_defaults(func=run_serve)


def web_extra_missing() -> bool:
    try:
        import aiohttp  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError:
        return True
    return False


def _webhook_secret_variables(profile: ResolvedProfile) -> tuple[str, ...]:
    """The variable holding the profile's webhook secret, when the profile names one."""
    from fleettui.config.errors import ConfigError
    from fleettui.webhooks.settings import load_settings

    try:
        settings = load_settings(
            profile.name if profile.source != "environment variables" else None
        )
    except (ConfigError, ValueError):
        return ()  # the tab's monitor says what is wrong with them
    source = settings.secret_source
    return (source[len("env ") :],) if source.startswith("env ") else ()


def run_serve(args: argparse.Namespace) -> int:
    if web_extra_missing():
        print(INSTALL_HINT, file=sys.stderr)
        return EXIT_USAGE
    from fleettui.web.run import is_loopback

    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"fleettui: --host {args.host} is reachable from other machines; add "
            "--allow-remote if you mean it (and put TLS and a login in a reverse proxy in "
            "front), or keep the default 127.0.0.1",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.public_url and not args.public_url.startswith(("http://", "https://")):
        print(
            "fleettui: --public-url must start with https:// (or http://), "
            "e.g. https://fleet.example.com",
            file=sys.stderr,
        )
        return EXIT_USAGE
    demo = bool(getattr(args, "demo", False))
    read_only = bool(getattr(args, "read_only", False))
    refresh = getattr(args, "refresh", None)
    profile = None
    if not demo:
        from fleettui.config.errors import ConfigError, NoProfile
        from fleettui.config.resolve import resolve_profile

        try:
            profile = resolve_profile(
                getattr(args, "profile", None), read_only=read_only or None, refresh=refresh
            )
        except NoProfile:
            print(
                "fleettui: no profile to serve; add one with `fleettui profile add`, "
                "or try `fleettui serve --demo`",
                file=sys.stderr,
            )
            return EXIT_USAGE
        except (ConfigError, ValueError) as exc:
            print(f"fleettui: {exc}", file=sys.stderr)
            return EXIT_USAGE
    from fleettui.web.environment import session_launch
    from fleettui.web.run import ServeOptions, serve
    from fleettui.web.server import ServeLimits

    launch = session_launch(
        os.environ,
        demo=demo,
        profile=profile,
        read_only=read_only,
        refresh=refresh,
        profile_secrets=_webhook_secret_variables(profile) if profile else (),
        demo_vehicles=getattr(args, "demo_vehicles", None) if demo else None,
        demo_speed=getattr(args, "demo_speed", None) if demo else None,
        proxy=args.pass_proxy,
    )
    title = "fleettui — demo" if demo else f"fleettui — {profile.name if profile else ''}"
    options = ServeOptions(
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        title=title,
        limits=ServeLimits(max_sessions=args.max_sessions, idle_timeout=args.idle_timeout),
        verbose=args.verbose,
    )
    return serve(launch, options)
