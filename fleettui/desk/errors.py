"""`DeskError`: what went wrong with the desk, in one line that names the fix.

psycopg's exceptions are translated here (`desk_error`), never shown raw: their text can
quote the connection string, and a traceback is no use to someone on shift. Every message
goes through `redacted()` and has the password of the DSN in use cut out besides.
"""

from __future__ import annotations

import sys

from fleettui.desk.settings import redacted

INIT_FIX = "run `fleettui desk init`"


class DeskError(Exception):
    """A desk problem. `kind` is one of: offline, auth, no-schema, old-schema,
    new-schema, config, lost (a claim race or someone else's claim), failed."""

    def __init__(self, message: str, kind: str = "failed", sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        #: PostgreSQL's error code when it came from the server (e.g. 40P01: deadlock).
        self.sqlstate = sqlstate

    @property
    def offline(self) -> bool:
        """The desk cannot be reached now (worth retrying later)."""
        return self.kind == "offline"


def _scrub(text: str, password: str | None) -> str:
    text = redacted(text)
    if password:
        text = text.replace(password, "***")
    return " ".join(text.split())


def desk_error(exc: BaseException, where: str, password: str | None = None) -> DeskError:
    """A psycopg (or OS) exception as a one-line DeskError. `where` is the redacted DSN."""
    if isinstance(exc, DeskError):
        return exc
    sqlstate = getattr(exc, "sqlstate", None)
    text = _scrub(str(exc), password)
    low = text.lower()
    if sqlstate == "28P01" or "password authentication failed" in low:
        return DeskError(
            f"desk {where}: the password was refused; check the connection "
            f"string's password (or ~/.pgpass) for this role",
            "auth",
        )
    if (
        sqlstate in ("28000",)
        or "no pg_hba.conf entry" in low
        or "role" in low
        and "does not exist" in low
    ):
        return DeskError(
            f"desk {where}: access refused ({text[:160]}); ask the desk's "
            f"administrator for a role and a pg_hba.conf entry",
            "auth",
        )
    if sqlstate == "3D000" or ("database" in low and "does not exist" in low):
        return DeskError(
            f"desk {where}: the database does not exist; create it (createdb) and then {INIT_FIX}",
            "no-schema",
        )
    if sqlstate == "42P01":
        return DeskError(f"desk {where}: the desk's tables are missing; {INIT_FIX}", "no-schema")
    name = type(exc).__name__
    psycopg = sys.modules.get("psycopg")
    lost = psycopg is not None and isinstance(
        exc, psycopg.OperationalError | psycopg.InterfaceError
    )
    if lost and sqlstate is not None and not sqlstate.startswith(("08", "57P")):
        lost = False  # e.g. a lock or statement timeout: the connection is fine
    if (
        lost
        or (sqlstate or "").startswith(("08", "57P"))
        or isinstance(exc, OSError | TimeoutError)
    ):
        why = text.split(":")[-1].strip() if "connection" in low else text
        return DeskError(
            f"desk {where} is offline ({why[:160] or name}); start the "
            f"PostgreSQL server or check the connection string",
            "offline",
        )
    return DeskError(f"desk {where}: {text[:200] or name}", "failed", sqlstate)
