"""Injected faults for tests and demos, deterministic under the simulator's seed.

Per request, in this order: a pending 429 burst answers first; then the added latency;
then a dropped connection (`drop_rate`), a 500 (`error_rate`), and after the normal answer
is computed, a malformed body (`malformed_rate`). `forbidden` is not random: while set, every
authenticated fleet call answers the provider's 403 (an app without fleet access). The token endpoint is exempt from all of
them except latency unless `include_token_endpoint=True`, so a test can aim a fault at the
fleet calls without its client failing to log in first.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class FaultConfig:
    latency: float = 0.0  # seconds added to every response
    error_rate: float = 0.0  # share of requests answered 500
    rate_limit_burst: int = 0  # the next N requests answer 429
    malformed_rate: float = 0.0  # share of bodies that are not the JSON expected
    drop_rate: float = 0.0  # share of connections closed without a response
    include_token_endpoint: bool = False
    retry_after: int = 10  # seconds named in the 429 burst's detail
    #: The application has no fleet access: fleet calls with a valid token answer 403.
    forbidden: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.latency
            or self.error_rate
            or self.rate_limit_burst
            or self.malformed_rate
            or self.drop_rate
        )


class Fault(StrEnum):
    NONE = "none"
    RATE_LIMIT = "rate_limit"
    DROP = "drop"
    ERROR = "error"
    MALFORMED = "malformed"


class FaultInjector:
    def __init__(self, config: FaultConfig, seed: int) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(f"faults:{seed}")
        self._config = config
        self._burst = config.rate_limit_burst
        self.counts: dict[str, int] = {f.value: 0 for f in Fault if f is not Fault.NONE}

    @property
    def config(self) -> FaultConfig:
        return self._config

    def set(self, config: FaultConfig) -> None:
        with self._lock:
            self._config = config
            self._burst = config.rate_limit_burst

    def latency(self) -> float:
        return max(0.0, self._config.latency)

    def before(self, token_endpoint: bool) -> Fault:
        """Which fault (if any) replaces the normal answer to this request."""
        with self._lock:
            cfg = self._config
            if not cfg.active or (token_endpoint and not cfg.include_token_endpoint):
                return Fault.NONE
            if self._burst > 0:
                self._burst -= 1
                return self._count(Fault.RATE_LIMIT)
            if cfg.drop_rate and self._rng.random() < cfg.drop_rate:
                return self._count(Fault.DROP)
            if cfg.error_rate and self._rng.random() < cfg.error_rate:
                return self._count(Fault.ERROR)
            return Fault.NONE

    def malform(self, token_endpoint: bool, body: bytes) -> bytes | None:
        """A broken replacement for `body`, or None to send it as it is."""
        with self._lock:
            cfg = self._config
            if not cfg.malformed_rate or (token_endpoint and not cfg.include_token_endpoint):
                return None
            if self._rng.random() >= cfg.malformed_rate:
                return None
            self._count(Fault.MALFORMED)
            if len(body) > 4 and self._rng.random() < 0.5:
                return body[: len(body) // 2]
            return b"<html><body><h1>502 Bad Gateway</h1></body></html>"

    def _count(self, fault: Fault) -> Fault:
        self.counts[fault.value] += 1
        return fault
