"""Checking who a citizen says they are against the national population database."""
