"""Errors that reach the user as one clear line instead of a traceback."""


class BelmonError(Exception):
    """Base class: the message is what the CLI prints."""


class ConfigError(BelmonError):
    """Invalid settings, feeds file or seed manifest."""


class WarehouseLocked(BelmonError):
    """Another process holds the DuckDB file for longer than we are willing to wait."""


class QueryError(BelmonError):
    """A user-supplied SQL query failed."""
