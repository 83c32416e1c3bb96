"""Printable legal forms (biểu mẫu) of the one-stop mechanism: dated form sets, the
process-control sheet, the tracking book and the paper conversion of electronic results."""
