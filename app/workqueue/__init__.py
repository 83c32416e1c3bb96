"""The staff work queue: search, filters, paging and bulk actions over dossiers."""
