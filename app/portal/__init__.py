"""The public service portal's logged-in side: online submission by citizens."""
