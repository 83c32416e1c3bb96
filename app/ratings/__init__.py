"""Satisfaction ratings of returned dossiers: web link, counter kiosk, figures."""
