"""Delivering the outbox: pending and failed alerts go out through apprise, oldest first.

Alerts are written to the warehouse before any delivery is tried, and marked sent only after
apprise reports success, each in its own short transaction. A crash between apprise's success
and that mark is the one window in which an alert can be sent twice (at-least-once delivery);
everywhere else an alert is sent exactly once or is still pending.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from belmon.alerts.delivery import Channels, redact
from belmon.alerts.messages import Rendered
from belmon.settings import Settings
from warehouse import alerts as store
from warehouse import db


def channels_for(settings: Settings) -> Channels:
    urls = settings.apprise_urls.get_secret_value() if settings.apprise_urls else None
    return Channels.from_settings(settings.apprise_config, urls, settings.alert_throttle_seconds)


def retry_delay(attempts: int, base: float, cap: float) -> timedelta:
    """Exponential backoff with jitter: 1, 2, 4... times the base, capped."""
    seconds = min(cap, base * (2 ** max(attempts, 0)))
    return timedelta(seconds=seconds * (0.5 + random.random() / 2))


def _rendered(alert: dict[str, Any]) -> Rendered:
    return Rendered(title=alert["title"], markdown=alert["body"],
                    text=alert["body_text"] or alert["body"], html=alert["body_html"] or "")


def deliver_due(settings: Settings, channels: Channels) -> dict[str, int]:
    """Send every alert that is due; returns counts of sent, failed and left pending."""
    now = datetime.now()
    with db.writer(settings.db, settings.lock_timeout) as conn:
        due = store.due_alerts(conn, now)
    if channels.is_empty():
        return {"alerts_sent": 0, "alerts_failed": 0, "alerts_waiting_for_channels": len(due)}
    sent = failed = 0
    for alert in due:
        result = channels.send(_rendered(alert), list(alert["tags"]))
        with db.writer(settings.db, settings.lock_timeout) as conn:
            if result.ok:
                store.mark_sent(conn, alert["alert_id"], datetime.now())
                sent += 1
            else:
                delay = retry_delay(alert["attempts"], settings.alert_retry_base_seconds,
                                    settings.alert_retry_max_seconds)
                error = redact(result.error or "delivery failed")
                store.mark_failed(conn, alert["alert_id"], error, datetime.now() + delay)
                failed += 1
    return {"alerts_sent": sent, "alerts_failed": failed, "alerts_waiting_for_channels": 0}
