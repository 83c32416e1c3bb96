"""Housekeeping: nightly database upkeep, purges of what nobody will use again, and checks
that every stored file still matches its SHA-256."""
