from datetime import datetime

def read(
    text: str, count: int, states: tuple[str, ...], /
) -> tuple[list[str | None], list[datetime | None]] | None: ...
