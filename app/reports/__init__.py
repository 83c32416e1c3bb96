"""Reports: the monthly TTHC situation report (Nghị định 09/2019 cut-off), exported as XLSX
and PDF, stored and listed for download."""
