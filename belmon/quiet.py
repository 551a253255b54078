"""Keep expected user errors to one line: Prefect logs every failed task with a traceback,
which for a BelmonError (a locked warehouse, a missing directory) is noise, not news."""

from __future__ import annotations

import logging

from belmon.errors import BelmonError

PREFECT_RUN_LOGGERS = ("prefect.task_runs", "prefect.flow_runs")


class _DropUserErrorTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], BelmonError):
            record.exc_info = None
            record.exc_text = None
        return True


def one_line_user_errors() -> None:
    """Install the filter on Prefect's run loggers (idempotent)."""
    for name in PREFECT_RUN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropUserErrorTraceback) for f in logger.filters):
            logger.addFilter(_DropUserErrorTraceback())
