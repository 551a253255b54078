"""Prefect settings for flows run in this process without a Prefect server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_server_heartbeats() -> Iterator[None]:
    """No flow-run heartbeats when no Prefect server is configured.

    Heartbeats let a long-lived server notice crashed runs. Without an API URL (from the
    environment or a Prefect profile) the API server is a temporary one that ends with this
    process, so nobody reads them, and Prefect 3.8 ends every flow run by joining the
    heartbeat thread, which notices the end only after its current 1-second sleep: up to a
    second more for each cycle (a cycle with nothing new takes 2-3 s). With a server
    configured, heartbeats stay on. Prefect is imported here, not at module level, so that
    commands that run no flow (`belmon sql`) never load it.
    """
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    if PREFECT_API_URL.value():
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
