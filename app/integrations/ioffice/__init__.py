"""The document-management system (iOffice): outgoing documents of dossiers get their
official number and date there, recorded back on the dossier."""
