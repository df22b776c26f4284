"""Chromium for the browser tests, and a page whose terminal the test can read.

Debian's chromium (Playwright's own browser download is not reachable here) driven by
Playwright's Python client. Anything missing makes the tests skip with the reason.
xterm.js draws on a canvas, so :class:`TerminalPage` keeps the WebSocket's frames (an
init script) and replays them into pyte to get the text the page shows.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator

import pytest

from tests.support.web import wait_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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

#: Keeps the terminal stream and the last size the page reported, before any page script.
CAPTURE = """
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  window.__fleettui = {text: "", size: null};
  function Captured(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    const send = socket.send.bind(socket);
    socket.send = (data) => {
      try {
        const message = JSON.parse(data);
        if (message[0] === "resize") window.__fleettui.size = message[1];
      } catch (e) {}
      return send(data);
    };
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string")
        window.__fleettui.text += decoder.decode(new Uint8Array(event.data), {stream: true});
    });
    return socket;
  }
  Captured.prototype = Native.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Captured[name] = Native[name];
  window.WebSocket = Captured;
})();
"""


@contextlib.contextmanager
def launch_chromium(**options) -> Iterator:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed: pip install -e '.[webtest]'"
    )
    pytest.importorskip("pyte", reason="pyte is not installed: pip install -e '.[webtest]'")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    with sync_api.sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **options
            )
        except Exception as exc:  # noqa: BLE001 - any launch failure is a reason to skip
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            pytest.skip(f"chromium would not start: {first}")
        try:
            yield browser
        finally:
            browser.close()


class TerminalPage:
    """A page showing the served monitor, with its terminal readable as text."""

    def __init__(self, page) -> None:  # noqa: ANN001 - playwright's Page
        import pyte

        self.page = page
        self._pyte = pyte
        self._screen = None
        self._stream = None
        self._fed = 0

    @classmethod
    def open(
        cls,
        browser,
        url: str,
        *,
        width: int = 1100,
        height: int = 720,  # noqa: ANN001
        **context_options,
    ) -> TerminalPage:
        context = browser.new_context(
            viewport={"width": width, "height": height}, **context_options
        )
        page = context.new_page()
        page.add_init_script(CAPTURE)
        page.goto(url)
        page.wait_for_url(url.split("/?", 1)[0] + "/")
        tab = cls(page)
        wait_for(lambda: tab._size(), "the page's terminal size")
        page.focus(".xterm-helper-textarea")  # keyboard focus in the terminal, no click
        return tab

    def _size(self) -> tuple[int, int] | None:
        size = self.page.evaluate("window.__fleettui.size")
        return (int(size["width"]), int(size["height"])) if size else None

    def raw(self) -> str:
        return self.page.evaluate("window.__fleettui.text")

    def screen_text(self) -> str:
        size = self._size()
        if size is None:
            return ""
        if self._screen is None or (self._screen.columns, self._screen.lines) != size:
            self._screen = self._pyte.Screen(*size)
            self._stream = self._pyte.Stream(self._screen)
            self._fed = 0
        text = self.raw()
        self._stream.feed(text[self._fed :])
        self._fed = len(text)
        return "\n".join(self._screen.display)

    def wait_for(self, check: Callable[[str], object], what: str) -> str:
        last = [""]

        def ready() -> str | None:
            last[0] = screen = self.screen_text()
            return screen if check(screen) else None

        try:
            return wait_for(ready, what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the page shows:\n{last[0]}") from None

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def close(self) -> None:
        self.page.context.close()
