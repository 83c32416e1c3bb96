"""The electronic archive: an archival file per closed dossier (PDF/A documents with the
metadata of Thông tư 02/2019/TT-BNV), hand-over packages as BagIt bags, retention rules,
disposal only by an approved list, holds, and fixity checks.

Closing a dossier (`workflow.service.perform`) records its file as pending and queues the
build (`service`); everything on disk goes through `storage`.
"""
