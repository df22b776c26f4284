"""Webhook settings of a profile, and where the shared secret comes from.

Profile keys (in the profile's table of config.toml; all optional)::

    webhook_secret_env = "FLEETTUI_WEBHOOK_SECRET"   # preferred: the variable holding it
    webhook_secret = "..."                           # inline alternative (file kept 0600)
    webhooks = "127.0.0.1:8787"                      # the monitor's default --webhooks
    reconcile_interval = 600                         # full refresh, seconds, while push is healthy

The secret is never taken from the command line (it would show in `ps` and shell
history): `--secret-env VAR` names a variable, or the profile supplies it, or
`FLEETTUI_WEBHOOK_SECRET`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from fleettui.config import InvalidConfig, load_config
from fleettui.config.profile_checks import check_env_var_name
from fleettui.config.resolve import profile_identity

ENV_SECRET = "FLEETTUI_WEBHOOK_SECRET"
DEFAULT_RECONCILE = 600.0
MIN_RECONCILE = 30.0
DEFAULT_PORT = 8787


@dataclass(frozen=True)
class WebhookSettings:
    profile: str
    secret: str | None = field(default=None, repr=False)
    secret_source: str = "none"
    listen: str | None = None
    reconcile_interval: float = DEFAULT_RECONCILE
    #: The profile's server, for its local history ("" when there is no such profile).
    base_url: str = ""


def parse_listen(spec: str) -> tuple[str, int]:
    """`[HOST:]PORT` (IPv6 as `[::1]:PORT`) -> (host, port); host defaults to 127.0.0.1."""
    text = spec.strip()
    host = "127.0.0.1"
    if text.startswith("["):
        inner, sep, rest = text[1:].partition("]")
        if not sep or not rest.startswith(":"):
            raise ValueError(f"{spec!r}: write an IPv6 host as [::1]:PORT")
        host, text = inner, rest[1:]
    elif ":" in text:
        host, _, text = text.rpartition(":")
    if not (text.isascii() and text.isdigit() and len(text) <= 5) or not 0 <= int(text) <= 65535:
        raise ValueError(f"{spec!r}: expected [HOST:]PORT with a port from 0 to 65535")
    return host or "127.0.0.1", int(text)


def load_settings(
    profile: str | None = None,
    *,
    secret_env: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> WebhookSettings:
    """The webhook settings for a profile (the default one when None). A missing config
    file or profile is fine (the receiver then keeps its database under "default")."""
    env = os.environ if environ is None else environ
    cfg = load_config()
    # The same identity the monitor resolves (credentials from the environment alone:
    # "env"), so `webhooks listen` and `--webhooks attach` use one database.
    name, base_url = profile_identity(profile, environ=env, config=cfg)
    found = cfg.profiles.get(name)
    extra = found.extra if found is not None else {}
    ctx = f"profile {name!r}"

    secret: str | None = None
    source = "none"
    if secret_env:
        check_env_var_name(secret_env)
        secret, source = (env.get(secret_env) or "").strip() or None, f"env {secret_env}"
        if secret is None:
            raise InvalidConfig(
                f"environment variable {secret_env} is not set or empty; "
                "export the webhook secret in it"
            )
    elif isinstance(extra.get("webhook_secret_env"), str):
        var = check_env_var_name(extra["webhook_secret_env"])
        secret, source = (env.get(var) or "").strip() or None, f"env {var}"
        if secret is None:
            raise InvalidConfig(f"{ctx}: webhook_secret_env names {var}, which is not set")
    elif isinstance(extra.get("webhook_secret"), str) and extra["webhook_secret"]:
        secret, source = extra["webhook_secret"], "inline (config file)"
    elif (env.get(ENV_SECRET) or "").strip():
        secret, source = env[ENV_SECRET].strip(), f"env {ENV_SECRET}"

    listen = extra.get("webhooks")
    if listen is not None:
        if not isinstance(listen, str | int) or isinstance(listen, bool):
            raise InvalidConfig(f'{ctx}: webhooks must be "[HOST:]PORT"')
        try:
            parse_listen(str(listen))
        except ValueError as e:
            raise InvalidConfig(f"{ctx}: webhooks {e}") from None
        listen = str(listen)
    interval = extra.get("reconcile_interval", DEFAULT_RECONCILE)
    if isinstance(interval, bool) or not isinstance(interval, int | float):
        raise InvalidConfig(f"{ctx}: reconcile_interval must be a number of seconds")
    return WebhookSettings(
        name, secret, source, listen, max(MIN_RECONCILE, float(interval)), base_url
    )
