"""What the `fleettui webhooks` commands share: the webhook settings of the chosen
profile and the shared secret (from --secret-env VAR, the profile's `webhook_secret_env`
or `webhook_secret`, or FLEETTUI_WEBHOOK_SECRET; never from the command line), each
failure said in one line."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from fleettui.cli.common import error

if TYPE_CHECKING:
    from fleettui.webhooks.settings import WebhookSettings


def webhook_settings(args: argparse.Namespace) -> WebhookSettings | None:
    from fleettui.config import ConfigError
    from fleettui.webhooks.settings import load_settings

    try:
        return load_settings(args.profile, secret_env=args.secret_env)
    except ConfigError as e:
        error(str(e))
        return None


def webhook_secret(args: argparse.Namespace) -> tuple[WebhookSettings | None, str | None]:
    settings = webhook_settings(args)
    if settings is None:
        return None, None
    if not settings.secret:
        error(
            "no webhook secret: pass --secret-env VAR (a variable holding it), or set "
            "webhook_secret_env in the profile, or FLEETTUI_WEBHOOK_SECRET"
        )
        return settings, None
    return settings, settings.secret
