"""Accounts, roles, sessions and login."""
