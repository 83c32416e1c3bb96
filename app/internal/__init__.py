"""Internal procedures (TTHC nội bộ, seed 000): issuing and revoking staff accounts."""
