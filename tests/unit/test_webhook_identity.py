"""`webhooks listen` and the monitor's `--webhooks attach` resolve one identity, whatever
the source of the credentials (issue 21: with credentials from the environment alone the
receiver stored deliveries under "default" and the monitor looked under "env")."""

from __future__ import annotations

import pytest

from fleettui.config.config_file import load_config
from fleettui.config.resolve import resolve_profile
from fleettui.webhooks.settings import load_settings
from fleettui.webhooks.store import default_db_path
from tests.support.cli import run

URL = "http://127.0.0.1:8765"
CREDS = {
    "FLEETTUI_CLIENT_ID": "demo-client",
    "FLEETTUI_CLIENT_SECRET": "demo-secret",
    "FLEETTUI_BASE_URL": URL,
    "FLEETTUI_WEBHOOK_SECRET": "whsec-identity",
}


def _same_identity(environ: dict[str, str]) -> str:
    monitor = resolve_profile(environ=environ)  # what the monitor (and attach) use
    receiver = load_settings(environ=environ)  # what `webhooks listen` uses
    assert receiver.profile == monitor.name
    assert default_db_path(receiver.profile) == default_db_path(monitor.name)
    assert receiver.base_url == monitor.base_url  # its history is the monitor's too
    return monitor.name


@pytest.mark.usefixtures("isolated_dirs")
def test_credentials_from_the_environment_alone():
    assert not load_config().profiles
    assert _same_identity(dict(CREDS)) == "env"


@pytest.mark.usefixtures("isolated_dirs")
def test_credentials_from_a_profile_chosen_by_default_or_by_the_environment(capsys):
    for name in ("alpha", "beta"):
        code, _, err = run(
            capsys,
            "profile",
            "add",
            name,
            "--base-url",
            URL,
            "--client-id",
            f"id-{name}",
            "--client-secret-env",
            "MY_SECRET",
        )
        assert code == 0, err
    environ = {"MY_SECRET": "s3cret", "FLEETTUI_WEBHOOK_SECRET": "whsec-identity"}
    assert _same_identity({**environ, "FLEETTUI_PROFILE": "beta"}) == "beta"
    run(capsys, "profile", "use", "alpha")
    assert _same_identity(environ) == "alpha"
    # A profile in the file, its URL overridden from the environment: still one identity.
    assert _same_identity({**environ, "FLEETTUI_BASE_URL": "http://127.0.0.1:9"}) == "alpha"
