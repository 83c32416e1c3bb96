"""Printable documents: QR codes to the lookup and HTML rendered to PDF."""
