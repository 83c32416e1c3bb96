"""Dossiers (hồ sơ): what applicants submit and agencies settle."""
