"""Running the CLI against the hostile server: a profile for it, and the checks every
run must pass (no traceback, no hang, nothing a terminal acts on, a message)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from fleettui.core.text import sanitize

SECRET_VAR = "FLEETTUI_HOSTILE_SECRET"
#: The deadline for the classes about deadlines (an answer that never comes, or trickles):
#: small, so a trickling server costs seconds.
DEADLINE = 3
#: The deadline everywhere else: so generous that a loaded machine never turns another
#: class into "did not answer within 3 s" (a gzip bomb's refusal did, at load 20-40).
#: It only bounds a hang; each run's own timeout catches one.
GENEROUS_DEADLINE = 30
RUNNER = Path(__file__).with_name("cli_runner.py")


@dataclass
class Run:
    code: int
    out_bytes: bytes
    err_bytes: bytes
    timed_out: bool

    @property
    def out(self) -> str:
        return self.out_bytes.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.err_bytes.decode("utf-8", "replace")


class CliRunner:
    """A `tests/support/cli_runner.py` process that forks one child per command."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, str(RUNNER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(
        self, argv: list[str], env: dict[str, str], *, stdin: str = "", timeout: float = 60
    ) -> Run:
        return self.run_all([argv], env, stdin=stdin, timeout=timeout)[0]

    def run_all(
        self,
        commands: list[list[str]],
        env: dict[str, str],
        *,
        stdin: str = "",
        timeout: float = 60,
    ) -> list[Run]:
        """Every command as its own process, all at once; results in order."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        requests = [
            {"argv": argv, "env": env, "stdin": stdin, "timeout": timeout} for argv in commands
        ]
        self._proc.stdin.write(json.dumps(requests) + "\n")
        self._proc.stdin.flush()
        answers = json.loads(self._proc.stdout.readline())
        return [
            Run(a["code"], base64.b64decode(a["out"]), base64.b64decode(a["err"]), a["timed_out"])
            for a in answers
        ]

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def hostile_env(tmp: Path, base_url: str, *, deadline: float = GENEROUS_DEADLINE) -> dict[str, str]:
    """Environment for a child run: its own dirs, one profile on the hostile server."""
    config = tmp / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        'default_profile = "hostile"\n\n[profiles.hostile]\nenvironment = "custom"\n'
        f'base_url = "{base_url}"\nclient_id = "hostile-client"\n'
        f'client_secret_env = "{SECRET_VAR}"\nconnect_timeout = 2\ndeadline = {deadline}\n'
    )
    (config / "config.toml").chmod(0o600)
    return {
        "FLEETTUI_CONFIG_DIR": str(config),
        "FLEETTUI_CACHE_DIR": str(tmp / "cache"),
        "FLEETTUI_LOG_DIR": str(tmp / "log"),
        SECRET_VAR: "hostile-secret",
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
    }


def assert_safe_output(run: Run) -> None:
    """Nothing a terminal would act on, and no traceback."""
    for name, data in (("stdout", run.out_bytes), ("stderr", run.err_bytes)):
        assert b"\x1b" not in data, f"ESC in {name}: {data[:400]!r}"
        text = data.decode("utf-8", "replace")
        for line in text.split("\n"):
            assert sanitize(line) == line, f"hidden characters in {name}: {line[:200]!r}"
    assert "Traceback" not in run.err, run.err[-2000:]
