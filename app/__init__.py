"""Một Cửa — the provincial administrative-procedure settlement system."""
