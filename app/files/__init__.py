"""Stored files: content-addressed on disk, described in the database."""
