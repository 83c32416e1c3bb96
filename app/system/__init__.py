"""System state: heartbeats of background processes."""
