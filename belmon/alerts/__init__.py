"""Alerts: new figures and claims judged, written to the outbox, rendered and sent via apprise."""
