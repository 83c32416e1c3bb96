"""Public monthly lists of agencies and officers with late dossiers (seeds 001, 002)."""
