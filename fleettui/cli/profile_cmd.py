"""`fleettui profile add|list|remove|use|test`: the accounts fleettui connects with.

`add` (`profile_add`) works from flags (scripts) or asks for what is missing when stdin
is a terminal (the secret is read without echo). Secrets never appear in any output:
listings show only where the secret comes from.

`profile list --json` prints::

    {"default_profile": "sim" | null,
     "profiles": [{"name": "sim", "default": true, "environment": "custom",
                   "base_url": "http://127.0.0.1:8765", "client_id": "demo-client",
                   "secret_source": "env FLEETTUI_SIM_SECRET" | "inline (config file)" | "none",
                   "secret_available": true, "read_only": false, "refresh": 10.0,
                   "default_filter": ""}]}

`profile test` exits 0 when a token was fetched and the fleet answered, 1 otherwise,
with one line naming what failed (unknown host, TLS, connection refused, credentials
refused, no fleet access).
"""

from __future__ import annotations

import argparse
import os

from fleettui.cli.common import (
    EXIT_OK,
    EXIT_PROVIDER,
    CommandParser,
    Subparsers,
    common_parent,
    error,
    guarded,
    print_json,
    print_table,
    resolved_profile,
)
from fleettui.cli.profile_add import cmd_add
from fleettui.config import Profile, ProfileNotFound, load_config, save_config
from fleettui.config.cache import delete_snapshot
from fleettui.config.conntest import check_connection
from fleettui.config.profiles import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE,
    ENVIRONMENTS,
    MIN_REFRESH,
)


def register(subparsers: Subparsers) -> None:
    parent = common_parent()
    p = subparsers.add_parser(
        "profile",
        help="add, list, remove, choose and test profiles",
        description="Manage the accounts fleettui connects with.",
    )
    sub = p.add_subparsers(
        title="profile commands", metavar="ACTION", required=True, parser_class=CommandParser
    )

    add = sub.add_parser(
        "add",
        help="add a profile (asks for what is missing on a terminal)",
        description="Add a profile to config.toml. Every flag can be given "
        "for scripts; on a terminal, what is missing is asked "
        "(the secret without echo).",
    )
    add.add_argument("name")
    add.add_argument(
        "--environment",
        choices=ENVIRONMENTS,
        help="production, sandbox, or custom (with --base-url)",
    )
    add.add_argument("--base-url", help="server root, e.g. a running `fleettui simulator`")
    add.add_argument("--client-id")
    secret = add.add_mutually_exclusive_group()
    secret.add_argument(
        "--client-secret-env",
        metavar="VAR",
        help="read the secret from this environment variable (recommended)",
    )
    secret.add_argument(
        "--client-secret-stdin",
        action="store_true",
        help="read the secret from stdin and store it in config.toml (mode 0600)",
    )
    add.add_argument(
        "--read-only", action="store_true", help="refuse every write with this profile"
    )
    add.add_argument(
        "--refresh",
        type=float,
        metavar="S",
        help=f"monitor refresh in seconds (min {MIN_REFRESH:g})",
    )
    add.add_argument(
        "--connect-timeout",
        type=float,
        metavar="S",
        help=f"seconds to connect (default {DEFAULT_CONNECT_TIMEOUT:g})",
    )
    add.add_argument(
        "--deadline",
        type=float,
        metavar="S",
        help=f"seconds a whole API call may take (default {DEFAULT_DEADLINE:g})",
    )
    add.add_argument("--default-filter", metavar="Q", help="the monitor's starting filter query")
    add.add_argument("--default", action="store_true", help="make it the default profile")
    add.add_argument("--replace", action="store_true", help="replace a profile of the same name")
    add.set_defaults(func=guarded(cmd_add))

    lst = sub.add_parser(
        "list",
        help="list profiles (secrets masked)",
        description="List the profiles in config.toml; secrets never appear.",
    )
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.set_defaults(func=guarded(cmd_list))

    rm = sub.add_parser(
        "remove",
        help="remove a profile and its cached snapshot",
        description="Remove a profile from config.toml and its cached fleet snapshot.",
    )
    rm.add_argument("name")
    rm.set_defaults(func=guarded(cmd_remove))

    use = sub.add_parser(
        "use",
        help="make a profile the default",
        description="Make a profile the default (default_profile in config.toml).",
    )
    use.add_argument("name")
    use.set_defaults(func=guarded(cmd_use))

    test = sub.add_parser(
        "test",
        parents=[parent],
        help="fetch a token and list one page, saying exactly what failed",
        description="Fetch a token and list one page with a profile, saying "
        "exactly what failed (unknown host, TLS, connection "
        "refused, credentials, no fleet access).",
    )
    test.add_argument("name", nargs="?", help="profile to test (default: the current one)")
    test.set_defaults(func=guarded(cmd_test))


def _secret_available(p: Profile) -> bool:
    if p.client_secret_env:
        return bool(os.environ.get(p.client_secret_env, "").strip())
    return bool(p.client_secret)


def cmd_list(args: argparse.Namespace) -> int:
    cfg = load_config()
    for warning in cfg.warnings:
        error(warning)
    names = cfg.names
    if args.json:
        print_json(
            {
                "default_profile": cfg.default_profile,
                "profiles": [
                    {
                        "name": n,
                        "default": n == cfg.default_profile,
                        "environment": p.environment,
                        "base_url": p.effective_base_url,
                        "client_id": p.client_id,
                        "secret_source": p.secret_source,
                        "secret_available": _secret_available(p),
                        "read_only": p.read_only,
                        "refresh": p.refresh,
                        "default_filter": p.default_filter,
                    }
                    for n in names
                    for p in [cfg.profiles[n]]
                ],
            }
        )
        return EXIT_OK
    if not names:
        print(f"no profiles yet in {cfg.path}; add one with `fleettui profile add NAME ...`")
        return EXIT_OK
    rows = []
    for n in names:
        p = cfg.profiles[n]
        secret = p.secret_source
        if p.client_secret_env:
            secret += " (set)" if _secret_available(p) else " (NOT SET)"
        elif p.client_secret:
            secret = "******** " + secret
        rows.append(
            [
                "*" if n == cfg.default_profile else "",
                n,
                p.environment,
                p.effective_base_url,
                p.client_id,
                secret,
                "yes" if p.read_only else "no",
                f"{p.refresh:g}s",
            ]
        )
    print_table(
        ["", "NAME", "ENVIRONMENT", "BASE URL", "CLIENT ID", "SECRET", "READ-ONLY", "REFRESH"], rows
    )
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    cfg = load_config()
    if args.name not in cfg.profiles:
        raise ProfileNotFound(args.name, cfg.names)
    cfg = cfg.without_profile(args.name)
    save_config(cfg)
    delete_snapshot(args.name)
    tail = f"; default is now {cfg.default_profile!r}" if cfg.default_profile else ""
    print(f"removed profile {args.name!r}{tail}")
    return EXIT_OK


def cmd_use(args: argparse.Namespace) -> int:
    cfg = load_config()
    if args.name not in cfg.profiles:
        raise ProfileNotFound(args.name, cfg.names)
    save_config(cfg.with_default(args.name))
    print(f"default profile is now {args.name!r}")
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    if args.name:
        args.profile = args.name
    profile = resolved_profile(args)
    print(f"testing profile {profile.name!r}: {profile.base_url} as {profile.client_id}")
    result = check_connection(
        profile.base_url, profile.client_id, profile.client_secret, **profile.client_options()
    )
    if result.ok:
        print(f"ok: {result.message}")
        return EXIT_OK
    labels = {
        "dns": "unknown host",
        "tls": "TLS failure",
        "refused": "connection refused",
        "timeout": "timed out",
        "credentials": "credentials refused",
        "no_fleet_access": "no fleet access (403)",
        "bad_url": "bad base URL",
    }
    error(f"{labels.get(result.kind, 'failed')}: {result.message}")
    return EXIT_PROVIDER if result.kind != "bad_url" else 2
