"""`fleettui webhooks listen|test|replay|status` as a user runs them (listen as a process)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.cli import run

SECRET = "cli-webhook-secret-1"


@pytest.fixture
def listener(tmp_path, isolated_dirs, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    saved = tmp_path / "saved.jsonl"
    env = {**os.environ, "FLEETTUI_DATA_DIR": str(tmp_path / "data")}
    monkeypatch.setenv("FLEETTUI_DATA_DIR", str(tmp_path / "data"))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fleettui",
            "webhooks",
            "listen",
            "--port",
            "0",
            "--secret-env",
            "HOOK_SECRET",
            "--save",
            str(saved),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = proc.stdout.readline().strip()
        db = proc.stdout.readline().strip().removeprefix("database ")
        assert url.startswith("http://127.0.0.1:") and url.endswith("/hooks/hm"), url
        yield proc, url, Path(db), saved
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _status(capsys, at_least: int = 1) -> dict:  # noqa: ANN001
    """The receiver's health once it has applied `at_least` deliveries (it answers 2xx
    first and applies from a queue, so a delivery's effects trail its answer)."""
    deadline = time.monotonic() + 10
    while True:  # the receiver writes its health right after applying
        code, out, _ = run(capsys, "webhooks", "status", "--json")
        data = json.loads(out)
        if (
            data["accepted"] + data["pings"] + data["duplicates"] >= at_least
            or time.monotonic() > deadline
        ):
            return data
        time.sleep(0.05)


def test_listen_test_status_replay_and_stop(listener, capsys):
    proc, url, db, saved = listener
    code, out, err = run(capsys, "webhooks", "test", url, "--secret-env", "HOOK_SECRET")
    assert code == 0 and "202 accepted" in out, err
    code, out, err = run(
        capsys,
        "webhooks",
        "test",
        url,
        "--secret-env",
        "HOOK_SECRET",
        "--event",
        "rejected",
        "--vin",
        "wba00000000000042",
        "--detail",
        "ineligible VIN",
    )
    assert code == 0, err
    status = _status(capsys, at_least=2)
    assert status["status"] == "ok" and status["database"] == str(db)
    lines = [json.loads(x) for x in saved.read_text().splitlines()]
    assert [x["event"] for x in lines] == ["ping", "fleet_clearance_changed"]
    assert json.loads(lines[1]["body"])["vehicle"]["vin"] == "WBA00000000000042"
    assert oct(saved.stat().st_mode & 0o777) == "0o600"

    # Replayed as saved: accepted (2xx) but recognised as duplicates.
    code, out, err = run(
        capsys, "webhooks", "replay", str(saved), "--url", url, "--secret-env", "HOOK_SECRET"
    )
    assert code == 0 and out.count(": 202 accepted") == 2, err
    code, _, _ = run(
        capsys,
        "webhooks",
        "replay",
        str(saved),
        "--url",
        url,
        "--secret-env",
        "HOOK_SECRET",
        "--new-ids",
    )
    assert code == 0

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    summary = proc.stderr.read()
    assert "accepted 2, pings 2, duplicates 2, bad signatures 0" in summary
    assert SECRET not in summary
    code, out, _ = run(capsys, "webhooks", "status")
    assert code == 1 and "receiver down" in out


def test_a_wrong_secret_is_refused_and_counted(listener, capsys, monkeypatch):
    proc, url, _, _ = listener
    monkeypatch.setenv("WRONG", "not-the-secret")
    code, _, err = run(capsys, "webhooks", "test", url, "--secret-env", "WRONG")
    assert code == 1 and "401" in err and "not-the-secret" not in err
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
    stderr = proc.stderr.read()
    assert "bad signatures 1" in stderr and "refused webhook" in stderr
    assert "not-the-secret" not in stderr and SECRET not in stderr


def test_the_secret_never_comes_from_the_command_line(capsys):
    code, _, err = run(capsys, "webhooks", "listen", "--secret", "abc")
    assert code == 2 and "unrecognized arguments" in err
    code, _, err = run(capsys, "webhooks", "listen", "--port", "0")
    assert code == 2 and "--secret-env" in err
    code, _, err = run(capsys, "webhooks", "listen", "--secret-env", "UNSET_VAR_XYZ")
    assert code == 2 and "UNSET_VAR_XYZ is not set" in err


def test_profile_keys_supply_the_secret(capsys, monkeypatch, isolated_dirs):
    Path(isolated_dirs["config"], "config.toml").write_text(
        'default_profile = "p"\n[profiles.p]\nenvironment = "sandbox"\nclient_id = "x"\n'
        'client_secret_env = "X"\nwebhook_secret_env = "P_HOOKS"\nreconcile_interval = 300\n'
    )
    monkeypatch.setenv("P_HOOKS", "short")
    code, _, err = run(capsys, "webhooks", "listen", "--port", "0")
    assert code == 2 and "at least 8 characters" in err  # it found the profile's secret
    from fleettui.webhooks.settings import load_settings

    s = load_settings()
    assert (s.profile, s.secret_source, s.reconcile_interval) == ("p", "env P_HOOKS", 300.0)
    assert "short" not in repr(s)


def test_non_loopback_listen_warns(tmp_path, monkeypatch):
    env = {**os.environ, "HOOK_SECRET": SECRET, "FLEETTUI_DATA_DIR": str(tmp_path)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fleettui",
            "webhooks",
            "listen",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--secret-env",
            "HOOK_SECRET",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout.readline().startswith("http://0.0.0.0:")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert "warning: listening on 0.0.0.0, not loopback" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_usage_errors(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    code, _, err = run(capsys, "webhooks", "test", "ftp://x", "--secret-env", "HOOK_SECRET")
    assert code == 2
    code, _, err = run(
        capsys,
        "webhooks",
        "test",
        "http://127.0.0.1:9/x",
        "--event",
        "rejected",
        "--secret-env",
        "HOOK_SECRET",
    )
    assert code == 2 and "--vin" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n[1]\n")
    code, _, err = run(
        capsys,
        "webhooks",
        "replay",
        str(bad),
        "--url",
        "http://127.0.0.1:9/x",
        "--secret-env",
        "HOOK_SECRET",
    )
    assert code == 2 and "line 1: not JSON" in err and "line 2" in err
    code, _, err = run(
        capsys, "webhooks", "test", "http://127.0.0.1:9/x", "--secret-env", "HOOK_SECRET"
    )
    assert code == 1 and "not sent" in err
