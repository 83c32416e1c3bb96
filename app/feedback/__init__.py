"""Feedback and petitions (phản ánh, kiến nghị) about procedures, agencies and dossiers."""
