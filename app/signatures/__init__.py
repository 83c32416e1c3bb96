"""Digital signatures (ký số): PAdES signing with server-held keys, validation of files
signed elsewhere, and who signs with which certificate."""
