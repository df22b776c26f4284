"""`fleettui simulator` as a process: three lines out, serves, stops cleanly on a signal."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys

import httpx

from fleettui.cli import simulator_cmd


def main(argv: list[str]) -> int:
    """Run only the simulator subcommand (independent of the other commands' modules)."""
    parser = argparse.ArgumentParser(prog="fleettui")
    simulator_cmd.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def _start(*extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fleettui",
            "simulator",
            "--port",
            "0",
            "--vehicles",
            "12",
            "--seed",
            "3",
            "--speed",
            "0",
            "--client-id",
            "cli-id",
            "--client-secret",
            "cli-secret",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_prints_three_lines_and_serves():
    proc = _start("--token-lifetime", "120", "--start", "2026-11-01T12:00:00Z")
    try:
        url = proc.stdout.readline().strip()
        client_id = proc.stdout.readline().strip()
        secret = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert (client_id, secret) == ("cli-id", "cli-secret")
        r = httpx.post(
            f"{url}/v1/access_tokens",
            json={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            },
        )
        assert r.status_code == 200 and r.json()["expires_in"] == 120
        assert r.headers["Date"] == "Sun, 01 Nov 2026 12:00:00 GMT"
        token = r.json()["access_token"]
        fleet = httpx.get(
            f"{url}/v1/fleets/vehicles", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert len(fleet) == 12
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_sigint_exits_zero_and_reports_webhooks():
    proc = _start("--webhook-url", "http://127.0.0.1:9/hooks", "--webhook-secret", "s")
    try:
        assert proc.stdout.readline().startswith("http://")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert "webhooks delivered 0, failed" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_refuses_non_loopback_and_bad_values(capsys):
    assert main(["simulator", "--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err
    assert main(["simulator", "--error-rate", "2"]) == 2
    assert main(["simulator", "--start", "yesterday"]) == 2
    assert main(["simulator", "--webhook-url", "http://127.0.0.1:1/x"]) == 2
    err = capsys.readouterr().err
    assert "--error-rate must be between 0 and 1" in err
    assert "--webhook-url and --webhook-secret go together" in err
    assert "--start must be an ISO 8601 time" in err
