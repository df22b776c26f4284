"""Regenerate screenshots/browser.png: `fleettui serve --demo` in headless Chromium.

Needs the webtest extra (`pip install -e '.[webtest]'`) and Debian's chromium
(`apt-get install -y chromium`). Starts the real server on a free port, opens the URL it
printed, waits for the demo fleet, moves the cursor to a rejected vehicle and saves the
page.

    python scripts/make_browser_screenshot.py [--out screenshots/browser.png]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Counts the bytes the page's terminal has received (its canvas has no text to wait on).
COUNT_FRAMES = """
(() => {
  const Native = window.WebSocket;
  window.__bytes = 0;
  function Counted(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    socket.addEventListener("message", (e) => { if (typeof e.data !== "string") window.__bytes += e.data.byteLength; });
    return socket;
  }
  Counted.prototype = Native.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Counted[name] = Native[name];
  window.WebSocket = Counted;
})();
"""


def _settled(page, quiet: float = 1.5, deadline: float = 60.0) -> None:  # noqa: ANN001
    """Wait until the terminal has drawn something and then stayed still for ``quiet`` s."""
    end = time.monotonic() + deadline
    last, since = -1, time.monotonic()
    while time.monotonic() < end:
        now = page.evaluate("window.__bytes")
        if now != last:
            last, since = now, time.monotonic()
        elif now > 20_000 and time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)
    raise RuntimeError("the page's terminal never settled")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots/browser.png"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "fleettui", "serve", "--demo", "--demo-speed", "0", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = server.stdout.readline().strip()
        if not url.startswith("http"):
            print("fleettui serve printed no URL", file=sys.stderr)
            return 1
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 760})
            page.add_init_script(COUNT_FRAMES)
            page.goto(url)
            page.wait_for_url(url.split("/?", 1)[0] + "/")
            _settled(page)
            page.focus(".xterm-helper-textarea")
            page.keyboard.press("3")  # only rejected vehicles: the detail explains one
            _settled(page)
            page.keyboard.press("ArrowDown")
            _settled(page)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
        print(args.out)
        return 0
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


if __name__ == "__main__":
    raise SystemExit(main())
