"""Compliance cost of administrative procedures (chi phí tuân thủ TTHC)."""
