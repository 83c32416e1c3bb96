"""Online payment of a dossier's fees through one gateway interface (sandbox or real)."""
