"""`fleettui serve` on the command line: the optional extra, loopback by default, and the
environment each session is given (unit level; the end-to-end proof is in test_web_sessions)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_helpers import run

from fleettui.config.resolve import ResolvedProfile

BLOCK_WEB = "import sys; sys.modules['textual_serve'] = None; sys.modules['aiohttp'] = None; "


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env)


def test_serve_without_the_web_extra_says_how_to_install_it():
    done = _python(BLOCK_WEB + "from fleettui.cli.main import main; raise SystemExit(main(['serve', '--demo']))")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "fleettui: serve needs the web extra, which is not installed: pip install 'fleettui[web]'"]


def test_the_terminal_app_needs_no_web_package():
    done = _python(BLOCK_WEB + "import fleettui.cli.main, fleettui.ui.app; "
                   "print(sorted(m for m in sys.modules if m.startswith(('aiohttp', 'textual_serve', 'fleettui.web')) and sys.modules[m]))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_non_loopback_host_needs_allow_remote(capsys):
    pytest.importorskip("textual_serve")
    code, out, err = run(capsys, "serve", "--demo", "--host", "0.0.0.0", "--port", "0")
    assert code == 2 and out == ""
    assert "--allow-remote" in err and "reverse proxy" in err


def test_a_bad_public_url_is_refused_before_listening(capsys):
    pytest.importorskip("textual_serve")
    code, _, err = run(capsys, "serve", "--demo", "--public-url", "fleet.example.com")
    assert code == 2 and "https://" in err


def test_serving_a_profile_that_does_not_exist_is_a_usage_error(capsys):
    pytest.importorskip("textual_serve")
    code, out, err = run(capsys, "serve", "--profile", "nope")
    assert code == 2 and out == ""
    assert "nope" in err


@pytest.mark.parametrize("bad", ["--port=70000", "--max-sessions=0", "--idle-timeout=-1"])
def test_bad_limits_are_usage_errors(capsys, bad):
    code, _, err = run(capsys, "serve", "--demo", bad)
    assert code == 2 and "fleettui:" in err


# -- the environment of a session ---------------------------------------------------------

def _profile(secret_source: str, source: str = "profile 'p' in config.toml") -> ResolvedProfile:
    return ResolvedProfile(name="p", environment="custom", base_url="http://127.0.0.1:1",
                           client_id="id", client_secret="s3cret", read_only=False, refresh=15,
                           default_filter="", source=source, secret_source=secret_source)


SERVER_ENV = {
    "PATH": "/usr/bin", "HOME": "/home/op", "LANG": "en_GB.UTF-8", "LC_ALL": "C.UTF-8",
    "FLEETTUI_CONFIG_DIR": "/cfg", "MY_SECRET": "from-profile", "OTHER_SECRET": "canary",
    "FLEETTUI_CLIENT_SECRET": "canary2", "AWS_SECRET_ACCESS_KEY": "canary3",
    "TERM": "screen", "SSH_AUTH_SOCK": "/tmp/agent", "FLEETTUI_CLIENT_ID": "id-from-env",
}


def test_demo_sessions_get_no_account_variable_at_all():
    from fleettui.web.environment import session_launch

    launch = session_launch(SERVER_ENV, demo=True, profile=None)
    env = launch.environment
    assert {"MY_SECRET", "OTHER_SECRET", "FLEETTUI_CLIENT_SECRET", "AWS_SECRET_ACCESS_KEY",
            "SSH_AUTH_SOCK", "FLEETTUI_CLIENT_ID"}.isdisjoint(env)
    assert env["PATH"] == "/usr/bin" and env["LC_ALL"] == "C.UTF-8"
    assert env["FLEETTUI_CONFIG_DIR"] == "/cfg"
    assert env["TERM"] == "xterm-256color"  # the browser's terminal, not the server's
    assert launch.argv[1:4] == ("-m", "fleettui", "--demo")


def test_a_profile_session_gets_its_named_secret_and_nothing_else():
    from fleettui.web.environment import session_launch

    launch = session_launch(SERVER_ENV, demo=False, profile=_profile("env MY_SECRET"),
                            read_only=True)
    env = launch.environment
    assert env["MY_SECRET"] == "from-profile"
    assert env["FLEETTUI_CLIENT_ID"] == "id-from-env"  # it chose the account: kept
    assert {"OTHER_SECRET", "FLEETTUI_CLIENT_SECRET", "AWS_SECRET_ACCESS_KEY"}.isdisjoint(env)
    assert launch.argv[3:] == ("--profile", "p", "--read-only")


def test_an_inline_secret_is_not_put_in_the_environment():
    from fleettui.web.environment import session_launch

    env = session_launch(SERVER_ENV, demo=False, profile=_profile("inline (config file)")).environment
    assert "s3cret" not in env.values()
    assert {"MY_SECRET", "FLEETTUI_CLIENT_SECRET"}.isdisjoint(env)


def test_a_profile_made_of_environment_variables_keeps_them():
    from fleettui.web.environment import session_launch

    launch = session_launch(SERVER_ENV, demo=False,
                            profile=_profile("env FLEETTUI_CLIENT_SECRET", "environment variables"))
    assert launch.environment["FLEETTUI_CLIENT_SECRET"] == "canary2"
    assert "--profile" not in launch.argv  # there is no such profile in the file
