"""Progress on long work: a bar on a terminal, a log line every so often elsewhere."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def progress(label: str, total: int, logger: logging.Logger | Any | None = None
             ) -> Iterator[Callable[..., None]]:
    """Yield a callback to call once per finished item."""
    if total == 0:
        yield lambda *_: None
        return
    if sys.stderr.isatty():
        with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      transient=True) as bar:
            task = bar.add_task(label, total=total)
            yield lambda *_: bar.advance(task)
        return
    done = 0
    step = max(1, total // 10)

    def advance(*_: Any) -> None:
        nonlocal done
        done += 1
        if logger is not None and (done % step == 0 or done == total):
            logger.info("%s: %d/%d", label, done, total)

    yield advance
