"""The floor the terminal bench compares the monitor with: the least an app can do to show
a fleet from the API in a terminal.

    python bench/floor_app.py BASE_URL CLIENT_ID   (secret in $FLOOR_SECRET)

A token (one POST), one GET of the list, `json.loads`, and a Textual `Static` with the
first 40 VINs. Nothing else: no cache, no rows, no sort, no refresh.
"""

from __future__ import annotations

import json
import os
import sys
import threading

import httpx
from textual.app import App, ComposeResult
from textual.widgets import Static


class FloorApp(App[None]):
    def __init__(self, base_url: str, client_id: str, secret: str) -> None:
        super().__init__()
        self.base_url, self.client_id, self.secret = base_url.rstrip("/"), client_id, secret

    def compose(self) -> ComposeResult:
        yield Static("loading", id="vins")

    def on_mount(self) -> None:
        threading.Thread(target=self._fetch, daemon=True).start()

    def _fetch(self) -> None:
        with httpx.Client(timeout=120) as client:
            token = client.post(
                f"{self.base_url}/v1/access_tokens",
                json={
                    "client_id": self.client_id,
                    "client_secret": self.secret,
                    "grant_type": "client_credentials",
                },
            ).json()["access_token"]
            body = client.get(
                f"{self.base_url}/v1/fleets/vehicles", headers={"Authorization": f"Bearer {token}"}
            ).content
        fleet = json.loads(body)
        text = "\n".join(v["vin"] for v in fleet[:40])
        self.call_from_thread(self.query_one("#vins", Static).update, text)


if __name__ == "__main__":
    FloorApp(sys.argv[1], sys.argv[2], os.environ["FLOOR_SECRET"]).run()
