"""Prefect settings for flows run in this process without a Prefect server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_server_heartbeats() -> Iterator[None]:
    """No flow-run heartbeats when no Prefect server is configured.

    Heartbeats let a long-lived server notice crashed runs. Without PREFECT_API_URL the
    API server is a temporary one that ends with this process, so nobody reads them, and
    Prefect 3.8 ends every flow run by joining the heartbeat thread, which notices the end
    only after its current 1-second sleep: up to a second more for each cycle (a cycle with
    nothing new takes 2-3 s). With a server configured, heartbeats stay on. Prefect is
    imported only when needed: commands such as `belmon sql` never load it.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
