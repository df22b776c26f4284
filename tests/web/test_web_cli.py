"""`fleettui serve` on the command line: the optional extra, loopback by default, and the
environment each session is given (unit level; the end-to-end proof is in test_web_sessions)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fleettui.config.resolve import ResolvedProfile
from tests.support.cli import run

BLOCK_WEB = "import sys; sys.modules['textual_serve'] = None; sys.modules['aiohttp'] = None; "


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )


def test_serve_without_the_web_extra_says_how_to_install_it():
    done = _python(
        BLOCK_WEB
        + "from fleettui.cli.main import main; raise SystemExit(main(['serve', '--demo']))"
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "fleettui: serve needs the web extra, which is not installed: pip install 'fleettui[web]'"
    ]


def test_the_terminal_app_needs_no_web_package():
    done = _python(
        BLOCK_WEB + "import fleettui.cli.main, fleettui.ui.app; "
        "print(sorted(m for m in sys.modules if (m.startswith(('aiohttp', 'textual_serve', 'fleettui.web.')) or m == 'fleettui.web') and sys.modules[m]))"
    )
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
    return ResolvedProfile(
        name="p",
        environment="custom",
        base_url="http://127.0.0.1:1",
        client_id="id",
        client_secret="s3cret",
        read_only=False,
        refresh=15,
        default_filter="",
        source=source,
        secret_source=secret_source,
    )


SERVER_ENV = {
    "PATH": "/usr/bin",
    "HOME": "/home/op",
    "LANG": "en_GB.UTF-8",
    "LC_ALL": "C.UTF-8",
    "FLEETTUI_CONFIG_DIR": "/cfg",
    "MY_SECRET": "from-profile",
    "OTHER_SECRET": "canary",
    "FLEETTUI_CLIENT_SECRET": "canary2",
    "AWS_SECRET_ACCESS_KEY": "canary3",
    "TERM": "screen",
    "SSH_AUTH_SOCK": "/tmp/agent",
    "FLEETTUI_CLIENT_ID": "id-from-env",
}


def test_demo_sessions_get_no_account_variable_at_all():
    from fleettui.web.environment import session_launch

    launch = session_launch(SERVER_ENV, demo=True, profile=None)
    env = launch.environment
    assert {
        "MY_SECRET",
        "OTHER_SECRET",
        "FLEETTUI_CLIENT_SECRET",
        "AWS_SECRET_ACCESS_KEY",
        "SSH_AUTH_SOCK",
        "FLEETTUI_CLIENT_ID",
    }.isdisjoint(env)
    assert env["PATH"] == "/usr/bin" and env["LC_ALL"] == "C.UTF-8"
    assert env["FLEETTUI_CONFIG_DIR"] == "/cfg"
    assert env["TERM"] == "xterm-256color"  # the browser's terminal, not the server's
    assert launch.argv[1:6] == ("-P", "-m", "fleettui", "--pin-profile", "--demo")


def test_a_profile_session_gets_its_named_secret_and_nothing_else():
    from fleettui.web.environment import session_launch

    launch = session_launch(
        SERVER_ENV, demo=False, profile=_profile("env MY_SECRET"), read_only=True
    )
    env = launch.environment
    assert env["MY_SECRET"] == "from-profile"
    assert env["FLEETTUI_CLIENT_ID"] == "id-from-env"  # it chose the account: kept
    assert {"OTHER_SECRET", "FLEETTUI_CLIENT_SECRET", "AWS_SECRET_ACCESS_KEY"}.isdisjoint(env)
    assert launch.argv[4:] == ("--pin-profile", "--profile", "p", "--read-only")


def test_an_inline_secret_is_not_put_in_the_environment():
    from fleettui.web.environment import session_launch

    env = session_launch(
        SERVER_ENV, demo=False, profile=_profile("inline (config file)")
    ).environment
    assert "s3cret" not in env.values()
    assert {"MY_SECRET", "FLEETTUI_CLIENT_SECRET"}.isdisjoint(env)


def test_a_profile_made_of_environment_variables_keeps_them():
    from fleettui.web.environment import session_launch

    launch = session_launch(
        SERVER_ENV,
        demo=False,
        profile=_profile("env FLEETTUI_CLIENT_SECRET", "environment variables"),
    )
    assert launch.environment["FLEETTUI_CLIENT_SECRET"] == "canary2"
    assert "--profile" not in launch.argv  # there is no such profile in the file


def test_proxy_variables_pass_only_when_asked_and_never_with_a_password():
    from fleettui.web.environment import session_launch

    environ = {
        **SERVER_ENV,
        "HTTPS_PROXY": "http://alice:pa55word@proxy.example:3128",
        "no_proxy": "localhost",
        "LC_TIME": "de_DE.UTF-8",
        "LC_EVIL": "x",
        "LC_SECRET_TOKEN": "canary4",
    }
    env = session_launch(environ, demo=True, profile=None).environment
    assert "HTTPS_PROXY" not in env and "no_proxy" not in env
    assert env["LC_TIME"] == "de_DE.UTF-8" and env["LC_ALL"] == "C.UTF-8"
    assert "LC_EVIL" not in env and "LC_SECRET_TOKEN" not in env
    env = session_launch(environ, demo=True, profile=None, proxy=True).environment
    assert env["HTTPS_PROXY"] == "http://proxy.example:3128" and env["no_proxy"] == "localhost"
    assert not any("pa55word" in v for v in env.values())


def test_a_session_imports_the_installed_package_not_a_folder_named_fleettui(tmp_path):
    """Started from a folder holding a `fleettui` folder (a clone's parent): the tab's
    command (its argv, run here with --version) still imports the installed package."""
    import subprocess

    from fleettui.web.environment import session_launch

    shadow = tmp_path / "fleettui"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("")  # no __version__: the import error of issue 21
    launch = session_launch(SERVER_ENV, demo=True, profile=None)
    argv = [a for a in launch.argv if a not in ("--pin-profile", "--demo")]
    run = subprocess.run(
        [*argv, "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("fleettui ") and "ImportError" not in run.stderr


# -- origins and the policy ---------------------------------------------------------------


def test_origins_are_compared_normalised():
    pytest.importorskip("aiohttp")
    from fleettui.web.access import AccessPolicy, origin_of

    assert origin_of("HTTP://LocalHost:8000/path?q") == "http://localhost:8000"
    assert origin_of("https://fleet.example.com:443") == "https://fleet.example.com"
    policy = AccessPolicy.create(["http://127.0.0.1:8000", "http://localhost:8000"], port=8000)
    assert policy.origin_ok("http://localhost:8000")
    assert not policy.origin_ok("http://localhost:8001")
    assert not policy.origin_ok("http://127.0.0.1.evil.example:8000")
    assert not policy.origin_ok("null") and not policy.origin_ok(None)
    assert policy.host_ok("127.0.0.1:8000") and not policy.host_ok("evil.example:8000")
    assert policy.token not in repr(policy) and policy.cookie_value not in repr(policy)
    assert policy.token != policy.cookie_value
    assert AccessPolicy.create(None, port=1).token != policy.token  # new per launch


def test_a_wildcard_bind_accepts_only_the_requests_own_origin():
    pytest.importorskip("aiohttp")
    from fleettui.web.access import AccessPolicy

    policy = AccessPolicy.create(None, port=8000)
    assert policy.host_ok("192.0.2.7:8000")
    assert policy.origin_ok("http://192.0.2.7:8000", "192.0.2.7:8000")
    assert not policy.origin_ok("http://evil.example", "192.0.2.7:8000")


def test_served_origins():
    pytest.importorskip("aiohttp")
    from fleettui.web.run import is_loopback, served_origins

    assert served_origins("127.0.0.1", 8000, None)[0] == "http://127.0.0.1:8000"
    assert "http://localhost:8000" in served_origins("127.0.0.1", 8000, None)
    assert served_origins("0.0.0.0", 8000, None) is None
    assert served_origins("0.0.0.0", 8000, "https://fleet.example.com/") == [
        "https://fleet.example.com"
    ]
    assert is_loopback("127.0.0.2") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")


def test_the_webhook_secret_variable_a_profile_names_is_passed_too():
    from fleettui.web.environment import session_launch

    env = session_launch(
        SERVER_ENV, demo=False, profile=_profile("env MY_SECRET"), profile_secrets=("OTHER_SECRET",)
    ).environment
    assert env["OTHER_SECRET"] == "canary" and env["MY_SECRET"] == "from-profile"
    demo = session_launch(
        SERVER_ENV, demo=True, profile=None, profile_secrets=("OTHER_SECRET",)
    ).environment
    assert "OTHER_SECRET" not in demo


def test_serve_finds_the_webhook_secret_variable_in_the_profile(
    sim_profile, isolated_dirs, monkeypatch
):
    import tomllib
    from pathlib import Path

    import tomli_w

    from fleettui.cli.serve_cmd import _webhook_secret_variables
    from fleettui.config.resolve import resolve_profile

    path = Path(isolated_dirs["config"]) / "config.toml"
    config = tomllib.loads(path.read_text())
    config["profiles"]["sim"]["webhook_secret_env"] = "HOOK_SECRET_VAR"
    path.write_text(tomli_w.dumps(config))
    monkeypatch.setenv("HOOK_SECRET_VAR", "hook-secret")
    assert _webhook_secret_variables(resolve_profile("sim")) == ("HOOK_SECRET_VAR",)
