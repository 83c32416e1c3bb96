"""The personal data warehouse (kho dữ liệu điện tử): each account's documents and results."""
