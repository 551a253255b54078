"""One monitoring run at a time per warehouse: a second `belmon run` waits, then gives up
with a clear message, instead of fetching and alerting twice."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from belmon.errors import BelmonError


class RunInProgress(BelmonError):
    """Another process is running a cycle on the same warehouse."""


@contextmanager
def exclusive_run(db_path: Path, wait_seconds: float) -> Iterator[None]:
    """Hold `<db>.run.lock` for the length of a cycle; the OS releases it if we crash."""
    lock_path = db_path.with_name(db_path.name + ".run.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")  # noqa: SIM115 - held open for the whole cycle
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise RunInProgress(
                        f"another monitoring run (pid {holder}) is using {db_path}; "
                        f"waited {wait_seconds:.0f} s, try again later"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()
