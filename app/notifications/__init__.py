"""Notifications: the outbox every message to applicants and contacts goes through.

Other areas call `app.notifications.api` only; delivery runs in the worker
(app.tasks.notifications) through one provider per channel (app.notifications.providers).
"""
