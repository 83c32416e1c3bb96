"""The national public-service portal (Cổng Dịch vụ công quốc gia, DVCQG): dossier sync
(indicator 1.4 and every index figure the portal computes from synced fields), dossiers
and feedback filed there, and the daily reconciliation of counts."""
