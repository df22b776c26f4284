"""`fleettui profile add|list|remove|use|test`: flags, interactive add, masking, errors."""

from __future__ import annotations

import io
import json
import os
import stat

from fleettui.config import load_config
from fleettui.config.cache import save_snapshot, snapshot_path
from fleettui.config.paths import config_file
from tests.support.cli import SECRET_VAR, run
from tests.support.fake_servers import free_port, no_fleet_server, not_tls_server

INLINE = "inline-Secret-0987"


def test_add_with_env_var_and_list_masks(sim_profile, capsys):
    code, out, _ = run(capsys, "profile", "list")
    assert code == 0 and f"env {SECRET_VAR} (set)" in out and "*  sim" in out
    code, out, _ = run(capsys, "profile", "list", "--json")
    data = json.loads(out)
    assert data["default_profile"] == "sim"
    p = data["profiles"][0]
    assert p["secret_source"] == f"env {SECRET_VAR}" and p["secret_available"] is True
    assert p["environment"] == "custom" and p["base_url"] == sim_profile.base_url


def test_add_secret_from_stdin_is_inline_0600_and_masked(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(INLINE + "\n"))
    code, out, _ = run(
        capsys,
        "profile",
        "add",
        "prod",
        "--environment",
        "sandbox",
        "--client-id",
        "cid",
        "--client-secret-stdin",
        "--read-only",
        "--refresh",
        "15",
        "--default-filter",
        "state:rejected",
    )
    assert code == 0 and INLINE not in out
    assert stat.S_IMODE(os.stat(config_file()).st_mode) == 0o600
    p = load_config().profiles["prod"]
    assert (p.client_secret, p.read_only, p.refresh, p.default_filter) == (
        INLINE,
        True,
        15,
        "state:rejected",
    )
    code, out, _ = run(capsys, "profile", "list")
    assert "********" in out and INLINE not in out and "sandbox" in out
    code, out, _ = run(capsys, "profile", "list", "--json")
    assert INLINE not in out


def test_add_interactive_reads_secret_without_echo(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter(["sandbox", "my-client"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    prompts = []

    def fake_getpass(prompt=""):
        prompts.append(prompt)
        return INLINE

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    code, out, _ = run(capsys, "profile", "add", "inter")
    assert code == 0 and prompts and INLINE not in out
    p = load_config().profiles["inter"]
    assert (p.environment, p.client_id, p.client_secret) == ("sandbox", "my-client", INLINE)


def test_add_usage_errors(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "profile", "add", "x", "--client-id", "c")
    assert code == 2 and "--client-secret-env" in err
    code, _, err = run(capsys, "profile", "add", "x", "--client-secret-env", "V")
    assert code == 2 and "--client-id" in err
    code, _, err = run(
        capsys,
        "profile",
        "add",
        "x",
        "--environment",
        "custom",
        "--client-id",
        "c",
        "--client-secret-env",
        "V",
    )
    assert code == 2 and "--base-url" in err
    code, _, err = run(
        capsys,
        "profile",
        "add",
        "x",
        "--client-id",
        "c",
        "--client-secret-env",
        "V",
        "--refresh",
        "1",
    )
    assert code == 2 and "at least 5" in err
    code, _, err = run(
        capsys, "profile", "add", "bad name", "--client-id", "c", "--client-secret-env", "V"
    )
    assert code == 2 and "invalid profile name" in err
    code, _, err = run(
        capsys, "profile", "add", "x", "--client-id", "c", "--client-secret-env", "1BAD"
    )
    assert code == 2
    assert not config_file().exists()


def test_add_existing_needs_replace(sim_profile, capsys):
    args = (
        "profile",
        "add",
        "sim",
        "--base-url",
        "http://127.0.0.1:1",
        "--client-id",
        "c",
        "--client-secret-env",
        "V",
    )
    code, _, err = run(capsys, *args)
    assert code == 2 and "--replace" in err
    assert run(capsys, *args, "--replace")[0] == 0
    assert load_config().profiles["sim"].client_id == "c"


def test_use_and_remove(sim_profile, capsys):
    run(
        capsys,
        "profile",
        "add",
        "other",
        "--environment",
        "sandbox",
        "--client-id",
        "c",
        "--client-secret-env",
        "V",
    )
    assert load_config().default_profile == "sim"
    assert run(capsys, "profile", "use", "other")[0] == 0
    assert load_config().default_profile == "other"
    code, _, err = run(capsys, "profile", "use", "ghost")
    assert code == 2 and "available profiles: other, sim" in err
    save_snapshot("other", "https://sandbox.api.high-mobility.com", [])
    code, out, _ = run(capsys, "profile", "remove", "other")
    assert code == 0 and "default is now 'sim'" in out
    assert not snapshot_path("other").exists()
    assert run(capsys, "profile", "remove", "other")[0] == 2


def test_list_when_empty(capsys):
    code, out, _ = run(capsys, "profile", "list")
    assert code == 0 and "no profiles yet" in out


def test_corrupt_config_is_reported_and_kept(capsys):
    config_file().write_text("[profiles.a\n")
    before = config_file().read_bytes()
    code, _, err = run(
        capsys, "profile", "add", "b", "--client-id", "c", "--client-secret-env", "V"
    )
    assert code == 2 and str(config_file()) in err and "line 1" in err
    assert config_file().read_bytes() == before


def test_test_ok(sim_profile, capsys):
    code, out, _ = run(capsys, "profile", "test")
    assert code == 0 and "token ok, fleet access ok" in out
    assert run(capsys, "profile", "test", "sim")[0] == 0


def test_test_credentials_refused(sim_profile, capsys, monkeypatch):
    monkeypatch.setenv(SECRET_VAR, "wrong")
    code, _, err = run(capsys, "profile", "test")
    assert code == 1 and err.startswith("fleettui: credentials refused")


def _custom(capsys, name: str, url: str) -> None:
    code, _, err = run(
        capsys,
        "profile",
        "add",
        name,
        "--base-url",
        url,
        "--client-id",
        "c",
        "--client-secret-env",
        SECRET_VAR,
    )
    assert code == 0, err


def test_test_names_each_network_failure(capsys, monkeypatch):
    monkeypatch.setenv(SECRET_VAR, "s")
    _custom(capsys, "refused", f"http://127.0.0.1:{free_port()}")
    _custom(capsys, "dns", "https://no-such-host.invalid")
    code, _, err = run(capsys, "profile", "test", "refused")
    assert code == 1 and "connection refused" in err
    code, _, err = run(capsys, "profile", "test", "dns")
    assert code == 1 and "unknown host" in err
    with not_tls_server() as url:
        _custom(capsys, "tls", url)
        code, _, err = run(capsys, "profile", "test", "tls")
    assert code == 1 and "TLS" in err
    with no_fleet_server() as url:
        _custom(capsys, "nofleet", url)
        code, _, err = run(capsys, "profile", "test", "nofleet")
    assert code == 1 and "no fleet access (403)" in err


def test_test_unknown_profile_and_missing_secret(sim_profile, capsys, monkeypatch):
    code, _, err = run(capsys, "profile", "test", "ghost")
    assert code == 2 and "available profiles: sim" in err
    monkeypatch.delenv(SECRET_VAR)
    code, _, err = run(capsys, "profile", "test")
    assert code == 2 and SECRET_VAR in err


def test_add_interactive_input_ending_early_saves_nothing(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)

    def eof(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", eof)
    code, _, err = run(capsys, "profile", "add", "x")
    assert code == 2 and "nothing was saved" in err and not config_file().exists()


def test_add_refuses_a_base_url_the_client_would_refuse(capsys):
    """QA: plain http to another machine used to be saved, then refused by every command."""
    code, out, err = run(
        capsys,
        "profile",
        "add",
        "remote",
        "--base-url",
        "http://example.com",
        "--client-id",
        "c",
        "--client-secret-env",
        "V",
    )
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "plain http; only https is allowed outside this machine" in err
    assert "use 'https://example.com'" in err and "nothing was saved" in err
    code, _, err = run(
        capsys,
        "profile",
        "add",
        "q",
        "--base-url",
        "https://h.example/?x=1",
        "--client-id",
        "c",
        "--client-secret-env",
        "V",
    )
    assert code == 2 and "query" in err
    assert not config_file().exists()
    # Loopback http (the simulator) and https elsewhere are still fine; /v1 is trimmed.
    assert (
        run(
            capsys,
            "profile",
            "add",
            "loc",
            "--base-url",
            "http://localhost:8765",
            "--client-id",
            "c",
            "--client-secret-env",
            "V",
        )[0]
        == 0
    )
    assert (
        run(
            capsys,
            "profile",
            "add",
            "tls",
            "--base-url",
            "https://proxy.example/v1/",
            "--client-id",
            "c",
            "--client-secret-env",
            "V",
        )[0]
        == 0
    )
    assert load_config().profiles["tls"].base_url == "https://proxy.example"
