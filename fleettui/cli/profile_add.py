"""`fleettui profile add NAME`: a profile from flags (scripts), or asked for what is
missing when stdin is a terminal (the secret read without echo), checked before it is
saved. The secret is never printed: the output says only where it is kept."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from fleettui.cli.common import EXIT_OK, UsageError
from fleettui.config import InvalidConfig, Profile, load_config, save_config
from fleettui.config.profile_checks import (
    check_env_var_name,
    check_profile_name,
    check_seconds,
    check_server_url,
)
from fleettui.config.profiles import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE,
    DEFAULT_REFRESH,
    ENVIRONMENTS,
    MIN_REFRESH,
)


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _ask(prompt: str, *, secret: bool = False) -> str:
    try:
        return (getpass.getpass(prompt) if secret else input(prompt)).strip()
    except EOFError:
        raise UsageError("input ended before the profile was complete; nothing was saved") from None


def cmd_add(args: argparse.Namespace) -> int:
    cfg = load_config()
    name = check_profile_name(args.name)
    if name in cfg.profiles and not args.replace:
        raise UsageError(
            f"profile {name!r} exists; use --replace or `fleettui profile remove {name}`"
        )
    interactive = _interactive() and not args.client_secret_stdin
    environment = args.environment or ("custom" if args.base_url else None)
    if environment is None:
        environment = (
            (_ask("Environment [production/sandbox/custom] (production): ") or "production")
            if interactive
            else "production"
        )
        if environment not in ENVIRONMENTS:
            raise UsageError(f"environment must be one of {', '.join(ENVIRONMENTS)}")
    base_url = args.base_url
    if environment == "custom" and not base_url:
        if not interactive:
            raise UsageError("--environment custom needs --base-url URL")
        base_url = _ask("Base URL: ")
    if base_url:
        try:
            base_url = check_server_url(base_url)
        except InvalidConfig as e:
            raise UsageError(f"--base-url: {e}; nothing was saved") from None
    if environment != "custom" and base_url:
        raise UsageError("--base-url goes with --environment custom (or leave --environment out)")

    client_id = (args.client_id or "").strip()
    if not client_id and interactive:
        client_id = _ask("Client ID: ")
    if not client_id:
        raise UsageError("--client-id is required")

    secret_env = args.client_secret_env
    secret = None
    if args.client_secret_stdin:
        secret = sys.stdin.readline().strip()
        if not secret:
            raise UsageError("--client-secret-stdin: nothing was read from stdin")
    elif not secret_env:
        if not interactive:
            raise UsageError("give --client-secret-env VAR (recommended) or --client-secret-stdin")
        secret = _ask(
            "Client secret (not shown; empty to name an environment variable instead): ",
            secret=True,
        )
        if not secret:
            secret_env = _ask("Environment variable that holds the secret: ")
    if secret_env:
        check_env_var_name(secret_env)

    refresh = args.refresh if args.refresh is not None else DEFAULT_REFRESH
    seconds = {}
    for key, value in (
        ("refresh", refresh),
        ("connect_timeout", args.connect_timeout),
        ("deadline", args.deadline),
    ):
        if value is not None:
            try:
                seconds[key] = check_seconds(key, value)
            except InvalidConfig as e:
                raise UsageError(f"--{key.replace('_', '-')}: {e}; nothing was saved") from None
    if refresh < MIN_REFRESH:
        raise UsageError(f"--refresh must be at least {MIN_REFRESH:g} seconds")
    profile = Profile(
        name=name,
        environment=environment,
        base_url=base_url,
        client_id=client_id,
        client_secret=secret or None,
        client_secret_env=secret_env or None,
        read_only=args.read_only,
        refresh=refresh,
        default_filter=args.default_filter or "",
        connect_timeout=seconds.get("connect_timeout", DEFAULT_CONNECT_TIMEOUT),
        deadline=seconds.get("deadline", DEFAULT_DEADLINE),
    )
    cfg = cfg.with_profile(profile, make_default=args.default)
    save_config(cfg)
    default = " (default)" if cfg.default_profile == name else ""
    print(f"added profile {name!r}{default} to {cfg.path}")
    if secret:
        print(
            "the secret is stored in the config file (mode 0600); client_secret_env keeps it out of the file"
        )
    elif secret_env and not os.environ.get(secret_env):
        print(f"note: {secret_env} is not set in this shell; export it before using the profile")
    return EXIT_OK
