"""Demo data for a fresh installation: Quảng Ngãi's units, the seeds' Kon Tum tree, agencies,
a catalogue of real-looking procedures, rule versions and one user per role."""
